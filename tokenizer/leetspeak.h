#pragma once
// Private to tokenizer/: which words spell letters with digits ("pr0p4g4nda", "d3lete") and what they stand
// for. Only the six substitutions disguises use are undone: 4→a, 3→e, 1→i, 0→o, 5→s, 7→t.

namespace sieve::tokenizer::detail {

// The letter a digit stands for, or 0 for a digit no disguise uses.
char32_t leet_letter(char32_t digit);

// Whether [begin, end), a whole token of Latin letters and ASCII digits (already case-folded when the
// normalizer folds case), is a word with digits for letters. The rules keep the tokens of ordinary posts:
// a leading number of two digits or more ("17th", "100k") or one before a unit or ordinal ("1st", "5pm",
// "3d", "1er"), a trailing number of two digits or more ("potus45", usernames), hexadecimal ("fe0f"), one
// letter beside one digit ("x1", "b4"), txt-speak "4" for "for" and "1" for "one" ("4ever", "some1"), and a
// single trailing digit after fewer than three letters ("ps4", "mp3").
bool is_leetspeak_word(const char32_t* begin, const char32_t* end);

}  // namespace sieve::tokenizer::detail
