#pragma once
// Private to tokenizer/: which words spell letters with digits ("pr0p4g4nda", "d3lete") and what they stand
// for. Only the six substitutions disguises use are undone: 4→a, 3→e, 1→i, 0→o, 5→s, 7→t.

#include <string>

namespace sieve::tokenizer::detail {

class CharTable;

// The letter a digit stands for, or 0 for a digit no disguise uses.
char32_t leet_letter(char32_t digit);

// Where a word is read. In an ordinary post only unmistakable leetspeak is undone. A post that has such a
// word is written in leetspeak, and there the short and ambiguous forms are undone too ("th3", "4nd",
// "0f", "7o", "1" for "i" standing alone), which in an ordinary post are as often names and numbers.
enum class LeetContext { kOrdinaryPost, kLeetPost };

// Whether [begin, end), a whole token of Latin letters and ASCII digits (already case-folded when the
// normalizer folds case), is a word with digits for letters. In any post the rules keep a leading number of
// two digits or more ("17th", "100k") or one before a unit or ordinal ("1st", "5pm", "3d", "1er"), a trailing
// number of two digits or more ("potus45", usernames) and hexadecimal ("fe0f"). In an ordinary post they
// also keep one letter beside one digit ("x1", "b4"), txt-speak "4" for "for" and "1" for "one" ("4ever",
// "some1"), a single trailing digit after fewer than three letters ("ps4", "mp3") and a lone digit.
bool is_leetspeak_word(const char32_t* begin, const char32_t* end, LeetContext context);

// The end of the candidate word that starts at p, or nullptr: a run of Latin letters and ASCII digits that
// stands alone (not after a word character, '#' or '@', since hashtags and handles are names; not before a
// word character; not part of a number such as "v1.3"). chunk_begin is the start of p's run of non-space.
const char32_t* leet_candidate_end(const CharTable& table, const char32_t* chunk_begin, const char32_t* p,
                                   const char32_t* end);

// Whether the post (mapped characters) has a word that is leetspeak even in an ordinary post. Runs of
// non-space that hold a link or a handle ("://", "www.", '@') are skipped: they are masked whole later.
bool has_leetspeak_word(const CharTable& table, const std::u32string& post);

}  // namespace sieve::tokenizer::detail
