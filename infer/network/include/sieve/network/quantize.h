#pragma once
// int8 weights: a model file whose weight matrices are stored as I8 with one F32 scale per row, about a
// quarter of the size, read by the same Network. Quantization is a property of the stored tensors, not a
// different kind of model.

#include <cstddef>
#include <cstdint>

#include "sieve/format/model_file.h"

namespace sieve::infer {

// What add_quantized_tensors() did, for the user.
struct QuantizeStats {
  std::uint64_t bytes_before = 0;     // tensor data of the input
  std::uint64_t bytes_after = 0;      // tensor data added to the output
  std::size_t tensors_quantized = 0;  // F32 tensors turned into I8 + scale
};

// Copies every tensor of `in` to `out`. Each F32 tensor of rank ≥ 2 becomes an I8 tensor of the same name
// and shape plus an F32 tensor "<name>.scale" of shape [rows] (rows = shape[0]): row r is scaled
// symmetrically by scale[r] = max|row r| / 127 and rounded to the nearest integer, so value = scale · q; a
// row of zeros has scale 0. Every other tensor (biases, layer norms, the tokenizer blob, tensors that are
// already I8 and their scales) is copied unchanged, so quantizing a quantized file is a no-op copy.
// Metadata is not touched: the caller sets it. Throws Error(kFormat, in.path(), ...) when "<name>.scale"
// is already taken by another tensor, or when an F32 weight holds a value that is not finite.
void add_quantized_tensors(const ModelFile& in, ModelFileWriter& out, QuantizeStats* stats = nullptr);

}  // namespace sieve::infer
