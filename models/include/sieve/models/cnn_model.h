#pragma once
// cnn: 1-D convolutions of several widths over a post's subword embeddings, max-pooled over time, next to
// the bag vector of all its features (bag_model.h). Sees word order (and so templated phrasing) that the
// bag cannot, at a fraction of the transformer's cost.
//
// The subword embeddings are a table of their own, subword_embedding.weight [vocab_size, dim], not the
// first vocab_size rows of the bag table: the bag rows are trained as one term of a mean of hundreds and
// start at ±1/dim, while a convolution wants unit-scale inputs; sharing them would tie two scales to one
// set of numbers. Its rows start N(0, 1) (LibTorch's default).
//
// Forward, exactly: for a post whose first m = min(subword_count, max_subwords) subword ids are s_1..s_m,
//   b   = the bag vector of bag_model.h                               (bag.weight [table_size, dim])
//   x_t = subword_embedding.weight[s_t] for t = 1..m, and x_t = 0 (a zero vector) for m < t ≤ max(m, w)
//   for convolution j of width w = cnn.widths[j]       (convs.j.weight [filters, dim, w], convs.j.bias
//   [filters])
//     c_t[f] = convs.j.bias[f] + Σ_{k=0..w-1} Σ_{e=0..dim-1} convs.j.weight[f, e, k] · x_{t+k}[e]
//              for t = 1 .. max(m, w) - w + 1        (a post shorter than w has one window, zero-padded)
//     g_j[f] = max_t relu(c_t[f])
//   p = [b ; g_0 ; g_1 ; ...]                          (dim + widths × filters values)
// then the heads of classifier.h. An empty post has b = 0 and g_j = relu(convs.j.bias).

#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>

#include <vector>

#include "sieve/models/classifier.h"

namespace sieve::models {

// The cnn architecture (see above).
class CnnModelImpl : public ClassifierImpl {
 public:
  explicit CnnModelImpl(const ModelConfig& config);

  torch::Tensor embed(const FeatureBatch& batch) override;
  std::vector<torch::Tensor> embedding_weights() const override;

 private:
  torch::nn::EmbeddingBag bag_{nullptr};
  torch::nn::Embedding subword_embedding_{nullptr};
  torch::nn::ModuleList convs_{nullptr};
};

}  // namespace sieve::models
