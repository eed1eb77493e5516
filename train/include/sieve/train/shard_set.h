#pragma once
// A folder written by `sieve data prepare`, as the trainer sees it: the manifest, the shards (mapped) and
// the records in one numbering. Torch-free.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sieve/datasets/record.h"
#include "sieve/datasets/shard.h"

namespace sieve::train {

class ShardSet {
 public:
  // Throws Error(kIo) for a missing folder or file, Error(kFormat) for a manifest or shard that is wrong
  // or that disagrees with the others (heads, table size).
  explicit ShardSet(const std::string& dir);

  const std::string& dir() const { return dir_; }
  const datasets::LabelSchema& schema() const { return schema_; }
  std::uint32_t table_size() const { return table_size_; }
  std::uint32_t vocab_size() const { return vocab_size_; }
  // Dense values per record (the featurizer's style and fluency channel); 0: none.
  std::uint32_t dense_width() const { return dense_width_; }
  // The fluency model file the manifest names, or "" when the featurizer has none.
  const std::string& fluency_path() const { return fluency_path_; }
  // JSON texts of the manifest's tokenizer settings, copied into model.sieve as they are.
  const std::string& normalizer_json() const { return normalizer_json_; }
  const std::string& featurizer_json() const { return featurizer_json_; }
  const std::string& manifest_json() const { return manifest_json_; }
  const std::string& tokenizer_path() const { return tokenizer_path_; }

  std::size_t size() const { return total_; }
  // Record i of the whole set: its shard and its number in that shard.
  const datasets::ShardReader& shard_of(std::size_t i, std::size_t& index) const;

  // Language and source of record i as indices into langs() and sources(), merged across shards.
  std::uint16_t lang(std::size_t i) const;
  std::uint16_t source(std::size_t i) const;
  // Identity of record i's group (hash64 of Record::group): a pair, an author, a document.
  std::uint64_t group(std::size_t i) const;
  const std::vector<std::string>& langs() const { return langs_; }
  const std::vector<std::string>& sources() const { return sources_; }

  // The order of one epoch: a permutation of 0..size()-1 fixed by (seed, epoch) on every platform.
  std::vector<std::uint32_t> epoch_order(std::uint64_t seed, std::uint64_t epoch) const;

 private:
  std::string dir_;
  std::string manifest_json_;
  std::string normalizer_json_;
  std::string featurizer_json_;
  std::string tokenizer_path_;
  datasets::LabelSchema schema_;
  std::uint32_t table_size_ = 0;
  std::uint32_t vocab_size_ = 0;
  std::uint32_t dense_width_ = 0;
  std::string fluency_path_;
  std::vector<datasets::ShardReader> shards_;
  std::vector<std::size_t> starts_;  // first record number of each shard, and the total at the end
  std::size_t total_ = 0;
  std::vector<std::string> langs_, sources_;
  std::vector<std::vector<std::uint16_t>> lang_map_, source_map_;  // per shard: its index → merged index
};

}  // namespace sieve::train
