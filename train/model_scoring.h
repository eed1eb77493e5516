#pragma once
// A model's scores on a shard set, for evaluation (private to sieve_train).

#include <cstdint>
#include <vector>

#include "sieve/models/classifier.h"
#include "sieve/train/evaluation.h"
#include "sieve/train/shard_set.h"

namespace sieve::train {

// Per-record scores of every head (see ScoredSet) on a whole shard set, in record order.
ScoredSet score(models::Classifier& model, const ShardSet& set, const std::vector<std::uint32_t>& order,
                const models::ModelConfig& config, std::int64_t batch_size);

// 0, 1, ..., set.size() - 1.
std::vector<std::uint32_t> all_records(const ShardSet& set);

}  // namespace sieve::train
