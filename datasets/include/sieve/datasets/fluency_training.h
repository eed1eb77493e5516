#pragma once
// Trains the featurizer's fluency model (tokenizer/fluency_model.h) on the native side of labelled files:
// posts that no "native" head marks as written by a learner, a machine or a campaign. Torch-free.

#include <cstddef>
#include <string>
#include <vector>

#include "sieve/datasets/reader_config.h"
#include "sieve/datasets/record_reader.h"
#include "sieve/tokenizer/fluency_model.h"
#include "sieve/tokenizer/normalizer.h"

namespace sieve::datasets {

struct FluencyTrainingOptions {
  // A record is native text when none of these heads is 1 and at least one is 0 (heads the schema lacks
  // are ignored).
  std::vector<std::string> native_heads{"nonnative", "machine", "coordinated"};
  tokenizer::FluencyOptions model;
  void validate(const LabelSchema& schema) const;  // Error(kConfig) when no native head is in the schema
};

struct FluencyTrainingSummary {
  std::size_t records = 0;  // read
  std::size_t native = 0;   // learned from
  std::size_t rejected = 0;
};

// Reads every input, normalizes the native records with normalizer (the featurizer's, so that training and
// scoring see the same text) and trains the two folds, each record in the fold of its group.
tokenizer::FluencyModel train_fluency_model(const std::vector<std::string>& inputs, const ReaderConfig& config,
                                            const tokenizer::Normalizer& normalizer,
                                            const FluencyTrainingOptions& options, FluencyTrainingSummary& summary,
                                            const RejectHandler& on_reject = print_rejected_row);

}  // namespace sieve::datasets
