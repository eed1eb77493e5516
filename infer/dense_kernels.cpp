// The fp32 kernels of kernels.h.

#include <algorithm>

#include "kernels.h"

namespace sieve::infer::kernels {
namespace {

constexpr std::size_t kLanes = 16;     // independent partial sums: two AVX registers, four SSE ones
constexpr std::size_t kTokens = 4;     // inputs that share one pass over a weight row
constexpr std::size_t kRowBlock = 32;  // weight rows kept hot in cache while the inputs stream past
constexpr std::size_t kPrefetchAhead = 4;

#define SIEVE_INLINE inline __attribute__((always_inline))

SIEVE_INLINE float horizontal_sum(const float* acc, std::size_t n) {
  float sum = 0;
  for (std::size_t k = 0; k < n; ++k) sum += acc[k];
  return sum;
}

SIEVE_INLINE float dot_inline(const float* a, const float* b, std::size_t n) {
  float acc[kLanes] = {};
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (std::size_t k = 0; k < kLanes; ++k) acc[k] += a[i + k] * b[i + k];
  }
  float tail = 0;
  for (; i < n; ++i) tail += a[i] * b[i];
  return horizontal_sum(acc, kLanes) + tail;
}

// Four dot products of one weight row: the row is read once for four inputs.
SIEVE_INLINE void dot4(const float* w, const float* const* x, std::size_t n, float* out) {
  constexpr std::size_t kWidth = 8;
  float a0[kWidth] = {}, a1[kWidth] = {}, a2[kWidth] = {}, a3[kWidth] = {};
  const float *x0 = x[0], *x1 = x[1], *x2 = x[2], *x3 = x[3];
  std::size_t i = 0;
  for (; i + kWidth <= n; i += kWidth) {
    for (std::size_t k = 0; k < kWidth; ++k) {
      const float wk = w[i + k];
      a0[k] += wk * x0[i + k];
      a1[k] += wk * x1[i + k];
      a2[k] += wk * x2[i + k];
      a3[k] += wk * x3[i + k];
    }
  }
  float t0 = 0, t1 = 0, t2 = 0, t3 = 0;
  for (; i < n; ++i) {
    t0 += w[i] * x0[i];
    t1 += w[i] * x1[i];
    t2 += w[i] * x2[i];
    t3 += w[i] * x3[i];
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

SIEVE_VECTOR_CLONES float dot(const float* a, const float* b, std::size_t n) { return dot_inline(a, b, n); }

SIEVE_VECTOR_CLONES void add_scaled(const float* x, float s, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] += s * x[i];
}

SIEVE_VECTOR_CLONES void sum_rows_f32(const float* table, std::size_t cols, const std::uint32_t* ids,
                                      std::size_t n, float* out) {
  // The rows are scattered over a table far larger than the cache: ask for the next ones early.
  for (std::size_t i = 0; i < std::min(n, kPrefetchAhead); ++i) prefetch_row(table + ids[i] * cols, cols * 4);
  for (std::size_t i = 0; i < n; ++i) {
    if (i + kPrefetchAhead < n) prefetch_row(table + ids[i + kPrefetchAhead] * cols, cols * 4);
    const float* row = table + static_cast<std::size_t>(ids[i]) * cols;
    for (std::size_t k = 0; k < cols; ++k) out[k] += row[k];
  }
}

SIEVE_VECTOR_CLONES void matmul_f32(const float* w, std::size_t rows, std::size_t cols, const float* x,
                                    std::size_t x_stride, std::size_t m, const float* bias, float* y,
                                    std::size_t y_stride) {
  for (std::size_t r0 = 0; r0 < rows; r0 += kRowBlock) {
    const std::size_t r1 = std::min(rows, r0 + kRowBlock);
    std::size_t t = 0;
    for (; t + kTokens <= m; t += kTokens) {
      const float* xs[kTokens];
      for (std::size_t j = 0; j < kTokens; ++j) xs[j] = x + (t + j) * x_stride;
      for (std::size_t r = r0; r < r1; ++r) {
        float out[kTokens];
        dot4(w + r * cols, xs, cols, out);
        const float b = bias ? bias[r] : 0.0f;
        for (std::size_t j = 0; j < kTokens; ++j) y[(t + j) * y_stride + r] = out[j] + b;
      }
    }
    for (; t < m; ++t) {
      for (std::size_t r = r0; r < r1; ++r) {
        y[t * y_stride + r] = dot_inline(w + r * cols, x + t * x_stride, cols) + (bias ? bias[r] : 0.0f);
      }
    }
  }
}

}  // namespace sieve::infer::kernels
