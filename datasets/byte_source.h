#pragma once
// Private to datasets/: the text of an input file, with gzip and zstd decompressed on the fly and a UTF-8
// byte order mark at its start dropped, so that every format reads the same text. The kind is recognised
// by the file's first bytes, so a compressed dump named .jsonl still reads; a file named .gz or .zst whose
// first bytes say otherwise is refused rather than read as text.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace sieve::datasets::detail {

bool ends_with(std::string_view name, std::string_view suffix);
// The file name without the compression suffix it may end with (.gz, .zst, .zstd): what it holds is told
// by what is left ("posts.jsonl.gz" → "posts.jsonl").
std::string_view uncompressed_name(std::string_view name);

class ByteSource {
 public:
  // "-" is standard input. Throws Error(kIo) when the file cannot be opened, Error(kFormat) when its name
  // ends in .gz, .zst or .zstd and its first bytes are not that compression's magic number.
  explicit ByteSource(const std::string& path);
  ~ByteSource();  // where Decoder is complete

  // Fills up to size bytes and returns how many; 0 at the end of the data. A truncated or corrupt
  // compressed stream ends the data where it stops making sense, after every byte decoded before it, and
  // failure() then says why: the readers deliver the complete rows first, then report the rest. Throws
  // Error(kIo) for a read error.
  std::size_t read(char* buffer, std::size_t size);

  // Why the data ended early ("the gzip stream is truncated: ..."); "" when it ended where the file does.
  const std::string& failure() const { return failure_; }

  const std::string& path() const { return path_; }

 private:
  std::size_t read_decoded(char* buffer, std::size_t size);
  std::size_t read_plain(char* buffer, std::size_t size);
  void skip_byte_order_mark();

  struct Decoder;
  struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  std::string path_;
  // Owned by a member, not closed in the destructor: a constructor that throws (a misnamed file) must not
  // leak the descriptor, and a long-running reader of untrusted files would run out of them.
  std::unique_ptr<std::FILE, FileCloser> owned_file_;
  std::FILE* file_ = nullptr;  // owned_file_, or stdin
  std::unique_ptr<Decoder> decoder_;
  std::string failure_;
  std::string head_;  // decoded bytes read ahead to look for the byte order mark, served first
  std::size_t head_pos_ = 0;
  bool at_start_ = true;
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
