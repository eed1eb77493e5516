#pragma once
// The benchmark groups of sieve_bench, each registered by its own file; bench_main.cpp calls them.

#include <string>
#include <vector>

namespace sieve::bench {

// Normalize, encode and featurize on the posts of test.jsonl, beside ICU (tokenizer_bench.cpp). Registers
// nothing, with a message on stderr, when the corpus is absent. The SentencePiece model is
// $SIEVE_BENCH_SPM or trained on train.jsonl; a trained one is saved to spm_out (or a temp file).
void register_tokenizer_benchmarks(const std::string& spm_out);

// The runtime's forward pass of each architecture, fp32 and int8, on model files of seeded random weights
// it writes itself, and end-to-end Model::score on corpus posts for each of `models` ("NAME=PATH" or
// "PATH"; runtime_bench.cpp).
void register_runtime_benchmarks(const std::vector<std::string>& models);

}  // namespace sieve::bench
