#pragma once
// Model files for the network tests, written by the tests themselves (random_network.h), and small
// configs to write them for.

#include <cstdint>
#include <string>
#include <vector>

#include "random_network.h"
#include "sieve/format/model_config.h"

namespace sieve::infer::testing {

// A small valid config of the architecture; heads: one binary head, plus a 3-class head when multiclass.
ModelConfig small_config(Architecture architecture, int hidden, bool multiclass);

// The tensor named name in the list (fails the test when absent).
TensorSpec& find_spec(std::vector<TensorSpec>& tensors, const std::string& name);

// A fresh file path under the test's temporary directory.
std::string temp_path(const std::string& name);

}  // namespace sieve::infer::testing
