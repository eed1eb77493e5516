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
    if (at_start_ && buffer_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;  // the byte order mark
    at_start_ = false;
    if (pos_ == buffer_.size()) return peek();
  }
  return static_cast<unsigned char>(buffer_[pos_]);
}

int CsvParser::get() {
  const int c = peek();
  if (c != kEnd) ++pos_;
  if (c == '\n') ++line_;
  return c;
}

void CsvParser::skip_rest_of_line() {
  for (int c = get(); c != kEnd && c != '\n'; c = get()) {
  }
}

void CsvParser::end_field() { ends_.push_back(storage_.size()); }

// After the opening quote: up to and including the closing one.
bool CsvParser::read_quoted(std::string& error) {
  for (;;) {
    const int c = get();
    if (c == kEnd) {
      error = "unclosed quote at the end of the file";
      return false;
    }
    if (c == '"') {
      if (peek() != '"') return true;
      get();  // "" is one quote
    }
    storage_.push_back(static_cast<char>(c));
    if (storage_.size() > max_record_bytes_) {
      error = "record longer than " + std::to_string(max_record_bytes_) + " bytes (an unclosed quote?)";
      return false;
    }
  }
}

bool CsvParser::next(std::vector<std::string_view>& fields, std::size_t& line, std::string& error) {
  error.clear();
  for (;;) {
    storage_.clear();
    ends_.clear();
    line = line_;
    if (peek() == kEnd) return false;
    bool malformed = false;
    for (bool record_done = false; !record_done;) {
      int c = peek();
      if (c == '"') {
        get();
        if (!read_quoted(error)) {
          malformed = true;
          break;
        }
        c = peek();
        if (c != delimiter_ && c != '\n' && c != '\r' && c != kEnd) {
          error = "unexpected character after a closing quote";
          malformed = true;
          break;
        }
      } else {
        const std::size_t field_begin = storage_.size();
        while (c != delimiter_ && c != '\n' && c != kEnd) {
          storage_.push_back(static_cast<char>(get()));
          if (storage_.size() > max_record_bytes_) {
            error = "record longer than " + std::to_string(max_record_bytes_) + " bytes";
            malformed = true;
            break;
          }
          c = peek();
        }
        if (malformed) break;
        if (storage_.size() > field_begin && storage_.back() == '\r' && c != delimiter_) storage_.pop_back();
      }
      end_field();
      c = get();
      if (c == '\r' && peek() == '\n') c = get();
      record_done = c != delimiter_;
    }
    if (malformed) {
      skip_rest_of_line();
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
