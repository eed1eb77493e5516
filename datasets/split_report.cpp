// The report of a split: what each split holds and what leaks across them, as JSON and text.

#include "sieve/datasets/splitter.h"

#include <algorithm>
#include <bitset>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"

namespace sieve::datasets {
namespace {

// How many keys have members in more than one split, and how many keys each split holds.
template <typename Key>
std::size_t count_spread(const std::vector<Key>& key_of, const std::vector<Split>& split_of,
                         std::array<std::size_t, kSplitCount>& per_split) {
  std::unordered_map<Key, std::bitset<kSplitCount>> seen;
  for (std::size_t i = 0; i < key_of.size(); ++i) seen[key_of[i]].set(static_cast<std::size_t>(split_of[i]));
  std::size_t across = 0;
  for (const auto& [key, splits] : seen) {
    across += splits.count() > 1;
    for (std::size_t s = 0; s < kSplitCount; ++s) per_split[s] += splits.test(s);
  }
  return across;
}

std::vector<Prevalence> count_prevalence(const std::vector<Record>& records,
                                         const std::vector<Split>& split_of, const LabelSchema& schema) {
  std::map<std::tuple<std::size_t, std::string, std::size_t>, Prevalence> cells;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    for (std::size_t h = 0; h < schema.heads.size() && h < r.labels.size(); ++h) {
      const int value = r.labels[h];
      if (value == kMissingLabel || value >= schema.heads[h].num_values()) continue;
      Prevalence& cell = cells[{h, r.lang, static_cast<std::size_t>(split_of[i])}];
      if (cell.counts.empty()) {
        cell = Prevalence{schema.heads[h].name, r.lang, split_of[i], 0,
                          std::vector<std::size_t>(static_cast<std::size_t>(schema.heads[h].num_values()))};
      }
      ++cell.labelled;
      ++cell.counts[static_cast<std::size_t>(value)];
    }
  }
  std::vector<Prevalence> out;
  for (auto& [key, cell] : cells) out.push_back(std::move(cell));
  return out;
}

CrossDuplicates leakage(const std::vector<Signature>& signatures, const std::vector<Split>& split_of,
                        Split from, const NearDuplicateOptions& options) {
  std::vector<Signature> train, queries;
  for (std::size_t i = 0; i < signatures.size(); ++i) {
    if (split_of[i] == Split::kTrain) train.push_back(signatures[i]);
    if (split_of[i] == from) queries.push_back(signatures[i]);
  }
  return count_cross_duplicates(train, queries, options);
}

}  // namespace

SplitReport report_split(const std::vector<Record>& records, const std::vector<Signature>& signatures,
                         const NearDuplicateClusters& clusters, const SplitAssignment& assignment,
                         const LabelSchema& schema, const SplitOptions& options) {
  const std::vector<Split>& split_of = assignment.split_of;
  if (signatures.size() != records.size() || clusters.cluster_of.size() != records.size() ||
      split_of.size() != records.size()) {
    throw Error(ErrorKind::kInvalidInput, "report_split",
                "records, signatures, clusters and splits differ in size");
  }
  SplitReport report;
  report.components = assignment.components;
  report.oversized_components = assignment.oversized_components;
  report.records_in_oversized = assignment.records_in_oversized;
  report.records_moved_to_cluster = assignment.records_moved_to_cluster;
  report.held_out = assignment.held_out;
  report.held_out_tied = assignment.held_out_tied;
  std::array<std::size_t, kSplitCount> groups{}, cluster_counts{};
  std::vector<std::string_view> group_keys;
  for (const Record& r : records) group_keys.push_back(r.group_or_id());
  report.groups_across_splits = count_spread(group_keys, split_of, groups);
  // Only clusters of two or more records: every record is a cluster of its own otherwise.
  std::vector<std::uint32_t> cluster_keys;
  std::vector<Split> clustered_splits;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (clusters.sizes[clusters.cluster_of[i]] < 2) continue;
    cluster_keys.push_back(clusters.cluster_of[i]);
    clustered_splits.push_back(split_of[i]);
  }
  report.clusters_across_splits = count_spread(cluster_keys, clustered_splits, cluster_counts);
  for (std::size_t s = 0; s < kSplitCount; ++s) {
    report.splits[s].groups = groups[s];
    report.splits[s].clusters = cluster_counts[s];
  }
  for (const Split s : split_of) ++report.splits[static_cast<std::size_t>(s)].records;
  report.prevalence = count_prevalence(records, split_of, schema);
  report.dev_in_train = leakage(signatures, split_of, Split::kDev, options.near_duplicates);
  report.test_in_train = leakage(signatures, split_of, Split::kTest, options.near_duplicates);
  return report;
}

SplitResult split_records(const std::vector<Record>& records, const LabelSchema& schema,
                          const SplitOptions& options) {
  options.validate();
  const MinHasher hasher(options.near_duplicates);
  const std::vector<Signature> signatures = hasher.sign_all(records);
  const NearDuplicateClusters clusters = cluster_near_duplicates(signatures, options.near_duplicates);
  SplitAssignment assignment = assign_splits(records, &clusters, options);
  SplitResult out;
  out.report = report_split(records, signatures, clusters, assignment, schema, options);
  out.split_of = std::move(assignment.split_of);
  return out;
}

// ---- JSON ----------------------------------------------------------------------------------------------

namespace {

void write_cross(JsonWriter& w, const CrossDuplicates& c) {
  w.begin_object();
  w.key("texts").value(static_cast<std::uint64_t>(c.queries));
  w.key("exact").value(static_cast<std::uint64_t>(c.exact));
  w.key("near").value(static_cast<std::uint64_t>(c.near));
  w.end_object();
}

// {"coordinated": {"en": {"train": {"labelled": n, "counts": [...], "rate": r}, ...}, ...}, ...}
void write_prevalence(JsonWriter& w, const std::vector<Prevalence>& cells) {
  w.begin_object();
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const Prevalence& p = cells[i];
    const bool new_head = i == 0 || cells[i - 1].head != p.head;
    const bool new_lang = new_head || cells[i - 1].lang != p.lang;
    if (new_head) w.key(p.head).begin_object();
    if (new_lang) w.key(p.lang.empty() ? "unknown" : p.lang).begin_object();
    w.key(split_name(p.split)).begin_object();
    w.key("labelled").value(static_cast<std::uint64_t>(p.labelled));
    w.key("counts").begin_array();
    for (const std::size_t count : p.counts) w.value(static_cast<std::uint64_t>(count));
    w.end_array();
    if (p.counts.size() == 2) w.key("rate").value(static_cast<double>(p.counts[1]) / p.labelled);
    w.end_object();
    const bool last = i + 1 == cells.size();
    const bool lang_ends = last || cells[i + 1].head != p.head || cells[i + 1].lang != p.lang;
    if (lang_ends) w.end_object();
    if (last || cells[i + 1].head != p.head) w.end_object();
  }
  w.end_object();
}

}  // namespace

std::string SplitReport::to_json() const {
  JsonWriter w;
  w.begin_object();
  w.key("splits").begin_object();
  for (std::size_t s = 0; s < kSplitCount; ++s) {
    w.key(split_name(static_cast<Split>(s))).begin_object();
    w.key("records").value(static_cast<std::uint64_t>(splits[s].records));
    w.key("groups").value(static_cast<std::uint64_t>(splits[s].groups));
    w.key("clusters").value(static_cast<std::uint64_t>(splits[s].clusters));
    w.end_object();
  }
  w.end_object();
  w.key("components").value(static_cast<std::uint64_t>(components));
  w.key("oversized_components").value(static_cast<std::uint64_t>(oversized_components));
  w.key("records_in_oversized_components").value(static_cast<std::uint64_t>(records_in_oversized));
  w.key("records_moved_to_their_cluster").value(static_cast<std::uint64_t>(records_moved_to_cluster));
  w.key("held_out").begin_object();
  w.key("sources").begin_object();
  for (const HeldOutSource& h : held_out) {
    w.key(h.source).begin_object();
    w.key("records").value(static_cast<std::uint64_t>(h.records));
    w.key("groups").value(static_cast<std::uint64_t>(h.groups));
    w.end_object();
  }
  w.end_object();
  w.key("tied_records").value(static_cast<std::uint64_t>(held_out_tied));
  w.end_object();
  w.key("groups_across_splits").value(static_cast<std::uint64_t>(groups_across_splits));
  w.key("clusters_across_splits").value(static_cast<std::uint64_t>(clusters_across_splits));
  w.key("leakage").begin_object();
  w.key("dev_in_train");
  write_cross(w, dev_in_train);
  w.key("test_in_train");
  write_cross(w, test_in_train);
  w.end_object();
  w.key("prevalence");
  write_prevalence(w, prevalence);
  w.end_object();
  return w.take();
}

}  // namespace sieve::datasets
