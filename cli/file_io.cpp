#include "file_io.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "sieve/core/error.h"

namespace sieve::cli {
namespace {

constexpr std::size_t kFlushBytes = 1u << 16;

}  // namespace

OutputSink::OutputSink(const std::string& path) : name_(path == "-" ? "<stdout>" : path) {
  if (path == "-") {
    file_ = stdout;
    return;
  }
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_)
    throw Error(ErrorKind::kIo, path, std::string("cannot open for writing: ") + std::strerror(errno));
  owns_file_ = true;
}

OutputSink::~OutputSink() {
  if (!file_) return;
  std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
  if (owns_file_) std::fclose(file_);
}

void OutputSink::maybe_flush() {
  if (buffer_.size() >= kFlushBytes) write_buffer();
}

void OutputSink::write_buffer() {
  const std::size_t size = buffer_.size();
  const std::size_t written = size ? std::fwrite(buffer_.data(), 1, size, file_) : 0;
  buffer_.clear();
  if (written != size)
    throw Error(ErrorKind::kIo, name_, std::string("write error: ") + std::strerror(errno));
}

void OutputSink::close() {
  write_buffer();
  const bool failed = owns_file_ ? std::fclose(file_) != 0 : std::fflush(file_) != 0;
  file_ = nullptr;
  if (failed) throw Error(ErrorKind::kIo, name_, std::string("write error: ") + std::strerror(errno));
}

}  // namespace sieve::cli
