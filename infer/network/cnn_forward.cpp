// cnn (models/include/sieve/models/cnn_model.h): the bag vector, then for each convolution the max over
// windows of relu(bias + W · window), where the subword matrix is zero-padded to the widest kernel.

#include <algorithm>

#include "network_scratch.h"
#include "network_weights.h"

namespace sieve::infer::detail {
namespace {

// convs.j.weight [filters, dim, width] → [filters, width, dim] (see Conv), as fp32 or int8 like the stored
// tensor; the per-filter scales are unchanged, since a filter's values are only reordered.
template <typename T>
std::vector<T> taps_outermost(const T* w, std::size_t filters, std::size_t dim, std::size_t width) {
  std::vector<T> out(filters * width * dim);
  for (std::size_t f = 0; f < filters; ++f) {
    for (std::size_t e = 0; e < dim; ++e) {
      for (std::size_t k = 0; k < width; ++k) out[(f * width + k) * dim + e] = w[(f * dim + e) * width + k];
    }
  }
  return out;
}

}  // namespace

void bind_cnn(const ModelFile& file, const ModelConfig& config, NetworkWeights& weights) {
  const std::int64_t dim = config.dim;
  const std::int64_t filters = config.cnn.filters;
  weights.bag = weights.matrix(file, "bag.weight", {config.table_size, dim});
  weights.subwords = weights.matrix(file, "subword_embedding.weight", {config.vocab_size, dim});
  for (std::size_t j = 0; j < config.cnn.widths.size(); ++j) {
    const std::string prefix = "convs." + std::to_string(j);
    const std::int64_t width = config.cnn.widths[j];
    Conv conv;
    conv.width = static_cast<std::size_t>(width);
    Matrix stored = weights.matrix(file, prefix + ".weight", {filters, dim, width});
    conv.dense.weight = stored;
    if (stored.quantized()) {
      weights.owned_i8.push_back(taps_outermost(stored.i8, stored.rows, dim, conv.width));
      conv.dense.weight.i8 = weights.owned_i8.back().data();
    } else {
      weights.owned_f32.push_back(taps_outermost(stored.f32, stored.rows, dim, conv.width));
      conv.dense.weight.f32 = weights.owned_f32.back().data();
    }
    conv.dense.bias = NetworkWeights::vector(file, prefix + ".bias", filters);
    weights.convs.push_back(conv);
  }
  weights.pooled_dim =
      static_cast<std::size_t>(dim + filters * static_cast<std::int64_t>(weights.convs.size()));
}

void cnn_embed(const NetworkWeights& weights, const ModelConfig& config, const PostIds& post,
               NetworkScratch& scratch, float* pooled) {
  const std::size_t dim = static_cast<std::size_t>(config.dim);
  const std::size_t filters = static_cast<std::size_t>(config.cnn.filters);
  mean_rows(weights.bag, post.ids, post.count, pooled);

  const std::size_t m =
      std::min<std::size_t>(post.subword_count, static_cast<std::size_t>(config.max_subwords));
  std::size_t widest = 0;
  for (const Conv& conv : weights.convs) widest = std::max(widest, conv.width);
  const std::size_t rows = std::max(m, widest);
  float* x = grow(scratch.x, rows * dim);
  std::fill(x, x + rows * dim, 0.0f);
  for (std::size_t t = 0; t < m; ++t) add_row(weights.subwords, post.ids[t], x + t * dim);

  float* g = pooled + dim;
  for (const Conv& conv : weights.convs) {
    // A post shorter than the kernel has one window, zero-padded (rows ≥ width always holds).
    const std::size_t windows = std::max(m, conv.width) - conv.width + 1;
    float* c = grow(scratch.a, windows * filters);
    matmul(conv.dense.weight, x, dim, windows, conv.dense.bias, c, filters);
    std::fill(g, g + filters, 0.0f);  // relu(·) ≥ 0, so 0 is the identity of max over relu(c)
    for (std::size_t t = 0; t < windows; ++t) {
      const float* ct = c + t * filters;
      for (std::size_t f = 0; f < filters; ++f) g[f] = std::max(g[f], ct[f]);
    }
    g += filters;
  }
}

}  // namespace sieve::infer::detail
