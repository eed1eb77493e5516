#pragma once
// Campaign templates in a stream of posts too large to hold: the streaming counterpart of
// cluster_near_duplicates + summarize_clusters (near_duplicates.h), which need every Record in memory.
//
//   TemplateClusterer clusterer(options);
//   clusterer.add_all(reader);                    // sign on all cores, index in input order
//   TemplateClusters result = clusterer.finish(2);
//   // result.summaries: size, accounts, languages, sources, time range, representative post number
//
// Outside its NearDuplicateIndex the clusterer keeps 32 bytes per post (hashes of the normalized text and
// the group, interned language and source, time): no text. A caller that needs the representative texts,
// the member ids or the posts' scores reads the input a second time and looks each post's cluster up by
// its number (TemplateClusters::summary_of).

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sieve/datasets/near_duplicates.h"
#include "sieve/datasets/record.h"
#include "sieve/datasets/record_reader.h"

namespace sieve::datasets {

// One cluster of posts, as the streaming clusterer summarizes it.
struct TemplateCluster {
  std::uint32_t cluster = 0;         // number among all clusters, in order of first post
  std::size_t size = 0;              // posts
  std::size_t exact_duplicates = 0;  // members whose normalized text an earlier member had
  std::size_t groups = 0;            // distinct Record::group (the id when a post has none): accounts
  std::vector<std::string> langs;    // distinct, sorted
  std::vector<std::string> sources;  // distinct, sorted
  std::int64_t first_time = 0;       // earliest and latest Record::time of members with one; 0 when
  std::int64_t last_time = 0;        // no member has a time
  std::uint32_t first_post = 0;      // post number of the earliest member
  std::uint32_t representative = 0;  // post number of the first member whose normalized text is the
                                     // cluster's most frequent (the earliest member on ties)
};

// The clusters of every post added, and summaries of the large ones.
struct TemplateClusters {
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  NearDuplicateClusters clusters;          // per post and per cluster, as cluster_near_duplicates gives
  std::vector<TemplateCluster> summaries;  // clusters of at least the minimum size, largest first
  std::vector<std::uint32_t> summary_of_cluster;  // per cluster: its index in summaries, or kNone

  // The summary index of post number `post`'s cluster, or kNone when the cluster is below the minimum.
  std::uint32_t summary_of(std::size_t post) const { return summary_of_cluster[clusters.cluster_of[post]]; }
};

// Clusters posts added chunk by chunk, in order. Not thread-safe: one caller adds; the signing inside
// add() and add_all() runs on all cores of the calling task arena.
class TemplateClusterer {
 public:
  explicit TemplateClusterer(NearDuplicateOptions options = {});  // validates

  // Signs the records in parallel and adds them in order; their post numbers continue from size().
  void add(const std::vector<Record>& records);
  // Reads reader to the end in chunks of chunk_records, signing chunks on the worker threads while the
  // next is read and the previous indexed (a oneTBB pipeline); same result as add() on every record.
  // Clusters keep time ranges, so it asks the reader to report each unreadable time.
  void add_all(RecordReader& reader, std::size_t chunk_records = 4096);

  std::size_t size() const { return posts_.size(); }
  const NearDuplicateOptions& options() const { return hasher_.options(); }

  // Numbers the clusters as cluster_near_duplicates does and summarizes those of at least min_size
  // (at least 1) posts, largest first, then by cluster number. The clusterer is left empty.
  TemplateClusters finish(std::size_t min_size);

 private:
  // What is kept of one post: enough to summarize its cluster.
  struct Post {
    std::uint64_t text_hash = 0;
    std::uint64_t group_hash = 0;
    std::int64_t time = 0;
    std::uint16_t lang = 0;    // index into langs_
    std::uint16_t source = 0;  // index into sources_
  };

  std::uint16_t intern(std::vector<std::string>& names, const std::string& name);
  void add_signed(const std::vector<Record>& records, const std::vector<Signature>& signatures);
  TemplateCluster summarize(std::uint32_t cluster, const std::vector<std::uint32_t>& members) const;

  MinHasher hasher_;
  NearDuplicateIndex index_;
  std::vector<Post> posts_;
  std::vector<std::string> langs_, sources_;
};

// Links between clusters of different languages whose mean embeddings point the same way: the same
// template translated. Input: per cluster its language (the most frequent of its members) and its mean
// embedding (dim floats). Two clusters of different, known languages are linked when the cosine of their
// embeddings is at least threshold; families are the connected components of the links.
struct ClusterLinks {
  std::vector<std::vector<std::uint32_t>> linked;  // per cluster: linked clusters, ascending
  std::vector<double> best_cosine;                 // per cluster: highest cosine to another language; NaN
                                                   // when there is no cluster of another language
  std::vector<std::uint32_t> family;               // per cluster: the smallest cluster index of its family
};

// Throws Error(kInvalidInput) when the sizes disagree. All pairs, rows on all cores: for thousands of
// clusters, not millions.
ClusterLinks link_clusters_across_languages(const std::vector<std::string>& langs,
                                            const std::vector<float>& embeddings, std::size_t dim,
                                            double threshold);

}  // namespace sieve::datasets
