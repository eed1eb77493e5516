#include "network_weights.h"

#include <algorithm>
#include <cmath>

#include "sieve/core/error.h"

namespace sieve::infer::detail {
namespace {

std::string quoted(const std::string& name) { return "'" + name + "'"; }

// A corrupt or hostile file can hold NaN or infinite weights; they would turn every score into NaN.
const float* finite(const ModelFile& file, const std::string& name, const float* values, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(values[i])) {
      throw Error(ErrorKind::kFormat, file.path(),
                  "tensor " + quoted(name) + " holds a non-finite value at index " + std::to_string(i));
    }
  }
  return values;
}

}  // namespace

void mean_rows(const Matrix& w, const std::uint32_t* ids, std::size_t n, float* out) {
  std::fill(out, out + w.cols, 0.0f);
  if (n == 0) return;
  if (w.quantized()) {
    kernels::sum_rows_i8(w.i8, w.scale, w.cols, ids, n, out);
  } else {
    kernels::sum_rows_f32(w.f32, w.cols, ids, n, out);
  }
  const float inverse = 1.0f / static_cast<float>(n);
  for (std::size_t k = 0; k < w.cols; ++k) out[k] *= inverse;
}

void add_row(const Matrix& w, std::size_t r, float* out) {
  if (w.quantized()) {
    const std::int8_t* row = w.i8 + r * w.cols;
    const float s = w.scale[r];
    for (std::size_t k = 0; k < w.cols; ++k) out[k] += s * static_cast<float>(row[k]);
  } else {
    kernels::add_scaled(w.f32 + r * w.cols, 1.0f, out, w.cols);
  }
}

Matrix NetworkWeights::matrix(const ModelFile& file, const std::string& name, const Shape& shape) {
  const Tensor& tensor = file.tensor(name);
  Matrix m;
  m.rows = static_cast<std::size_t>(shape[0]);
  m.cols = 1;
  for (std::size_t i = 1; i < shape.size(); ++i) m.cols *= static_cast<std::size_t>(shape[i]);
  if (tensor.dtype == DType::kF32) {
    m.f32 = finite(file, name, file.f32(name, shape), m.rows * m.cols);
    return m;
  }
  if (tensor.dtype != DType::kI8) {
    throw Error(ErrorKind::kFormat, file.path(),
                "tensor " + quoted(name) + " is " + dtype_name(tensor.dtype) + ", expected F32 or I8");
  }
  m.i8 = file.i8(name, shape);
  const std::string scale = name + ".scale";
  if (file.find(scale) == nullptr) {
    throw Error(ErrorKind::kFormat, file.path(),
                "tensor " + quoted(name) + " is I8 but its scale tensor " + quoted(scale) + " is missing");
  }
  m.scale = finite(file, scale, file.f32(scale, {shape[0]}), m.rows);
  quantized = true;
  return m;
}

const float* NetworkWeights::vector(const ModelFile& file, const std::string& name, std::int64_t n) {
  return finite(file, name, file.f32(name, {n}), static_cast<std::size_t>(n));
}

Dense NetworkWeights::dense(const ModelFile& file, const std::string& prefix, std::int64_t rows,
                            std::int64_t cols) {
  return Dense{matrix(file, prefix + ".weight", {rows, cols}), vector(file, prefix + ".bias", rows)};
}

LayerNormWeights NetworkWeights::layer_norm(const ModelFile& file, const std::string& prefix,
                                            std::int64_t d) {
  return LayerNormWeights{vector(file, prefix + ".weight", d), vector(file, prefix + ".bias", d)};
}

}  // namespace sieve::infer::detail
