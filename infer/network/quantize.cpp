#include "sieve/network/quantize.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "sieve/core/error.h"

namespace sieve::infer {
namespace {

bool becomes_int8(const Tensor& t) { return t.dtype == DType::kF32 && t.shape.size() >= 2; }

// Row by row: scale = max|row| / 127, q = round(value / scale); a row of zeros keeps scale 0 and q = 0.
void quantize_rows(const ModelFile& file, const Tensor& t, std::vector<std::int8_t>& q,
                   std::vector<float>& scales) {
  const auto rows = static_cast<std::size_t>(t.shape[0]);
  const std::size_t cols = rows == 0 ? 0 : t.elements() / rows;
  const auto* values = static_cast<const float*>(t.data);
  q.assign(rows * cols, 0);
  scales.assign(rows, 0.0f);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row = values + r * cols;
    float top = 0;
    for (std::size_t c = 0; c < cols; ++c) {
      if (!std::isfinite(row[c])) {
        throw Error(
            ErrorKind::kFormat, file.path(),
            "tensor '" + t.name + "' holds a value that is not finite (row " + std::to_string(r) + ")");
      }
      top = std::max(top, std::fabs(row[c]));
    }
    if (top == 0.0f) continue;
    const float scale = top / 127.0f;
    scales[r] = scale;
    for (std::size_t c = 0; c < cols; ++c) {
      const float v = std::round(row[c] / scale);
      q[r * cols + c] = static_cast<std::int8_t>(std::clamp(v, -127.0f, 127.0f));
    }
  }
}

}  // namespace

void add_quantized_tensors(const ModelFile& in, ModelFileWriter& out, QuantizeStats* stats) {
  QuantizeStats counts;
  std::vector<std::int8_t> q;
  std::vector<float> scales;
  for (const Tensor& t : in.tensors()) {
    counts.bytes_before += t.bytes;
    // Byte blobs keep 8 (the fluency model's tables are used in place from the mapping, as the exporter
    // wrote them); numbers keep the runtime's.
    const std::size_t alignment = t.dtype == DType::kU8 ? 8 : kModelFileAlignment;
    if (!becomes_int8(t)) {
      out.add_tensor(t.name, t.dtype, t.shape, t.data, t.bytes, alignment);
      counts.bytes_after += t.bytes;
      continue;
    }
    const std::string scale_name = t.name + ".scale";
    if (in.find(scale_name) != nullptr) {
      throw Error(ErrorKind::kFormat, in.path(),
                  "tensor '" + t.name + "' is F32 but '" + scale_name +
                      "', where its scales would go, already exists");
    }
    quantize_rows(in, t, q, scales);
    out.add_tensor(t.name, DType::kI8, t.shape, q.data(), q.size());
    out.add_tensor(scale_name, DType::kF32, {t.shape[0]}, scales.data(), scales.size() * sizeof(float));
    counts.bytes_after += q.size() + scales.size() * sizeof(float);
    ++counts.tensors_quantized;
  }
  if (stats != nullptr) *stats = counts;
}

}  // namespace sieve::infer
