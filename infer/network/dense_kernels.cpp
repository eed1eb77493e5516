// The fp32 kernels of kernels.h.

#include <algorithm>

#include "gemm_block.h"
#include "kernels.h"

namespace sieve::infer::kernels {
namespace {

#define SIEVE_INLINE inline __attribute__((always_inline))

// Σ_i table[ids[i]][c, c + 8·kVectors) into acc, in registers. Narrow slices alternate two sets of
// accumulators between rows, so that the additions of consecutive rows do not wait on each other.
template <std::size_t kVectors>
SIEVE_INLINE void sum_slice(const float* table, std::size_t cols, const std::uint32_t* ids, std::size_t n,
                            std::size_t c, detail::Float8* acc) {
  constexpr std::size_t kSets = kVectors >= 8 ? 1 : 2;
  detail::Float8 sets[kSets][kVectors] = {};
  std::size_t i = 0;
  for (; i + kSets <= n; i += kSets) {
    for (std::size_t s = 0; s < kSets; ++s) {
      const float* row = table + static_cast<std::size_t>(ids[i + s]) * cols + c;
      for (std::size_t v = 0; v < kVectors; ++v) sets[s][v] += detail::load8(row + 8 * v);
    }
  }
  for (; i < n; ++i) {
    const float* row = table + static_cast<std::size_t>(ids[i]) * cols + c;
    for (std::size_t v = 0; v < kVectors; ++v) sets[0][v] += detail::load8(row + 8 * v);
  }
  for (std::size_t v = 0; v < kVectors; ++v) {
    acc[v] = sets[0][v];
    for (std::size_t s = 1; s < kSets; ++s) acc[v] += sets[s][v];
  }
}

template <std::size_t kVectors>
SIEVE_INLINE void add_slice(const float* table, std::size_t cols, const std::uint32_t* ids, std::size_t n,
                            std::size_t c, float* out) {
  detail::Float8 acc[kVectors];
  sum_slice<kVectors>(table, cols, ids, n, c, acc);
  for (std::size_t v = 0; v < kVectors; ++v) {
    for (std::size_t k = 0; k < 8; ++k) out[c + 8 * v + k] += acc[v][k];
  }
}

}  // namespace

SIEVE_VECTOR_CLONES float dot(const float* a, const float* b, std::size_t n) {
  return detail::dot_block(a, b, n);
}

SIEVE_VECTOR_CLONES void add_scaled(const float* x, float s, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] += s * x[i];
}

SIEVE_VECTOR_CLONES void sum_rows_f32(const float* table, std::size_t cols, const std::uint32_t* ids,
                                      std::size_t n, float* out) {
  // Columns go in slices held in registers across all rows, so out is read and written once per slice.
  // (Prefetching the next rows measured slower here: a post's rows are few and mostly cached.)
  std::size_t c = 0;
  for (; c + 64 <= cols; c += 64) add_slice<8>(table, cols, ids, n, c, out);
  for (; c + 32 <= cols; c += 32) add_slice<4>(table, cols, ids, n, c, out);
  for (; c + 8 <= cols; c += 8) add_slice<1>(table, cols, ids, n, c, out);
  if (c == cols) return;
  if (cols >= 8) {
    // The last columns: one more slice of 8 ending at the last column, keeping only the lanes not summed.
    detail::Float8 acc[1];
    sum_slice<1>(table, cols, ids, n, cols - 8, acc);
    for (std::size_t k = c - (cols - 8); k < 8; ++k) out[cols - 8 + k] += acc[0][k];
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < cols; ++k) out[k] += table[static_cast<std::size_t>(ids[i]) * cols + k];
  }
}

SIEVE_VECTOR_CLONES void matmul_f32(const float* w, std::size_t rows, std::size_t cols, const float* x,
                                    std::size_t x_stride, std::size_t m, const float* bias, float* y,
                                    std::size_t y_stride) {
  detail::matmul_blocked(
      w, [](std::size_t) { return 1.0f; }, rows, cols, x, x_stride, m, bias, y, y_stride);
}

}  // namespace sieve::infer::kernels
