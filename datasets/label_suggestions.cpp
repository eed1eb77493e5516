#include "sieve/datasets/label_suggestions.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

namespace sieve::datasets {

std::vector<std::size_t> choose_suggestions(const std::vector<SuggestionCandidate>& candidates,
                                            std::size_t n) {
  std::vector<std::size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const SuggestionCandidate& x = candidates[a];
    const SuggestionCandidate& y = candidates[b];
    if (x.margin != y.margin) return x.margin < y.margin;
    if (x.cluster_size != y.cluster_size) return x.cluster_size > y.cluster_size;
    return x.tie_break != y.tie_break ? x.tie_break < y.tie_break : a < b;
  });
  std::unordered_set<std::string> accounts;
  for (const SuggestionCandidate& c : candidates) accounts.insert(c.group);
  std::size_t per_account =
      accounts.empty() ? 1 : std::max<std::size_t>(1, (n + accounts.size() - 1) / accounts.size());

  std::vector<std::size_t> chosen;
  std::unordered_set<std::uint32_t> used_clusters;
  std::unordered_map<std::string, std::size_t> taken;  // posts chosen per account
  std::vector<bool> picked(candidates.size(), false);
  while (chosen.size() < n) {
    const std::size_t before = chosen.size();
    for (std::size_t i : order) {
      if (chosen.size() == n) break;
      const SuggestionCandidate& c = candidates[i];
      if (picked[i] || used_clusters.count(c.cluster) || taken[c.group] >= per_account) continue;
      picked[i] = true;
      used_clusters.insert(c.cluster);
      ++taken[c.group];
      chosen.push_back(i);
    }
    if (chosen.size() == before) {
      // Nothing more under this limit: raise it, unless no account was held back by it.
      const bool limited = std::any_of(order.begin(), order.end(), [&](std::size_t i) {
        return !picked[i] && !used_clusters.count(candidates[i].cluster);
      });
      if (!limited) break;
      per_account *= 2;
    }
  }
  return chosen;
}

}  // namespace sieve::datasets
