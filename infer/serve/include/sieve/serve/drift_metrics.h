#pragma once
// What a drift monitor reads in GET /metrics: per language, the distribution of the posts' "ood" values
// and of each binary head's score, and how many posts each binary head flags (docs/serving.md,
// "Monitoring drift"). Thread-safe; a scored batch takes the lock once, whatever its size.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sieve/runtime/model.h"
#include "sieve/serve/server_metrics.h"

namespace sieve::infer {

// Upper bounds of the buckets (besides +Inf): ood values gather near 1, where the model's limit is.
inline const std::vector<double> kOodBuckets = {0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1};
inline const std::vector<double> kScoreBuckets = {0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5,
                                                  0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1};

// The values the "lang" label takes for a model's posts: the languages it has out-of-domain statistics or
// a threshold of their own for, and those the server guesses, sorted, then "other". A client's "lang"
// never becomes a label of its own, so a client cannot create series.
std::vector<std::string> metric_languages(const Model& model);
// The index of lang in languages (as metric_languages returns them): its own, else that of "other".
std::size_t metric_language(const std::vector<std::string>& languages, std::string_view lang);

// One scored batch as the drift metrics read it.
struct ScoredBatch {
  const Model& model;
  const std::vector<std::string>& languages;   // metric_languages(model)
  const std::vector<std::string_view>& langs;  // per post: its language, as given or guessed
  const float* probabilities;                  // per post, a row of model.output_count() values
  const PostFamiliarity* familiarity;          // per post; null when the model has no ood statistics
};

class DriftMetrics {
 public:
  void observe(const ScoredBatch& batch);
  // Appends sieve_post_ood, sieve_post_score and sieve_posts_flagged_total, each with # HELP and # TYPE.
  void render(std::string& out) const;

 private:
  struct HeadSeries {
    Histogram score{kScoreBuckets};
    std::uint64_t flagged = 0;
  };

  mutable std::mutex mutex_;
  // Keyed by names, not by positions in a model: a reload with other heads or languages adds series and
  // keeps the counts of those it shares with the model before.
  std::map<std::string, Histogram> ood_;                             // by language label
  std::map<std::pair<std::string, std::string>, HeadSeries> heads_;  // by (head, language label)
};

}  // namespace sieve::infer
