#pragma once
// SentencePiece models for the tokenizer tests, trained once per test process.

#include "sieve/tokenizer/subword_model.h"

namespace sieve::tokenizer::testing {

// Trained on a few thousand generated EN/FR/ZH sentences: always available, small vocabulary.
const SubwordModel& small_model();

// Trained on normalized posts of the corpus (train.jsonl); nullptr when the corpus is absent.
const SubwordModel* corpus_model();

// The normalized text of every post of a corpus file (empty when it is absent).
const std::vector<std::string>& normalized_corpus(const std::string& file);

}  // namespace sieve::tokenizer::testing
