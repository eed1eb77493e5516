#include "file_io.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "sieve/core/error.h"

namespace sieve::cli {
namespace {

constexpr std::size_t kFlushBytes = 1u << 16;

}  // namespace

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kIo, path, "cannot open");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw Error(ErrorKind::kIo, path, "read error");
  return bytes.str();
}

StdoutBuffer::~StdoutBuffer() {
  // Commands call flush() themselves so that a write error is reported; this is the fallback when a
  // command leaves through an exception, where a second error must not escape a destructor.
  try {
    flush();
  } catch (const Error&) {
  }
}

void StdoutBuffer::maybe_flush() {
  if (buffer_.size() >= kFlushBytes) flush();
}

void StdoutBuffer::flush() {
  if (buffer_.empty()) return;
  const std::size_t size = buffer_.size();
  const std::size_t written = std::fwrite(buffer_.data(), 1, size, stdout);
  buffer_.clear();
  if (written != size || std::fflush(stdout) != 0) throw Error(ErrorKind::kIo, "<stdout>", "write error");
}

}  // namespace sieve::cli
