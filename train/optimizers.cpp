#include "optimizers.h"

#include <algorithm>

namespace sieve::train {

Optimizers make_optimizers(const TrainConfig& c, models::Classifier& model) {
  std::vector<torch::Tensor> dense, tables;
  const std::vector<torch::Tensor> embeddings = model->embedding_weights();
  for (const torch::Tensor& p : model->parameters()) {
    if (!p.requires_grad()) continue;  // frozen for fine-tuning
    const bool table = model->config().sparse_embeddings &&
                       std::any_of(embeddings.begin(), embeddings.end(),
                                   [&](const torch::Tensor& e) { return e.is_same(p); });
    (table ? tables : dense).push_back(p);
  }
  Optimizers o;
  o.dense_parameters = dense;
  o.sparse_parameters = tables;
  if (c.optimizer == "sgd") {
    o.dense = std::make_unique<torch::optim::SGD>(
        dense, torch::optim::SGDOptions(c.lr).momentum(c.momentum).weight_decay(c.weight_decay));
  } else {
    o.dense = std::make_unique<torch::optim::AdamW>(
        dense, torch::optim::AdamWOptions(c.lr).weight_decay(c.weight_decay));
  }
  if (!tables.empty()) {
    o.sparse =
        std::make_unique<torch::optim::SGD>(tables, torch::optim::SGDOptions(c.embedding_lr * c.batch_size));
  }
  return o;
}

}  // namespace sieve::train
