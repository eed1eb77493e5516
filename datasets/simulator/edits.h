#pragma once
// Private to datasets/: the campaign simulator's text edits, from word rewrites to filter dodging and typos.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rng.h"
#include "text.h"

namespace sieve::datasets::simulator_engine {

namespace text = simulator_text;
using text::Lang;
using text::Rewrite;

// Text surgery. Edits never split a UTF-8 sequence.

// Replaces matches of the rules (the first rule that matches at a position wins) each with probability
// pct, in one left-to-right pass, so that a replacement is never rewritten again (la → le → la). A rule
// with an empty replacement deletes the word and one space. Returns the number of replacements.
int rewrite(std::string& s, const std::vector<Rewrite>& rules, bool whole_words, int pct, Rng& rng);

// English and French are edited by whole words; Chinese, which has no spaces, by substrings.
bool whole_words(Lang lang);

// Paraphrase noise: swaps interchangeable words, each occurrence with probability pct.
void swap_synonyms(std::string& s, Lang lang, int pct, Rng& rng);

// Drops one function word, as a hurried copy-paste edit does.
void drop_word(std::string& s, Lang lang, Rng& rng);

// ASCII and Latin-1 letters (é → É); other scripts have no case or keep it.
void set_case(std::string& s, std::size_t begin, std::size_t end, bool upper);

// Capitalises the first letter of the post and of each sentence (after ". ", "! ", "? ", a line break).
void capitalize_sentences(std::string& s);

// French contractions after slot filling: "l'ami de le député" → "l'ami du député", "de Eleanor" →
// "d'Eleanor". Only at the start of a word: "publique Ashworth" stays.
void contract_french(std::string& s);

// Where whole ASCII-letter words of at least min_size letters start, outside mentions and hashtags.
std::vector<std::pair<std::size_t, std::size_t>> latin_words(const std::string& s, std::size_t min_size);

bool ends_with(std::string_view s, std::string_view end);

// Appends a sentence, ending the previous one first when it has no final punctuation.
void append_sentence(std::string& s, std::string_view sentence, Lang lang);

// Filter dodging and typing slips.

// Disguises one word against keyword filters: a Cyrillic look-alike letter, zero-width characters, full-
// width or mathematical bold letters. Prefers the target's name. False when no word can be disguised.
bool obfuscate(std::string& s, std::string_view prefer, std::string_view prefer_zh, Rng& rng);

// One slip of the fingers in a word of four letters or more: two letters swapped, doubled or dropped.
void add_typo(std::string& s, Rng& rng);

}  // namespace sieve::datasets::simulator_engine
