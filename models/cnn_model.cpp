#include "sieve/models/cnn_model.h"

#include <torch/nn/functional/padding.h>
#include <torch/nn/modules/conv.h>

#include <algorithm>

#include "sieve/models/bag_model.h"

namespace sieve::models {
namespace {

std::int64_t pooled_size(const ModelConfig& config) {
  return config.dim + static_cast<std::int64_t>(config.cnn.widths.size()) * config.cnn.filters;
}

}  // namespace

CnnModelImpl::CnnModelImpl(const ModelConfig& config) : ClassifierImpl(config, pooled_size(config)) {
  bag_ = register_module("bag", make_bag_table(config));
  subword_embedding_ = register_module(
      "subword_embedding",
      torch::nn::Embedding(
          torch::nn::EmbeddingOptions(config.vocab_size, config.dim).sparse(config.sparse_embeddings)));
  convs_ = register_module("convs", torch::nn::ModuleList());
  for (const int width : config.cnn.widths) {
    convs_->push_back(torch::nn::Conv1d(torch::nn::Conv1dOptions(config.dim, config.cnn.filters, width)));
  }
}

torch::Tensor CnnModelImpl::embed(const FeatureBatch& batch) {
  const std::vector<int>& widths = config().cnn.widths;
  const std::int64_t widest = *std::max_element(widths.begin(), widths.end());
  // Padding positions become zero vectors; rows shorter than the widest filter get zero columns.
  torch::Tensor x = subword_embedding_(batch.subwords) * batch.mask.unsqueeze(-1).to(torch::kFloat);
  x = x.transpose(1, 2);  // [B, dim, L]
  const std::int64_t columns = x.size(2);
  if (columns < widest) {
    namespace F = torch::nn::functional;
    x = F::pad(x, F::PadFuncOptions({0, widest - columns}));
  }
  std::vector<torch::Tensor> parts{bag_vectors(bag_, batch)};
  for (std::size_t j = 0; j < widths.size(); ++j) {
    torch::Tensor c = torch::relu(convs_[j]->as<torch::nn::Conv1d>()->forward(x));  // [B, filters, T]
    // Window t is real while it starts inside the post, and the first window always is. Since
    // relu(c) ≥ 0, zeroing the other windows leaves the maximum of the real ones unchanged.
    const torch::Tensor windows = (batch.lengths - widths[j] + 1).clamp_min(1);
    const torch::Tensor valid =
        torch::arange(c.size(2), batch.lengths.options()).unsqueeze(0) < windows.unsqueeze(1);  // [B, T]
    c = c * valid.unsqueeze(1).to(c.scalar_type());
    parts.push_back(std::get<0>(c.max(2)));
  }
  return torch::cat(parts, 1);
}

std::vector<torch::Tensor> CnnModelImpl::embedding_weights() const {
  return {bag_->weight, subword_embedding_->weight};
}

}  // namespace sieve::models
