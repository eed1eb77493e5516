#pragma once
// Which records a run learns from and how much each weighs: the sources left out, the per-post loss
// weights that keep a source's label mix from standing in for the label, and the (positive, negative)
// pairs of the paired objective. Torch-free: computed once from the shard set before the first step.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sieve/train/shard_set.h"

namespace sieve::train {

// The records of set whose source is not in exclude, in record order. Throws Error(kConfig,
// "train.exclude_sources") naming a source that no record of the set has, when must_exist is set (the
// training set: a typo there would silently train on everything).
std::vector<std::uint32_t> records_outside(const ShardSet& set, const std::vector<std::string>& exclude,
                                           bool must_exist);

// The order of one epoch over records (sorted record numbers of set): ShardSet::epoch_order with the
// other records taken out, so that a run that excludes nothing sees exactly the set's order.
std::vector<std::uint32_t> epoch_order_of(const ShardSet& set, const std::vector<std::uint32_t>& records,
                                          std::uint64_t seed, std::uint64_t epoch);

// Loss weights of every record of set, set.size() × heads (record-major), computed over records (the others
// weigh 1): for a binary head,
// inside each source that holds both of its labels, w = n_source / (2 · n_source,label), at most cap, so
// positives and negatives of the source weigh the same and the source weighs what it did; 1 elsewhere and
// for multi-class heads.
std::vector<float> source_label_weights(const ShardSet& set, const std::vector<std::uint32_t>& records,
                                        double cap);

// weights (as above; empty: every post weighs 1) with the factors of TrainConfig::source_weight applied to
// the records of each "source" or "source:lang" cell, every head alike. Throws Error(kConfig,
// "train.source_weight") naming a cell that no record of records belongs to (a typo would silently weigh
// nothing).
std::vector<float> with_source_weights(const ShardSet& set, const std::vector<std::uint32_t>& records,
                                       const std::map<std::string, double>& source_weight,
                                       std::vector<float> weights);

// The mean and 1/std of each dense value over records (scale 0 for a value that never varies, which then
// carries nothing): the model's fixed standardisation of its dense channel. Empty without dense values.
struct DenseStandardization {
  std::vector<float> shift, scale;
};
DenseStandardization dense_standardization(const ShardSet& set, const std::vector<std::uint32_t>& records);

// A (positive, negative) pair of one binary head inside one group.
struct LabelPair {
  std::uint32_t positive = 0, negative = 0;  // record numbers of the set
  std::uint32_t head = 0;
};

// For every binary head and every group of records holding both of its labels: each positive paired with
// one negative of its group and each negative with one positive (drawn by seed), so that a large group
// (a dialogue, an author) gives as many pairs as it has posts, not the product of its two sides.
std::vector<LabelPair> group_pairs(const ShardSet& set, const std::vector<std::uint32_t>& records,
                                   std::uint64_t seed);

// The pairs of one step: count of them drawn from pairs by (seed, step), the same on every rank and after
// a resume.
std::vector<LabelPair> pairs_of_step(const std::vector<LabelPair>& pairs, std::size_t count,
                                     std::uint64_t seed, std::int64_t step);

}  // namespace sieve::train
