#include "sieve/models/classifier.h"

#include <torch/nn/init.h>

namespace sieve::models {

ClassifierImpl::ClassifierImpl(ModelConfig config, std::int64_t embed_dim)
    : config_(std::move(config)), pooled_dim_(embed_dim + config_.dense_inputs) {
  if (config_.dense_inputs > 0) {
    dense_shift_ = register_parameter("dense_shift", torch::zeros({config_.dense_inputs}), false);
    dense_scale_ = register_parameter("dense_scale", torch::ones({config_.dense_inputs}), false);
  }
  dropout_ = register_module("dropout", torch::nn::Dropout(config_.dropout));
  std::int64_t head_input = pooled_dim_;
  if (config_.hidden > 0) {
    hidden_ = register_module("hidden", torch::nn::Linear(pooled_dim_, config_.hidden));
    head_input = config_.hidden;
  }
  heads_ = register_module("heads", torch::nn::ModuleList());
  for (const HeadConfig& head : config_.heads) {
    torch::nn::Linear linear(head_input, head.outputs());
    torch::nn::init::zeros_(linear->weight);
    torch::nn::init::zeros_(linear->bias);
    heads_->push_back(linear);
  }
}

std::vector<torch::Tensor> ClassifierImpl::forward(const FeatureBatch& batch) { return classify(pooled(batch)); }

torch::Tensor ClassifierImpl::pooled(const FeatureBatch& batch) {
  torch::Tensor e = embed(batch);
  if (config_.dense_inputs == 0) return e;
  return torch::cat({e, (batch.dense - dense_shift_) * dense_scale_}, 1);
}

void ClassifierImpl::set_dense_standardization(const torch::Tensor& shift, const torch::Tensor& scale) {
  torch::NoGradGuard no_grad;
  dense_shift_.copy_(shift);
  dense_scale_.copy_(scale);
}

std::vector<torch::Tensor> ClassifierImpl::classify(const torch::Tensor& pooled) {
  torch::Tensor z = dropout_(pooled);
  if (hidden_) z = dropout_(torch::relu(hidden_(z)));
  std::vector<torch::Tensor> logits;
  logits.reserve(config_.heads.size());
  for (std::size_t k = 0; k < config_.heads.size(); ++k) {
    torch::Tensor out = heads_[k]->as<torch::nn::Linear>()->forward(z);
    logits.push_back(config_.heads[k].binary() ? out.squeeze(1) : out);
  }
  return logits;
}

}  // namespace sieve::models
