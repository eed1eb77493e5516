#pragma once
// Private to the network: the tensors of one model file bound to the layers that read them, and the
// per-architecture pieces of Network (binding and the pooled vector). Views into the mapping, except the
// few small matrices that are re-laid out once at load time.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels.h"
#include "sieve/format/model_config.h"
#include "sieve/format/model_file.h"
#include "sieve/network/network.h"

namespace sieve::infer::detail {

// A weight matrix [rows, cols], row-major: fp32, or int8 with one scale per row (value = scale[r] · q).
struct Matrix {
  const float* f32 = nullptr;
  const std::int8_t* i8 = nullptr;
  const float* scale = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;

  bool quantized() const { return i8 != nullptr; }
};

// Y[t] = W · X[t] + bias for t < m (see kernels::matmul_f32).
inline void matmul(const Matrix& w, const float* x, std::size_t x_stride, std::size_t m, const float* bias,
                   float* y, std::size_t y_stride) {
  if (w.quantized()) {
    kernels::matmul_i8(w.i8, w.scale, w.rows, w.cols, x, x_stride, m, bias, y, y_stride);
  } else {
    kernels::matmul_f32(w.f32, w.rows, w.cols, x, x_stride, m, bias, y, y_stride);
  }
}

// y = W · x + bias.
inline void matvec(const Matrix& w, const float* x, const float* bias, float* y) {
  matmul(w, x, w.cols, 1, bias, y, w.rows);
}

// out = the mean of rows ids[0, n) of w, or zeros when n = 0.
void mean_rows(const Matrix& w, const std::uint32_t* ids, std::size_t n, float* out);
// out += row r of w.
void add_row(const Matrix& w, std::size_t r, float* out);

// A linear layer: y = weight · x + bias.
struct Dense {
  Matrix weight;
  const float* bias = nullptr;
};

struct LayerNormWeights {
  const float* gain = nullptr;
  const float* bias = nullptr;
};

// One convolution of the cnn, its weight re-laid out as [filters, width · dim] with the taps outermost
// (element (f, k, e) holds convs.j.weight[f, e, k]): a window of `width` consecutive rows of the [T, dim]
// subword matrix is then one contiguous input vector.
struct Conv {
  std::size_t width = 0;
  Dense dense;
};

struct TransformerLayer {
  LayerNormWeights attention_norm;
  Dense in_proj;   // [3d, d]: q, k, v
  Dense out_proj;  // [d, d]
  LayerNormWeights ffn_norm;
  Dense ffn_in;   // [ffn, d]
  Dense ffn_out;  // [d, ffn]
};

struct NetworkWeights {
  Matrix bag;               // bag, cnn: bag.weight [table_size, dim]
  Matrix subwords;          // cnn: subword_embedding.weight [vocab_size, dim]
  std::vector<Conv> convs;  // cnn
  Matrix tokens;            // transformer: token_embedding.weight [vocab_size, d]
  Matrix positions;         // transformer: position_embedding.weight [max_subwords, d]
  std::vector<TransformerLayer> layers;
  LayerNormWeights final_norm;
  bool has_hidden = false;
  Dense hidden;              // [hidden, pooled]
  std::vector<Dense> heads;  // [outputs_k, hidden or pooled]
  std::vector<std::size_t> offsets;
  std::size_t outputs = 0;
  std::size_t embed_dim = 0;   // the architecture's vector
  std::size_t pooled_dim = 0;  // embed_dim + dense_inputs
  // The dense channel: p[embed_dim + j] = (d[j] − dense_shift[j]) · dense_scale[j].
  std::size_t dense_inputs = 0;
  const float* dense_shift = nullptr;
  const float* dense_scale = nullptr;
  bool quantized = false;
  // bag without a hidden layer: the heads are linear in the mean of the bag rows, so they are folded into
  // the table once at load. Row f holds every head's logits for bag row f alone (no bias): [table_size,
  // outputs]. A post's logits are then the biases plus the mean of its rows of this narrow table, which
  // reads outputs values per feature instead of dim. Rows are padded to folded_width, a multiple of 8,
  // so that one row is whole vectors.
  std::vector<float> folded_heads;
  std::size_t folded_width = 0;
  // With a dense channel, the heads' columns that read it, [outputs, dense_inputs]: added to the folded
  // logits.
  std::vector<float> folded_dense;
  std::vector<std::vector<float>> owned_f32;  // re-laid out matrices (small)
  std::vector<std::vector<std::int8_t>> owned_i8;

  // The weight `name` of exactly `shape`, F32 or I8 with an F32 "<name>.scale" of [shape[0]], viewed as
  // [shape[0], product of the other dimensions]. Error(kFormat, file.path(), ...) names the tensor.
  Matrix matrix(const ModelFile& file, const std::string& name, const Shape& shape);
  // The F32 vector `name` of n values.
  static const float* vector(const ModelFile& file, const std::string& name, std::int64_t n);
  Dense dense(const ModelFile& file, const std::string& prefix, std::int64_t rows, std::int64_t cols);
  static LayerNormWeights layer_norm(const ModelFile& file, const std::string& prefix, std::int64_t d);
};

// Per architecture: bind its tensors, and compute the pooled vector of one checked post.
void bind_bag(const ModelFile& file, const ModelConfig& config, NetworkWeights& weights);
void bind_cnn(const ModelFile& file, const ModelConfig& config, NetworkWeights& weights);
void bind_transformer(const ModelFile& file, const ModelConfig& config, NetworkWeights& weights);
// Fills weights.folded_heads (see above); call after the heads are bound.
void fold_bag_heads(NetworkWeights& weights);
// The logits of a checked post from weights.folded_heads.
void folded_bag_logits(const NetworkWeights& weights, const PostIds& post, NetworkScratch& scratch,
                       float* logits);
// The standardised dense values of a checked post: out[j] = (d[j] − dense_shift[j]) · dense_scale[j].
void standardize_dense(const NetworkWeights& weights, const PostIds& post, float* out);
// Writes them at pooled[embed_dim, pooled_dim).
void append_dense(const NetworkWeights& weights, const PostIds& post, float* pooled);
void bag_embed(const NetworkWeights& weights, const ModelConfig& config, const PostIds& post,
               NetworkScratch& scratch, float* pooled);
void cnn_embed(const NetworkWeights& weights, const ModelConfig& config, const PostIds& post,
               NetworkScratch& scratch, float* pooled);
void transformer_embed(const NetworkWeights& weights, const ModelConfig& config, const PostIds& post,
                       NetworkScratch& scratch, float* pooled);

}  // namespace sieve::infer::detail
