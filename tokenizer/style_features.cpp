#include "sieve/tokenizer/style_features.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "style_counts.h"

namespace sieve::tokenizer {
namespace {

// One enumerator per feature, in output order; kNames below lists the same names in the same order.
enum Feature : std::size_t {
  kCharCount,
  kWordCount,
  kWordLengthMean,
  kWordLengthStd,
  kSentenceCount,
  kSentenceLengthMean,
  kTypeTokenRatio,
  kEnFunctionWords,
  kFrFunctionWords,
  kZhFunctionChars,
  kLetterShare,
  kDigitShare,
  kSpaceShare,
  kPunctShare,
  kSymbolEmojiShare,
  kLatinShare,
  kCjkShare,
  kCyrillicShare,
  kOtherScriptShare,
  kScriptCount,
  kReplacementShare,
  kUpperLetterShare,
  kCapitalisedWordShare,
  kAllCapsWordShare,
  kLowercaseSentenceStartShare,
  kExclamations,
  kQuestions,
  kEllipses,
  kStraightQuoteShare,
  kCurlyQuoteShare,
  kGuillemetShare,
  kCurlyApostropheShare,
  kCjkFullWidthPunctShare,
  kSpaceBeforeHighPunctShare,
  kSpaceBeforeLowPunctShare,
  kMissingSpaceAfterPunctShare,
  kDoubleSpaces,
  kLineBreaks,
  kRepeatedCharRuns,
  kEmoji,
  kUrls,
  kMentions,
  kHashtags,
  kNumbers,
  kFeatureEnd
};
static_assert(kFeatureEnd == kStyleFeatureCount, "one enumerator per style feature");

constexpr std::array<const char*, kStyleFeatureCount> kNames = {"char_count_log1p",
                                                                "word_count_log1p",
                                                                "word_length_mean_log1p",
                                                                "word_length_std_log1p",
                                                                "sentence_count_log1p",
                                                                "sentence_length_mean_log1p",
                                                                "type_token_ratio",
                                                                "en_function_word_rate",
                                                                "fr_function_word_rate",
                                                                "zh_function_char_rate",
                                                                "letter_share",
                                                                "digit_share",
                                                                "space_share",
                                                                "punct_share",
                                                                "symbol_emoji_share",
                                                                "latin_share",
                                                                "cjk_share",
                                                                "cyrillic_share",
                                                                "other_script_share",
                                                                "script_count_log1p",
                                                                "replacement_char_share",
                                                                "upper_letter_share",
                                                                "capitalised_word_share",
                                                                "all_caps_word_share",
                                                                "lowercase_sentence_start_share",
                                                                "exclamation_log1p",
                                                                "question_log1p",
                                                                "ellipsis_log1p",
                                                                "straight_double_quote_share",
                                                                "curly_double_quote_share",
                                                                "guillemet_share",
                                                                "curly_apostrophe_share",
                                                                "cjk_fullwidth_punct_share",
                                                                "space_before_high_punct_share",
                                                                "space_before_low_punct_share",
                                                                "missing_space_after_punct_share",
                                                                "double_space_log1p",
                                                                "line_break_log1p",
                                                                "repeated_char_run_log1p",
                                                                "emoji_log1p",
                                                                "url_log1p",
                                                                "mention_log1p",
                                                                "hashtag_log1p",
                                                                "number_log1p"};

float share(double part, double whole) { return whole > 0 ? static_cast<float>(part / whole) : 0.0f; }
float log_count(double n) { return static_cast<float>(std::log1p(n)); }

}  // namespace

const char* style_feature_name(std::size_t i) { return i < kNames.size() ? kNames[i] : ""; }

void style_features(std::string_view raw, std::string_view normalized, float* out) {
  const detail::RawCounts r = detail::count_raw(raw);
  const detail::NormalizedCounts n = detail::count_normalized(normalized);
  const double word_mean = n.words > 0 ? n.word_chars / n.words : 0;
  const double word_var = n.words > 0 ? std::max(0.0, n.word_chars_sq / n.words - word_mean * word_mean) : 0;
  const double quotes = r.straight_quotes + r.curly_quotes + r.guillemets + r.cjk_quotes;
  out[kCharCount] = log_count(r.chars);
  out[kWordCount] = log_count(n.words);
  out[kWordLengthMean] = log_count(word_mean);
  out[kWordLengthStd] = log_count(std::sqrt(word_var));
  out[kSentenceCount] = log_count(n.sentences);
  out[kSentenceLengthMean] = log_count(n.sentences > 0 ? n.tokens / n.sentences : 0);
  out[kTypeTokenRatio] = share(n.types, n.ttr_tokens);
  out[kEnFunctionWords] = share(n.en_words, n.words);
  out[kFrFunctionWords] = share(n.fr_words, n.words);
  out[kZhFunctionChars] = share(n.zh_chars, n.cjk_chars);
  out[kLetterShare] = share(r.letters, r.chars);
  out[kDigitShare] = share(r.digits, r.chars);
  out[kSpaceShare] = share(r.spaces, r.chars);
  out[kPunctShare] = share(r.punct, r.chars);
  out[kSymbolEmojiShare] = share(r.symbols, r.chars);
  const double script_letters = r.latin + r.cjk + r.cyrillic + r.other_script;
  out[kLatinShare] = share(r.latin, script_letters);
  out[kCjkShare] = share(r.cjk, script_letters);
  out[kCyrillicShare] = share(r.cyrillic, script_letters);
  out[kOtherScriptShare] = share(r.other_script, script_letters);
  out[kScriptCount] = log_count(r.script_count());
  out[kReplacementShare] = share(r.replacements, r.chars);
  out[kUpperLetterShare] = share(r.upper, r.cased);
  out[kCapitalisedWordShare] = share(r.capitalised_words, r.cased_words);
  out[kAllCapsWordShare] = share(r.all_caps_words, r.cased_words);
  out[kLowercaseSentenceStartShare] = share(r.lower_starts, r.sentence_starts);
  out[kExclamations] = log_count(r.exclamations);
  out[kQuestions] = log_count(r.questions);
  out[kEllipses] = log_count(r.ellipses);
  out[kStraightQuoteShare] = share(r.straight_quotes, quotes);
  out[kCurlyQuoteShare] = share(r.curly_quotes, quotes);
  out[kGuillemetShare] = share(r.guillemets, quotes);
  out[kCurlyApostropheShare] = share(r.curly_apostrophes, r.curly_apostrophes + r.straight_apostrophes);
  out[kCjkFullWidthPunctShare] = r.cjk > 0 ? share(r.cjk_punct, r.cjk_punct + r.ascii_punct) : 0.0f;
  out[kSpaceBeforeHighPunctShare] = share(n.high_spaced, n.high_runs);
  out[kSpaceBeforeLowPunctShare] = share(n.low_spaced, n.low_runs);
  out[kMissingSpaceAfterPunctShare] = share(n.missing_space, n.runs_followed);
  out[kDoubleSpaces] = log_count(r.double_spaces);
  out[kLineBreaks] = log_count(r.line_breaks);
  out[kRepeatedCharRuns] = log_count(r.runs);
  out[kEmoji] = log_count(r.emoji);
  out[kUrls] = log_count(n.urls);
  out[kMentions] = log_count(n.mentions);
  out[kHashtags] = log_count(r.hashtags);
  out[kNumbers] = log_count(n.numbers);
}

}  // namespace sieve::tokenizer
