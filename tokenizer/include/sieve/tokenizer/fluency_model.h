#pragma once
// Fluency features: how likely a post is under n-gram language models of native English, French and
// Chinese text. A learner's sentence or a literal machine translation holds word sequences that native
// text rarely has; these numbers let a classifier see that inside one source, where the bag of n-gram
// embeddings mostly sees which dataset a post came from.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sieve/core/hash.h"

namespace sieve::tokenizer {

// How FluencyModel::train builds its models. Stored in the serialized model.
struct FluencyOptions {
  int word_order = 3;  // n of the word n-gram models (1..8); Chinese words are single characters
  int char_order = 5;  // n of the character n-gram models (1..8)
  // At most 2^buckets_log2 slots per n-gram order, language and fold (4..26), each slot 8 bytes. A table
  // is sized to its n-grams and filled to at most 3/4; beyond that the rarest n-grams are dropped.
  std::uint32_t buckets_log2 = 20;
  // At most this many distinct n-grams held while counting, all languages, kinds, orders and folds together
  // (0: no limit, every n-gram counted exactly). Beyond it the rarely seen ones are dropped: those seen once
  // since the last drop, of the highest order first, then of the next order, then those seen at most twice,
  // four times, ..., until 3/4 of the budget is left. A run peaks near 270 bytes each.
  std::uint64_t max_ngrams = 32'000'000;  // all of ../shared/native/ in about 4 GB (docs/training.md)

  // Throws Error(kConfig) naming the field that is out of range.
  void validate() const;
  bool operator==(const FluencyOptions& other) const;
  bool operator!=(const FluencyOptions& other) const { return !(*this == other); }
};

// The length of the vector FluencyModel::score writes.
inline constexpr std::size_t kFluencyFeatureCount = 9;

// The snake_case name of feature i (for docs and reports); "" for i >= kFluencyFeatureCount.
const char* fluency_feature_name(std::size_t i);

// The length of the vector of statistics FluencyModel::score writes beside the values: the spread of the
// per-token log-probabilities, the shares of tokens above 1/2, 1/10, 1/100 and 1/1000 (lower bounds of
// GLTR's rank buckets), unseen n-grams by order, and how much likelier the post is under the contrast
// models of learner and machine text than under the native ones.
inline constexpr std::size_t kFluencyStatisticCount = 14;

// The snake_case name of statistic i; "" for i >= kFluencyStatisticCount.
const char* fluency_statistic_name(std::size_t i);

// The languages of the models: "en", "fr", "zh" for i < kFluencyLanguageCount, else "".
inline constexpr std::size_t kFluencyLanguageCount = 3;
const char* fluency_language_name(std::size_t i);

// What a text teaches a FluencyModel: how natives write (the language models behind every value), or how
// learners or machines write (the contrast models, which only the statistics read).
enum class FluencyText { kNative, kLearner, kMachine };

// Interpolated Kneser-Ney models of native text (docs in fluency_model.cpp), one word model and one
// character model per language ("en", "fr", "zh") and per fold. Two folds are kept for cross-fitting: a
// training post is scored by the fold that never saw it, so its features look like those of an unseen post.
// Immutable once built or loaded; copies share the tables and score() is const and thread-safe.
class FluencyModel {
 public:
  friend class FluencyTrainer;
  static constexpr std::uint64_t kFoldSeed = 0xF01D;
  // A normalized native sentence, its language (others than en, fr, zh are ignored) and fold (0 or 1).
  struct Example {
    std::string_view text;
    std::string_view lang;
    int fold = 0;
    FluencyText kind = FluencyText::kNative;
  };

  // The fold of a group (an author, a document, a sentence pair): half of the groups each. Training puts a
  // post in its group's fold; preparing training posts scores them with the other one.
  static int fold_of(std::string_view group) { return static_cast<int>(hash64(group, kFoldSeed) & 1u); }

  // Throws Error(kConfig) on bad options and Error(kInvalidInput) naming the example whose fold is not 0/1.
  static FluencyModel train(const std::vector<Example>& examples, const FluencyOptions& options);

  int folds() const;  // 2, or 1 for a model read from a serving half
  // Whether it learned from any learner or machine text (files before format version 4 did not); without,
  // the statistics that compare against them are 0.
  bool has_contrast() const;

  // Little-endian, versioned, with its length and a checksum. serving_half: fold 0 alone, what model.sieve
  // keeps (half the size); a model read from it refuses to score with fold 1.
  std::string serialize(bool serving_half = false) const;
  // Throws Error(kFormat, where, ...) on any truncated, corrupt or foreign input; never reads out of bounds.
  // The model keeps copies of the tables.
  static FluencyModel deserialize(std::string_view bytes, const std::string& where);
  // As deserialize, but the tables of a current file (format 5) are used in place, not copied: bytes must
  // stay valid while keep_alive lives, and the model (and every copy of it) holds keep_alive. Tables of
  // older files, or not 4-byte aligned in memory (the format puts them at multiples of 64 bytes from the
  // start of the file), are copied.
  static FluencyModel view(std::string_view bytes, const std::string& where,
                           std::shared_ptr<const void> keep_alive);
  // The model in the file at path, mapped read-only and viewed: what a process that scores with a model file
  // should use (no copy of a current file's tables, the pages shared with the page cache). Throws
  // Error(kIo, path, ...) when the file cannot be mapped, and what deserialize throws, naming path.
  static FluencyModel load(const std::string& path);

  const FluencyOptions& options() const;

  // Writes kFluencyFeatureCount values to out for one normalized post under models of fold `fold` (0 at
  // serve time). lang "en", "fr" or "zh" picks the models; anything else (or "", or a language the model
  // has no text of) picks by script: mostly Han → zh, else whichever of en and fr gives the higher word
  // log-probability. Log-probabilities are log10 per token (the end of the post is a token), clamped to
  // [-10, 0]; under a language without training text every token has log-probability 0. Throws
  // Error(kInvalidInput) if fold is not 0 or 1; any text, including empty or invalid UTF-8, gives finite
  // values.
  // statistics, when not null, receives kFluencyStatisticCount more values, as finite as the others.
  // Returns the language whose models scored the post: an index into fluency_language_name().
  int score(std::string_view normalized, std::string_view lang, int fold, float* out,
            float* statistics = nullptr) const;

 private:
  struct Impl;
  explicit FluencyModel(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// Builds a FluencyModel from texts fed one at a time, holding their n-gram counts (at most
// FluencyOptions::max_ngrams of them) and never the texts. FluencyModel::train is this over a vector.
class FluencyTrainer {
 public:
  // Throws Error(kConfig) on bad options.
  explicit FluencyTrainer(const FluencyOptions& options);
  ~FluencyTrainer();

  // Counts one normalized text into the models of lang ("en", "fr", "zh"; others are ignored), fold (0
  // or 1: Error(kInvalidInput) otherwise) and kind. The contrast models (learner and machine text) learn
  // from labelled posts alone, which are few: they are counted exactly, outside max_ngrams.
  void add(std::string_view normalized, std::string_view lang, int fold,
           FluencyText kind = FluencyText::kNative);
  std::uint64_t pruned() const { return pruned_; }  // n-grams dropped to stay within max_ngrams so far
  std::size_t held() const;                         // distinct native n-grams held now

  // The model of everything added; the trainer is spent afterwards.
  FluencyModel finish();

 private:
  void prune();

  struct Counters;
  FluencyOptions options_;
  std::unique_ptr<Counters> counters_;
  std::uint64_t pruned_ = 0;
};

}  // namespace sieve::tokenizer
