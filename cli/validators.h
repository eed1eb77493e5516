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

}  // namespace sieve::cli
