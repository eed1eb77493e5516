#include "sieve/core/file_bytes.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "sieve/core/error.h"

namespace sieve {

std::string read_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const std::string reason = std::strerror(errno);
    throw Error(
        ErrorKind::kIo, path,
        "cannot open" + (what.empty() ? std::string() : " (" + std::string(what) + ")") + ": " + reason);
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw Error(ErrorKind::kIo, path, "read error");
  return bytes.str();
}

}  // namespace sieve
