#pragma once
// Writes model.sieve (docs/model-file.md): the weights, the model and tokenizer settings, the heads with
// their thresholds, the SentencePiece model as opaque bytes, provenance, and a self-test of sample posts
// with the probabilities the trainer computed, and how familiar each feature row was in training (the
// out-of-domain statistics, datasets::FeatureFamiliarity).

#include <cstdint>
#include <string>
#include <vector>

#include "sieve/models/classifier.h"
#include "sieve/train/evaluation.h"
#include "sieve/train/shard_set.h"

namespace sieve::train {

// A batch of records of a shard set, in the given order, for a model of this config.
models::FeatureBatch batch_of(const ShardSet& set, const std::uint32_t* records, std::size_t count,
                              const models::ModelConfig& config);

// best: the dev evaluation of these weights (thresholds per head; empty without dev: 0.5); trained: the
// records of train_set the model was trained on.
void export_model(const std::string& path, models::Classifier& model, const models::ModelConfig& config,
                  const ShardSet& train_set, const std::vector<std::uint32_t>& trained,
                  const Evaluation& best, const std::string& config_toml);

}  // namespace sieve::train
