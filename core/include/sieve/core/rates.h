#pragma once
// The rates a threshold promises on someone's traffic: how often it flags organic posts (its false-positive
// rate) and how often it catches positives (recall), each with how sure the sample makes us, and the
// threshold that keeps the false-positive rate at a chosen level.

#include <cstddef>
#include <string>
#include <vector>

namespace sieve::metrics {

// A proportion's 95 % interval (Wilson's score interval: sensible at 0 and at small samples, where the
// normal approximation gives negative or zero-width intervals). NaN bounds when n is 0.
struct Interval {
  double low = 0;
  double high = 0;
};
Interval wilson_interval(std::size_t successes, std::size_t n, double z = 1.959964);
// The upper bound alone for a share p of a sample of effective size n (not necessarily whole numbers, as
// for weighted posts); NaN when n is not positive.
double wilson_upper(double p, double n, double z = 1.959964);

// A threshold set on organic posts (negatives): at most max_fpr of them score at or above it.
struct FprThreshold {
  double threshold = 1;
  std::size_t posts = 0;    // organic posts it was set on
  std::size_t flagged = 0;  // of them, at or above the threshold
  double fpr = 0;           // flagged / posts
  double fpr_upper = 0;     // the Wilson 95 % upper bound of the rate
};

// The rule for a false-positive rate to set a threshold at, for every caller (`sieve calibrate
// --max-fpr`, the Python metrics): 0 would flag nothing, 1 everything. Throws Error(kConfig, where,
// "must be strictly between 0 and 1 ...") for any other value, NaN included.
void check_max_fpr(double max_fpr, const std::string& where = "max_fpr");

// The lowest threshold in [0, 1] at which no more than max_fpr of the organic scores are at or above it
// (ties enter together, so the rate can be below max_fpr). Scores are probabilities. With no posts the
// threshold is 1 and the rates NaN. max_fpr must pass check_max_fpr.
FprThreshold threshold_for_fpr(const std::vector<double>& organic_scores, double max_fpr);

// What a threshold keeps at max_fpr: the rate measured on the sample (kPoint), or its Wilson 95 % upper
// bound (kWilson), so that the promise also holds for the rate the sample stands for.
enum class RateBound { kPoint, kWilson };

// The same with a weight per post (say 1 / the posts of its source, so that every source of the organic
// sample counts the same whatever its size): the rate is the flagged share of the total weight. flagged
// and posts stay counts of posts; fpr_upper is Wilson's bound at the sample's effective size,
// (Σw)² / Σw². With kWilson, a sample too small for the bound to reach max_fpr even when nothing is
// flagged gives a threshold above every score and fpr_upper > max_fpr: the caller says so.
FprThreshold threshold_for_weighted_fpr(const std::vector<double>& organic_scores,
                                        const std::vector<double>& weights, double max_fpr,
                                        RateBound bound = RateBound::kPoint);

// Precision of a decision that has this recall and false-positive rate on traffic where a share
// `prevalence` of the posts are positive: recall·P / (recall·P + fpr·(1 − P)); NaN when nothing is flagged.
double precision_at_prevalence(double recall, double fpr, double prevalence);

}  // namespace sieve::metrics
