#pragma once
// Private to tokenizer/: the per-code-point table that makes the normalizer fast. ICU is asked once, at
// start-up, what each code point of the BMP and SMP becomes (invisible removal, NFKC, case folding,
// Traditional → Simplified); normalizing a post is then a table walk instead of several ICU passes.

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "sieve/tokenizer/normalizer.h"

namespace sieve::tokenizer::detail {

enum CharFlag : std::uint8_t {
  kSpace = 1 << 0,         // White_Space: a word boundary, printed as ' ' after collapsing
  kNeedsContext = 1 << 1,  // NFKC may combine it with the character before: its word goes through ICU
  kLatin = 1 << 2,         // a letter of the Latin script
  kLetter = 1 << 3,        // any letter or combining mark (part of a word)
  kDigit = 1 << 4,         // a decimal digit
  kHomoglyph = 1 << 5,     // a non-Latin letter whose confusable skeleton is Latin (see homoglyph())
};

// What one code point becomes. length == 1: `value` is the code point; length > 1: `value` indexes the
// expansion pool; length == 0: the code point is removed.
struct CharEntry {
  std::uint32_t value = 0;
  std::uint8_t length = 0;
  std::uint8_t flags = 0;
};

class CharTable {
 public:
  // Code points below this are tabulated; the rare ones above are computed on demand through ICU.
  static constexpr char32_t kTableSize = 0x20000;

  // One table per distinct combination of the per-character steps, built once and shared by all threads.
  static std::shared_ptr<const CharTable> get(const NormalizerSettings& settings);

  // Appends what c becomes to out and returns c's flags.
  std::uint8_t map(char32_t c, std::u32string& out) const {
    if (c < kTableSize) {
      const CharEntry& e = entries_[c];
      if (e.length == 1) {
        out.push_back(e.value);
      } else if (e.length > 1) {
        out.append(pool_.data() + e.value, e.length);
      }
      return e.flags;
    }
    return map_rare(c, out);
  }

  // A separate dense array: the word-level pass reads only flags, and 128 KB stay in cache where the
  // 1 MB of entries would not.
  std::uint8_t flags(char32_t c) const { return c < kTableSize ? flags_[c] : rare_flags(c); }

  // The Latin look-alike (already mapped) of a kHomoglyph character.
  const std::u32string& homoglyph(char32_t c) const { return homoglyphs_.at(c); }

  // NFKC of a word whose characters interact (combining marks, Hangul jamo), then the per-char steps.
  void map_word_in_context(const std::u32string& word, std::u32string& out) const;

 private:
  explicit CharTable(const NormalizerSettings& settings);
  std::u32string map_one(char32_t c) const;
  std::uint8_t compute_flags(char32_t c) const;
  std::uint8_t map_rare(char32_t c, std::u32string& out) const;
  std::uint8_t rare_flags(char32_t c) const;
  void build_traditional_to_simplified();
  void build_homoglyphs();

  NormalizerSettings settings_;
  const void* nfkc_ = nullptr;  // icu::Normalizer2, kept out of this header
  std::vector<CharEntry> entries_;
  std::vector<std::uint8_t> flags_;
  std::u32string pool_;
  std::unordered_map<char32_t, char32_t> traditional_to_simplified_;
  std::unordered_map<char32_t, std::u32string> homoglyphs_;
};

// A character of a word as the normalizer's word-level pass sees it: letters, digits, '_', and '>', which
// ends every placeholder ("2016#tag" and its normalized "<num>#tag" must both see the '#' after a word).
inline bool is_word_character(const CharTable& table, char32_t c) {
  return c == '_' || c == '>' || (table.flags(c) & (kLetter | kDigit));
}

}  // namespace sieve::tokenizer::detail
