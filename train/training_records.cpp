#include "sieve/train/training_records.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "sieve/core/error.h"
#include "sieve/core/hash.h"

namespace sieve::train {

std::vector<std::uint32_t> records_outside(const ShardSet& set, const std::vector<std::string>& exclude,
                                           bool must_exist) {
  std::vector<bool> excluded(set.sources().size(), false);
  for (const std::string& name : exclude) {
    const auto it = std::find(set.sources().begin(), set.sources().end(), name);
    if (it != set.sources().end()) {
      excluded[static_cast<std::size_t>(it - set.sources().begin())] = true;
    } else if (must_exist) {
      throw Error(ErrorKind::kConfig, "train.exclude_sources",
                  "no record of " + set.dir() + " comes from source '" + name + "'");
    }
  }
  std::vector<std::uint32_t> records;
  records.reserve(set.size());
  for (std::uint32_t i = 0; i < set.size(); ++i) {
    if (!excluded[set.source(i)]) records.push_back(i);
  }
  return records;
}

std::vector<std::uint32_t> epoch_order_of(const ShardSet& set, const std::vector<std::uint32_t>& records,
                                          std::uint64_t seed, std::uint64_t epoch) {
  std::vector<std::uint32_t> order = set.epoch_order(seed, epoch);
  if (records.size() == order.size()) return order;
  std::vector<bool> kept(set.size(), false);
  for (const std::uint32_t record : records) kept[record] = true;
  order.erase(std::remove_if(order.begin(), order.end(), [&](std::uint32_t r) { return !kept[r]; }),
              order.end());
  return order;
}

std::vector<float> source_label_weights(const ShardSet& set, const std::vector<std::uint32_t>& records,
                                        double cap) {
  const std::size_t heads = set.schema().heads.size();
  std::vector<float> weights(set.size() * heads, 1.0f);
  const std::size_t sources = set.sources().size();
  for (std::size_t h = 0; h < heads; ++h) {
    if (!set.schema().heads[h].binary()) continue;
    std::vector<std::size_t> counts(sources * 2, 0);  // [source][label]
    std::vector<std::int8_t> labels(records.size());
    for (std::size_t r = 0; r < records.size(); ++r) {
      std::size_t index = 0;
      labels[r] = set.shard_of(records[r], index).label(index, h);
      if (labels[r] >= 0) ++counts[set.source(records[r]) * 2 + static_cast<std::size_t>(labels[r])];
    }
    for (std::size_t r = 0; r < records.size(); ++r) {
      if (labels[r] < 0) continue;
      const std::size_t s = set.source(records[r]);
      const std::size_t negatives = counts[s * 2], positives = counts[s * 2 + 1];
      if (negatives == 0 || positives == 0) continue;
      const double own = labels[r] == 1 ? positives : negatives;
      const double weight = static_cast<double>(negatives + positives) / (2.0 * own);
      weights[records[r] * heads + h] = static_cast<float>(std::min(weight, cap));
    }
  }
  return weights;
}

std::vector<float> with_source_weights(const ShardSet& set, const std::vector<std::uint32_t>& records,
                                       const std::map<std::string, double>& source_weight,
                                       std::vector<float> weights) {
  if (source_weight.empty()) return weights;
  const std::size_t heads = set.schema().heads.size(), langs = set.langs().size();
  if (weights.empty()) weights.assign(set.size() * heads, 1.0f);
  // The factor of each (source, language) cell, and how many records each cell holds.
  std::vector<double> factor(set.sources().size() * langs, 1.0);
  std::vector<std::size_t> count(factor.size(), 0);
  for (const std::uint32_t record : records) ++count[set.source(record) * langs + set.lang(record)];
  for (const auto& [cell, weight] : source_weight) {
    const std::size_t colon = cell.find(':');
    const std::string source = cell.substr(0, colon);
    const std::string lang = colon == std::string::npos ? "" : cell.substr(colon + 1);
    std::size_t matched = 0;
    for (std::size_t s = 0; s < set.sources().size(); ++s) {
      for (std::size_t l = 0; l < langs; ++l) {
        if (set.sources()[s] != source || (!lang.empty() && set.langs()[l] != lang)) continue;
        factor[s * langs + l] *= weight;
        matched += count[s * langs + l];
      }
    }
    if (matched == 0) {
      throw Error(
          ErrorKind::kConfig, "train.source_weight",
          "no training record of " + set.dir() + " belongs to '" + cell + "' (source or source:lang)");
    }
  }
  for (const std::uint32_t record : records) {
    const auto f = static_cast<float>(factor[set.source(record) * langs + set.lang(record)]);
    for (std::size_t h = 0; h < heads; ++h) weights[record * heads + h] *= f;
  }
  return weights;
}

DenseStandardization dense_standardization(const ShardSet& set, const std::vector<std::uint32_t>& records) {
  const std::size_t width = set.dense_width();
  DenseStandardization out;
  if (width == 0) return out;
  std::vector<double> sum(width, 0.0), squares(width, 0.0);
  for (const std::uint32_t record : records) {
    std::size_t index = 0;
    const float* values = set.shard_of(record, index).dense(index);
    for (std::size_t j = 0; j < width; ++j) {
      sum[j] += values[j];
      squares[j] += static_cast<double>(values[j]) * values[j];
    }
  }
  const double n = std::max<double>(1.0, static_cast<double>(records.size()));
  for (std::size_t j = 0; j < width; ++j) {
    const double mean = sum[j] / n;
    const double variance = std::max(0.0, squares[j] / n - mean * mean);
    out.shift.push_back(static_cast<float>(mean));
    const double deviation = std::sqrt(variance);
    out.scale.push_back(deviation > 1e-6 ? static_cast<float>(1.0 / deviation) : 0.0f);
  }
  return out;
}

std::vector<LabelPair> group_pairs(const ShardSet& set, const std::vector<std::uint32_t>& records,
                                   std::uint64_t seed) {
  std::vector<LabelPair> pairs;
  for (std::size_t h = 0; h < set.schema().heads.size(); ++h) {
    if (!set.schema().heads[h].binary()) continue;
    // (source, group, label, record) of the labelled records, sorted so that each group is one run.
    std::vector<std::tuple<std::uint16_t, std::uint64_t, std::int8_t, std::uint32_t>> labelled;
    for (const std::uint32_t record : records) {
      std::size_t index = 0;
      const std::int8_t label = set.shard_of(record, index).label(index, h);
      if (label >= 0) labelled.emplace_back(set.source(record), set.group(record), label, record);
    }
    std::sort(labelled.begin(), labelled.end());
    std::vector<std::uint32_t> negatives, positives;
    for (std::size_t begin = 0; begin < labelled.size();) {
      std::size_t end = begin;
      negatives.clear();
      positives.clear();
      while (end < labelled.size() && std::get<0>(labelled[end]) == std::get<0>(labelled[begin]) &&
             std::get<1>(labelled[end]) == std::get<1>(labelled[begin])) {
        (std::get<2>(labelled[end]) == 1 ? positives : negatives).push_back(std::get<3>(labelled[end]));
        ++end;
      }
      begin = end;
      if (negatives.empty() || positives.empty()) continue;
      const auto head = static_cast<std::uint32_t>(h);
      for (const std::uint32_t p : positives)
        pairs.push_back({p, negatives[hash_pair(p, head, seed) % negatives.size()], head});
      for (const std::uint32_t n : negatives)
        pairs.push_back({positives[hash_pair(n, head, seed) % positives.size()], n, head});
    }
  }
  return pairs;
}

std::vector<LabelPair> pairs_of_step(const std::vector<LabelPair>& pairs, std::size_t count,
                                     std::uint64_t seed, std::int64_t step) {
  std::vector<LabelPair> out;
  if (pairs.empty()) return out;
  out.reserve(count);
  for (std::size_t j = 0; j < count; ++j) {
    const std::uint64_t draw =
        hash_pair(static_cast<std::uint32_t>(step), static_cast<std::uint32_t>(j), seed ^ 0x9a1f5eedULL);
    out.push_back(pairs[draw % pairs.size()]);
  }
  return out;
}

}  // namespace sieve::train
