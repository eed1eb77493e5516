#pragma once
// Model files with seeded random weights, for tests and benchmarks of the runtime that need no trainer:
// the tensors a config needs under their LibTorch names, as a list a test can damage before writing it.

#include <cstdint>
#include <string>
#include <vector>

#include "sieve/format/model_config.h"
#include "sieve/format/model_file.h"

namespace sieve::infer::testing {

// One tensor to write: name, dtype, shape and raw bytes.
struct TensorSpec {
  std::string name;
  DType dtype = DType::kF32;
  Shape shape;
  std::vector<unsigned char> bytes;
};

// Every parameter of config, F32, drawn uniformly from ±scale (seeded).
std::vector<TensorSpec> random_parameters(const ModelConfig& config, std::uint32_t seed, float scale = 0.5f);

// Writes the tensors (and a U8 "tokenizer.model" blob) to path.
void write_model(const std::string& path, const std::vector<TensorSpec>& tensors);

}  // namespace sieve::infer::testing
