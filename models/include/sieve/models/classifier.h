#pragma once
// The one interface of every architecture: a batch of posts in, one logits tensor per head out. An
// architecture only says how a post becomes a pooled vector (embed); the heads on top are shared.
//
// The heads, exactly (the Torch-free runtime re-implements this and must match within 1e-4). With e the
// architecture's vector of a post (see each architecture's header) and, when config.dense_inputs = D > 0,
// d its dense values (style and fluency, computed by the featurizer):
//   p = e                                                        when D = 0
//   p = [e, (d − dense_shift) ⊙ dense_scale]                     otherwise (dense_shift, dense_scale [D])
// dense_shift and dense_scale are fixed, not learned: the trainer sets them to the mean and 1/std of the
// training posts' values, so every dense input enters at unit scale.
//   z = relu(hidden.weight · p + hidden.bias)      when config.hidden > 0   (hidden.weight [hidden, P])
//   z = p                                          otherwise
//   binary head k:       logit  = heads.k.weight · z + heads.k.bias        ([1, Z], [1]); P(1) = sigmoid
//   multi-class head k:  logits = heads.k.weight · z + heads.k.bias        ([C, Z], [C]); softmax
// In training, dropout(config.dropout) is applied to p and, with a hidden layer, to z; eval() turns it off.
// Head weights and biases start at zero (as fastText's output matrix), so every head starts at p = 0.5 or
// uniform.

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>

#include <memory>
#include <vector>

#include "sieve/models/feature_batch.h"
#include "sieve/models/model_config.h"

namespace sieve::models {

// The base of every architecture: owns the heads and turns embed()'s pooled vectors into logits.
class ClassifierImpl : public torch::nn::Module {
 public:
  // Registers the heads (and hidden layer) on embed()'s vectors of embed_dim values, plus the dense channel
  // when the config has one. config must be valid.
  ClassifierImpl(ModelConfig config, std::int64_t embed_dim);

  // One logits tensor per head, in config.heads order: [B] for a binary head, [B, C] for a multi-class one.
  std::vector<torch::Tensor> forward(const FeatureBatch& batch);
  // The heads alone, on pooled vectors [B, pooled_dim].
  std::vector<torch::Tensor> classify(const torch::Tensor& pooled);
  // The architecture's post vectors [B, embed_dim]; with the dense values appended (pooled()) they are
  // what the heads see, and what cross-lingual clustering compares.
  virtual torch::Tensor embed(const FeatureBatch& batch) = 0;
  torch::Tensor pooled(const FeatureBatch& batch);
  // Sets dense_shift and dense_scale (D values each); see above.
  void set_dense_standardization(const torch::Tensor& shift, const torch::Tensor& scale);

  const ModelConfig& config() const { return config_; }
  std::int64_t pooled_dim() const { return pooled_dim_; }
  // The vocab- and table-sized embedding weights: their gradients are sparse when
  // config.sparse_embeddings is set, so an optimiser must treat them apart.
  virtual std::vector<torch::Tensor> embedding_weights() const = 0;

 private:
  ModelConfig config_;
  std::int64_t pooled_dim_;
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear hidden_{nullptr};
  torch::nn::ModuleList heads_{nullptr};
  torch::Tensor dense_shift_, dense_scale_;  // [D], not trained; undefined without a dense channel
};

// Holders are shared_ptr, as LibTorch's own module holders are: copies share the parameters.
using Classifier = std::shared_ptr<ClassifierImpl>;

}  // namespace sieve::models
