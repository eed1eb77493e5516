#pragma once
// Whole-file reads and buffered output for the commands.

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "sieve/core/atomic_file.h"
#include "sieve/core/file_bytes.h"  // read_file

namespace sieve::cli {

// Collects output and writes it in large blocks (one write per line is slow on pipes) to a file, or to
// standard output for "-". A file is written as AtomicFile writes it: the name holds the previous file
// until close() renames the complete new one over it, so a command that fails (a missing input, a bad
// row with --on-error fail) never leaves a truncated or half-written output. A path that is not a
// regular file (/dev/null, a named pipe) is written in place.
class OutputSink {
 public:
  // Throws Error(kIo) when the file cannot be created.
  explicit OutputSink(const std::string& path = "-");
  // Without close(): standard output gets what is left, a file is abandoned (its partial copy removed).
  ~OutputSink();
  OutputSink(const OutputSink&) = delete;
  OutputSink& operator=(const OutputSink&) = delete;

  std::string& text() { return buffer_; }
  // Writes the buffer out when it is large; call after each record.
  void maybe_flush();
  // Writes the rest and closes (renames) a file. Throws Error(kIo) naming the output on any write error.
  void close();

 private:
  void write_buffer();

  std::string name_;
  std::unique_ptr<AtomicFile> atomic_;  // a regular file
  std::FILE* stream_ = nullptr;         // standard output or a device, pipe
  bool owns_stream_ = false;
  std::string buffer_;
};

}  // namespace sieve::cli
