#pragma once
// The model shape and the post that the forward-pass benchmarks share, so that sieve_bench (runtime) and
// sieve_forward_bench (runtime beside LibTorch) time the same work: the default widths with the corpus'
// table and heads, and a post of 60 subwords and 400 feature ids. Torch-free and SentencePiece-free.

#include <cstdint>
#include <random>
#include <vector>

#include "sieve/format/model_config.h"

namespace sieve::bench {

inline constexpr std::uint32_t kVocabSize = 16000;
inline constexpr std::uint32_t kTableSize = 270000;  // vocabulary + hash buckets
inline constexpr std::uint32_t kSubwords = 60;
inline constexpr std::uint32_t kFeatureIds = 400;

// The default widths (dim 100, cnn 4 × 64 filters, transformer 4 × 256) of an architecture, with the four
// binary heads of the corpus and lang.
inline infer::ModelConfig default_config(infer::Architecture architecture) {
  infer::ModelConfig config;
  config.architecture = architecture;
  config.vocab_size = kVocabSize;
  config.table_size = kTableSize;
  config.heads = {{"coordinated", 2}, {"machine", 2}, {"nonnative", 2}, {"abusive", 2}, {"lang", 3}};
  config.validate();
  return config;
}

// kSubwords subword ids, then hashed feature ids up to kFeatureIds, seeded.
inline std::vector<std::uint32_t> realistic_post() {
  std::mt19937 random(7);
  std::vector<std::uint32_t> post;
  for (std::uint32_t i = 0; i < kSubwords; ++i) post.push_back(random() % kVocabSize);
  for (std::uint32_t i = kSubwords; i < kFeatureIds; ++i) post.push_back(random() % kTableSize);
  return post;
}

}  // namespace sieve::bench
