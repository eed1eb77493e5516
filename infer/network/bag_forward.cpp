// bag (models/include/sieve/models/bag_model.h): p = the mean of the bag rows of every feature id.

#include <algorithm>
#include <vector>

#include "network_scratch.h"
#include "network_weights.h"

namespace sieve::infer::detail {

void bind_bag(const ModelFile& file, const ModelConfig& config, NetworkWeights& weights) {
  weights.bag = weights.matrix(file, "bag.weight", {config.table_size, config.dim});
  weights.pooled_dim = static_cast<std::size_t>(config.dim);
}

void bag_embed(const NetworkWeights& weights, const ModelConfig&, const PostIds& post, NetworkScratch&,
               float* pooled) {
  mean_rows(weights.bag, post.ids, post.count, pooled);
}

void standardize_dense(const NetworkWeights& weights, const PostIds& post, float* out) {
  for (std::size_t j = 0; j < weights.dense_inputs; ++j)
    out[j] = (post.dense[j] - weights.dense_shift[j]) * weights.dense_scale[j];
}

void append_dense(const NetworkWeights& weights, const PostIds& post, float* pooled) {
  standardize_dense(weights, post, pooled + weights.embed_dim);
}

void fold_bag_heads(NetworkWeights& weights) {
  const std::size_t rows = weights.bag.rows, dim = weights.bag.cols;
  const std::size_t width = (weights.outputs + 7) / 8 * 8;
  weights.folded_width = width;
  weights.folded_heads.assign(rows * width, 0.0f);
  // The heads read [bag mean, dense values]: a bag row alone is that vector with zeros for the dense part.
  std::vector<float> row(weights.pooled_dim);
  const std::size_t dense = weights.dense_inputs;
  weights.folded_dense.assign(weights.outputs * dense, 0.0f);
  for (std::size_t k = 0; k < weights.heads.size(); ++k) {
    for (std::size_t o = 0; o < weights.heads[k].weight.rows; ++o) {
      std::fill(row.begin(), row.end(), 0.0f);
      add_row(weights.heads[k].weight, o, row.data());
      // data() +: with no dense inputs the table is empty and must not be indexed.
      std::copy_n(row.data() + dim, dense, weights.folded_dense.data() + (weights.offsets[k] + o) * dense);
    }
  }
  for (std::size_t f = 0; f < rows; ++f) {
    std::fill(row.begin(), row.end(), 0.0f);
    add_row(weights.bag, f, row.data());
    for (std::size_t k = 0; k < weights.heads.size(); ++k) {
      matvec(weights.heads[k].weight, row.data(), nullptr,
             weights.folded_heads.data() + f * width + weights.offsets[k]);
    }
  }
}

void folded_bag_logits(const NetworkWeights& weights, const PostIds& post, NetworkScratch& scratch,
                       float* logits) {
  const std::size_t width = weights.folded_width;
  float* sums = grow(scratch.pooled, width);
  std::fill(sums, sums + width, 0.0f);
  kernels::sum_rows_f32(weights.folded_heads.data(), width, post.ids, post.count, sums);
  const float inverse = post.count > 0 ? 1.0f / static_cast<float>(post.count) : 0.0f;
  const std::size_t dense = weights.dense_inputs;
  float* standardized = grow(scratch.hidden, dense);
  standardize_dense(weights, post, standardized);
  for (std::size_t k = 0; k < weights.heads.size(); ++k) {
    const Dense& head = weights.heads[k];
    for (std::size_t o = 0; o < head.weight.rows; ++o) {
      const std::size_t at = weights.offsets[k] + o;
      float logit = sums[at] * inverse + head.bias[o];
      const float* w = weights.folded_dense.data() + at * dense;  // empty without dense inputs
      for (std::size_t j = 0; j < dense; ++j) logit += w[j] * standardized[j];
      logits[at] = logit;
    }
  }
}

}  // namespace sieve::infer::detail
