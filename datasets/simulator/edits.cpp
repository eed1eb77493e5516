// The campaign simulator's text edits: rewrites, paraphrase noise, casing, French contractions, disguises.

#include "edits.h"

#include <algorithm>
#include <array>

#include "sieve/core/utf8.h"

namespace sieve::datasets::simulator_engine {

// ---------------------------------------------------------------------------------------------------------
// Text surgery. English and French are edited by whole words; Chinese, which has no spaces, by substrings.
// Edits never split a UTF-8 sequence.

namespace {

bool is_word_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || c == '-';
}
bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

bool matches_at(std::string_view s, std::size_t pos, std::string_view word, bool whole_words) {
  if (s.compare(pos, word.size(), word) != 0) return false;
  if (!whole_words) return true;
  const std::size_t end = pos + word.size();
  return (pos == 0 || !is_word_byte(s[pos - 1])) && (end == s.size() || !is_word_byte(s[end]));
}

}  // namespace

int rewrite(std::string& s, const std::vector<Rewrite>& rules, bool whole_words, int pct, Rng& rng) {
  std::string out;
  out.reserve(s.size() + 16);
  int replaced = 0;
  std::size_t pos = 0;
  while (pos < s.size()) {
    const Rewrite* hit = nullptr;
    if (!whole_words || pos == 0 || !is_word_byte(s[pos - 1])) {
      for (const Rewrite& rule : rules) {
        if (matches_at(s, pos, rule.from, whole_words)) {
          hit = &rule;
          break;
        }
      }
    }
    if (hit != nullptr && rng.percent(pct)) {
      out += hit->to;
      pos += hit->from.size();
      if (hit->to.empty() && whole_words && pos < s.size() && s[pos] == ' ') ++pos;
      ++replaced;
      continue;
    }
    const std::size_t step = hit != nullptr ? hit->from.size() : 1;
    out.append(s, pos, step);
    pos += step;
    while (pos < s.size() && is_continuation(s[pos])) out += s[pos++];
  }
  s = std::move(out);
  return replaced;
}

bool whole_words(Lang lang) { return lang != text::kZh; }

void swap_synonyms(std::string& s, Lang lang, int pct, Rng& rng) {
  std::vector<Rewrite> rules;
  for (const text::Phrases& group : text::language_text(lang).synonyms) {
    for (std::string_view word : group) {
      std::string_view other = rng.pick(group);
      if (other != word) rules.push_back({word, other});
    }
  }
  rewrite(s, rules, whole_words(lang), pct, rng);
}

void drop_word(std::string& s, Lang lang, Rng& rng) {
  const text::Phrases& words = text::language_text(lang).droppable;
  const std::string_view word = rng.pick(words);
  std::vector<std::size_t> found;
  for (std::size_t pos = s.find(word); pos != std::string::npos; pos = s.find(word, pos + 1)) {
    if (matches_at(s, pos, word, whole_words(lang))) found.push_back(pos);
  }
  if (found.empty()) return;
  const std::size_t pos = found[rng.index(found.size())];
  const bool space_after = whole_words(lang) && pos + word.size() < s.size() && s[pos + word.size()] == ' ';
  s.erase(pos, word.size() + (space_after ? 1 : 0));
}

void set_case(std::string& s, std::size_t begin, std::size_t end, bool upper) {
  for (std::size_t i = begin; i < end; ++i) {
    char& c = s[i];
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '\xC3' && i + 1 < end) {
      const auto next = static_cast<unsigned char>(s[i + 1]);
      if (upper && next >= 0xA0 && next <= 0xBE && next != 0xB7) s[i + 1] = static_cast<char>(next - 0x20);
      if (!upper && next >= 0x80 && next <= 0x9E && next != 0x97) s[i + 1] = static_cast<char>(next + 0x20);
    }
  }
}

void capitalize_sentences(std::string& s) {
  bool start = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (start && (is_ascii_letter(c) || c == '\xC3')) {
      set_case(s, i, std::min(s.size(), i + (c == '\xC3' ? 2 : 1)), true);
    }
    if (start && c != ' ' && c != '\n') start = false;
    const bool sentence_end = (c == '.' || c == '!' || c == '?') && i + 1 < s.size() && s[i + 1] == ' ';
    if (c == '\n' || sentence_end) start = true;
  }
}

void contract_french(std::string& s) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kRules = {
      {{"de le ", "du "},
       {"à le ", "au "},
       {"de les ", "des "},
       {"à les ", "aux "},
       {"de E", "d'E"},
       {"de A", "d'A"},
       {"que E", "qu'E"},
       {"que A", "qu'A"}}};
  std::string out;
  for (std::size_t pos = 0; pos < s.size();) {
    bool replaced = false;
    for (const auto& [from, to] : kRules) {
      if ((pos == 0 || s[pos - 1] == ' ') && s.compare(pos, from.size(), from) == 0) {
        out += to;
        pos += from.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += s[pos++];
  }
  s = std::move(out);
}

namespace {

// Whether s[i] belongs to a two-byte character: Latin-1 letters, Cyrillic, Greek.
bool in_two_byte_char(const std::string& s, std::size_t i) {
  const auto lead2 = [](char c) {
    return static_cast<unsigned char>(c) >= 0xC2 && static_cast<unsigned char>(c) <= 0xDF;
  };
  return lead2(s[i]) || (is_continuation(s[i]) && i > 0 && lead2(s[i - 1]));
}

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> latin_words(const std::string& s, std::size_t min_size) {
  std::vector<std::pair<std::size_t, std::size_t>> words;
  std::size_t i = 0;
  while (i < s.size()) {
    if (!is_ascii_letter(s[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < s.size() && is_ascii_letter(s[end])) ++end;
    // Not a handle, hashtag or link, nor part of a longer word with accented or look-alike letters.
    const bool tagged = i > 0 && (s[i - 1] == '@' || s[i - 1] == '#' || s[i - 1] == '/');
    const bool glued =
        (i > 0 && (in_two_byte_char(s, i - 1) || s[i - 1] == '-' || (s[i - 1] >= '0' && s[i - 1] <= '9'))) ||
        (end < s.size() && (in_two_byte_char(s, end) || s[end] == '-'));
    if (!tagged && !glued && end - i >= min_size) words.emplace_back(i, end - i);
    i = end;
  }
  return words;
}

bool ends_with(std::string_view s, std::string_view end) {
  return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
}

void append_sentence(std::string& s, std::string_view sentence, Lang lang) {
  if (!s.empty()) {
    static constexpr std::array<std::string_view, 9> kEnds = {".", "!", "?", "。", "！", "？", ":", "…", "~"};
    bool ended = false;
    for (std::string_view end : kEnds) ended = ended || ends_with(s, end);
    if (!ended) s += lang == text::kZh ? "。" : ".";
    if (lang != text::kZh) s += ' ';
  }
  s += sentence;
}

// ---------------------------------------------------------------------------------------------------------
// Filter dodging and typing slips.

namespace {

// The Cyrillic look-alike of an ASCII letter, or "".
std::string_view lookalike(char c) {
  for (const Rewrite& r : text::cyrillic_lookalikes()) {
    if (r.from[0] == c) return r.to;
  }
  return {};
}

}  // namespace

bool obfuscate(std::string& s, std::string_view prefer, std::string_view prefer_zh, Rng& rng) {
  const auto words = latin_words(s, 4);
  if (words.empty()) {
    // Chinese: a zero-width space inside the target's name or inside the first two-character word.
    std::size_t pos = prefer_zh.empty() ? std::string::npos : s.find(prefer_zh);
    for (std::size_t i = 0; pos == std::string::npos && i + 6 <= s.size(); ++i) {
      const auto a = static_cast<unsigned char>(s[i]), b = static_cast<unsigned char>(s[i + 3]);
      if (a >= 0xE4 && a <= 0xE9 && b >= 0xE4 && b <= 0xE9) pos = i;
    }
    if (pos == std::string::npos) return false;
    s.insert(pos + 3, "\u200B");
    return true;
  }
  std::size_t chosen = rng.index(words.size());
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (s.compare(words[i].first, words[i].second, prefer) == 0 && rng.percent(70)) chosen = i;
  }
  const auto [begin, size] = words[chosen];
  const std::string word = s.substr(begin, size);
  std::string disguised;
  const std::uint64_t method = rng.below(10);
  std::vector<std::size_t> swappable;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (!lookalike(word[i]).empty()) swappable.push_back(i);
  }
  if (method < 4 && !swappable.empty()) {  // one or two Cyrillic look-alikes
    const std::size_t first = swappable[rng.index(swappable.size())];
    const std::size_t second = rng.percent(30) ? swappable[rng.index(swappable.size())] : first;
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (i == first || i == second) {
        disguised += lookalike(word[i]);
      } else {
        disguised += word[i];
      }
    }
  } else if (method < 7) {  // a zero-width character inside the word
    static constexpr std::array<std::string_view, 3> kInvisible = {"\u200B", "\u200C", "\u2060"};
    const std::size_t cut = 1 + rng.index(word.size() - 1);
    disguised = word.substr(0, cut);
    disguised += kInvisible[rng.index(kInvisible.size())];
    disguised += word.substr(cut);
  } else {  // full-width letters (U+FF21...) or, rarely, mathematical bold ones (U+1D400...)
    const bool bold = method == 9;
    for (char c : word) {
      const bool upper = c >= 'A' && c <= 'Z';
      const char32_t offset = static_cast<char32_t>(upper ? c - 'A' : c - 'a');
      utf8::append(disguised, (bold ? (upper ? 0x1D400 : 0x1D41A) : (upper ? 0xFF21 : 0xFF41)) + offset);
    }
  }
  s.replace(begin, size, disguised);
  return true;
}

void add_typo(std::string& s, Rng& rng) {
  const auto words = latin_words(s, 4);
  if (words.empty()) return;
  const auto [begin, size] = words[rng.index(words.size())];
  const std::size_t at = begin + 1 + rng.index(size - 2);
  switch (rng.below(3)) {
    case 0:
      std::swap(s[at], s[at + 1]);
      break;
    case 1:
      s.insert(at, 1, s[at]);
      break;
    default:
      s.erase(at, 1);
      break;
  }
}

}  // namespace sieve::datasets::simulator_engine
