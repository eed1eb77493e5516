#pragma once
// A batch of posts as tensors, in the two layouts the architectures read: a flat id list with offsets
// (EmbeddingBag: bag, and cnn's bag vector) and a padded subword matrix with lengths and mask (cnn,
// transformer). Built once per batch by the trainer from shard records, or by tests from plain arrays.

#include <torch/types.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sieve/models/model_config.h"

namespace sieve::models {

// A label value the post does not have: its head's loss ignores the post (datasets::kMissingLabel).
inline constexpr std::int8_t kMissingLabel = -1;

// One post as a shard stores it: ids[0, id_count) are feature ids, of which the first subword_count are
// subword ids in text order (then hashed bigrams and character n-grams; see docs/tokenizer.md).
// The pointers must stay valid until make_feature_batch() returns; nothing is kept.
struct PostFeatures {
  const std::uint32_t* ids = nullptr;
  std::size_t id_count = 0;
  std::uint32_t subword_count = 0;
  const std::int8_t* labels = nullptr;  // one per head, kMissingLabel when unknown; nullptr: all unknown
  const float* dense = nullptr;         // config.dense_inputs values of the dense channel, when it has any
};

// The tensors every architecture's forward reads, B posts at a time.
struct FeatureBatch {
  torch::Tensor ids;       // int64 [total ids]: every feature id of every post, post after post
  torch::Tensor offsets;   // int64 [B]: where post b starts in ids; an empty post repeats the next offset
  torch::Tensor subwords;  // int64 [B, L]: the first min(subword_count, max_subwords) subword ids of each
                           // post, right-padded with 0; L = max(1, longest post's count)
  torch::Tensor lengths;   // int64 [B]: real subwords in each row of subwords
  torch::Tensor mask;      // bool [B, L]: true at real subwords, false at padding
  torch::Tensor labels;    // int64 [B, heads]: class index (0/1 for binary heads), -1 when missing
  torch::Tensor dense;     // float [B, dense_inputs] when the config has a dense channel, else undefined

  std::int64_t size() const { return lengths.defined() ? lengths.size(0) : 0; }
};

// Copies posts into a batch for a model of this config. Checks every value a model would otherwise
// index out of range with and throws Error(kInvalidInput, "batch post <i>", ...): a feature id not below
// table_size, a subword id not below vocab_size, subword_count above id_count, a label outside
// [-1, num_classes), missing or non-finite dense values. Throws Error(kInvalidInput, "batch") on an empty list.
FeatureBatch make_feature_batch(const std::vector<PostFeatures>& posts, const ModelConfig& config);

}  // namespace sieve::models
