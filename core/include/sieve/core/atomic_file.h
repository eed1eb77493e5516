#pragma once
// Writing a file so that its name only ever holds a complete file: the bytes go to "<path>.partial",
// flushed to disk and renamed over path when complete. A run that fails part way (an exception, a bad
// input found late) leaves the previous file, if any, as it was.

#include <cstdio>
#include <string>
#include <string_view>

namespace sieve {

class AtomicFile {
 public:
  // Creates "<path>.partial". Throws Error(kIo, path, "cannot open for writing: <reason>").
  explicit AtomicFile(std::string path);
  // Removes the partial file unless commit() was reached.
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const std::string& path() const { return path_; }
  // Throws Error(kIo, path, "cannot write ...") on a short write.
  void write(const void* data, std::size_t size);
  void write(std::string_view text) { write(text.data(), text.size()); }
  // Flushes to disk, closes and renames over path: a crash cannot leave a complete name over incomplete
  // bytes. Throws Error(kIo, path, ...) and removes the partial file when any step fails.
  void commit();

 private:
  [[noreturn]] void fail(const std::string& what, int error) const;

  std::string path_;
  std::string temporary_;
  std::FILE* file_ = nullptr;
};

// The whole of text written to path as AtomicFile writes it.
void write_file_atomically(const std::string& path, std::string_view text);

}  // namespace sieve
