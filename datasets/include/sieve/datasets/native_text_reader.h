#pragma once
// Unlabelled native text for the fluency model: one text a line, in plain text files or JSON lines (the
// `text` field, an optional `lang`), gzip or zstd compressed or not, read as a stream.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sieve/datasets/record_reader.h"

namespace sieve::datasets {

// One text of a NativeTextReader, valid until the next call to next().
struct NativeText {
  std::string_view text;
  std::string_view lang;
  std::string_view file;  // the file's name without its folders: "en.reddit.txt.zst"
  std::size_t line = 0;   // from 1
};

struct NativeTextStats {
  std::size_t files = 0;
  std::size_t texts = 0;     // delivered (blank lines are not texts)
  std::size_t rejected = 0;  // bad lines, each reported to the RejectHandler
};

// Reads every path in order. A folder gives its files, recursively, sorted by path, those whose names end in
// .txt or .jsonl (with .gz, .zst or .zstd after it) only, so that a README beside the data is not read; a
// file named explicitly is read whatever its name. A name with .jsonl is JSON lines, anything else plain
// text. The language of a text: its JSON `lang`, else the file name's leading "en.", "fr." or "zh.", else
// default_lang; a plain text file with none of them is refused, Error(kInvalidInput) naming it, when it is
// opened. A line of invalid UTF-8, broken JSON, without a string `text`, or over 16 MiB is reported as
// file:line and skipped.
class NativeTextReader {
 public:
  NativeTextReader(std::vector<std::string> paths, std::string default_lang,
                   RejectHandler on_reject = print_rejected_row);
  ~NativeTextReader();

  // The files the paths name, in reading order. Throws Error(kIo) for a path that does not exist.
  static std::vector<std::string> list_files(const std::vector<std::string>& paths);
  // The language a file's name gives ("en", "fr", "zh"), or "".
  static std::string lang_of_file(std::string_view path);

  bool next(NativeText& out);
  const NativeTextStats& stats() const { return stats_; }

 private:
  struct File;
  bool open_next_file();
  bool read_line(NativeText& out);

  std::vector<std::string> files_;
  std::size_t next_file_ = 0;
  std::string default_lang_;
  RejectHandler on_reject_;
  std::unique_ptr<File> file_;
  NativeTextStats stats_;
};

}  // namespace sieve::datasets
