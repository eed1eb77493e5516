#pragma once
// Replay: posts drawn from the shards a base model was trained on, written beside a new campaign's posts
// so that fine-tuning on the campaign does not make the model forget the heads and languages the campaign
// does not label.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sieve/datasets/prepare.h"
#include "sieve/tokenizer/featurizer.h"

namespace sieve::datasets {

// Posts of the replay shards that training never sees: an adapted model is checked on them for what it
// forgot. Feature ids as the shards hold them, labels in the adaptation's schema.
struct ReplayCheckPosts {
  std::vector<std::uint32_t> ids;
  std::vector<std::size_t> offsets{0};  // post i's ids are ids[offsets[i], offsets[i + 1])
  std::vector<std::uint32_t> subword_counts;
  std::vector<float> dense;  // posts × dense_width
  std::size_t dense_width = 0;
  std::vector<std::int8_t> labels;  // posts × schema heads, kMissingLabel when unknown
  std::vector<std::string> sources;  // post i's Record::source
  std::size_t size() const { return subword_counts.size(); }
};

struct ReplaySample {
  std::size_t replayed = 0;  // records written for training
  ReplayCheckPosts check;    // others, kept out of training
};

// Draws `count` records (all of them when the folder holds fewer) uniformly, in an order fixed by the seed,
// from the shards of replay_dir (a folder of `sieve data prepare`), writes them as one more shard into
// out_dir, a folder that prepare_shards() has just written with the same featurizer, and rewrites its
// manifest so that the trainer reads them; `check_count` more records of the same draw are returned for
// the forgetting check. Labels move by head name; a head of config.schema that the
// replayed shards lack is missing on their records. Records of exclude_sources are never drawn (the
// sources the base model was trained without stay unseen). Throws Error(kFormat) when replay_dir was prepared
// with another tokenizer, table size or dense width than featurizer, Error(kIo) when it cannot be read.
ReplaySample add_replay_sample(const std::string& replay_dir, std::size_t count, std::size_t check_count,
                               std::uint64_t seed, const std::vector<std::string>& exclude_sources,
                               const tokenizer::Featurizer& featurizer, const ReaderConfig& config,
                               const std::string& out_dir, PrepareSummary& summary);

// `count` records drawn as add_replay_sample() draws them (uniformly, outside exclude_sources), returned
// instead of written: the background posts a campaign model's gate learns as "not the campaign".
ReplayCheckPosts sample_replay_posts(const std::string& replay_dir, std::size_t count, std::uint64_t seed,
                                     const std::vector<std::string>& exclude_sources,
                                     const tokenizer::Featurizer& featurizer, const LabelSchema& schema);

}  // namespace sieve::datasets
