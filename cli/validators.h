#pragma once
// Checks of option values that CLI11 would otherwise let through: it converts "-1" to a huge unsigned.

#include <CLI/CLI.hpp>
#include <string>

namespace sieve::cli {

inline const CLI::Validator kNotNegative(
    [](std::string& value) {
      return !value.empty() && value[0] == '-' ? "must not be negative, got " + value : std::string();
    },
    "NOT NEGATIVE", "not negative");

// A count that must be at least 1 (CLI::PositiveNumber would answer 0 with the range of a double).
inline const CLI::Validator kAtLeastOne(
    [](std::string& value) {
      const bool whole = !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
      return whole && value.find_first_not_of('0') != std::string::npos
                 ? std::string()
                 : "must be a whole number of at least 1, got " + value;
    },
    "AT LEAST 1", "at least one");

}  // namespace sieve::cli
