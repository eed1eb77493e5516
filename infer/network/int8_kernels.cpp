// The int8 kernels of kernels.h: the weights stay int8 in memory (a quarter of the bytes to fetch) and are
// widened to float in registers, then scaled once per row.

#include <algorithm>
#include <vector>

#include "gemm_block.h"
#include "kernels.h"

namespace sieve::infer::kernels {
namespace {

constexpr std::size_t kPrefetchAhead = 4;

#define SIEVE_INLINE inline __attribute__((always_inline))

SIEVE_INLINE void prefetch_row(const void* row, std::size_t bytes) {
  const char* p = static_cast<const char*>(row);
  for (std::size_t b = 0; b < bytes; b += 64) __builtin_prefetch(p + b);
}

}  // namespace

SIEVE_VECTOR_CLONES void sum_rows_i8(const std::int8_t* table, const float* scale, std::size_t cols,
                                     const std::uint32_t* ids, std::size_t n, float* out) {
  for (std::size_t i = 0; i < std::min(n, kPrefetchAhead); ++i) prefetch_row(table + ids[i] * cols, cols);
  for (std::size_t i = 0; i < n; ++i) {
    if (i + kPrefetchAhead < n) prefetch_row(table + ids[i + kPrefetchAhead] * cols, cols);
    const std::size_t id = ids[i];
    const std::int8_t* row = table + id * cols;
    const float s = scale[id];
    for (std::size_t k = 0; k < cols; ++k) out[k] += s * static_cast<float>(row[k]);
  }
}

SIEVE_VECTOR_CLONES void matmul_i8(const std::int8_t* w, const float* scale, std::size_t rows,
                                   std::size_t cols, const float* x, std::size_t x_stride, std::size_t m,
                                   const float* bias, float* y, std::size_t y_stride) {
  // Two weight rows at a time are widened to fp32 (a loop GCC vectorises; widening inside the block loop
  // would not be), then every input passes over them with the fp32 block. The buffer grows once per thread.
  thread_local std::vector<float> widened;
  if (widened.size() < 2 * cols) widened.resize(2 * cols);
  float* w0 = widened.data();
  float* w1 = w0 + cols;
  for (std::size_t r = 0; r < rows; r += 2) {
    const bool pair = r + 1 < rows;
    for (std::size_t k = 0; k < cols; ++k) w0[k] = static_cast<float>(w[r * cols + k]);
    if (pair) {
      for (std::size_t k = 0; k < cols; ++k) w1[k] = static_cast<float>(w[(r + 1) * cols + k]);
    }
    const float b0 = bias ? bias[r] : 0.0f;
    const float b1 = pair && bias ? bias[r + 1] : 0.0f;
    std::size_t t = 0;
    for (; pair && t + 4 <= m; t += 4) {
      const float* xs[4] = {x + t * x_stride, x + (t + 1) * x_stride, x + (t + 2) * x_stride,
                            x + (t + 3) * x_stride};
      float out[4][2];
      detail::dot_4x2(w0, w1, xs, cols, out);
      for (std::size_t j = 0; j < 4; ++j) {
        y[(t + j) * y_stride + r] = scale[r] * out[j][0] + b0;
        y[(t + j) * y_stride + r + 1] = scale[r + 1] * out[j][1] + b1;
      }
    }
    for (; t < m; ++t) {
      y[t * y_stride + r] = scale[r] * detail::dot_block(w0, x + t * x_stride, cols) + b0;
      if (pair) y[t * y_stride + r + 1] = scale[r + 1] * detail::dot_block(w1, x + t * x_stride, cols) + b1;
    }
  }
}

}  // namespace sieve::infer::kernels
