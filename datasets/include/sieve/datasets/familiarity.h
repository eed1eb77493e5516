#pragma once
// How familiar a post is to a model: how often each feature row occurred in the model's training posts,
// and where a post's mean rarity falls among those posts, per language. The trainer stores both in
// model.sieve (docs/model-file.md); the runtime turns a post's mean rarity into "ood" (docs/decisions.md):
// the share of the training posts of its language that were less rare.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace sieve::datasets {

// Quantile points kept per language: kRarityQuantiles + 1, from the least rare training post to the rarest.
inline constexpr std::size_t kRarityQuantiles = 100;
// A language gets its own quantiles with this many training posts; the others use all posts'.
inline constexpr std::size_t kMinLanguagePosts = 1000;
// Above this ood a post counts as unfamiliar (sieve drift, the server's metrics): one training post in a
// hundred would.
inline constexpr double kDefaultOodLimit = 0.99;
// Posts with fewer subword pieces than this are short: a word or two says little about who wrote it.
inline constexpr std::uint32_t kDefaultMinSubwords = 4;

struct FeatureFamiliarity {
  // Per feature row: −ln((occurrences + 1) / (all occurrences + rows)), in nats.
  std::vector<float> rarity;
  // Language ("" for all posts) → kRarityQuantiles + 1 ascending points of the training posts' mean
  // rarity (mean_of_rows of rarity over a post's feature ids).
  std::map<std::string, std::vector<float>> quantiles;
  std::uint64_t posts = 0;
  double limit = kDefaultOodLimit;
  std::uint32_t min_subwords = kDefaultMinSubwords;

  // The "ood" metadata document of model.sieve: {"posts", "limit", "min_subwords", "overall": [points],
  // "languages": {lang: [points]}}; rarity is stored beside it as the tensor "ood.rarity".
  std::string to_json() const;
};

// One training post as the fit sees it.
using FamiliarityVisitor =
    std::function<void(const std::uint32_t* ids, std::size_t count, const std::string& lang)>;
// Calls the visitor once for every training post, in any order; the fit walks the posts twice.
using TrainingPostWalk = std::function<void(const FamiliarityVisitor&)>;

// Counts the feature rows (below table_size) of the posts walk visits, then places every post's mean rarity.
// Throws Error(kInvalidInput, "training posts") when walk visits none.
FeatureFamiliarity fit_familiarity(std::uint32_t table_size, const TrainingPostWalk& walk);

}  // namespace sieve::datasets
