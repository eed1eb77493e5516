#include "csv_parser.h"

namespace sieve::datasets::detail {
namespace {

constexpr std::size_t kChunk = 1u << 16;
constexpr int kEnd = -1;

}  // namespace

CsvParser::CsvParser(ByteSource& source, char delimiter, std::size_t max_record_bytes)
    : source_(source), delimiter_(delimiter), max_record_bytes_(max_record_bytes) {}

int CsvParser::peek() {
  if (pos_ == buffer_.size()) {
    buffer_.resize(kChunk);
    buffer_.resize(source_.read(buffer_.data(), kChunk));
    pos_ = 0;
    if (buffer_.empty()) return kEnd;
  }
  return static_cast<unsigned char>(buffer_[pos_]);
}

int CsvParser::get() {
  const int c = peek();
  if (c == kEnd) return c;
  ++pos_;
  after_newline_ = c == '\n';
  if (c == '\n') ++line_;
  return c;
}

void CsvParser::skip_rest_of_line() {
  for (int c = get(); c != kEnd && c != '\n'; c = get()) {
  }
}

void CsvParser::end_field() { ends_.push_back(storage_.size()); }

// After the opening quote: up to and including the closing one.
CsvParser::Quoted CsvParser::read_quoted() {
  for (;;) {
    const int c = get();
    if (c == kEnd) return source_.failure().empty() ? Quoted::kUnclosed : Quoted::kCut;
    if (c == '"') {
      if (peek() != '"') return Quoted::kClosed;
      get();  // "" is one quote
    }
    storage_.push_back(static_cast<char>(c));
    if (storage_.size() > max_record_bytes_) return Quoted::kTooLong;
  }
}

// Why a quoted field failed, said at the line of its opening quote.
std::string CsvParser::quote_error(Quoted how, std::size_t closed_on) {
  const std::string field = "the field opened by the quote on this line ";
  switch (how) {
    case Quoted::kUnclosed:
      return "unclosed quote: " + field + "runs to the end of the file";
    case Quoted::kTooLong:
      return "unclosed quote? " + field + "is longer than " + std::to_string(max_record_bytes_) + " bytes";
    default:
      if (closed_on == quote_line_) return "unexpected character after a closing quote";
      return "unclosed quote? " + field + "only closes on line " + std::to_string(closed_on) +
             ", where another character follows the closing quote";
  }
}

// The fields of one record into storage_ and ends_. False for a malformed record (error says why,
// fault_line where) and for one the source failed inside (cut_).
bool CsvParser::read_record(std::string& error, std::size_t& fault_line) {
  for (;;) {
    int c = peek();
    if (c == '"') {
      quote_line_ = line_;
      get();
      const Quoted how = read_quoted();
      cut_ = how == Quoted::kCut;
      c = peek();
      const bool stray = how == Quoted::kClosed && c != delimiter_ && c != '\n' && c != '\r' && c != kEnd;
      if (cut_ || how != Quoted::kClosed || stray) {
        fault_line = quote_line_;
        if (!cut_) error = quote_error(how, line_);
        return false;
      }
    } else {
      const std::size_t field_begin = storage_.size();
      while (c != delimiter_ && c != '\n' && c != kEnd) {
        storage_.push_back(static_cast<char>(get()));
        if (storage_.size() > max_record_bytes_) {
          error = "record longer than " + std::to_string(max_record_bytes_) + " bytes";
          return false;
        }
        c = peek();
      }
      if (storage_.size() > field_begin && storage_.back() == '\r' && c != delimiter_) storage_.pop_back();
    }
    end_field();
    c = get();
    if (c == '\r' && peek() == '\n') c = get();
    cut_ = c == kEnd && !source_.failure().empty();
    if (cut_) return false;
    if (c != delimiter_) return true;
  }
}

bool CsvParser::next(std::vector<std::string_view>& fields, std::size_t& line, std::string& error) {
  error.clear();
  for (;;) {
    storage_.clear();
    ends_.clear();
    cut_ = false;
    lines_ = 0;
    line = line_;
    if (peek() == kEnd) return false;
    const std::size_t first = line_;
    std::size_t fault_line = first;
    const bool complete = read_record(error, fault_line);
    if (cut_) return false;  // an incomplete record is no record: the reader reports the failure here
    if (!complete) skip_rest_of_line();
    const std::size_t last = after_newline_ ? line_ - 1 : line_;
    lines_ = last - first + 1;
    if (!complete) {
      line = fault_line;
      if (last > fault_line) {
        error += "; it swallowed " + std::to_string(last - fault_line + 1) + " lines (" +
                 std::to_string(fault_line) + " to " + std::to_string(last) + ")";
      }
      return true;
    }
    if (ends_.size() == 1 && ends_[0] == 0) continue;  // a blank line
    fields.clear();
    std::size_t begin = 0;
    for (const std::size_t end : ends_) {
      fields.emplace_back(storage_.data() + begin, end - begin);
      begin = end;
    }
    return true;
  }
}

}  // namespace sieve::datasets::detail
