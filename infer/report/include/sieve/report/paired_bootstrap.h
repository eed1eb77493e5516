#pragma once
// How sure a small evaluation is that one model ranks posts better than another: the ROC-AUC of both on
// the same posts, and a percentile interval of their difference from resampling whole groups (accounts,
// documents) with replacement, since posts of one group are not independent.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sieve::infer {

struct PairedAucInterval {
  double before = 0, after = 0;  // ROC-AUC on the posts as given (NaN when a class is absent)
  double low = 0, high = 0;      // the interval of after − before (NaN when no resample had both classes)
  double level = 0.95;
  std::size_t resamples = 0;  // that had both classes
  std::size_t groups = 0;
  // True when the whole interval lies above zero: the only case where "after" is called better.
  bool better() const { return low > 0; }
  // "better", "worse" (whole interval below zero) or "not different": what the evaluation can say.
  std::string verdict() const;
  std::string to_json() const;
};

// posts: labels (0/1), the two models' scores, the group of each. Deterministic for a seed.
PairedAucInterval paired_auc_bootstrap(const std::vector<std::int8_t>& labels,
                                       const std::vector<double>& before, const std::vector<double>& after,
                                       const std::vector<std::string>& groups, std::size_t resamples = 1000,
                                       double level = 0.95, std::uint64_t seed = 1);

}  // namespace sieve::infer
