#pragma once
// Near-duplicate detection for templated posts: MinHash signatures over character shingles of normalized
// text, an LSH index that finds the earlier near-duplicates of a post, and clusters built with it, in one
// batch or one post at a time (a stream).
//
//   MinHasher hasher(options);                     // normalizes, shingles, hashes: const, thread-safe
//   auto signatures = hasher.sign_all(texts);      // all cores
//   NearDuplicateClusters c = cluster_near_duplicates(signatures, options);
//
// A live scorer keeps a NearDuplicateIndex and calls add() (or find_match()) per post.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sieve/datasets/record.h"
#include "sieve/tokenizer/normalizer.h"

namespace sieve::datasets {

// How many LSH bands of how many MinHash values each.
struct LshShape {
  int bands = 0;
  int rows = 0;
};

// What counts as a near-duplicate and how candidates are found. With the defaults, a tweet-length
// template with one word changed stays above the threshold (~0.8); unrelated posts stay far below.
struct NearDuplicateOptions {
  int shingle_size = 5;    // code points per shingle: about a word of EN/FR, a phrase of ZH
  int num_hashes = 128;    // MinHash values per signature; the Jaccard estimate errs by ~sqrt(J(1-J)/k)
  double threshold = 0.7;  // estimated Jaccard of shingle sets at or above which posts are near-duplicates
  int bands = 0;           // LSH bands; 0 (with rows 0): derived from threshold, see lsh_shape()
  int rows = 0;            // MinHash values per band; set both or neither; bands * rows <= num_hashes
  // Posts with fewer code points than this, not counting spaces and placeholders (<url>, <user>...), are
  // never clustered: that two posts read "<user> <url>" or "lol!!!" says nothing about coordination, and
  // such posts would tie thousands of unrelated rows (and their groups) together.
  int min_chars = 12;
  std::uint64_t seed = 0x5151'd0d0'f00dULL;  // of shingle hashes and permutations
  tokenizer::NormalizerSettings normalizer;  // how posts are read before shingling

  // Throws Error(kConfig) naming the field that is out of range.
  void validate() const;
  // The explicit bands/rows, or else the most rows per band (fewest false candidates) for which a pair at
  // exactly the threshold still shares a band with probability >= 0.98 (bands = num_hashes / rows).
  LshShape lsh_shape() const;
};

// One post's MinHash signature.
struct Signature {
  std::uint64_t text_hash = 0;        // hash64 of the normalized text: equal hashes are exact duplicates
  bool clusterable = false;           // false when the post has fewer than min_chars (see there)
  std::vector<std::uint32_t> values;  // num_hashes minima when clusterable, else empty
};

// Scratch one caller reuses across MinHasher::sign calls, so a loop allocates nothing per post.
struct SignScratch {
  std::string normalized;
  std::vector<std::uint64_t> shingle_hashes;
};

// Turns posts into signatures: normalizes (options.normalizer) so that homoglyph, zero-width and
// full-width disguises collapse, shingles the result into code points, hashes each shingle once with
// sieve::hash64 and derives the num_hashes minima by cheap per-permutation mixing. Const and thread-safe.
class MinHasher {
 public:
  explicit MinHasher(NearDuplicateOptions options = {});  // validates

  const NearDuplicateOptions& options() const { return options_; }

  Signature sign(std::string_view text) const;
  void sign(std::string_view text, Signature& out, SignScratch& scratch) const;
  // In input order, on all cores (oneTBB).
  std::vector<Signature> sign_all(const std::vector<std::string_view>& texts) const;
  std::vector<Signature> sign_all(const std::vector<Record>& records) const;

 private:
  NearDuplicateOptions options_;
  tokenizer::Normalizer normalizer_;
  std::vector<std::uint32_t> permutation_keys_;  // one per MinHash value
};

// Share of equal values of two signatures of k values: the estimate of their shingle sets' Jaccard.
double estimated_jaccard(const std::uint32_t* a, const std::uint32_t* b, int k);

// An earlier post that a new one duplicates.
struct NearDuplicateMatch {
  std::uint32_t item = 0;  // its number in the index
  double jaccard = 0;      // estimated; 1 for an exact duplicate
  bool exact = false;      // same normalized text
};

// Posts added one at a time; each joins the cluster (union-find) of every earlier exact or near-duplicate
// the index finds. An LSH bucket remembers only its first and its latest post, and a new post is verified
// against those, so adding costs O(bands) whatever the bucket sizes: a template posted 10,000 times costs
// 10,000 x 2 x bands comparisons, not 10,000^2. Membership is still transitive through union-find.
// For a rolling window, keep two indexes (the current and the previous period) and drop the older one.
class NearDuplicateIndex {
 public:
  explicit NearDuplicateIndex(NearDuplicateOptions options = {});  // validates
  ~NearDuplicateIndex();
  NearDuplicateIndex(NearDuplicateIndex&&) noexcept;
  NearDuplicateIndex& operator=(NearDuplicateIndex&&) noexcept;

  // Adds a post signed with the same options and returns its item number: 0, 1, 2... in order of adding.
  std::uint32_t add(const Signature& signature);
  // The best earlier match of a post without adding it (an exact duplicate first, else the candidate of
  // highest estimated Jaccard >= threshold). Const: many threads may query at once while none adds.
  std::optional<NearDuplicateMatch> find_match(const Signature& signature) const;
  // The cluster of an item, named by its smallest item number.
  std::uint32_t cluster_of(std::uint32_t item);

  std::size_t size() const;
  std::size_t exact_duplicates() const;  // items added whose normalized text an earlier item had
  void reserve(std::size_t items);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Clusters of a batch of posts. Every post has a cluster; one of size 1 means no duplicate was found.
struct NearDuplicateClusters {
  std::vector<std::uint32_t> cluster_of;  // per post: 0..count()-1, numbered in order of first post
  std::vector<std::uint32_t> sizes;       // per cluster
  std::size_t exact_duplicates = 0;       // posts whose normalized text equals an earlier post's

  std::size_t count() const { return sizes.size(); }
  std::size_t clusters_of_at_least(std::size_t min_size) const;
  std::size_t posts_in_clusters_of_at_least(std::size_t min_size) const;
  // Post numbers of each cluster, in post order.
  std::vector<std::vector<std::uint32_t>> members() const;
};

// Adds the signatures to a fresh index in order and numbers the clusters.
NearDuplicateClusters cluster_near_duplicates(const std::vector<Signature>& signatures,
                                              const NearDuplicateOptions& options);

// What a cluster of records holds, for reports.
struct ClusterSummary {
  std::uint32_t cluster = 0;
  std::vector<std::uint32_t> members;  // record numbers, in order
  std::size_t exact_duplicates = 0;    // members whose normalized text an earlier member had
  std::size_t groups = 0;              // distinct Record::group
  std::vector<std::string> langs;      // distinct, sorted
  std::vector<std::string> sources;    // distinct, sorted
  std::uint32_t representative = 0;    // the record whose normalized text is most frequent (first on ties)
};

// Clusters of at least min_size records, largest first (then by cluster number).
std::vector<ClusterSummary> summarize_clusters(const std::vector<Record>& records,
                                               const std::vector<Signature>& signatures,
                                               const NearDuplicateClusters& clusters, std::size_t min_size);

// How many posts of one set have a duplicate in another (leakage between splits).
struct CrossDuplicates {
  std::size_t queries = 0;
  std::size_t exact = 0;  // queries whose normalized text occurs in the reference set
  std::size_t near = 0;   // queries with an exact or near-duplicate there (near >= exact)
};

// Indexes reference, then looks up every query (in parallel).
CrossDuplicates count_cross_duplicates(const std::vector<Signature>& reference,
                                       const std::vector<Signature>& queries,
                                       const NearDuplicateOptions& options);

}  // namespace sieve::datasets
