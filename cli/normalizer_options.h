#pragma once
// The command-line switches of the normalizer, shared by every command that reads raw posts.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "sieve/tokenizer/normalizer.h"

namespace sieve::cli {

struct NormalizerOptions {
  std::string settings_path;          // a JSON file of NormalizerSettings; defaults when empty
  std::vector<std::string> disabled;  // steps to switch off, by name
  int max_char_run = -1;              // -1 keeps the setting's value
};

void add_normalizer_options(CLI::App& command, NormalizerOptions& options);

// Throws Error(kIo/kFormat/kConfig) naming the file or the step that is wrong.
tokenizer::NormalizerSettings resolve(const NormalizerOptions& options);

}  // namespace sieve::cli
