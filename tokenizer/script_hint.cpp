#include "sieve/tokenizer/script_hint.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "sieve/core/utf8.h"

namespace sieve::tokenizer {
namespace {

constexpr std::array<std::string_view, 24> kFrenchWords = {
    "le",  "la",   "les", "des", "est", "et", "une",  "un", "du",   "pour", "que",  "qui",
    "pas", "dans", "sur", "au",  "ce",  "il", "elle", "je", "vous", "nous", "avec", "sont"};
constexpr std::array<std::string_view, 24> kEnglishWords = {
    "the", "and",  "is", "of",  "to", "a", "in",   "that", "for", "it", "you",  "this",
    "are", "with", "on", "not", "be", "i", "have", "was",  "but", "my", "they", "what"};

bool contains(const std::array<std::string_view, 24>& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

bool is_french_letter(char32_t c) {
  static constexpr std::u32string_view kFrenchLetters = U"éèêàùçôîâûëïœ";
  return kFrenchLetters.find(c) != std::u32string_view::npos;
}

bool is_mostly_han(const ScriptShares& shares) { return shares.letters > 0 && shares.han >= 1.0 / 3; }

}  // namespace

ScriptShares script_shares(std::string_view text) {
  std::size_t latin = 0, han = 0, other = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t c = utf8::decode(text, pos, nullptr);
    if (!u_isUAlphabetic(c)) continue;
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(c, &status);
    if (script == USCRIPT_LATIN) {
      ++latin;
    } else if (script == USCRIPT_HAN) {
      ++han;
    } else {
      ++other;
    }
  }
  ScriptShares shares;
  shares.letters = latin + han + other;
  if (shares.letters == 0) return shares;
  const double n = static_cast<double>(shares.letters);
  shares.latin = latin / n;
  shares.han = han / n;
  shares.other = other / n;
  return shares;
}

bool mostly_han(std::string_view text) { return is_mostly_han(script_shares(text)); }

std::string_view guess_language(std::string_view text) {
  const ScriptShares shares = script_shares(text);
  if (shares.letters == 0) return "";
  if (is_mostly_han(shares)) return "zh";
  if (shares.latin < 0.5) return "";
  // Votes: a French or English function word, or a French diacritic, is one vote each.
  int french = 0, english = 0;
  std::string word;
  auto vote = [&] {
    if (contains(kFrenchWords, word)) ++french;
    if (contains(kEnglishWords, word)) ++english;
    word.clear();
  };
  for (std::size_t pos = 0; pos < text.size();) {
    char32_t c = utf8::decode(text, pos, nullptr);
    if (is_french_letter(u_tolower(c))) ++french;
    if (c < 0x80 && std::isalpha(static_cast<int>(c))) {
      word.push_back(static_cast<char>(std::tolower(static_cast<int>(c))));
    } else if (c == '\'' || c == U'’') {
      word.clear();  // "l'état", "d'un": the elided article does not count, the word after does
    } else {
      vote();
    }
  }
  vote();
  return french > english ? "fr" : "en";
}

}  // namespace sieve::tokenizer
