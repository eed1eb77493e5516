#pragma once
// Private to datasets/: RFC 4180 records from a ByteSource: quoted fields with "" escapes and embedded
// newlines, LF or CRLF line ends (the ByteSource drops a byte order mark). TSV uses the same rules with a
// tab.

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
  // skipped. A malformed record sets error and line to where the fault is (for a quote left open, the line
  // of that quote: everything after it up to a quote that closed it, or to the end, went into one field),
  // and the parser resumes at the next line. Returns false at the end of the input, and when the source
  // failed inside a record (ByteSource::failure()): that record is incomplete, and line is where it starts.
  bool next(std::vector<std::string_view>& fields, std::size_t& line, std::string& error);

  // Lines of the input the last record returned took, its first to its last: 1 for most, more for a
  // quoted field over several lines, and for a malformed record every line it swallowed.
  std::size_t lines() const { return lines_; }

 private:
  enum class Quoted { kClosed, kUnclosed, kTooLong, kCut };

  int get();
  int peek();
  void skip_rest_of_line();
  Quoted read_quoted();
  bool read_record(std::string& error, std::size_t& fault_line);
  std::string quote_error(Quoted how, std::size_t closed_on);
  void end_field();

  ByteSource& source_;
  char delimiter_;
  std::size_t max_record_bytes_;
  std::string buffer_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  bool after_newline_ = true;   // the last byte read was "\n" (or nothing was read)
  std::size_t quote_line_ = 0;  // the line of the last opening quote
  std::size_t lines_ = 0;
  bool cut_ = false;     // the source failed inside the current record
  std::string storage_;  // the current record's field bytes, back to back
  std::vector<std::size_t> ends_;
};

}  // namespace sieve::datasets::detail
