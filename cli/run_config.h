#pragma once
// A run's TOML file (one per training run, see docs/configuration.md) with `--set key=value` overrides
// applied, read into the settings structs of the libraries. toml++ stays inside run_config.cpp.

#include <cstddef>
#include <string>
#include <vector>

#include "sieve/datasets/reader_config.h"
#include "sieve/tokenizer/featurizer.h"
#include "sieve/tokenizer/normalizer.h"

namespace sieve::cli {

struct RunConfigSource {
  std::string path;                    // "" for none: defaults plus overrides
  std::vector<std::string> overrides;  // "data.text=tweet_text", "featurizer.hash_buckets=65536"
};

// The [data] table and [[heads]] (defaults when absent). Throws Error(kIo/kFormat/kConfig) naming the
// file and key.
datasets::ReaderConfig load_reader_config(const RunConfigSource& source);

// The [normalizer], [featurizer] and [shards] tables of `sieve data prepare`.
struct PrepareConfig {
  tokenizer::NormalizerSettings normalizer;
  tokenizer::FeaturizerSettings featurizer;
  std::size_t records_per_shard = 100000;  // a shard is written and checksummed once it has this many
};
PrepareConfig load_prepare_config(const RunConfigSource& source);

}  // namespace sieve::cli
