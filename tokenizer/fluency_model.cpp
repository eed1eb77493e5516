// FluencyModel: per language and fold, an interpolated Kneser-Ney word model (en/fr words, zh characters)
// and a character model over the whole normalized text, learned from native text; beside them, contrast
// models of the same kinds learned from learner and from machine text. The engine is in kneser_ney.h (plain
// interpolated KN, one discount per order, hashed tables of bounded size) and ngram_counts.h (counting at
// training time, pruned to FluencyOptions::max_ngrams); the token streams are in fluency_tokens.h, the
// reductions of a post's token scores in fluency_tally.h, training in fluency_trainer.cpp and the file format
// in fluency_model_file.cpp.
#include "sieve/tokenizer/fluency_model.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "fluency_model_impl.h"
#include "fluency_tally.h"
#include "fluency_tokens.h"
#include "sieve/core/error.h"
#include "sieve/core/utf8.h"

namespace sieve::tokenizer {
namespace {

using detail::kChars;
using detail::kChinese;
using detail::kEnglish;
using detail::kFrench;
using detail::kLanguageCount;
using detail::kLanguages;
using detail::kWords;
using detail::Scorer;
using detail::Tally;

enum Feature : std::size_t {
  kWordMean,
  kWordMin,
  kWordP10,
  kWordUnseenRate,
  kWordOovRate,
  kCharMean,
  kCharMin,
  kTokenCount,
  kEnFrGap,
  kFeatureEnd
};
static_assert(kFeatureEnd == kFluencyFeatureCount, "one enumerator per fluency feature");

// word_*: the word model of the post's language, over its tokens and the end of the post; p10 is the
// log-probability a tenth of the tokens fall below (a learner's error spot, less noisy than the minimum);
// unseen_ngram_rate: share of tokens whose whole word_order-gram was never seen; oov_rate: share never seen
// at all; char_*: the character model, per character; en_fr_logprob_gap: the post's word_logprob_mean
// minus the other Latin language's (0 for Chinese).
constexpr std::array<const char*, kFluencyFeatureCount> kNames = {
    "word_logprob_mean", "word_logprob_min", "word_logprob_p10",  "word_unseen_ngram_rate", "word_oov_rate",
    "char_logprob_mean", "char_logprob_min", "token_count_log1p", "en_fr_logprob_gap"};

enum Statistic : std::size_t {
  kWordP50,
  kWordP90,
  kWordStd,
  kWordAboveHalf,  // the four shares of Tally::kRankBounds, in order
  kWordUnseenBigramRate = kWordAboveHalf + Tally::kRankBounds.size(),
  kCharUnseenTrigramRate,
  kCharUnseenTopRate,
  kLearnerWordGap,  // the four contrasts in the order of detail::Contrast, words then characters
  kStatisticEnd = kLearnerWordGap + 2 * detail::kContrastCount
};
static_assert(kStatisticEnd == kFluencyStatisticCount, "one enumerator per fluency statistic");

// Under the native models of the post's language: word_logprob_p50/p90/std, the median, the log-probability
// nine tenths of the tokens fall below and the spread of the words' log-probabilities; word_share_above_*:
// the share of tokens more probable than 1/2, 1/10, ... (fluency_tally.h: lower bounds of GLTR's rank
// buckets); *_unseen_*_rate: the share of tokens whose bigram (for characters, trigram, and whole
// char_order-gram) was never seen. *_minus_native_*: the mean log-probability per word (per character)
// under the contrast model of learner or machine text minus that under the native model, a log-likelihood
// ratio: above 0 where the post reads like the contrast text (0 without contrast models).
constexpr std::array<const char*, kFluencyStatisticCount> kStatisticNames = {
    "word_logprob_p50",          "word_logprob_p90",          "word_logprob_std",
    "word_share_above_1_2",      "word_share_above_1_10",     "word_share_above_1_100",
    "word_share_above_1_1000",   "word_unseen_bigram_rate",   "char_unseen_trigram_rate",
    "char_unseen_top_rate",      "learner_minus_native_word", "machine_minus_native_word",
    "learner_minus_native_char", "machine_minus_native_char"};

// Mostly CJK (at least a third of the CJK and non-digit word characters) → zh, else -1. Close to mostly_han()
// (script_hint.h), which guess_language() and the style blocks use, but not the same count: kept apart, since
// a post whose language changed here would change the values that stored fluency models give it.
int language_by_script(std::string_view text) {
  std::size_t cjk = 0, other = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t c = utf8::decode(text, pos, nullptr);
    if (detail::is_cjk_char(c)) {
      ++cjk;
    } else if (detail::is_word_char(c) && !(c >= '0' && c <= '9')) {
      ++other;
    }
  }
  return cjk > 0 && 3 * cjk >= cjk + other ? kChinese : -1;
}

float finite(double value) { return std::isfinite(value) ? static_cast<float>(value) : 0.0f; }

// The statistics of a post whose native models' tallies are word and chars; contrasts[c] points to the
// word and character models of contrast c in the post's language (null without contrast models).
void score_statistics(std::string_view normalized, const FluencyOptions& options, Tally& word,
                      const Tally& chars,
                      const std::array<const detail::KneserNeyModel*, detail::kContrastCount>& contrasts,
                      float* out) {
  out[kWordP50] = finite(word.quantile(1, 2));
  out[kWordP90] = finite(word.quantile(9, 10));
  out[kWordStd] = finite(word.standard_deviation());
  for (std::size_t b = 0; b < Tally::kRankBounds.size(); ++b)
    out[kWordAboveHalf + b] = finite(word.share_above(b));
  out[kWordUnseenBigramRate] = finite(word.unseen_rate(2));
  out[kCharUnseenTrigramRate] = finite(chars.unseen_rate(3));
  out[kCharUnseenTopRate] = finite(chars.unseen_rate(options.char_order));
  // Every contrast model of the post's language reads one pass over its words and one over its characters.
  std::array<std::optional<Scorer>, detail::kContrastCount> contrast_words, contrast_chars;
  bool any = false;
  for (std::size_t c = 0; c < contrasts.size(); ++c) {
    if (contrasts[c] == nullptr || contrasts[c][kWords].empty()) continue;
    contrast_words[c].emplace(contrasts[c][kWords]);
    contrast_chars[c].emplace(contrasts[c][kChars]);
    any = true;
  }
  if (any) {
    detail::for_each_word(normalized, [&](std::uint64_t token) {
      for (auto& scorer : contrast_words)
        if (scorer) scorer->add(token);
    });
    detail::for_each_char(normalized, [&](std::uint64_t token) {
      for (auto& scorer : contrast_chars)
        if (scorer) scorer->add(token);
    });
  }
  for (std::size_t c = 0; c < contrasts.size(); ++c) {
    const bool scored = contrast_words[c].has_value();
    out[kLearnerWordGap + c] = scored ? finite(contrast_words[c]->finish().mean() - word.mean()) : 0.0f;
    out[kLearnerWordGap + contrasts.size() + c] =
        scored ? finite(contrast_chars[c]->finish().mean() - chars.mean()) : 0.0f;
  }
}

}  // namespace

void FluencyOptions::validate() const {
  auto check = [](bool ok, const char* field, const std::string& message) {
    if (!ok) throw Error(ErrorKind::kConfig, std::string("fluency option ") + field, message);
  };
  check(word_order >= 1 && word_order <= detail::kMaxNgramOrder, "word_order",
        "must be in 1.." + std::to_string(detail::kMaxNgramOrder) + ", not " + std::to_string(word_order));
  check(char_order >= 1 && char_order <= detail::kMaxNgramOrder, "char_order",
        "must be in 1.." + std::to_string(detail::kMaxNgramOrder) + ", not " + std::to_string(char_order));
  check(buckets_log2 >= 4 && buckets_log2 <= 26, "buckets_log2",
        "must be in 4..26, not " + std::to_string(buckets_log2));
}

bool FluencyOptions::operator==(const FluencyOptions& other) const {
  return word_order == other.word_order && char_order == other.char_order &&
         buckets_log2 == other.buckets_log2 && max_ngrams == other.max_ngrams;
}

const char* fluency_feature_name(std::size_t i) { return i < kNames.size() ? kNames[i] : ""; }

const char* fluency_statistic_name(std::size_t i) {
  return i < kStatisticNames.size() ? kStatisticNames[i] : "";
}

const FluencyOptions& FluencyModel::options() const { return impl_->options; }

int FluencyModel::folds() const { return impl_->folds; }

bool FluencyModel::has_contrast() const { return impl_->contrast; }

const char* fluency_language_name(std::size_t i) { return i < kLanguageCount ? kLanguages[i].data() : ""; }

int FluencyModel::score(std::string_view normalized, std::string_view lang, int fold, float* out,
                        float* statistics) const {
  if (fold != 0 && fold != 1) {
    throw Error(ErrorKind::kInvalidInput, "fluency fold", "must be 0 or 1, not " + std::to_string(fold));
  }
  if (fold >= impl_->folds) {
    throw Error(ErrorKind::kInvalidInput, "fluency fold",
                "this model keeps the serving half (fold 0) alone; cross-fitting needs the trained file");
  }
  const auto& models = impl_->models[fold];
  int chosen = detail::language_index(lang);
  if (chosen >= 0 && models[chosen][kWords].empty()) chosen = -1;  // no text of that language: by script
  if (chosen < 0) chosen = language_by_script(normalized);
  // Words: Chinese under zh alone; anything else under both en and fr, for the gap between them.
  const bool chinese = chosen == kChinese;
  Scorer first(models[chinese ? kChinese : kEnglish][kWords]);
  Scorer second(models[kFrench][kWords]);
  std::uint32_t words = 0;
  detail::for_each_word(normalized, [&](std::uint64_t token) {
    ++words;
    first.add(token);
    if (!chinese) second.add(token);
  });
  Tally& first_tally = first.finish();
  Tally& second_tally = second.finish();
  const bool both_latin = !models[kEnglish][kWords].empty() && !models[kFrench][kWords].empty();
  if (chosen < 0) {
    chosen = both_latin ? (second_tally.mean() > first_tally.mean() ? kFrench : kEnglish)
                        : (models[kEnglish][kWords].empty() ? kFrench : kEnglish);
  }
  Tally& word = chosen == kFrench ? second_tally : first_tally;
  const Tally& other = chosen == kFrench ? first_tally : second_tally;

  Scorer char_scorer(models[chosen][kChars]);
  detail::for_each_char(normalized, [&](std::uint64_t c) { char_scorer.add(c); });
  const Tally& chars = char_scorer.finish();

  out[kWordMean] = finite(word.mean());
  out[kWordMin] = finite(word.min);
  out[kWordP10] = finite(word.quantile(1, 10));
  out[kWordUnseenRate] = finite(word.unseen_rate(impl_->options.word_order));
  out[kWordOovRate] = finite(word.unseen_rate(1));
  out[kCharMean] = finite(chars.mean());
  out[kCharMin] = finite(chars.min);
  out[kTokenCount] = finite(std::log1p(words));
  out[kEnFrGap] = chinese || !both_latin ? 0.0f : finite(word.mean() - other.mean());
  if (statistics) {
    std::array<const detail::KneserNeyModel*, detail::kContrastCount> contrasts{};
    for (int c = 0; c < detail::kContrastCount; ++c)
      if (impl_->contrast) contrasts[c] = impl_->contrasts[fold][c][chosen];
    score_statistics(normalized, impl_->options, word, chars, contrasts, statistics);
  }
  return chosen;
}

}  // namespace sieve::tokenizer
