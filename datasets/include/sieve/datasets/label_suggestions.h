#pragma once
// Which unlabelled posts an analyst should label first when adapting a model to a new campaign: the ones
// the model is least sure of, spread over the campaign's templates and accounts, never two near-copies of
// one template (a label on one says what the other is).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sieve::datasets {

// One unlabelled post as the chooser sees it.
struct SuggestionCandidate {
  double margin = 0;  // distance from the decision, |logit(p) − logit(threshold)|; lower is less sure
  std::uint32_t cluster = 0;  // its near-duplicate cluster (a cluster of its own when it has no near-copy)
  std::size_t cluster_size = 1;
  std::string group;            // account
  std::uint64_t tie_break = 0;  // orders equally sure posts (a hash of the id: a spread, not file order)
};

// Up to n posts, in the order to label them: the least sure first, at most one per cluster; an account
// gives at most ceil(n / accounts) posts until every account has had its turn, then the limit doubles.
// Between equally sure posts, those of larger clusters come first (a label there covers more posts).
// Fewer than n when the candidates hold fewer clusters.
std::vector<std::size_t> choose_suggestions(const std::vector<SuggestionCandidate>& candidates,
                                            std::size_t n);

}  // namespace sieve::datasets
