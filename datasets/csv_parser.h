#pragma once
// Private to datasets/: RFC 4180 records from a ByteSource: quoted fields with "" escapes and embedded
// newlines, LF or CRLF line ends, a UTF-8 byte order mark at the start. TSV uses the same rules with a tab.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "byte_source.h"

namespace sieve::datasets::detail {

class CsvParser {
 public:
  CsvParser(ByteSource& source, char delimiter, std::size_t max_record_bytes);

  // The next record: its fields (valid until the next call) and the line it starts on. Blank lines are
  // skipped. A malformed record sets error, keeps its start line, and the parser resumes at the next line.
  // Returns false at the end of the input.
  bool next(std::vector<std::string_view>& fields, std::size_t& line, std::string& error);

 private:
  int get();
  int peek();
  void skip_rest_of_line();
  bool read_quoted(std::string& error);
  void end_field();

  ByteSource& source_;
  char delimiter_;
  std::size_t max_record_bytes_;
  std::string buffer_;
  std::size_t pos_ = 0;
  bool at_start_ = true;
  std::size_t line_ = 1;
  std::string storage_;  // the current record's field bytes, back to back
  std::vector<std::size_t> ends_;
};

}  // namespace sieve::datasets::detail
