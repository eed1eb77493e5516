#include "file_io.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "sieve/core/error.h"

namespace sieve::cli {
namespace {

constexpr std::size_t kFlushBytes = 1u << 16;

// True for a path that exists and is not a regular file: written in place, never renamed over.
bool is_special_file(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode);
}

}  // namespace

OutputSink::OutputSink(const std::string& path) : name_(path == "-" ? "<stdout>" : path) {
  if (path == "-") {
    stream_ = stdout;
    return;
  }
  if (!is_special_file(path)) {
    atomic_ = std::make_unique<AtomicFile>(path);
    return;
  }
  stream_ = std::fopen(path.c_str(), "wb");
  if (!stream_)
    throw Error(ErrorKind::kIo, path, std::string("cannot open for writing: ") + std::strerror(errno));
  owns_stream_ = true;
}

OutputSink::~OutputSink() {
  if (!stream_) return;  // an abandoned AtomicFile removes its partial copy
  std::fwrite(buffer_.data(), 1, buffer_.size(), stream_);
  if (owns_stream_) std::fclose(stream_);
}

void OutputSink::maybe_flush() {
  if (buffer_.size() >= kFlushBytes) write_buffer();
}

void OutputSink::write_buffer() {
  if (atomic_) {
    atomic_->write(buffer_);
    buffer_.clear();
    return;
  }
  const std::size_t size = buffer_.size();
  const std::size_t written = size ? std::fwrite(buffer_.data(), 1, size, stream_) : 0;
  buffer_.clear();
  if (written != size)
    throw Error(ErrorKind::kIo, name_, std::string("write error: ") + std::strerror(errno));
}

void OutputSink::close() {
  write_buffer();
  if (atomic_) {
    atomic_->commit();
    atomic_.reset();
    return;
  }
  const bool failed = owns_stream_ ? std::fclose(stream_) != 0 : std::fflush(stream_) != 0;
  stream_ = nullptr;
  if (failed) throw Error(ErrorKind::kIo, name_, std::string("write error: ") + std::strerror(errno));
}

}  // namespace sieve::cli
