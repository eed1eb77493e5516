#include "sieve/models/bag_model.h"

#include <torch/nn/init.h>

namespace sieve::models {

torch::nn::EmbeddingBag make_bag_table(const ModelConfig& config) {
  torch::nn::EmbeddingBag table(torch::nn::EmbeddingBagOptions(config.table_size, config.dim)
                                    .mode(torch::kMean)
                                    .sparse(config.sparse_embeddings));
  const double bound = 1.0 / config.dim;
  torch::nn::init::uniform_(table->weight, -bound, bound);
  return table;
}

torch::Tensor bag_vectors(torch::nn::EmbeddingBag& table, const FeatureBatch& batch) {
  // An empty post is an empty bag, which EmbeddingBag's mean turns into zeros.
  return table(batch.ids, batch.offsets);
}

BagModelImpl::BagModelImpl(const ModelConfig& config) : ClassifierImpl(config, config.dim) {
  bag_ = register_module("bag", make_bag_table(config));
}

torch::Tensor BagModelImpl::embed(const FeatureBatch& batch) { return bag_vectors(bag_, batch); }

std::vector<torch::Tensor> BagModelImpl::embedding_weights() const { return {bag_->weight}; }

}  // namespace sieve::models
