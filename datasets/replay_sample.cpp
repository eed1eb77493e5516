#include "sieve/datasets/replay_sample.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <utility>
#include <vector>

#include "sieve/core/error.h"
#include "sieve/datasets/shard.h"

namespace sieve::datasets {
namespace {

// The shard files a prepared folder's manifest lists, after checking that its ids mean what featurizer's
// ids mean.
std::vector<std::string> replay_shard_paths(const std::string& replay_dir,
                                            const tokenizer::Featurizer& featurizer) {
  const std::string path = replay_dir + "/manifest.json";
  simdjson::dom::parser parser;
  simdjson::dom::element manifest;
  if (simdjson::padded_string text;
      simdjson::padded_string::load(path).get(text) || parser.parse(text).get(manifest)) {
    throw Error(ErrorKind::kIo, path, "cannot read the manifest of the replay shards");
  }
  std::string_view fingerprint;
  std::uint64_t table_size = 0;
  simdjson::dom::array shards;
  if (manifest["tokenizer"]["model_xxh3"].get(fingerprint) ||
      manifest["tokenizer"]["table_size"].get(table_size) || manifest["shards"].get(shards)) {
    throw Error(ErrorKind::kFormat, path, "not a sieve-shards manifest (tokenizer, shards)");
  }
  if (fingerprint != tokenizer_fingerprint(featurizer) || table_size != featurizer.table_size()) {
    throw Error(ErrorKind::kFormat, path,
                "prepared with another tokenizer than the base model: replay needs the base model's own "
                "training shards");
  }
  std::vector<std::string> paths;
  for (simdjson::dom::element shard : shards) {
    std::string_view file;
    if (shard["file"].get(file)) throw Error(ErrorKind::kFormat, path, "a shard without a file");
    paths.push_back(replay_dir + "/" + std::string(file));
  }
  return paths;
}

// Record of a replayed post: what the shard writer keeps (group, source, language, labels in schema).
Record replayed_record(const ShardReader& shard, std::size_t i, const std::vector<int>& head_map) {
  Record record;
  char group[24];
  std::snprintf(group, sizeof group, "replay:%016llx", static_cast<unsigned long long>(shard.group(i)));
  record.id = group;
  record.group = group;
  record.source = shard.info().sources.at(shard.source(i));
  record.lang = shard.info().langs.at(shard.lang(i));
  record.labels.assign(head_map.size(), kMissingLabel);
  for (std::size_t h = 0; h < head_map.size(); ++h) {
    if (head_map[h] >= 0) record.labels[h] = shard.label(i, static_cast<std::size_t>(head_map[h]));
  }
  return record;
}

ReplayCheckPosts check_posts(const std::vector<ShardReader>& shards,
                             const std::vector<std::vector<int>>& head_maps,
                             const std::vector<std::pair<std::uint32_t, std::uint32_t>>& drawn) {
  ReplayCheckPosts check;
  check.dense_width = shards.empty() ? 0 : shards.front().info().dense_width;
  for (const auto& [s, i] : drawn) {
    check.ids.insert(check.ids.end(), shards[s].ids(i), shards[s].ids(i) + shards[s].id_count(i));
    check.offsets.push_back(check.ids.size());
    check.subword_counts.push_back(shards[s].subword_count(i));
    check.sources.push_back(shards[s].info().sources.at(shards[s].source(i)));
    if (check.dense_width > 0)
      check.dense.insert(check.dense.end(), shards[s].dense(i), shards[s].dense(i) + check.dense_width);
    for (const int h : head_maps[s])
      check.labels.push_back(h >= 0 ? shards[s].label(i, static_cast<std::size_t>(h)) : kMissingLabel);
  }
  return check;
}

}  // namespace

namespace {

// The shards of replay_dir and their records outside exclude_sources, the first `count` of them a uniform
// sample in an order fixed by the seed.
struct ReplayDraw {
  std::vector<ShardReader> shards;
  std::vector<std::vector<int>> head_maps;  // per shard: schema head → its head index, -1 when absent
  std::vector<std::pair<std::uint32_t, std::uint32_t>> drawn;  // (shard, record)
};

ReplayDraw draw_replay(const std::string& replay_dir, std::size_t count, std::uint64_t seed,
                       const std::vector<std::string>& exclude_sources, const tokenizer::Featurizer& featurizer,
                       const LabelSchema& schema) {
  ReplayDraw draw;
  std::vector<ShardReader>& shards = draw.shards;
  for (const std::string& path : replay_shard_paths(replay_dir, featurizer)) {
    shards.emplace_back(path);
    if (shards.back().info().dense_width != featurizer.settings().dense_width()) {
      throw Error(ErrorKind::kFormat, path,
                  "holds " + std::to_string(shards.back().info().dense_width) +
                      " dense values a post, the base model reads " +
                      std::to_string(featurizer.settings().dense_width()));
    }
  }
  std::vector<std::pair<std::uint32_t, std::uint32_t>>& all = draw.drawn;
  for (std::size_t s = 0; s < shards.size(); ++s) {
    const std::vector<std::string>& sources = shards[s].info().sources;
    std::vector<bool> excluded(sources.size());
    for (std::size_t k = 0; k < sources.size(); ++k) {
      excluded[k] =
          std::find(exclude_sources.begin(), exclude_sources.end(), sources[k]) != exclude_sources.end();
    }
    for (std::size_t i = 0; i < shards[s].size(); ++i) {
      if (!excluded[shards[s].source(i)]) all.emplace_back(s, i);
    }
  }
  // A partial Fisher-Yates shuffle: the first `count` places are a uniform sample.
  std::mt19937_64 rng(seed);
  count = std::min(count, all.size());
  for (std::size_t k = 0; k < count; ++k) std::swap(all[k], all[k + rng() % (all.size() - k)]);
  all.resize(count);
  for (const ShardReader& shard : shards) {
    std::vector<int>& map = draw.head_maps.emplace_back();
    for (const LabelHead& head : schema.heads) map.push_back(shard.info().schema.index_of(head.name));
  }
  return draw;
}

}  // namespace

ReplayCheckPosts sample_replay_posts(const std::string& replay_dir, std::size_t count, std::uint64_t seed,
                                     const std::vector<std::string>& exclude_sources,
                                     const tokenizer::Featurizer& featurizer, const LabelSchema& schema) {
  const ReplayDraw draw = draw_replay(replay_dir, count, seed, exclude_sources, featurizer, schema);
  return check_posts(draw.shards, draw.head_maps, draw.drawn);
}

ReplaySample add_replay_sample(const std::string& replay_dir, std::size_t count, std::size_t check_count,
                               std::uint64_t seed, const std::vector<std::string>& exclude_sources,
                               const tokenizer::Featurizer& featurizer, const ReaderConfig& config,
                               const std::string& out_dir, PrepareSummary& summary) {
  const ReplayDraw draw =
      draw_replay(replay_dir, count + check_count, seed, exclude_sources, featurizer, config.schema);
  const auto& shards = draw.shards;
  count = std::min(count, draw.drawn.size());
  ShardWriter writer(config.schema, featurizer.table_size(),
                     static_cast<std::uint32_t>(featurizer.settings().dense_width()));
  for (std::size_t k = 0; k < count; ++k) {
    const auto [s, i] = draw.drawn[k];
    const Record record = replayed_record(shards[s], i, draw.head_maps[s]);
    writer.add(record, shards[s].ids(i), shards[s].id_count(i), shards[s].subword_count(i),
               shards[s].dense(i));
    count_language(record, config.schema, summary);
    summary.feature_ids += shards[s].id_count(i);
  }
  ReplaySample sample;
  sample.replayed = count;
  sample.check = check_posts(shards, draw.head_maps,
                             {draw.drawn.begin() + static_cast<std::ptrdiff_t>(count), draw.drawn.end()});
  if (count == 0) return sample;
  ShardSummary shard{"replay-00000.bin", writer.records(), writer.ids(), 0};
  shard.crc32 = writer.write(out_dir + "/" + shard.file);
  summary.shards.push_back(shard);
  summary.records += count;
  write_manifest(summary, config, featurizer, out_dir);
  return sample;
}

}  // namespace sieve::datasets
