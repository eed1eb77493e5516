#pragma once
// Cheap language hints from the scripts and function words of a post: enough to route or slice posts
// (and to fill a missing `lang`) before any model has run.

#include <cstddef>
#include <string_view>

namespace sieve::tokenizer {

// Shares of a text's letters by script; all zero when it has no letters.
struct ScriptShares {
  std::size_t letters = 0;
  double latin = 0;
  double han = 0;
  double other = 0;
};

ScriptShares script_shares(std::string_view text);

// Whether Han letters make up at least a third of a text's letters: when guess_language says "zh".
bool mostly_han(std::string_view text);

// "zh" when Han letters make up at least a third of the letters, else "fr" or "en" by function words
// and French diacritics, "" for a text with no letters or mostly other scripts.
std::string_view guess_language(std::string_view text);

}  // namespace sieve::tokenizer
