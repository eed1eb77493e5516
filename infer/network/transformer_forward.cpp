// transformer (models/include/sieve/models/transformer_model.h): a pre-LN encoder over the first
// max_subwords subwords, mean-pooled after a final LayerNorm. All tokens of a post go through each
// projection together, so every weight row is read once per four tokens instead of once per token.

#include <algorithm>
#include <cmath>

#include "network_scratch.h"
#include "network_weights.h"

namespace sieve::infer::detail {
namespace {

constexpr float kNormEpsilon = 1e-5f;

// out = LN(v; gain, bias) over d values, with the biased variance.
void layer_norm(const float* v, const LayerNormWeights& norm, std::size_t d, float* out) {
  float mean = 0;
  for (std::size_t i = 0; i < d; ++i) mean += v[i];
  mean /= static_cast<float>(d);
  float var = 0;
  for (std::size_t i = 0; i < d; ++i) var += (v[i] - mean) * (v[i] - mean);
  var /= static_cast<float>(d);
  const float inverse = 1.0f / std::sqrt(var + kNormEpsilon);
  for (std::size_t i = 0; i < d; ++i) out[i] = norm.gain[i] * ((v[i] - mean) * inverse) + norm.bias[i];
}

void layer_norm_rows(const float* x, const LayerNormWeights& norm, std::size_t m, std::size_t d, float* out) {
  for (std::size_t t = 0; t < m; ++t) layer_norm(x + t * d, norm, d, out + t * d);
}

// mixed[t] = the attention of token t over the m tokens, head by head; qkv rows are [q; k; v] of 3d values.
void attend(const float* qkv, std::size_t m, std::size_t d, std::size_t heads, float* scores, float* mixed) {
  const std::size_t e = d / heads;
  const float scale = 1.0f / std::sqrt(static_cast<float>(e));
  std::fill(mixed, mixed + m * d, 0.0f);
  for (std::size_t h = 0; h < heads; ++h) {
    for (std::size_t t = 0; t < m; ++t) {
      const float* q = qkv + t * 3 * d + h * e;
      float top = -INFINITY;
      for (std::size_t u = 0; u < m; ++u) {
        scores[u] = kernels::dot(q, qkv + u * 3 * d + d + h * e, e) * scale;
        top = std::max(top, scores[u]);
      }
      float sum = 0;
      for (std::size_t u = 0; u < m; ++u) {
        scores[u] = std::exp(scores[u] - top);
        sum += scores[u];
      }
      const float inverse = 1.0f / sum;
      float* o = mixed + t * d + h * e;
      for (std::size_t u = 0; u < m; ++u)
        kernels::add_scaled(qkv + u * 3 * d + 2 * d + h * e, scores[u] * inverse, o, e);
    }
  }
}

void add_rows(const float* branch, std::size_t n, float* x) {
  for (std::size_t i = 0; i < n; ++i) x[i] += branch[i];
}

void encoder_layer(const TransformerLayer& layer, const ModelConfig& config, std::size_t m,
                   NetworkScratch& scratch, float* x) {
  const std::size_t d = static_cast<std::size_t>(config.transformer.d_model);
  const std::size_t ffn = static_cast<std::size_t>(config.transformer.ffn_dim());
  float* a = scratch.a.data();
  float* qkv = scratch.qkv.data();
  float* mixed = scratch.mixed.data();
  float* inner = scratch.inner.data();

  layer_norm_rows(x, layer.attention_norm, m, d, a);
  matmul(layer.in_proj.weight, a, d, m, layer.in_proj.bias, qkv, 3 * d);
  attend(qkv, m, d, static_cast<std::size_t>(config.transformer.attention_heads), scratch.scores.data(),
         mixed);
  matmul(layer.out_proj.weight, mixed, d, m, layer.out_proj.bias, a, d);
  add_rows(a, m * d, x);

  layer_norm_rows(x, layer.ffn_norm, m, d, a);
  matmul(layer.ffn_in.weight, a, d, m, layer.ffn_in.bias, inner, ffn);
  for (std::size_t i = 0; i < m * ffn; ++i) inner[i] = std::max(inner[i], 0.0f);
  matmul(layer.ffn_out.weight, inner, ffn, m, layer.ffn_out.bias, a, d);
  add_rows(a, m * d, x);
}

}  // namespace

void bind_transformer(const ModelFile& file, const ModelConfig& config, NetworkWeights& weights) {
  const std::int64_t d = config.transformer.d_model;
  const std::int64_t ffn = config.transformer.ffn_dim();
  weights.tokens = weights.matrix(file, "token_embedding.weight", {config.vocab_size, d});
  weights.positions = weights.matrix(file, "position_embedding.weight", {config.max_subwords, d});
  for (int l = 0; l < config.transformer.layers; ++l) {
    const std::string prefix = "layers." + std::to_string(l) + ".";
    TransformerLayer layer;
    layer.attention_norm = NetworkWeights::layer_norm(file, prefix + "attention_norm", d);
    layer.in_proj.weight = weights.matrix(file, prefix + "attention.in_proj_weight", {3 * d, d});
    layer.in_proj.bias = NetworkWeights::vector(file, prefix + "attention.in_proj_bias", 3 * d);
    layer.out_proj = weights.dense(file, prefix + "attention.out_proj", d, d);
    layer.ffn_norm = NetworkWeights::layer_norm(file, prefix + "ffn_norm", d);
    layer.ffn_in = weights.dense(file, prefix + "ffn_in", ffn, d);
    layer.ffn_out = weights.dense(file, prefix + "ffn_out", d, ffn);
    weights.layers.push_back(layer);
  }
  weights.final_norm = NetworkWeights::layer_norm(file, "final_norm", d);
  weights.pooled_dim = static_cast<std::size_t>(d);
}

void transformer_embed(const NetworkWeights& weights, const ModelConfig& config, const PostIds& post,
                       NetworkScratch& scratch, float* pooled) {
  const std::size_t d = static_cast<std::size_t>(config.transformer.d_model);
  const std::size_t m =
      std::min<std::size_t>(post.subword_count, static_cast<std::size_t>(config.max_subwords));
  std::fill(pooled, pooled + d, 0.0f);
  if (m == 0) return;

  float* x = grow(scratch.x, m * d);
  grow(scratch.a, m * d);
  grow(scratch.qkv, m * 3 * d);
  grow(scratch.mixed, m * d);
  grow(scratch.inner, m * static_cast<std::size_t>(config.transformer.ffn_dim()));
  grow(scratch.scores, m);
  std::fill(x, x + m * d, 0.0f);
  for (std::size_t t = 0; t < m; ++t) {
    add_row(weights.tokens, post.ids[t], x + t * d);
    add_row(weights.positions, t, x + t * d);
  }
  for (const TransformerLayer& layer : weights.layers) encoder_layer(layer, config, m, scratch, x);

  float* normalized = scratch.a.data();
  for (std::size_t t = 0; t < m; ++t) {
    layer_norm(x + t * d, weights.final_norm, d, normalized);
    for (std::size_t i = 0; i < d; ++i) pooled[i] += normalized[i];
  }
  const float inverse = 1.0f / static_cast<float>(m);
  for (std::size_t i = 0; i < d; ++i) pooled[i] *= inverse;
}

}  // namespace sieve::infer::detail
