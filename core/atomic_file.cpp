#include "sieve/core/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sieve/core/error.h"

namespace sieve {

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), temporary_(path_ + ".partial") {
  file_ = std::fopen(temporary_.c_str(), "wb");
  if (!file_) fail("cannot open for writing", errno);
}

AtomicFile::~AtomicFile() {
  if (!file_) return;
  std::fclose(file_);
  std::remove(temporary_.c_str());
}

void AtomicFile::write(const void* data, std::size_t size) {
  if (size > 0 && std::fwrite(data, 1, size, file_) != size) fail("cannot write " + temporary_, errno);
}

void AtomicFile::commit() {
  int error = 0;
  if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0) error = errno;
  if (std::fclose(file_) != 0 && error == 0) error = errno;
  file_ = nullptr;
  const char* what = "cannot write ";
  if (error == 0) {
    if (std::rename(temporary_.c_str(), path_.c_str()) == 0) return;
    error = errno;
    what = "cannot rename ";
  }
  std::remove(temporary_.c_str());
  fail(what + temporary_, error);
}

void AtomicFile::fail(const std::string& what, int error) const {
  throw Error(ErrorKind::kIo, path_, what + ": " + std::strerror(error));
}

void write_file_atomically(const std::string& path, std::string_view text) {
  AtomicFile file(path);
  file.write(text);
  file.commit();
}

}  // namespace sieve
