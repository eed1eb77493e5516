#pragma once
// Dev-set metrics of every head, overall and per language and per source, so that over-fitting to one
// source's artefacts shows. Torch-free: it sees probabilities and labels only.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sieve/datasets/record.h"

namespace sieve::train {

// Scores of one evaluation pass, record-major: scores[r * heads + h]. For a binary head the score is
// P(label = 1); for a multi-class head it is 1 when the predicted class is the label, else 0.
struct ScoredSet {
  std::size_t heads = 0;
  std::vector<float> scores;
  std::vector<std::int8_t> labels;            // same layout; datasets::kMissingLabel when unknown
  std::vector<std::uint16_t> langs, sources;  // per record
  std::vector<std::string> lang_names, source_names;
};

struct SliceMetrics {
  std::string head;
  std::string slice;  // "all", "lang:en", "source:ira"
  std::size_t labelled = 0;
  std::size_t positives = 0;  // binary heads
  double roc_auc = 0;         // NaN when one class is absent; binary heads
  double pr_auc = 0;          // NaN without positives; binary heads
  double best_f1 = 0;         // binary heads
  double threshold = 0.5;     // of best_f1
  double accuracy = 0;        // multi-class heads
};

struct Evaluation {
  std::vector<SliceMetrics> slices;
  // Mean PR-AUC over binary heads (slice "all") that have both classes: the early-stopping criterion.
  double mean_pr_auc = 0;
  // Per head: the threshold of best dev F1 (binary) or 0 (multi-class), stored in model.sieve.
  std::vector<double> thresholds;

  std::string to_json() const;
  // A table of the "all" slices and the per-language ones.
  std::string to_text() const;
};

Evaluation evaluate(const ScoredSet& set, const datasets::LabelSchema& schema);

}  // namespace sieve::train
