#pragma once
// bag: the mean of the embeddings of every feature id of a post (subword ids, hashed subword bigrams,
// hashed character n-grams), as fastText does. The fast default.
//
// Forward, exactly: for a post with feature ids f_1..f_n (all of them; max_subwords does not apply),
//   p = (1/n) Σ_i bag.weight[f_i]          bag.weight [table_size, dim]
//   p = 0                                  when n = 0
// then the heads of classifier.h. bag.weight starts uniform in ±1/dim (as fastText's input matrix).

#include <torch/nn/modules/embedding.h>

#include <vector>

#include "sieve/models/classifier.h"

namespace sieve::models {

// The bag architecture (see above).
class BagModelImpl : public ClassifierImpl {
 public:
  explicit BagModelImpl(const ModelConfig& config);

  torch::Tensor embed(const FeatureBatch& batch) override;
  std::vector<torch::Tensor> embedding_weights() const override;

 private:
  torch::nn::EmbeddingBag bag_{nullptr};
};

// The bag table of bag and cnn: EmbeddingBag(table_size, dim, mean; sparse when configured), rows uniform
// in ±1/dim. bag_vectors(table, batch) is p above for every post: [B, dim].
torch::nn::EmbeddingBag make_bag_table(const ModelConfig& config);
torch::Tensor bag_vectors(torch::nn::EmbeddingBag& table, const FeatureBatch& batch);

}  // namespace sieve::models
