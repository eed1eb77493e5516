#pragma once
// Runtime model files written by the tests themselves: a small network of seeded random weights (a bag
// model with a binary and a 3-class head) with a real SentencePiece tokenizer inside, and the pieces of the
// file a test may change before writing it. Also the fuzz targets' seed model.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "network_fixtures.h"

namespace sieve::infer::testing {

constexpr std::uint32_t kHashBuckets = 1024;

// What a model file holds besides its tensors; the tests change pieces of it.
struct ModelParts {
  ModelConfig config;
  std::vector<TensorSpec> tensors;
  std::string tokenizer;     // the SentencePiece model's bytes
  double temperature = 2.0;  // of the binary head
  std::uint32_t table_size = 0;
  std::vector<std::pair<std::string, std::vector<double>>> self_test;
  std::string ood_json;  // the "ood" metadata document; "" for none
  std::vector<float> ood_rarity;
};

// A bag model over tokenizer::testing::small_model(), hidden layer of `hidden` units (0: none).
ModelParts bag_parts(int hidden = 0);

// The "sieve" metadata document of parts.
std::string metadata(const ModelParts& parts);

// Posts to score with these models: English with a number, a hashtag and a handle, French, Chinese, an empty
// post and one of pieces the tokenizer never saw.
const std::vector<std::string>& sample_posts();

// Writes parts to a file under the temporary folder (temp_path(name)) and returns its path; with an
// absolute or relative path containing '/', writes there instead. sieve_metadata, when given, is stored
// instead of metadata(parts) (a test's edit of it).
std::string write(const ModelParts& parts, const std::string& name, const std::string& sieve_metadata = "");

}  // namespace sieve::infer::testing
