#pragma once
// Runs the sieve executable as a user would, with standard input from a string.

#include <string>

#include "file_text.h"

namespace sieve::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// args is appended to the binary path as is (shell words); stdin_text is fed on standard input.
RunResult run_sieve(const std::string& args, const std::string& stdin_text = "");

// A fresh scratch directory for one test.
std::string scratch_dir(const std::string& name);

// The sieve-train executable beside the sieve binary, which `sieve train` runs, and whether it is there: a
// build without training (SIEVE_WITH_TRAINING=OFF, the sanitizer build) has none.
std::string trainer_path();
bool trainer_built();

}  // namespace sieve::testing
