#pragma once
// Whole-file reads and buffered standard output for the commands.

#include <string>
#include <string_view>

namespace sieve::cli {

// Throws Error(kIo) naming the file.
std::string read_file(const std::string& path);

// Collects output and writes it to stdout in large blocks (one write per line is slow on pipes).
class StdoutBuffer {
 public:
  ~StdoutBuffer();
  std::string& text() { return buffer_; }
  // Writes the buffer out when it is large; call after each record.
  void maybe_flush();
  void flush();

 private:
  std::string buffer_;
};

}  // namespace sieve::cli
