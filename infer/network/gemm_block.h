#pragma once
// Private to the kernels: the register-blocked inner loop of matmul_f32 and matmul_i8, written with GCC
// vector extensions so that it is 8 floats wide in every build (two SSE registers on a baseline build, one
// AVX register in the AVX2 clone). A block of 4 inputs × 2 weight rows keeps 8 accumulators in registers
// and reads each loaded value 2 or 4 times, so the loop is bound by multiply-adds, not by loads.

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace sieve::infer::kernels::detail {

typedef float Float8 __attribute__((vector_size(32)));
typedef std::int8_t Int8x8 __attribute__((vector_size(8)));

#define SIEVE_KERNEL_INLINE inline __attribute__((always_inline))

SIEVE_KERNEL_INLINE Float8 load8(const float* p) {
  Float8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

SIEVE_KERNEL_INLINE Float8 load8(const std::int8_t* p) {
  Int8x8 q;
  std::memcpy(&q, p, sizeof q);
  return __builtin_convertvector(q, Float8);
}

SIEVE_KERNEL_INLINE float sum8(Float8 v) {
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

// w · x over n values, w fp32 or int8 (unscaled).
template <typename W>
SIEVE_KERNEL_INLINE float dot_block(const W* w, const float* x, std::size_t n) {
  Float8 a = {}, b = {};
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a += load8(w + i) * load8(x + i);
    b += load8(w + i + 8) * load8(x + i + 8);
  }
  for (; i + 8 <= n; i += 8) a += load8(w + i) * load8(x + i);
  float tail = 0;
  for (; i < n; ++i) tail += static_cast<float>(w[i]) * x[i];
  return sum8(a + b) + tail;
}

// out[j][r] = W[r] · X[j] for 4 inputs X[j] = x[j] and 2 weight rows W[r] = w0, w1.
template <typename W>
SIEVE_KERNEL_INLINE void dot_4x2(const W* w0, const W* w1, const float* const* x, std::size_t n,
                                 float (*out)[2]) {
  Float8 a00 = {}, a01 = {}, a10 = {}, a11 = {}, a20 = {}, a21 = {}, a30 = {}, a31 = {};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const Float8 r0 = load8(w0 + i), r1 = load8(w1 + i);
    const Float8 x0 = load8(x[0] + i), x1 = load8(x[1] + i), x2 = load8(x[2] + i), x3 = load8(x[3] + i);
    a00 += x0 * r0;
    a01 += x0 * r1;
    a10 += x1 * r0;
    a11 += x1 * r1;
    a20 += x2 * r0;
    a21 += x2 * r1;
    a30 += x3 * r0;
    a31 += x3 * r1;
  }
  out[0][0] = sum8(a00), out[0][1] = sum8(a01), out[1][0] = sum8(a10), out[1][1] = sum8(a11);
  out[2][0] = sum8(a20), out[2][1] = sum8(a21), out[3][0] = sum8(a30), out[3][1] = sum8(a31);
  for (; i < n; ++i) {
    const float r0 = static_cast<float>(w0[i]), r1 = static_cast<float>(w1[i]);
    for (std::size_t j = 0; j < 4; ++j) {
      out[j][0] += x[j][i] * r0;
      out[j][1] += x[j][i] * r1;
    }
  }
}

// Y[t, r] = scale(r) · (W[r] · X[t]) + bias[r] (see kernels::matmul_f32), with the weight rows blocked so
// that a block stays in cache while all the inputs pass over it.
template <typename W, typename Scale>
SIEVE_KERNEL_INLINE void matmul_blocked(const W* w, Scale scale, std::size_t rows, std::size_t cols,
                                        const float* x, std::size_t x_stride, std::size_t m,
                                        const float* bias, float* y, std::size_t y_stride) {
  constexpr std::size_t kRowBlock = 64;
  for (std::size_t r0 = 0; r0 < rows; r0 += kRowBlock) {
    const std::size_t r1 = r0 + kRowBlock < rows ? r0 + kRowBlock : rows;
    std::size_t t = 0;
    for (; t + 4 <= m; t += 4) {
      const float* xs[4] = {x + t * x_stride, x + (t + 1) * x_stride, x + (t + 2) * x_stride,
                            x + (t + 3) * x_stride};
      std::size_t r = r0;
      for (; r + 2 <= r1; r += 2) {
        float out[4][2];
        dot_4x2(w + r * cols, w + (r + 1) * cols, xs, cols, out);
        for (std::size_t j = 0; j < 4; ++j) {
          for (std::size_t k = 0; k < 2; ++k) {
            y[(t + j) * y_stride + r + k] = scale(r + k) * out[j][k] + (bias ? bias[r + k] : 0.0f);
          }
        }
      }
      for (; r < r1; ++r) {
        for (std::size_t j = 0; j < 4; ++j) {
          y[(t + j) * y_stride + r] =
              scale(r) * dot_block(w + r * cols, xs[j], cols) + (bias ? bias[r] : 0.0f);
        }
      }
    }
    for (; t < m; ++t) {
      for (std::size_t r = r0; r < r1; ++r) {
        y[t * y_stride + r] =
            scale(r) * dot_block(w + r * cols, x + t * x_stride, cols) + (bias ? bias[r] : 0.0f);
      }
    }
  }
}

}  // namespace sieve::infer::kernels::detail
