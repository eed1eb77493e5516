#pragma once
// Private to tokenizer/: the counts behind style_features(), one pass over the post as published and one
// over its normalized text.

#include <array>
#include <cstdint>
#include <string_view>

namespace sieve::tokenizer::detail {

// Counts from the post as published: character classes, scripts, casing and marks.
struct RawCounts {
  double chars = 0, letters = 0, digits = 0, spaces = 0, punct = 0, symbols = 0, replacements = 0;
  double latin = 0, cjk = 0, cyrillic = 0, other_script = 0, upper = 0, cased = 0;
  double cased_words = 0, capitalised_words = 0, all_caps_words = 0, sentence_starts = 0, lower_starts = 0;
  double exclamations = 0, questions = 0, ellipses = 0, straight_quotes = 0, curly_quotes = 0;
  double guillemets = 0, cjk_quotes = 0, straight_apostrophes = 0, curly_apostrophes = 0;
  double cjk_punct = 0, ascii_punct = 0, double_spaces = 0, line_breaks = 0, runs = 0, emoji = 0;
  double hashtags = 0;
  std::array<std::uint64_t, 4> scripts{};  // bit set of the ICU script codes of letters (< 256)

  int script_count() const;
};

RawCounts count_raw(std::string_view raw);

// Counts from the normalized text: words, sentences, function words, placeholders and spacing around
// punctuation (white space is collapsed there, URLs and numbers are placeholders).
struct NormalizedCounts {
  double words = 0, word_chars = 0, word_chars_sq = 0, tokens = 0, types = 0, ttr_tokens = 0;
  double sentences = 0, en_words = 0, fr_words = 0, cjk_chars = 0, zh_chars = 0;
  double urls = 0, mentions = 0, numbers = 0;
  double high_runs = 0, high_spaced = 0, low_runs = 0, low_spaced = 0, runs_followed = 0, missing_space = 0;
};

NormalizedCounts count_normalized(std::string_view normalized);

}  // namespace sieve::tokenizer::detail
