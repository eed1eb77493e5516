#include "spelled_letters.h"

#include <string_view>

#include "char_table.h"

namespace sieve::tokenizer::detail {
namespace {

// Finds the runs of spelled-out letters. A separator is a run of white space (any mix, so "p \n r" and
// "p r" are the same run, as they are after white space is collapsed) or one of the marks.
class SpelledRuns {
 public:
  SpelledRuns(const CharTable& table, const std::u32string& text) : table_(table), text_(text) {}

  // A letter that stands alone: no letter or digit touches it on either side.
  bool is_single_letter(std::size_t i) const {
    if (!(table_.flags(text_[i]) & (kLatin | kHomoglyph))) return false;
    return (i == 0 || !is_alnum(text_[i - 1])) && (i + 1 == text_.size() || !is_alnum(text_[i + 1]));
  }

  // The end of the separator at i, or i when there is none; `space` says which kind it is.
  std::size_t separator_end(std::size_t i, bool& space) const {
    static constexpr std::u32string_view kMarks = U".-_*|/+~\u00B7\u2022";
    if (i >= text_.size()) return i;
    space = is_space(text_[i]);
    if (!space) return kMarks.find(text_[i]) != std::u32string_view::npos ? i + 1 : i;
    while (i < text_.size() && is_space(text_[i])) ++i;
    return i;
  }

  // The positions of the single letters of the run that starts at i, each separated from the next by the
  // same kind of separator (white space, or the same mark). Fewer than two when no run starts there.
  void letters_from(std::size_t i, std::vector<std::size_t>& letters) const {
    letters.clear();
    if (!is_single_letter(i)) return;
    letters.push_back(i);
    bool first_space = false;
    const std::size_t first_end = separator_end(i + 1, first_space);
    if (first_end == i + 1) return;
    const char32_t mark = text_[i + 1];
    for (std::size_t next = first_end; next < text_.size() && is_single_letter(next);) {
      letters.push_back(next);
      bool space = false;
      const std::size_t end = separator_end(next + 1, space);
      if (end == next + 1 || space != first_space || (!space && text_[next + 1] != mark)) break;
      next = end;
    }
  }

 private:
  bool is_alnum(char32_t c) const { return table_.flags(c) & (kLetter | kDigit); }
  bool is_space(char32_t c) const { return table_.flags(c) & kSpace; }

  const CharTable& table_;
  const std::u32string& text_;
};

}  // namespace

void join_spelled_letters(const CharTable& table, std::u32string& text) {
  const SpelledRuns runs(table, text);
  thread_local std::vector<std::size_t> letters;
  std::size_t out = 0;
  for (std::size_t i = 0; i < text.size();) {
    runs.letters_from(i, letters);
    if (letters.size() < static_cast<std::size_t>(kMinSpelledLetters)) {
      text[out++] = text[i++];
      continue;
    }
    // Rewriting in place is safe: out never passes i, and the run test reads only text[i - 1] onwards,
    // which is either untouched or was rewritten with its own value.
    for (const std::size_t at : letters) text[out++] = text[at];
    i = letters.back() + 1;
  }
  text.resize(out);
}

}  // namespace sieve::tokenizer::detail
