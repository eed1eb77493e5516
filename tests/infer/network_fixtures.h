#pragma once
// Model files for the network tests, written by the tests themselves: the tensors a config needs under
// their LibTorch names, with seeded random values, as a list the tests can damage before writing it.

#include <cstdint>
#include <string>
#include <vector>

#include "sieve/infer/model_config.h"
#include "sieve/infer/model_file.h"

namespace sieve::infer::testing {

// One tensor to write: name, dtype, shape and raw bytes.
struct TensorSpec {
  std::string name;
  DType dtype = DType::kF32;
  Shape shape;
  std::vector<unsigned char> bytes;
};

// A small valid config of the architecture; heads: one binary head, plus a 3-class head when multiclass.
ModelConfig small_config(Architecture architecture, int hidden, bool multiclass);

// Every parameter of config, F32, drawn uniformly from ±scale (seeded).
std::vector<TensorSpec> random_parameters(const ModelConfig& config, std::uint32_t seed, float scale = 0.5f);

// Writes the tensors (and a U8 "tokenizer.model" blob) to path.
void write_model(const std::string& path, const std::vector<TensorSpec>& tensors);

// The tensor named name in the list (fails the test when absent).
TensorSpec& find_spec(std::vector<TensorSpec>& tensors, const std::string& name);

// A fresh file path under the test's temporary directory.
std::string temp_path(const std::string& name);

}  // namespace sieve::infer::testing
