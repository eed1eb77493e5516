#pragma once
// Builds the classifier a config describes: the one place that maps an architecture to its module.

#include "sieve/models/classifier.h"
#include "sieve/models/model_config.h"

namespace sieve::models {

// Validates config (Error(kConfig) on a bad value), then builds the model with fresh weights drawn from
// LibTorch's generator: the same torch::manual_seed gives the same weights.
Classifier make_classifier(const ModelConfig& config);

}  // namespace sieve::models
