#include "file_text.h"

#include <fstream>
#include <iterator>

namespace sieve::testing {

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return in ? std::string(std::istreambuf_iterator<char>(in), {}) : std::string();
}

}  // namespace sieve::testing
