#pragma once
// Trains the featurizer's fluency model (tokenizer/fluency_model.h) on the native side of labelled files:
// posts that no "native" head marks as written by a learner, a machine or a campaign; and, beside them, on
// unlabelled native text (native_text_reader.h). Torch-free.

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
  // The contrast models learn from the records these heads mark 1: learner text and machine text ("": no
  // contrast model of that kind; a head the schema lacks gives none either).
  std::string learner_head = "nonnative";
  std::string machine_head = "machine";
  // Files or folders of unlabelled native text (NativeTextReader), learned from beside the labelled files;
  // a line goes to the fold of "<file name>:<line>" (each line is its own group).
  std::vector<std::string> native;
  std::string native_lang;  // the language of native texts whose file does not say it ("": none)
  tokenizer::FluencyOptions model;
  // Error(kConfig) when no native head is in the schema, or native_lang is not "", "en", "fr" or "zh".
  void validate(const LabelSchema& schema) const;
};

struct FluencyTrainingSummary {
  std::size_t records = 0;  // read
  std::size_t native = 0;   // learned from
  std::size_t learner = 0;  // learned from by the learner contrast models
  std::size_t machine = 0;  // by the machine contrast models
  std::size_t rejected = 0;
  std::size_t native_texts = 0;     // unlabelled texts learned from
  std::size_t native_rejected = 0;  // their bad lines
  std::uint64_t pruned = 0;         // n-grams dropped to stay within the budget
};

// Reads every input, normalizes the native records with normalizer (the featurizer's, so that training and
// scoring see the same text) and trains the two folds, each record in the fold of its group (the learner and
// machine records in the contrast models' folds alike); then the same for the unlabelled native texts. Prints a progress line on stderr.
tokenizer::FluencyModel train_fluency_model(const std::vector<std::string>& inputs,
                                            const ReaderConfig& config,
                                            const tokenizer::Normalizer& normalizer,
                                            const FluencyTrainingOptions& options,
                                            FluencyTrainingSummary& summary,
                                            const RejectHandler& on_reject = print_rejected_row);

}  // namespace sieve::datasets
