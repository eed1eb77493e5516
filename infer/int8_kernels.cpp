// The int8 kernels of kernels.h: the weights stay int8 in memory (a quarter of the bytes to fetch) and are
// widened to float in registers, then scaled once per row.

#include <algorithm>

#include "kernels.h"

namespace sieve::infer::kernels {
namespace {

constexpr std::size_t kLanes = 16;
constexpr std::size_t kTokens = 4;
constexpr std::size_t kRowBlock = 64;
constexpr std::size_t kPrefetchAhead = 4;

#define SIEVE_INLINE inline __attribute__((always_inline))

SIEVE_INLINE float horizontal_sum(const float* acc, std::size_t n) {
  float sum = 0;
  for (std::size_t k = 0; k < n; ++k) sum += acc[k];
  return sum;
}

// Σ q[i] · x[i], before the row's scale.
SIEVE_INLINE float dot_i8(const std::int8_t* q, const float* x, std::size_t n) {
  float acc[kLanes] = {};
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (std::size_t k = 0; k < kLanes; ++k) acc[k] += static_cast<float>(q[i + k]) * x[i + k];
  }
  float tail = 0;
  for (; i < n; ++i) tail += static_cast<float>(q[i]) * x[i];
  return horizontal_sum(acc, kLanes) + tail;
}

SIEVE_INLINE void dot4_i8(const std::int8_t* q, const float* const* x, std::size_t n, float* out) {
  constexpr std::size_t kWidth = 8;
  float a0[kWidth] = {}, a1[kWidth] = {}, a2[kWidth] = {}, a3[kWidth] = {};
  const float *x0 = x[0], *x1 = x[1], *x2 = x[2], *x3 = x[3];
  std::size_t i = 0;
  for (; i + kWidth <= n; i += kWidth) {
    for (std::size_t k = 0; k < kWidth; ++k) {
      const float wk = static_cast<float>(q[i + k]);
      a0[k] += wk * x0[i + k];
      a1[k] += wk * x1[i + k];
      a2[k] += wk * x2[i + k];
      a3[k] += wk * x3[i + k];
    }
  }
  float t0 = 0, t1 = 0, t2 = 0, t3 = 0;
  for (; i < n; ++i) {
    const float wi = static_cast<float>(q[i]);
    t0 += wi * x0[i];
    t1 += wi * x1[i];
    t2 += wi * x2[i];
    t3 += wi * x3[i];
  }
  out[0] = horizontal_sum(a0, kWidth) + t0;
  out[1] = horizontal_sum(a1, kWidth) + t1;
  out[2] = horizontal_sum(a2, kWidth) + t2;
  out[3] = horizontal_sum(a3, kWidth) + t3;
}

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
  for (std::size_t r0 = 0; r0 < rows; r0 += kRowBlock) {
    const std::size_t r1 = std::min(rows, r0 + kRowBlock);
    std::size_t t = 0;
    for (; t + kTokens <= m; t += kTokens) {
      const float* xs[kTokens];
      for (std::size_t j = 0; j < kTokens; ++j) xs[j] = x + (t + j) * x_stride;
      for (std::size_t r = r0; r < r1; ++r) {
        float out[kTokens];
        dot4_i8(w + r * cols, xs, cols, out);
        const float b = bias ? bias[r] : 0.0f;
        for (std::size_t j = 0; j < kTokens; ++j) y[(t + j) * y_stride + r] = scale[r] * out[j] + b;
      }
    }
    for (; t < m; ++t) {
      for (std::size_t r = r0; r < r1; ++r) {
        y[t * y_stride + r] =
            scale[r] * dot_i8(w + r * cols, x + t * x_stride, cols) + (bias ? bias[r] : 0.0f);
      }
    }
  }
}

}  // namespace sieve::infer::kernels
