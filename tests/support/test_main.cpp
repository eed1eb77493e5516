// The main of every test executable: GoogleTest's, run inside a temporary folder of this process's own.
// ctest runs test cases side by side, each in a process of its own, and many tests write to fixed names
// under the temporary folder; TMPDIR points them (and the sieve processes they start) at this process's
// folder, which is removed at the end.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("sieve_tests_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  ::setenv("TMPDIR", dir.c_str(), 1);
  ::testing::InitGoogleTest(&argc, argv);
  const int status = RUN_ALL_TESTS();
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return status;
}
