#include "fuzz_input.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace sieve::fuzz {

std::string input_file(const std::uint8_t* data, std::size_t size, std::string_view suffix) {
  namespace fs = std::filesystem;
  static const fs::path folder =
      fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
  const std::string path =
      (folder / ("sieve_fuzz_" + std::to_string(::getpid()))).string() + std::string(suffix);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) {  // the harness, not the code under test, failed: say why (a descriptor leak shows as EMFILE)
    std::fprintf(stderr, "fuzz harness: cannot write %s: %s\n", path.c_str(), std::strerror(errno));
    std::abort();
  }
  return path;
}

}  // namespace sieve::fuzz
