#pragma once
// Leakage-free train/dev/test splits: records that share a group (author, thread, document) or a
// near-duplicate cluster (the same template posted by different accounts) always land in one split, and
// the splits keep the language and label mix of the whole. Deterministic for a seed.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sieve/datasets/near_duplicates.h"
#include "sieve/datasets/record.h"

namespace sieve::datasets {

enum class Split : std::uint8_t { kTrain = 0, kDev = 1, kTest = 2 };
inline constexpr std::size_t kSplitCount = 3;
const char* split_name(Split split);  // "train", "dev", "test"

struct SplitOptions {
  double dev = 0.1;                           // share of records for dev
  double test = 0.1;                          // share of records for test; dev + test < 1
  std::uint64_t seed = 1;                     // orders the components (by a hash of their record ids)
  bool keep_near_duplicates_together = true;  // false: only groups are kept together
  // A component (records tied by groups and clusters) larger than this share of all records is not kept
  // whole: accounts of one campaign retweet each other, and in the shipped corpus 74 % of the IRA rows
  // chain into one component. Its groups are placed instead (whole, neighbours together), then each
  // near-duplicate cluster it cuts is moved into the split holding most of it: text leakage stays zero,
  // and the few moved records are the only ones whose group crosses splits (counted in the report).
  double max_component_share = 0.02;
  // Sources held out for test: their records go to test with every record tied to them by group or
  // near-duplicate cluster (their components, whatever the size), so train and dev never see their
  // accounts or templates: the score of a campaign or dataset the model never saw. dev and test are then
  // shares of the other records. A name that matches no record is an error.
  std::vector<std::string> holdout_sources;
  NearDuplicateOptions near_duplicates;  // what counts as a near-duplicate, here and in the leakage report

  void validate() const;  // throws Error(kConfig) naming the field
};

// Records, groups and near-duplicate clusters (of 2 or more records) in one split.
struct SplitCounts {
  std::size_t records = 0;
  std::size_t groups = 0;
  std::size_t clusters = 0;  // clusters with at least one member here
};

// What one held-out source put into test.
struct HeldOutSource {
  std::string source;
  std::size_t records = 0;
  std::size_t groups = 0;
};

// Labelled records of one head, language and split, and how many take each value.
struct Prevalence {
  std::string head;
  std::string lang;
  Split split = Split::kTrain;
  std::size_t labelled = 0;
  std::vector<std::size_t> counts;  // per value: 0/1 for a binary head, per class otherwise
};

// Where each record goes, and what it took to get there.
struct SplitAssignment {
  std::vector<Split> split_of;           // per record
  std::size_t components = 0;            // sets of records that had to stay together
  std::size_t oversized_components = 0;  // components over max_component_share, placed by group
  std::size_t records_in_oversized = 0;
  std::size_t records_moved_to_cluster = 0;  // moved from their group's split into their cluster's
  std::vector<HeldOutSource> held_out;       // per options.holdout_sources, in that order
  std::size_t held_out_tied = 0;  // records of other sources in test because a held-out one shares their
                                  // group or cluster
};

struct SplitReport {
  std::array<SplitCounts, kSplitCount> splits{};
  std::size_t components = 0;
  std::size_t oversized_components = 0;
  std::size_t records_in_oversized = 0;
  std::size_t records_moved_to_cluster = 0;
  std::vector<HeldOutSource> held_out;
  std::size_t held_out_tied = 0;
  std::size_t groups_across_splits = 0;    // 0 unless records were moved to their cluster
  std::size_t clusters_across_splits = 0;  // 0 when near-duplicates are kept together
  std::vector<Prevalence> prevalence;      // by head, then language, then split
  // Texts with an exact or near-duplicate in train, computed afresh from the texts of each split (an index
  // over train, queried with every dev and test post), not from the clusters the split was made with.
  CrossDuplicates dev_in_train;
  CrossDuplicates test_in_train;

  std::string to_json() const;
};

struct SplitResult {
  std::vector<Split> split_of;  // per record
  SplitReport report;
};

// Splits records whose near-duplicate clusters are known (clusters may be null when
// keep_near_duplicates_together is false). Each component of the union of "same group" and "same
// cluster" goes whole to one split (but see max_component_share). A component's stratum is its majority
// language and, per head, its majority label (missing is a value of its own). Components are taken in a
// seeded order, each to the split where it adds least to the squared deviation from the target shares,
// in its stratum plus overall; components holding a record of options.holdout_sources go to test first.
// Deterministic per seed, and independent of the order of the records. Throws Error(kInvalidInput) when a
// held-out source matches no record, or when the held-out components leave no record for train.
SplitAssignment assign_splits(const std::vector<Record>& records, const NearDuplicateClusters* clusters,
                              const SplitOptions& options);

// Counts, prevalence and leakage of a split (signatures from a MinHasher with options.near_duplicates).
SplitReport report_split(const std::vector<Record>& records, const std::vector<Signature>& signatures,
                         const NearDuplicateClusters& clusters, const SplitAssignment& assignment,
                         const LabelSchema& schema, const SplitOptions& options);

// Signs, clusters, assigns and reports.
SplitResult split_records(const std::vector<Record>& records, const LabelSchema& schema,
                          const SplitOptions& options);

}  // namespace sieve::datasets
