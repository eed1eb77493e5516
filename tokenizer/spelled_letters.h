#pragma once
// Private to tokenizer/: words spelled out letter by letter to slip past keyword filters
// ("p r o p a g a n d a", "p.r.o.p.a.g.a.n.d.a", "p-r-o-p-a") are joined back into one word.

#include <string>
#include <vector>

namespace sieve::tokenizer::detail {

class CharTable;

// The fewest letters joined. Ordinary text has runs of one or two single letters ("I a m" in "Am I a
// model?" never reaches three in a row with the same separator) and three-letter abbreviations
// ("U.S.A."); four in a row is, in the corpus, almost only spelled-out words.
inline constexpr int kMinSpelledLetters = 4;

// Rewrites text (mapped characters, before the word-level steps) in place: every run of at least
// kMinSpelledLetters single letters (Latin or look-alike) separated by the same kind of separator (runs
// of white space, or one and the same of . - _ * | / + ~ · •) loses its separators.
void join_spelled_letters(const CharTable& table, std::u32string& text);

}  // namespace sieve::tokenizer::detail
