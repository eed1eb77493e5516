#include "spelled_letters.h"

#include <array>
#include <string_view>

#include "char_table.h"

namespace sieve::tokenizer::detail {
namespace {

// The separators other than white space.
constexpr std::u32string_view kMarks = U".-_*|/+~\u00B7\u2022";

bool is_mark(char32_t c) { return kMarks.find(c) != std::u32string_view::npos; }

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

  // Whether a run may start at i: a separator follows a single letter. Tested at every character, so the
  // cheap test on the next character comes first.
  bool may_start_run(std::size_t i) const {
    return i + 2 < text_.size() && (is_space(text_[i + 1]) || is_mark(text_[i + 1])) && is_single_letter(i);
  }

  // The end of the separator at i, or i when there is none; `space` says which kind it is.
  std::size_t separator_end(std::size_t i, bool& space) const {
    if (i >= text_.size()) return i;
    space = is_space(text_[i]);
    if (!space) return is_mark(text_[i]) ? i + 1 : i;
    while (i < text_.size() && is_space(text_[i])) ++i;
    return i;
  }

  // The positions of the single letters of the run that starts at i, each separated from the next by the
  // same kind of separator (white space, or the same mark). Fewer than two when no run starts there.
  void letters_from(std::size_t i, std::vector<std::size_t>& letters) const {
    letters.clear();
    if (!may_start_run(i)) return;
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

// How many pairs of single letters have one separator between them: a run of kMinSpelledLetters has one
// fewer. A tight loop with a table for ASCII, since it runs over every post and most have no such pair.
int spelled_letter_pairs(const CharTable& table, const std::u32string& text) {
  static constexpr auto kAsciiSeparators = [] {
    std::array<bool, 128> is{};
    for (const char c : std::string_view(" \t\n\v\f\r")) is[static_cast<unsigned char>(c)] = true;
    for (const char32_t c : kMarks) {
      if (c < 0x80) is[c] = true;
    }
    return is;
  }();
  auto is_alnum = [&](char32_t c) { return (table.flags(c) & (kLetter | kDigit)) != 0; };
  auto is_letter = [&](char32_t c) { return (table.flags(c) & (kLatin | kHomoglyph)) != 0; };
  const char32_t* const d = text.data();
  const std::size_t n = text.size();
  int pairs = 0;
  for (std::size_t j = 1; j + 1 < n; ++j) {
    const char32_t c = d[j];
    const bool separator = c < 0x80 ? kAsciiSeparators[c] : ((table.flags(c) & kSpace) || is_mark(c));
    if (!separator || !is_letter(d[j - 1]) || (j >= 2 && is_alnum(d[j - 2]))) continue;
    std::size_t next = j + 1;
    while (next < n && (table.flags(d[next]) & kSpace)) ++next;  // white space counts as one separator
    if (next < n && is_letter(d[next]) && (next + 1 == n || !is_alnum(d[next + 1]))) ++pairs;
  }
  return pairs;
}

}  // namespace

void join_spelled_letters(const CharTable& table, std::u32string& text) {
  if (spelled_letter_pairs(table, text) < kMinSpelledLetters - 1) return;
  const SpelledRuns runs(table, text);
  thread_local std::vector<std::size_t> letters;
  auto run_at = [&](std::size_t i) {
    runs.letters_from(i, letters);  // tests may_start_run first, the cheap test
    return letters.size() >= static_cast<std::size_t>(kMinSpelledLetters);
  };
  // Read only, up to the first run: most posts have none and are left untouched.
  std::size_t i = 0;
  while (i < text.size() && !run_at(i)) ++i;
  std::size_t out = i;
  while (i < text.size()) {
    if (!run_at(i)) {
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
