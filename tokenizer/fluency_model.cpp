// FluencyModel: per language and fold, an interpolated Kneser-Ney word model (en/fr words, zh characters)
// and a character model over the whole normalized text. The engine is in kneser_ney.h (plain interpolated
// KN, one discount per order, hashed tables of bounded size) and ngram_counts.h (counting at
// training time, pruned to FluencyOptions::max_ngrams); the token streams are in fluency_tokens.h.
//
// File format (all little-endian): "SIEVEFLM", u32 version, u64 total length in bytes, u32 word_order,
// u32 char_order, u32 buckets_log2, u64 max_ngrams (from version 3; read as 0 from version 2), u32 folds (2,
// or 1 for the serving half), then 6 models per fold
// (fold 0, then 1 × en, fr, zh × word, char; see
// KneserNeyModel::write), then the u64 sieve::hash64 of every byte before it, seed 0x666C75656E637921.
#include "sieve/tokenizer/fluency_model.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

#include "fluency_tokens.h"
#include "kneser_ney.h"
#include "ngram_counts.h"
#include "sieve/core/error.h"
#include "sieve/core/hash.h"

namespace sieve::tokenizer {
namespace {

using detail::KneserNeyModel;

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

enum Language : int { kEnglish, kFrench, kChinese, kLanguageCount };
constexpr std::array<std::string_view, kLanguageCount> kLanguages = {"en", "fr", "zh"};
enum Kind : int { kWords, kChars, kKindCount };

constexpr char kMagic[8] = {'S', 'I', 'E', 'V', 'E', 'F', 'L', 'M'};
constexpr std::uint32_t kVersion = 3;  // 2: the number of folds after buckets_log2; 3: max_ngrams before it
constexpr std::size_t kHeaderSize = 8 + 4 + 8;
constexpr std::uint64_t kChecksumSeed = 0x666C75656E637921ULL;  // "fluency!"

int language_index(std::string_view lang) {
  const auto it = std::find(kLanguages.begin(), kLanguages.end(), lang);
  return it == kLanguages.end() ? -1 : static_cast<int>(it - kLanguages.begin());
}

// Mostly Han (at least a third of the letters, as guess_language() decides) → zh, else -1.
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

// Log-probabilities of a post's tokens under one model, reduced as they arrive.
struct Tally {
  static constexpr double kFloor = -10.0;  // log10 probabilities are clamped to [kFloor, 0]
  // The percentile is taken over the first kKept tokens: bounded work, and tweets are shorter.
  static constexpr std::uint32_t kKept = 256;

  double sum = 0, min = 0;
  std::uint32_t tokens = 0, unseen_top = 0, oov = 0;
  float kept[kKept];  // the first tokens' log-probabilities; left uninitialised, it costs nothing per post

  void add(const KneserNeyModel::TokenScore& score) {
    const double lp = std::max(score.log10_prob, kFloor);
    sum += lp;
    min = std::min(min, lp);
    if (tokens < kKept) kept[tokens] = static_cast<float>(lp);
    ++tokens;
    unseen_top += !score.top_seen;
    oov += !score.unigram_seen;
  }
  double mean() const { return tokens > 0 ? sum / tokens : 0.0; }
  // The log-probability with a tenth of the (kept) tokens below it. Reorders `kept`.
  double p10() {
    const std::uint32_t n = std::min(tokens, kKept);
    if (n == 0) return 0.0;
    float* nth = kept + (n - 1) / 10;
    std::nth_element(kept, nth, kept + n);
    return *nth;
  }
};

// Scores a token stream under one model, a batch of tokens at a time: add() per token, then finish().
class Scorer {
 public:
  explicit Scorer(const KneserNeyModel& model) : model_(model) { model_.start(state_); }
  void add(std::uint64_t token) {
    pending_[size_++] = token;
    if (size_ == KneserNeyModel::kBatch) flush();
  }
  Tally& finish() {
    add(detail::kEndToken);
    flush();
    return tally_;
  }

 private:
  void flush() {
    KneserNeyModel::TokenScore scores[KneserNeyModel::kBatch];
    model_.next(state_, pending_, size_, scores);
    for (std::size_t i = 0; i < size_; ++i) tally_.add(scores[i]);
    size_ = 0;
  }

  const KneserNeyModel& model_;
  KneserNeyModel::State state_;
  std::uint64_t pending_[KneserNeyModel::kBatch];
  std::size_t size_ = 0;
  Tally tally_;
};

float finite(double value) { return std::isfinite(value) ? static_cast<float>(value) : 0.0f; }

}  // namespace

struct FluencyModel::Impl {
  FluencyOptions options;
  int folds = 2;                                         // 1: the serving half alone (fold 0)
  KneserNeyModel models[2][kLanguageCount][kKindCount];  // [fold][language][kind]

  int order(int kind) const { return kind == kWords ? options.word_order : options.char_order; }
};

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

FluencyModel FluencyModel::train(const std::vector<Example>& examples, const FluencyOptions& options) {
  FluencyTrainer trainer(options);
  for (std::size_t i = 0; i < examples.size(); ++i) {
    const Example& example = examples[i];
    if (example.fold != 0 && example.fold != 1) {
      throw Error(ErrorKind::kInvalidInput, "fluency example " + std::to_string(i),
                  "fold must be 0 or 1, not " + std::to_string(example.fold));
    }
    trainer.add(example.text, example.lang, example.fold);
  }
  return trainer.finish();
}

// One counter per fold, language and kind, all filled as the texts arrive.
struct FluencyTrainer::Counters {
  std::unique_ptr<detail::NgramCounter> counters[2][kLanguageCount][kKindCount];
};

FluencyTrainer::FluencyTrainer(const FluencyOptions& options)
    : options_(options), counters_(std::make_unique<Counters>()) {
  options_.validate();
  for (auto& fold : counters_->counters) {
    for (auto& lang : fold) {
      lang[kWords] = std::make_unique<detail::NgramCounter>(options_.word_order);
      lang[kChars] = std::make_unique<detail::NgramCounter>(options_.char_order);
    }
  }
}

FluencyTrainer::~FluencyTrainer() = default;

void FluencyTrainer::add(std::string_view normalized, std::string_view lang, int fold) {
  if (fold != 0 && fold != 1) {
    throw Error(ErrorKind::kInvalidInput, "fluency text", "fold must be 0 or 1, not " + std::to_string(fold));
  }
  const int language = language_index(lang);
  if (language < 0) return;
  auto& counters = counters_->counters[fold][language];
  detail::NgramCounter& words = *counters[kWords];
  words.begin();
  detail::for_each_word(normalized, [&](std::uint64_t token) { words.add(token); });
  words.end();
  detail::NgramCounter& chars = *counters[kChars];
  chars.begin();
  detail::for_each_char(normalized, [&](std::uint64_t token) { chars.add(token); });
  chars.end();
  if (options_.max_ngrams > 0 && held() > options_.max_ngrams) prune();
}

std::size_t FluencyTrainer::held() const {
  std::size_t n = 0;
  for (const auto& fold : counters_->counters) {
    for (const auto& lang : fold) {
      for (const auto& counter : lang) n += counter ? counter->held() : 0;
    }
  }
  return n;
}

// The rule of FluencyOptions::max_ngrams: rarest first, highest order first, down to 3/4 of the budget.
void FluencyTrainer::prune() {
  const std::uint64_t target = options_.max_ngrams - options_.max_ngrams / 4;
  for (std::uint64_t max_raw = 1;; max_raw *= 2) {
    const auto raw = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(max_raw, std::numeric_limits<std::uint32_t>::max()));
    for (int j = detail::kMaxNgramOrder; j >= 1; --j) {
      for (auto& fold : counters_->counters) {
        for (auto& lang : fold) {
          for (auto& counter : lang) pruned_ += counter->prune(j, raw);
        }
      }
      if (held() <= target) return;
    }
  }
}

FluencyModel FluencyTrainer::finish() {
  auto impl = std::make_shared<FluencyModel::Impl>();
  impl->options = options_;
  for (int fold = 0; fold < 2; ++fold) {
    for (int lang = 0; lang < kLanguageCount; ++lang) {
      for (int kind = 0; kind < kKindCount; ++kind) {
        auto& counter = counters_->counters[fold][lang][kind];
        impl->models[fold][lang][kind] = counter->build(options_.buckets_log2);
        counter.reset();  // its memory, before the next one builds
      }
    }
  }
  return FluencyModel(std::move(impl));
}

const FluencyOptions& FluencyModel::options() const { return impl_->options; }

int FluencyModel::folds() const { return impl_->folds; }

std::string FluencyModel::serialize(bool serving_half) const {
  const int folds = serving_half ? 1 : impl_->folds;
  std::size_t size = kHeaderSize + 24 + 8;
  for (int fold = 0; fold < folds; ++fold) {
    for (const auto& lang : impl_->models[fold]) {
      for (const KneserNeyModel& model : lang) size += model.written_size();
    }
  }
  std::string out;
  out.reserve(size);  // once: the model can be hundreds of megabytes
  out.append(kMagic, sizeof kMagic);
  detail::put_u32(out, kVersion);
  detail::put_u64(out, 0);  // the total length, written below
  detail::put_u32(out, static_cast<std::uint32_t>(impl_->options.word_order));
  detail::put_u32(out, static_cast<std::uint32_t>(impl_->options.char_order));
  detail::put_u32(out, impl_->options.buckets_log2);
  detail::put_u64(out, impl_->options.max_ngrams);
  detail::put_u32(out, static_cast<std::uint32_t>(folds));
  for (int fold = 0; fold < folds; ++fold) {
    for (const auto& lang : impl_->models[fold]) {
      for (const KneserNeyModel& model : lang) model.write(out);
    }
  }
  std::string length;
  detail::put_u64(length, out.size() + 8);
  out.replace(12, 8, length);
  detail::put_u64(out, hash64(out, kChecksumSeed));
  return out;
}

FluencyModel FluencyModel::deserialize(std::string_view bytes, const std::string& where) {
  auto fail = [&](const std::string& message) { throw Error(ErrorKind::kFormat, where, message); };
  if (bytes.size() < kHeaderSize + 8) {
    fail("truncated: " + std::to_string(bytes.size()) + " bytes is shorter than a fluency model's " +
         std::to_string(kHeaderSize + 8) + "-byte header and checksum");
  }
  if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) fail("not a sieve fluency model (bad magic)");
  detail::ByteReader header(bytes.substr(sizeof kMagic, 12), where);
  const std::uint32_t version = header.u32("version");
  if (version != kVersion && version != 2) {
    fail("fluency model version " + std::to_string(version) + ", this build reads versions 2 and " +
         std::to_string(kVersion));
  }
  const std::uint64_t length = header.u64("length");
  if (length != bytes.size()) {
    fail((length > bytes.size() ? "truncated: the header says " : "the header says ") +
         std::to_string(length) + " bytes, the input has " + std::to_string(bytes.size()));
  }
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  detail::ByteReader checksum(bytes.substr(body.size()), where);
  if (checksum.u64("checksum") != hash64(body, kChecksumSeed))
    fail("checksum mismatch: the model is corrupt");

  detail::ByteReader in(body, where);
  in.u64("magic");
  in.u32("version");
  in.u64("length");
  auto impl = std::make_shared<Impl>();
  impl->options.word_order = static_cast<int>(in.u32("word_order"));
  impl->options.char_order = static_cast<int>(in.u32("char_order"));
  impl->options.buckets_log2 = in.u32("buckets_log2");
  impl->options.max_ngrams = version == 2 ? 0 : in.u64("max_ngrams");  // version 2 counted exactly
  try {
    impl->options.validate();
  } catch (const Error& e) {
    in.fail("stored " + e.where() + " " + e.message());
  }
  const std::uint32_t folds = in.u32("folds");
  if (folds != 1 && folds != 2) in.fail("stored folds " + std::to_string(folds) + ", not 1 or 2");
  impl->folds = static_cast<int>(folds);
  for (int fold = 0; fold < impl->folds; ++fold) {
    for (auto& lang : impl->models[fold]) {
      for (int kind = 0; kind < kKindCount; ++kind) {
        lang[kind] = KneserNeyModel::read(in, impl->order(kind), impl->options.buckets_log2);
      }
    }
  }
  if (in.remaining() != 0) in.fail(std::to_string(in.remaining()) + " unexpected bytes after the last table");
  return FluencyModel(std::move(impl));
}

const char* fluency_language_name(std::size_t i) { return i < kLanguageCount ? kLanguages[i].data() : ""; }

int FluencyModel::score(std::string_view normalized, std::string_view lang, int fold, float* out) const {
  if (fold != 0 && fold != 1) {
    throw Error(ErrorKind::kInvalidInput, "fluency fold", "must be 0 or 1, not " + std::to_string(fold));
  }
  if (fold >= impl_->folds) {
    throw Error(ErrorKind::kInvalidInput, "fluency fold",
                "this model keeps the serving half (fold 0) alone; cross-fitting needs the trained file");
  }
  const auto& models = impl_->models[fold];
  int chosen = language_index(lang);
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
  out[kWordP10] = finite(word.p10());
  out[kWordUnseenRate] = finite(static_cast<double>(word.unseen_top) / word.tokens);
  out[kWordOovRate] = finite(static_cast<double>(word.oov) / word.tokens);
  out[kCharMean] = finite(chars.mean());
  out[kCharMin] = finite(chars.min);
  out[kTokenCount] = finite(std::log1p(words));
  out[kEnFrGap] = chinese || !both_latin ? 0.0f : finite(word.mean() - other.mean());
  return chosen;
}

}  // namespace sieve::tokenizer
