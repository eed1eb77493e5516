#pragma once
// A tiny learnable task shared by the model tests: 32 posts whose labels are set by marker subwords among
// random filler, with hashed noise features, some labels missing and one empty post.

#include <cstdint>
#include <vector>

#include "sieve/models/classifier.h"
#include "sieve/models/feature_batch.h"
#include "sieve/models/model_config.h"

namespace sieve::models::testing {

inline constexpr std::uint32_t kTinyVocab = 64;
inline constexpr std::uint32_t kTinyTable = 192;  // 64 subwords + 128 hash buckets

struct TinyTask {
  std::vector<std::vector<std::uint32_t>> ids;
  std::vector<std::uint32_t> subword_counts;
  std::vector<std::vector<std::int8_t>>
      labels;  // heads: marked1 (binary), marked2 (binary), kind (3 classes)

  std::vector<PostFeatures> posts() const;
};

// Heads: "marked1" is 1 when subword 1 occurs, "marked2" when subword 2 does, "kind" is c when subword 3 + c
// does. Post 31 is empty (marked1 = marked2 = 0, kind missing).
TinyTask make_tiny_task();

// A small config of the architecture over the tiny task's tables and heads.
ModelConfig tiny_config(Architecture architecture);

// Share of labelled (post, head) pairs the model gets right, in eval mode.
double accuracy(ClassifierImpl& model, const FeatureBatch& batch);

// Full-batch Adam steps until every labelled (post, head) is right, checked every 5 steps; returns the
// steps taken, or -1 when max_steps were not enough.
int steps_to_fit(ClassifierImpl& model, const FeatureBatch& batch, double lr, int max_steps);

// Runs `steps` full-batch Adam steps in training mode.
void train_steps(ClassifierImpl& model, const FeatureBatch& batch, double lr, int steps);

}  // namespace sieve::models::testing
