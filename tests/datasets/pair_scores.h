#pragma once
// How well clusters recover planted families: precision and recall over pairs of posts.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "planted_text.h"

namespace sieve::testing {

struct PairScores {
  double precision = 0;  // of the pairs put in one cluster, the share from one family
  double recall = 0;     // of the pairs from one family, the share put in one cluster
};

// cluster_of: per post of set, its cluster. Unrelated posts (family -1) belong to no family.
inline PairScores score_pairs(const PlantedSet& set, const std::vector<std::uint32_t>& cluster_of) {
  std::size_t true_pairs = 0, found_pairs = 0, correct_pairs = 0;
  for (std::size_t i = 0; i < set.posts.size(); ++i) {
    for (std::size_t j = i + 1; j < set.posts.size(); ++j) {
      const bool same_family = set.posts[i].family >= 0 && set.posts[i].family == set.posts[j].family;
      const bool same_cluster = cluster_of[i] == cluster_of[j];
      true_pairs += same_family;
      found_pairs += same_cluster;
      correct_pairs += same_family && same_cluster;
    }
  }
  return {found_pairs ? static_cast<double>(correct_pairs) / static_cast<double>(found_pairs) : 1.0,
          true_pairs ? static_cast<double>(correct_pairs) / static_cast<double>(true_pairs) : 1.0};
}

}  // namespace sieve::testing
