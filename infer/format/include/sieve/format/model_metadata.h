#pragma once
// The "sieve" metadata document of a model file (docs/model-file.md): what the runtime needs besides the
// weights to turn a raw post into the probabilities the trainer computed. Torch-free and
// SentencePiece-free: the normalizer and featurizer settings stay JSON here, the runtime parses them.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sieve/format/model_config.h"

namespace sieve::infer {

// The version of the metadata document this build writes and reads.
inline constexpr int kModelFormatVersion = 1;

// What a threshold promises on organic posts (`sieve calibrate --organic`): the posts it was set on, how
// many of them it flags, the rate and its Wilson 95 % upper bound.
struct OrganicRate {
  double threshold = 0.5;
  std::uint64_t posts = 0;
  std::uint64_t flagged = 0;
  double fpr = 0;
  double fpr_upper = 0;
};

// One output head as a reader of scores sees it.
struct HeadInfo {
  std::string name;
  bool binary = true;               // one sigmoid logit scoring labels[1]; otherwise a softmax over labels
  std::vector<std::string> labels;  // class names; {"0", "1"} for a binary head of the shipped corpus
  double threshold = 0.5;           // binary heads: P(1) at or above it is a positive decision
  double temperature = 1.0;         // logits are divided by it before the sigmoid or softmax
  // Set by `sieve calibrate --organic` (binary heads): the false-positive rate asked for, what `threshold`
  // gives over all the organic posts, and the languages that had posts enough for a threshold of their own.
  double organic_max_fpr = 0;  // 0: not calibrated on organic posts (the threshold is the trainer's)
  OrganicRate organic;
  std::map<std::string, OrganicRate, std::less<>> language_thresholds;  // looked up by string_view

  int outputs() const { return binary ? 1 : static_cast<int>(labels.size()); }
  // The threshold that decides a post in language lang: the language's own, else the head's.
  double threshold_for(std::string_view lang) const {
    const auto it = language_thresholds.find(lang);  // no copy of lang per post and head
    return it == language_thresholds.end() ? threshold : it->second.threshold;
  }
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

// The head's organic calibration as JSON: {"max_fpr", "overall": rate, "languages": {lang: rate}}, each rate
// {"threshold", "posts", "flagged", "fpr", "fpr_upper"}; "null" when it has none.
std::string organic_json(const HeadInfo& head);

// The document with each head's threshold and temperature replaced by those of heads (same names, same
// order), every other key kept as it was. Throws Error(kFormat, where) when the heads do not match.
std::string with_head_settings(std::string_view json, const std::vector<HeadInfo>& heads,
                               const std::string& where);

}  // namespace sieve::infer
