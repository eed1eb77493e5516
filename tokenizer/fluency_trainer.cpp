// FluencyTrainer: n-gram counts of the texts fed to it, per fold, language and kind of token, pruned to
// FluencyOptions::max_ngrams (the native ones; the contrast ones are counted exactly), then built into the
// Kneser-Ney models of a FluencyModel.
#include <limits>
#include <memory>

#include "fluency_model_impl.h"
#include "fluency_tokens.h"
#include "ngram_counts.h"
#include "sieve/core/error.h"

namespace sieve::tokenizer {

using detail::kChars;
using detail::kContrastCount;
using detail::kKindCount;
using detail::kLanguageCount;
using detail::kWords;

// One counter per fold, language and kind, all filled as the texts arrive.
struct FluencyTrainer::Counters {
  using Set = std::unique_ptr<detail::NgramCounter>[kLanguageCount][kKindCount];
  Set native[2];
  Set contrasts[2][kContrastCount];
  bool contrast_seen = false;
};

FluencyModel FluencyModel::train(const std::vector<Example>& examples, const FluencyOptions& options) {
  FluencyTrainer trainer(options);
  for (std::size_t i = 0; i < examples.size(); ++i) {
    const Example& example = examples[i];
    if (example.fold != 0 && example.fold != 1) {
      throw Error(ErrorKind::kInvalidInput, "fluency example " + std::to_string(i),
                  "fold must be 0 or 1, not " + std::to_string(example.fold));
    }
    trainer.add(example.text, example.lang, example.fold, example.kind);
  }
  return trainer.finish();
}

FluencyTrainer::FluencyTrainer(const FluencyOptions& options)
    : options_(options), counters_(std::make_unique<Counters>()) {
  options_.validate();
  auto make = [&](Counters::Set& set) {
    for (auto& lang : set) {
      lang[kWords] = std::make_unique<detail::NgramCounter>(options_.word_order);
      lang[kChars] = std::make_unique<detail::NgramCounter>(options_.char_order);
    }
  };
  for (int fold = 0; fold < 2; ++fold) {
    make(counters_->native[fold]);
    for (auto& contrast : counters_->contrasts[fold]) make(contrast);
  }
}

FluencyTrainer::~FluencyTrainer() = default;

void FluencyTrainer::add(std::string_view normalized, std::string_view lang, int fold, FluencyText kind) {
  if (fold != 0 && fold != 1) {
    throw Error(ErrorKind::kInvalidInput, "fluency text", "fold must be 0 or 1, not " + std::to_string(fold));
  }
  const int language = detail::language_index(lang);
  if (language < 0) return;
  const bool native = kind == FluencyText::kNative;
  const int contrast = kind == FluencyText::kLearner ? detail::kLearnerText : detail::kMachineText;
  auto& counters = native ? counters_->native[fold][language] : counters_->contrasts[fold][contrast][language];
  counters_->contrast_seen |= !native;
  detail::NgramCounter& words = *counters[kWords];
  words.begin();
  detail::for_each_word(normalized, [&](std::uint64_t token) { words.add(token); });
  words.end();
  detail::NgramCounter& chars = *counters[kChars];
  chars.begin();
  detail::for_each_char(normalized, [&](std::uint64_t token) { chars.add(token); });
  chars.end();
  if (native && options_.max_ngrams > 0 && held() > options_.max_ngrams) prune();
}

std::size_t FluencyTrainer::held() const {
  std::size_t n = 0;
  for (const auto& fold : counters_->native) {
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
      for (auto& fold : counters_->native) {
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
  impl->contrast = counters_->contrast_seen;
  auto build = [&](Counters::Set& counters, FluencyModel::Impl::Models& models) {
    for (int lang = 0; lang < kLanguageCount; ++lang) {
      for (int kind = 0; kind < kKindCount; ++kind) {
        models[lang][kind] = counters[lang][kind]->build(options_.buckets_log2);
        counters[lang][kind].reset();  // its memory, before the next one builds
      }
    }
  };
  for (int fold = 0; fold < 2; ++fold) {
    build(counters_->native[fold], impl->models[fold]);
    for (int c = 0; c < kContrastCount; ++c) build(counters_->contrasts[fold][c], impl->contrasts[fold][c]);
  }
  return FluencyModel(std::move(impl));
}

}  // namespace sieve::tokenizer
