#pragma once
// The text normalizer: every post is read through it at prepare, train and serve time, with the settings
// stored in model.sieve, so that a server can never read a post differently from the trainer.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sieve::tokenizer {

// Placeholders that replace spans the classifier should not memorise. They are SentencePiece
// user-defined symbols, so each is always one piece.
inline constexpr std::string_view kUrlToken = "<url>";
inline constexpr std::string_view kUserToken = "<user>";
inline constexpr std::string_view kEmailToken = "<email>";
inline constexpr std::string_view kNumberToken = "<num>";

std::vector<std::string> placeholder_tokens();

// Which steps run, in this order: invisible removal, NFKC, case folding, Traditional → Simplified,
// spelled-out letters joined, placeholders, hashtag sign, leetspeak, homoglyph folding, run squashing,
// whitespace collapse. The three disguise steps (spelled letters, leetspeak, look-alike words) are newer
// than the rest: a model file written before them has no key for them and reads them as off, so it keeps
// reading posts exactly as it was trained.
struct NormalizerSettings {
  bool remove_invisible =
      true;               // zero-width spaces and joiners, bidi controls, variation selectors, controls
  bool nfkc = true;       // Unicode NFKC: full-width → half-width, ligatures, compatibility forms
  bool case_fold = true;  // full Unicode case folding ("Straße" → "strasse")
  bool traditional_to_simplified = true;  // Chinese Traditional → Simplified, character by character
  bool mask_urls = true;                  // http://, https://, www. → <url>
  bool mask_mentions = true;              // @handle → <user>
  bool mask_emails = true;                // name@host.tld → <email>
  bool mask_numbers = true;               // 2023, 1,000.50, 12:30 → <num>
  bool strip_hashtag_sign = true;         // "#Trudeau" → "Trudeau": the word is kept, the '#' is not
  bool fold_homoglyphs = true;       // Cyrillic/Greek look-alikes inside a Latin word → Latin ("Тrudeau")
  bool fold_lookalike_words = true;  // whole words of look-alikes in a post with no other Cyrillic/Greek
  bool fold_leetspeak = true;        // digits standing for letters inside a word ("pr0p4ganda")
  bool join_spelled_letters = true;  // "p r o p a g a n d a", "p.r.o.p.a" → one word (4 letters or more)
  int max_char_run = 3;              // longer runs of one character are cut to this length; 0 keeps them
  bool collapse_whitespace = true;   // any run of white space → one ' ', none at either end

  // The switchable steps by the names to_json() uses; set_step throws Error(kConfig) on another name.
  static std::vector<std::string> step_names();
  void set_step(std::string_view name, bool on);

  // Throws Error(kConfig) naming the field that is out of range.
  void validate() const;
  std::string to_json() const;
  // Throws Error(kFormat) on malformed JSON, a missing or unknown key, or a value of the wrong type.
  static NormalizerSettings from_json(std::string_view json);

  bool operator==(const NormalizerSettings& other) const;
  bool operator!=(const NormalizerSettings& other) const { return !(*this == other); }
};

// What one call saw that the caller may want to count.
struct NormalizeStats {
  std::size_t invalid_utf8_bytes = 0;  // bytes of invalid UTF-8, each sequence replaced by U+FFFD
};

namespace detail {
class CharTable;
}

// Applies NormalizerSettings to text. Construction is cheap after the first normalizer with the same
// per-character steps in a process (the character table is shared); normalize() is const and thread-safe.
// Invalid UTF-8 never throws: it becomes U+FFFD and is counted in NormalizeStats.
class Normalizer {
 public:
  explicit Normalizer(NormalizerSettings settings = {});

  const NormalizerSettings& settings() const { return settings_; }

  std::string normalize(std::string_view text, NormalizeStats* stats = nullptr) const;
  // Same, writing into out (cleared first) so a caller in a loop reuses its buffer.
  void normalize(std::string_view text, std::string& out, NormalizeStats* stats = nullptr) const;

 private:
  NormalizerSettings settings_;
  std::shared_ptr<const detail::CharTable> table_;
};

}  // namespace sieve::tokenizer
