#pragma once
// The second pass of `sieve cluster` (and of the template slices of `sieve eval`): what the clusters of
// the first pass hold, read back from the input — representative texts, member ids, label shares, the
// model's mean scores and mean pooled embeddings. Only posts of summarized clusters are scored.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "sieve/datasets/reader_config.h"
#include "sieve/datasets/record_reader.h"
#include "sieve/datasets/template_clusters.h"
#include "sieve/runtime/model.h"

namespace sieve::analysis {

// Clusters every post of the inputs (first pass), on the threads of the calling task arena. The readers
// report bad rows; their stats are added to stats.
datasets::TemplateClusters cluster_inputs(const std::vector<std::string>& inputs,
                                          const datasets::ReaderConfig& config,
                                          const datasets::NearDuplicateOptions& options, std::size_t min_size,
                                          datasets::ReadStats& stats);

// What the second pass learns about one summarized cluster.
struct ClusterProfile {
  std::string representative_id, representative_text;
  std::vector<std::string> members;             // ids, when asked for
  std::vector<std::size_t> labelled, positive;  // per binary schema head: members with the label, with 1
  std::vector<double> score_sums;               // per model output: sum over members
  std::vector<double> embedding_sums;           // pooled vector sums, for clusters that get embedded
  std::vector<std::pair<std::string, std::size_t>> lang_counts;
  std::string main_lang() const;  // the most frequent language of the members ("" when none is known)
};

// Posts of each binary head's labels, overall and in clusters of at least a size.
struct LabelSpread {
  std::vector<std::string> heads;
  std::vector<std::size_t> posts[2], in_clusters[2];  // [label value][head]
};

struct ProfileOptions {
  bool members = false;                 // keep member ids
  const infer::Model* model = nullptr;  // score members when set
  std::size_t embed_min_size = 0;       // embed clusters of at least this size (0: none); needs model
  std::size_t spread_min_size = 5;      // LabelSpread::in_clusters counts posts of clusters this large
};

// Reads the inputs again (the same rows, in the same order, as cluster_inputs) and profiles the summarized
// clusters of result; fills spread for every post.
std::vector<ClusterProfile> profile_clusters(const std::vector<std::string>& inputs,
                                             const datasets::ReaderConfig& config,
                                             const datasets::TemplateClusters& result,
                                             const ProfileOptions& options, LabelSpread& spread);

}  // namespace sieve::analysis
