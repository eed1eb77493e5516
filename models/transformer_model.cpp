#include "sieve/models/transformer_model.h"

#include <torch/nn/init.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>

namespace sieve::models {
namespace {

torch::nn::LayerNorm make_norm(std::int64_t d) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({d}).eps(1e-5));
}

// One pre-LN block: LayerNorm before attention and before the feed-forward layer, residuals around both.
// Written out because LibTorch 1.13's TransformerEncoderLayer is post-LN only.
class TransformerBlockImpl : public torch::nn::Module {
 public:
  TransformerBlockImpl(const TransformerConfig& config, double dropout) {
    const std::int64_t d = config.d_model;
    attention_norm_ = register_module("attention_norm", make_norm(d));
    attention_ = register_module(
        "attention",
        torch::nn::MultiheadAttention(torch::nn::MultiheadAttentionOptions(d, config.attention_heads)));
    ffn_norm_ = register_module("ffn_norm", make_norm(d));
    ffn_in_ = register_module("ffn_in", torch::nn::Linear(d, config.ffn_dim()));
    ffn_out_ = register_module("ffn_out", torch::nn::Linear(config.ffn_dim(), d));
    dropout_ = register_module("dropout", torch::nn::Dropout(dropout));
  }

  // x [L, B, d]; padding [B, L], true at keys to ignore.
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& padding) {
    const torch::Tensor a = attention_norm_(x);
    x = x + dropout_(std::get<0>(attention_(a, a, a, padding, /*need_weights=*/false)));
    return x + dropout_(ffn_out_(torch::relu(ffn_in_(ffn_norm_(x)))));
  }

 private:
  torch::nn::LayerNorm attention_norm_{nullptr};
  torch::nn::MultiheadAttention attention_{nullptr};
  torch::nn::LayerNorm ffn_norm_{nullptr};
  torch::nn::Linear ffn_in_{nullptr};
  torch::nn::Linear ffn_out_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(TransformerBlock);

}  // namespace

TransformerModelImpl::TransformerModelImpl(const ModelConfig& config)
    : ClassifierImpl(config, config.transformer.d_model) {
  const std::int64_t d = config.transformer.d_model;
  token_embedding_ = register_module(
      "token_embedding",
      torch::nn::Embedding(
          torch::nn::EmbeddingOptions(config.vocab_size, d).sparse(config.sparse_embeddings)));
  position_embedding_ = register_module("position_embedding", torch::nn::Embedding(config.max_subwords, d));
  torch::nn::init::normal_(token_embedding_->weight, 0.0, 0.02);
  torch::nn::init::normal_(position_embedding_->weight, 0.0, 0.02);
  layers_ = register_module("layers", torch::nn::ModuleList());
  for (int l = 0; l < config.transformer.layers; ++l) {
    layers_->push_back(TransformerBlock(config.transformer, config.dropout));
  }
  final_norm_ = register_module("final_norm", make_norm(d));
}

torch::Tensor TransformerModelImpl::embed(const FeatureBatch& batch) {
  const std::int64_t columns = batch.subwords.size(1);
  const torch::Tensor positions = torch::arange(columns, batch.subwords.options());
  torch::Tensor x = token_embedding_(batch.subwords) + position_embedding_(positions).unsqueeze(0);
  x = x.transpose(0, 1);  // [L, B, d]: LibTorch's attention wants the sequence first
  torch::Tensor padding = batch.mask.logical_not();
  // An empty post would mask every key and turn its softmax into NaN, which poisons gradients even where
  // the row is later ignored. Its position 0 is left unmasked instead; the mean below discards the row.
  padding.select(1, 0).fill_(false);
  for (const auto& layer : *layers_) x = layer->as<TransformerBlock>()->forward(x, padding);
  const torch::Tensor real = batch.mask.transpose(0, 1).unsqueeze(-1).to(x.scalar_type());  // [L, B, 1]
  const torch::Tensor sum = (final_norm_(x) * real).sum(0);                                 // [B, d]
  return sum / batch.lengths.clamp_min(1).unsqueeze(1).to(sum.scalar_type());
}

std::vector<torch::Tensor> TransformerModelImpl::embedding_weights() const {
  return {token_embedding_->weight};
}

}  // namespace sieve::models
