#pragma once
// transformer: a small pre-LN encoder over a post's subwords, mean-pooled over the real tokens. Uses the
// subword ids only (the hashed features are the bag's), up to max_subwords of them.
//
// Forward, exactly, for one post whose first m = min(subword_count, max_subwords) subword ids are s_1..s_m
// (d = transformer.d_model, H = transformer.attention_heads, e = d / H; LN(v; g, b) = g ⊙ (v − mean(v)) /
// sqrt(var(v) + 1e-5) + b with the biased variance over the d values of v):
//   m = 0:  p = 0 (a zero vector of d values); the heads then see only their biases.
//   x_t = token_embedding.weight[s_t] + position_embedding.weight[t − 1]        t = 1..m
//   for each layer l (parameters layers.l.*):
//     a_t = LN(x_t; attention_norm.weight, attention_norm.bias)
//     [q_t; k_t; v_t] = attention.in_proj_weight · a_t + attention.in_proj_bias   ([3d, d], [3d]; q, k, v
//                                                    are rows [0, d), [d, 2d), [2d, 3d))
//     for head h, with q^h_t = q_t[h·e, (h+1)·e) and likewise k^h, v^h:
//       α^h_{t,u} = softmax over u = 1..m of (q^h_t · k^h_u) / sqrt(e)
//       o_t[h·e, (h+1)·e) = Σ_u α^h_{t,u} v^h_u
//     x_t = x_t + attention.out_proj.weight · o_t + attention.out_proj.bias      ([d, d], [d])
//     f_t = LN(x_t; ffn_norm.weight, ffn_norm.bias)
//     x_t = x_t + ffn_out.weight · relu(ffn_in.weight · f_t + ffn_in.bias) + ffn_out.bias
//                                                    (ffn_in [ffn, d], ffn_out [d, ffn]; ffn =
//                                                    ffn_multiplier·d)
//   p = (1/m) Σ_t LN(x_t; final_norm.weight, final_norm.bias)
// then the heads of classifier.h. Padding never changes a post's result: padded keys are masked out of
// every softmax and padded positions out of the mean. In training, dropout(config.dropout) is applied to
// the attention and feed-forward outputs before each residual addition. Token and position rows start
// N(0, 0.02); LayerNorms at 1 and 0; attention and linear layers at LibTorch's defaults.

#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/normalization.h>

#include <vector>

#include "sieve/models/classifier.h"

namespace sieve::models {

// The transformer architecture (see above).
class TransformerModelImpl : public ClassifierImpl {
 public:
  explicit TransformerModelImpl(const ModelConfig& config);

  torch::Tensor embed(const FeatureBatch& batch) override;
  std::vector<torch::Tensor> embedding_weights() const override;

 private:
  torch::nn::Embedding token_embedding_{nullptr};
  torch::nn::Embedding position_embedding_{nullptr};
  torch::nn::ModuleList layers_{nullptr};
  torch::nn::LayerNorm final_norm_{nullptr};
};

}  // namespace sieve::models
