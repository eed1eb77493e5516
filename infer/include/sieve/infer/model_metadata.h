#pragma once
// The "sieve" metadata document of a model file (docs/model-file.md): what the runtime needs besides the
// weights to turn a raw post into the probabilities the trainer computed. Torch-free and
// SentencePiece-free: the normalizer and featurizer settings stay JSON here, the runtime parses them.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sieve/infer/model_config.h"

namespace sieve::infer {

// The version of the metadata document this build writes and reads.
inline constexpr int kModelFormatVersion = 1;

// One output head as a reader of scores sees it.
struct HeadInfo {
  std::string name;
  bool binary = true;               // one sigmoid logit scoring labels[1]; otherwise a softmax over labels
  std::vector<std::string> labels;  // class names; {"0", "1"} for a binary head of the shipped corpus
  double threshold = 0.5;           // binary heads: P(1) at or above it is a positive decision
  double temperature = 1.0;         // logits are divided by it before the sigmoid or softmax

  int outputs() const { return binary ? 1 : static_cast<int>(labels.size()); }
};

// A sample post and the probabilities the trainer computed for it: every head's outputs, concatenated.
struct SelfTestSample {
  std::string text;
  std::vector<double> probabilities;
};

struct ModelMetadata {
  int format_version = kModelFormatVersion;
  ModelConfig model;
  std::vector<HeadInfo> heads;  // in model.heads order, one per head
  std::string normalizer_json;  // tokenizer::NormalizerSettings::to_json() of the training shards
  std::string featurizer_json;  // tokenizer::FeaturizerSettings::to_json() of the training shards
  std::uint32_t vocab_size = 0;
  std::uint32_t table_size = 0;
  std::vector<SelfTestSample> self_test;

  // Parses and checks the document: the version, every required key, heads agreeing with the model
  // config (names, kinds, label counts), thresholds in [0, 1], positive finite temperatures, self-test
  // rows of the right width. Throws Error(kFormat, where, "<key>: <problem>").
  static ModelMetadata parse(std::string_view json, const std::string& where);
};

// The document with each head's threshold and temperature replaced by those of heads (same names, same
// order), every other key kept as it was. Throws Error(kFormat, where) when the heads do not match.
std::string with_head_settings(std::string_view json, const std::vector<HeadInfo>& heads,
                               const std::string& where);

}  // namespace sieve::infer
