#pragma once
// Private to the network: the loops every forward pass spends its time in, one fp32 and one int8 variant
// each. Weights are row-major [rows, cols] straight from the mapped model file; int8 rows carry one scale
// each (value = scale[r] · q). The loops are written so that GCC vectorises them at -O2/-O3 without
// -ffast-math (several independent accumulators instead of one serial sum); on x86-64 the hot ones are
// also compiled for AVX2 + FMA and picked at load time, so a portable build still runs wide on a recent CPU.

#include <cstddef>
#include <cstdint>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(__SANITIZE_ADDRESS__)
#define SIEVE_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define SIEVE_VECTOR_CLONES
#endif

namespace sieve::infer::kernels {

// a · b over n values.
float dot(const float* a, const float* b, std::size_t n);
// y += s · x over n values.
void add_scaled(const float* x, float s, float* y, std::size_t n);

// out += Σ_i table[ids[i]] over n rows of cols values (every id must be a row of the table).
void sum_rows_f32(const float* table, std::size_t cols, const std::uint32_t* ids, std::size_t n, float* out);
void sum_rows_i8(const std::int8_t* table, const float* scale, std::size_t cols, const std::uint32_t* ids,
                 std::size_t n, float* out);

// Y[t, r] = bias[r] + W[r] · X[t] for t < m and r < rows: row t of X starts at x + t·x_stride (rows may
// overlap, as the windows of a convolution do), row t of Y at y + t·y_stride. bias may be null.
void matmul_f32(const float* w, std::size_t rows, std::size_t cols, const float* x, std::size_t x_stride,
                std::size_t m, const float* bias, float* y, std::size_t y_stride);
void matmul_i8(const std::int8_t* w, const float* scale, std::size_t rows, std::size_t cols, const float* x,
               std::size_t x_stride, std::size_t m, const float* bias, float* y, std::size_t y_stride);

}  // namespace sieve::infer::kernels
