#pragma once
// Whole-file reads and buffered standard output for the commands.

#include <cstdio>
#include <string>
#include <string_view>

#include "sieve/core/file_bytes.h"  // read_file

namespace sieve::cli {

// Collects output and writes it in large blocks (one write per line is slow on pipes) to a file, or to
// standard output for "-".
class OutputSink {
 public:
  // Throws Error(kIo) when the file cannot be created.
  explicit OutputSink(const std::string& path = "-");
  // Writes what is left if close() was not reached (a command leaving through an exception); a write
  // error there is not reported, so commands call close().
  ~OutputSink();
  OutputSink(const OutputSink&) = delete;
  OutputSink& operator=(const OutputSink&) = delete;

  std::string& text() { return buffer_; }
  // Writes the buffer out when it is large; call after each record.
  void maybe_flush();
  // Writes the rest and closes a file. Throws Error(kIo) naming the output on any write error.
  void close();

 private:
  void write_buffer();

  std::string name_;
  std::FILE* file_ = nullptr;
  bool owns_file_ = false;
  std::string buffer_;
};

}  // namespace sieve::cli
