#include "sieve/core/toml_ascii.h"

#include <algorithm>
#include <cstdio>

#include "sieve/core/error.h"
#include "sieve/core/utf8.h"

namespace sieve {
namespace {

enum class Place { kCode, kBasic, kMultiLineBasic, kMultiLineLiteral, kComment };

bool is_ascii(char c) { return static_cast<unsigned char>(c) < 0x80; }

class AsciiWriter {
 public:
  AsciiWriter(std::string_view text, const std::string& where) : text_(text), where_(where) {}

  std::string write() {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") i_ = 3;
    while (i_ < text_.size()) step();
    return std::move(out_);
  }

 private:
  [[noreturn]] void refuse(const char* what) const {
    throw Error(ErrorKind::kFormat, where_ + ":" + std::to_string(line_), what);
  }

  // Writes the non-ASCII character at i_ as an escape and moves past it.
  void escape_character() {
    bool invalid = false;
    const char32_t cp = utf8::decode(text_, i_, &invalid);
    if (invalid) refuse("bytes that are not UTF-8");
    char escape[12];
    std::snprintf(escape, sizeof escape, cp <= 0xFFFF ? "\\u%04X" : "\\U%08X", static_cast<unsigned>(cp));
    out_ += escape;
  }

  // The length of the run of quote characters q starting at i_.
  std::size_t quote_run(char q) const {
    std::size_t n = 0;
    while (i_ + n < text_.size() && text_[i_ + n] == q) ++n;
    return n;
  }

  void copy(std::size_t n) {
    out_.append(text_.substr(i_, n));
    i_ += n;
  }

  void step() {
    const char c = text_[i_];
    if (c == '\n') {
      ++line_;
      if (place_ == Place::kBasic || place_ == Place::kComment) place_ = Place::kCode;
      copy(1);
      return;
    }
    switch (place_) {
      case Place::kCode:
        return step_in_code(c);
      case Place::kBasic:
      case Place::kMultiLineBasic:
        return step_in_basic(c);
      case Place::kMultiLineLiteral:
        if (!is_ascii(c)) refuse("a non-ASCII character in a multi-line literal string (use a basic string)");
        if (c == '\'' && quote_run('\'') >= 3) return close_multi_line('\'');
        return copy(1);
      case Place::kComment:
        if (!is_ascii(c)) return escape_character();
        return copy(1);
    }
  }

  void step_in_code(char c) {
    if (!is_ascii(c)) {
      refuse("a non-ASCII character outside a quoted string or a comment (quote keys that need one)");
    }
    if ((c == '"' || c == '\'') && quote_run(c) >= 3) {
      place_ = c == '"' ? Place::kMultiLineBasic : Place::kMultiLineLiteral;
      return copy(3);
    }
    if (c == '"') place_ = Place::kBasic;
    if (c == '#') place_ = Place::kComment;
    if (c == '\'') return write_literal();
    copy(1);
  }

  void step_in_basic(char c) {
    if (!is_ascii(c)) return escape_character();
    if (c == '\\') {
      // An escape: the next character is part of it, unless it ends the line (which the next step counts).
      if (i_ + 1 < text_.size() && !is_ascii(text_[i_ + 1]))
        refuse("a backslash before a non-ASCII character");
      return copy(i_ + 1 < text_.size() && text_[i_ + 1] != '\n' ? 2 : 1);
    }
    if (c == '"' && place_ == Place::kMultiLineBasic && quote_run('"') >= 3) return close_multi_line('"');
    if (c == '"' && place_ == Place::kBasic) place_ = Place::kCode;
    copy(1);
  }

  // TOML lets one or two quotes of the content stand just inside the closing delimiter.
  void close_multi_line(char q) {
    place_ = Place::kCode;
    copy(quote_run(q));
  }

  // A one-line literal string: kept as it is when it is ASCII, else written as the basic string of the
  // same value. One left open is an error toml++ reports; its rest of the line is escaped like a comment.
  void write_literal() {
    const std::size_t end = text_.find_first_of("'\n", i_ + 1);
    if (end == std::string_view::npos || text_[end] == '\n') {
      place_ = Place::kComment;
      return copy(1);
    }
    const std::string_view value = text_.substr(i_ + 1, end - i_ - 1);
    if (std::all_of(value.begin(), value.end(), is_ascii)) return copy(end + 1 - i_);
    out_ += '"';
    for (++i_; i_ < end;) {
      const char c = text_[i_];
      if (!is_ascii(c)) {
        escape_character();
        continue;
      }
      if (c == '\\' || c == '"') out_ += '\\';
      copy(1);
    }
    out_ += '"';
    ++i_;
  }

  std::string_view text_;
  const std::string& where_;
  std::string out_;
  std::size_t i_ = 0;
  std::size_t line_ = 1;
  Place place_ = Place::kCode;
};

}  // namespace

std::string toml_as_ascii(std::string_view text, const std::string& where) {
  return AsciiWriter(text, where).write();
}

}  // namespace sieve
