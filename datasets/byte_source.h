#pragma once
// Private to datasets/: the bytes of an input file, with gzip and zstd decompressed on the fly. The kind
// is recognised by the file's first bytes, not its name, so a mis-named dump still reads.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace sieve::datasets::detail {

class ByteSource {
 public:
  // "-" is standard input. Throws Error(kIo) when the file cannot be opened.
  explicit ByteSource(const std::string& path);
  ~ByteSource();

  // Fills up to size bytes and returns how many; 0 only at the end of the data. Throws Error(kFormat)
  // for a corrupt or truncated compressed stream and Error(kIo) for a read error.
  std::size_t read(char* buffer, std::size_t size);

  const std::string& path() const { return path_; }

 private:
  struct Decoder;
  std::string path_;
  std::FILE* file_ = nullptr;
  bool owns_file_ = false;
  std::unique_ptr<Decoder> decoder_;  // null for plain bytes
};

// Lines of a ByteSource, each without its "\n" (and "\r\n"), numbered from 1.
class LineReader {
 public:
  explicit LineReader(ByteSource& source) : source_(source) {}

  // The next line, valid until the next call; false at the end. A line longer than max_bytes is skipped
  // whole and reported through too_long (its length), so one runaway line cannot exhaust memory.
  bool next(std::string_view& line, std::size_t max_bytes, std::size_t* too_long);
  std::size_t line_number() const { return line_number_; }

 private:
  bool fill();

  ByteSource& source_;
  std::string buffer_;
  std::size_t begin_ = 0;
  std::size_t line_number_ = 0;
  bool eof_ = false;
};

}  // namespace sieve::datasets::detail
