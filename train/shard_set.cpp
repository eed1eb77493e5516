#include "sieve/train/shard_set.h"

#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "sieve/core/error.h"
#include "sieve/core/file_bytes.h"
#include "sieve/core/hash.h"

namespace sieve::train {
namespace {

std::uint16_t merged_index(std::vector<std::string>& merged, const std::string& value) {
  const auto it = std::find(merged.begin(), merged.end(), value);
  if (it != merged.end()) return static_cast<std::uint16_t>(it - merged.begin());
  merged.push_back(value);
  return static_cast<std::uint16_t>(merged.size() - 1);
}

}  // namespace

ShardSet::ShardSet(const std::string& dir) : dir_(dir) {
  const std::string manifest_path = dir + "/manifest.json";
  manifest_json_ = read_file(manifest_path, "is this a folder written by 'sieve data prepare'?");
  simdjson::dom::parser parser;
  simdjson::dom::element manifest;
  simdjson::dom::array shards, heads;
  simdjson::dom::element tokenizer;
  std::uint64_t table_size = 0, vocab_size = 0;
  std::string_view format, model;
  if (parser.parse(manifest_json_).get(manifest) || manifest["format"].get_string().get(format) ||
      format != "sieve-shards" || manifest["shards"].get_array().get(shards) ||
      manifest["heads"].get_array().get(heads) || manifest["tokenizer"].get(tokenizer) ||
      tokenizer["table_size"].get_uint64().get(table_size) ||
      tokenizer["vocab_size"].get_uint64().get(vocab_size) || tokenizer["model"].get_string().get(model)) {
    throw Error(ErrorKind::kFormat, manifest_path, "not a sieve-shards manifest (shards, heads, tokenizer)");
  }
  schema_ = datasets::LabelSchema::from_json(simdjson::minify(heads));
  table_size_ = static_cast<std::uint32_t>(table_size);
  vocab_size_ = static_cast<std::uint32_t>(vocab_size);
  normalizer_json_ = simdjson::minify(tokenizer["normalizer"]);
  featurizer_json_ = simdjson::minify(tokenizer["featurizer"]);
  tokenizer_path_ = dir + "/" + std::string(model);
  std::string_view fluency;
  if (!tokenizer["fluency"].get_string().get(fluency) && !fluency.empty())
    fluency_path_ = dir + "/" + std::string(fluency);
  starts_.push_back(0);
  for (const auto entry : shards) {
    std::string_view file;
    if (entry["file"].get_string().get(file))
      throw Error(ErrorKind::kFormat, manifest_path, "a shard without a file");
    datasets::ShardReader shard(dir + "/" + std::string(file));
    if (!(shard.info().schema == schema_) || shard.info().table_size != table_size_) {
      throw Error(ErrorKind::kFormat, dir + "/" + std::string(file),
                  "heads or table size differ from the manifest");
    }
    if (shards_.empty()) dense_width_ = shard.info().dense_width;
    if (shard.info().dense_width != dense_width_) {
      throw Error(ErrorKind::kFormat, dir + "/" + std::string(file),
                  "holds " + std::to_string(shard.info().dense_width) +
                      " dense values per record, the first shard " + std::to_string(dense_width_));
    }
    std::vector<std::uint16_t> lang_map, source_map;
    for (const auto& lang : shard.info().langs) lang_map.push_back(merged_index(langs_, lang));
    for (const auto& source : shard.info().sources) source_map.push_back(merged_index(sources_, source));
    lang_map_.push_back(std::move(lang_map));
    source_map_.push_back(std::move(source_map));
    total_ += shard.size();
    starts_.push_back(total_);
    shards_.push_back(std::move(shard));
  }
}

const datasets::ShardReader& ShardSet::shard_of(std::size_t i, std::size_t& index) const {
  const auto shard =
      static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), i) - starts_.begin()) - 1;
  index = i - starts_[shard];
  return shards_[shard];
}

std::uint16_t ShardSet::lang(std::size_t i) const {
  std::size_t index = 0;
  const auto& shard = shard_of(i, index);
  return lang_map_[static_cast<std::size_t>(&shard - shards_.data())][shard.lang(index)];
}

std::uint16_t ShardSet::source(std::size_t i) const {
  std::size_t index = 0;
  const auto& shard = shard_of(i, index);
  return source_map_[static_cast<std::size_t>(&shard - shards_.data())][shard.source(index)];
}

std::uint64_t ShardSet::group(std::size_t i) const {
  std::size_t index = 0;
  return shard_of(i, index).group(index);
}

std::vector<std::uint32_t> ShardSet::epoch_order(std::uint64_t seed, std::uint64_t epoch) const {
  // Sorting by a hash of (seed, epoch, record) is a permutation that every platform computes alike.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed(total_);
  const std::uint64_t key =
      hash_pair(static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(epoch), seed >> 32);
  for (std::uint32_t i = 0; i < total_; ++i)
    keyed[i] = {hash_pair(i, static_cast<std::uint32_t>(epoch), key), i};
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::uint32_t> order(total_);
  for (std::size_t i = 0; i < total_; ++i) order[i] = keyed[i].second;
  return order;
}

}  // namespace sieve::train
