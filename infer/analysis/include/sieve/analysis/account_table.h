#pragma once
// What `sieve accounts` knows of each account after reading the posts: the second pass over the inputs
// (the first clusters them into templates), with the model's scores of every post when a model is given.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "sieve/datasets/coordination.h"
#include "sieve/datasets/reader_config.h"
#include "sieve/datasets/record_reader.h"
#include "sieve/datasets/template_clusters.h"
#include "sieve/datasets/template_window.h"
#include "sieve/runtime/model.h"

namespace sieve::analysis {

struct AccountRow {
  std::string name;         // Record::group (the id of a post without one)
  std::uint64_t langs = 0;  // bit l: AccountTable::langs[l]
  std::int64_t first_time = 0, last_time = 0;
};

// Per account and binary head of the model: what its posts scored.
struct HeadSummary {
  double mean = 0, p90 = 0, flagged = 0;  // mean probability, its 90th percentile, share above threshold
};

struct AccountTable {
  std::vector<AccountRow> accounts;
  std::vector<std::string> langs;            // the first 64 languages seen get a bit
  std::vector<datasets::AccountPost> posts;  // in input order
  std::vector<std::string> heads;            // the model's binary heads
  std::vector<float> scores;                 // posts × heads probabilities
  std::vector<std::uint8_t> flagged;         // posts × heads: above the head's threshold for the language
  std::vector<std::vector<HeadSummary>> summaries;  // accounts × heads, filled by summarize_heads
  int coordinated_head = -1;                        // index in heads, or -1
  std::size_t posts_without_account = 0;            // posts with no group: each an account of its own
                                                    // (the reader gives such a post its id as group)

  // The mean coordinated probability of an account's posts (NaN without such a head).
  double mean_coordinated(std::size_t account) const;
};

// Reads the inputs again, in the order cluster_inputs read them, on the threads of the calling arena.
AccountTable read_accounts(const std::vector<std::string>& inputs, const datasets::ReaderConfig& config,
                           const datasets::TemplateClusters& clusters, const infer::Model* model);

// One pass instead of two, in bounded memory: templates are the near-copies within a rolling window
// (datasets::TemplateWindow, at most templates.max_posts posts held) instead of the clusters of the
// whole input. Reports bad rows and adds them to stats.
AccountTable read_accounts_streaming(const std::vector<std::string>& inputs,
                                     const datasets::ReaderConfig& config,
                                     const datasets::TemplateWindowOptions& templates,
                                     const infer::Model* model, datasets::ReadStats& stats);

// Fills table.summaries: per account and head the mean, the 90th percentile and the flagged share.
void summarize_heads(AccountTable& table);

// The ids and texts of the posts numbered in `wanted` (post number → nothing yet), read a third time.
struct PostText {
  std::string id, text;
};
std::unordered_map<std::uint32_t, PostText> read_posts(const std::vector<std::string>& inputs,
                                                       const datasets::ReaderConfig& config,
                                                       const std::vector<std::uint32_t>& wanted);

}  // namespace sieve::analysis
