#pragma once
// The featurizer: raw post → normalized text → subword ids + hashed subword bigrams + hashed character
// n-grams, all as rows of one embedding table. The same object runs at prepare time and at serve time.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sieve/tokenizer/fluency_model.h"
#include "sieve/tokenizer/normalizer.h"
#include "sieve/tokenizer/subword_model.h"

namespace sieve::tokenizer {

struct FeaturizerSettings {
  std::uint32_t hash_buckets = 1u << 18;  // rows after the vocabulary shared by bigram and n-gram hashes
  bool subword_bigrams = true;            // hashed pairs of neighbouring subword ids
  int char_ngram_min = 2;                 // character n-grams of each word, with begin/end markers;
  int char_ngram_max = 4;                 // 0 and 0 turn them off
  std::uint64_t seed = 0x5e1e7e;          // hash seed: changing it changes every hashed id
  bool style = false;                     // the dense style values of each post (style_features.h)
  // With style: two blocks of style values, the first for posts of other scripts, the second for Chinese
  // ones (mostly_han), zeros in the other block: a head then weighs a Chinese post's punctuation and
  // lengths apart from an English or French one's, as it does their fluency values.
  bool style_by_script = false;
  bool fluency = false;  // the dense fluency values of each post under a FluencyModel (fluency_model.h)
  // With fluency: the statistics of each post under the same models too (kFluencyStatisticCount values).
  bool fluency_statistics = false;

  bool char_ngrams() const { return char_ngram_max > 0; }
  // The style values' share of the dense values: 0, one block, or two with style_by_script.
  std::size_t style_width() const;
  // Dense values per post: the style values (two blocks with style_by_script), then the fluency values in
  // one block per language
  // (kFluencyLanguageCount blocks; only the block of the language that scored the post is not zero), each
  // block the values followed by the statistics when fluency_statistics is on.
  std::size_t dense_width() const;
  void validate() const;  // throws Error(kConfig) naming the field
  std::string to_json() const;
  static FeaturizerSettings from_json(std::string_view json);  // throws Error(kFormat)
  bool operator==(const FeaturizerSettings& other) const;
};

// The features of one post. ids holds, in this order: subword ids (in text order), bigram ids,
// character n-gram ids; every id is below Featurizer::table_size(). dense holds the settings' dense_width()
// values (style, then fluency).
struct Features {
  std::vector<std::uint32_t> ids;
  std::vector<float> dense;
  std::uint32_t subword_count = 0;
  std::uint32_t bigram_count = 0;

  std::uint32_t ngram_count() const {
    return static_cast<std::uint32_t>(ids.size()) - subword_count - bigram_count;
  }
};

// The features of many posts in one flat array: post i owns ids[offsets[i], offsets[i + 1]).
struct FeatureBatch {
  std::vector<std::uint32_t> ids;
  std::vector<float> dense;  // post i owns dense[i · width, (i + 1) · width)
  std::vector<std::uint64_t> offsets{0};
  std::vector<std::uint32_t> subword_counts;
  std::size_t invalid_utf8_posts = 0;  // posts that held invalid UTF-8 (replaced, still featurized)

  std::size_t size() const { return subword_counts.size(); }
};

// Per-thread scratch of the featurizer: buffers and a cache of per-word features. Not thread-safe;
// give each thread its own.
class FeaturizerWorkspace {
 public:
  FeaturizerWorkspace();
  ~FeaturizerWorkspace();
  FeaturizerWorkspace(FeaturizerWorkspace&&) noexcept;
  FeaturizerWorkspace& operator=(FeaturizerWorkspace&&) noexcept;

 private:
  friend class Featurizer;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Immutable after construction; featurize() is const and safe to call from many threads, each with its
// own workspace. The result depends only on the text, the models and the settings: never on the thread,
// the workspace's cache or the machine.
class Featurizer {
 public:
  // fluency is required when settings.fluency is set (Error(kConfig, "featurizer.fluency") otherwise).
  Featurizer(Normalizer normalizer, SubwordModel subwords, FeaturizerSettings settings = {},
             std::shared_ptr<const FluencyModel> fluency = nullptr);

  const Normalizer& normalizer() const { return normalizer_; }
  const SubwordModel& subwords() const { return subwords_; }
  const FeaturizerSettings& settings() const { return settings_; }
  const FluencyModel* fluency() const { return fluency_.get(); }
  // Rows of the embedding table the ids index: vocabulary, then hash buckets.
  std::uint32_t table_size() const { return vocab_size_ + settings_.hash_buckets; }

  // fluency_fold: which half of the fluency model scores the post. Serving and evaluation use 0; preparing
  // training posts uses the half that did not learn from the post's group (FluencyModel::fold_of).
  void featurize(std::string_view text, Features& out, FeaturizerWorkspace& workspace,
                 NormalizeStats* stats = nullptr, int fluency_fold = 0) const;
  Features featurize(std::string_view text) const;
  // All posts, on all cores (oneTBB), in input order.
  FeatureBatch featurize_batch(const std::vector<std::string>& texts) const;

  // The pieces of featurize() for learners that need them word by word (the embedding trainer): the
  // subword ids and the character n-gram ids of one word of normalized text (no space in it), appended as
  // featurize() appends them for that word; and the id of the hashed bigram of two neighbouring subwords.
  void word_features(std::string_view word, std::vector<std::uint32_t>& subwords,
                     std::vector<std::uint32_t>& ngrams, FeaturizerWorkspace& workspace) const;
  std::uint32_t bigram_id(std::uint32_t first, std::uint32_t second) const;

 private:
  void append_word(std::string_view word, std::vector<std::uint32_t>& subwords,
                   std::vector<std::uint32_t>& ngrams, FeaturizerWorkspace::Impl& ws) const;
  void char_ngrams(std::string_view word, std::vector<std::uint32_t>& out,
                   FeaturizerWorkspace::Impl& ws) const;
  void dense_values(std::string_view text, std::string_view normalized, int fluency_fold,
                    Features& out) const;

  Normalizer normalizer_;
  SubwordModel subwords_;
  FeaturizerSettings settings_;
  std::shared_ptr<const FluencyModel> fluency_;
  std::uint32_t vocab_size_;
};

}  // namespace sieve::tokenizer
