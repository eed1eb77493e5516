#pragma once
// Private to the network: the buffers behind a NetworkWorkspace. Each grows to the largest post seen and
// never shrinks, so a workspace that has seen its longest post makes the forward pass allocation-free.

#include <cstddef>
#include <vector>

namespace sieve::infer::detail {

struct NetworkScratch {
  std::vector<float> pooled;  // p (forward)
  std::vector<float> hidden;  // z
  std::vector<float> x;       // cnn: the zero-padded subword matrix; transformer: the residual stream
  std::vector<float> a;       // transformer: normalized tokens and branch outputs; cnn: window outputs
  std::vector<float> qkv;     // transformer
  std::vector<float> mixed;   // transformer: the attention output before out_proj
  std::vector<float> inner;   // transformer: the feed-forward layer's inner activations
  std::vector<float> scores;  // transformer: one row of attention weights
};

// The first n values of v, growing it when needed.
inline float* grow(std::vector<float>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

}  // namespace sieve::infer::detail
