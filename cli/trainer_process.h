#pragma once
// The sieve-train executable installed beside sieve: LibTorch lives there, never in this process (it
// cannot share one with SentencePiece), so commands that train start it.

#include <string>
#include <vector>

namespace sieve::cli {

// The path of sieve-train beside this executable. Throws Error(kConfig) when this sieve was built without
// training.
std::string trainer_path();

// argv for execv: "sieve-train", args..., nullptr (pointers into args, which must outlive the result).
std::vector<char*> trainer_argv(const std::vector<std::string>& args);

// Runs sieve-train with args, its output (stdout and stderr) appended to log_path, and waits for it.
// Returns its exit code (1 when a signal ended it). Throws Error(kIo) when it cannot be started.
int run_trainer_logged(const std::vector<std::string>& args, const std::string& log_path);

}  // namespace sieve::cli
