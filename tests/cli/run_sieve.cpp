#include "run_sieve.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "file_text.h"

namespace sieve::testing {
namespace {

// This process's folder under the temporary directory, removed when the process ends: two test runs at
// once (a developer's and an editor's, say) never share a folder, and a run leaves no trained models behind.
const std::filesystem::path& process_root() {
  struct Root {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("sieve_cli_test_" + std::to_string(::getpid()));
    ~Root() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  };
  static const Root root;
  return root.path;
}

}  // namespace

std::string trainer_path() { return std::filesystem::path(SIEVE_BINARY).parent_path() / "sieve-train"; }

bool trainer_built() { return access(trainer_path().c_str(), X_OK) == 0; }

std::string scratch_dir(const std::string& name) {
  const auto dir = process_root() / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

RunResult run_sieve(const std::string& args, const std::string& stdin_text) {
  const std::string dir = scratch_dir("run");
  std::ofstream(dir + "/in", std::ios::binary) << stdin_text;
  const std::string command =
      std::string(SIEVE_BINARY) + " " + args + " < " + dir + "/in > " + dir + "/out 2> " + dir + "/err";
  const int status = std::system(command.c_str());
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = file_text(dir + "/out");
  result.err = file_text(dir + "/err");
  return result;
}

}  // namespace sieve::testing
