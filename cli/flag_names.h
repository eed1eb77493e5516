#pragma once
// Settings structs name what is wrong by its key in a run configuration ("near_duplicates.threshold",
// "calibration_bins"): right for a TOML file, confusing for someone who typed a flag. A command checks
// its settings through validate_as_flags, and the error names the flag instead.

#include <initializer_list>
#include <utility>

#include "sieve/core/error.h"

namespace sieve::cli {

using FlagName = std::pair<const char*, const char*>;  // settings key → the command's flag

// Runs settings.validate(); a configuration error at one of the keys is thrown again at its flag.
template <typename Settings>
void validate_as_flags(const Settings& settings, std::initializer_list<FlagName> flags) {
  try {
    settings.validate();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kConfig) throw;
    for (const auto& [key, flag] : flags) {
      if (e.where() == key) throw Error(e.kind(), flag, e.message());
    }
    throw;
  }
}

}  // namespace sieve::cli
