#include "sieve/core/rates.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "sieve/core/error.h"

namespace sieve::metrics {

namespace {

// Wilson's score interval of a share p of n trials (n > 0, neither need be whole), before clamping.
Interval wilson_bounds(double p, double n, double z) {
  const double z2n = z * z / n;
  const double centre = (p + z2n / 2) / (1 + z2n);
  const double half = z * std::sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n);
  return {centre - half, centre + half};
}

}  // namespace

Interval wilson_interval(std::size_t successes, std::size_t n, double z) {
  if (n == 0) return {std::nan(""), std::nan("")};
  const Interval b =
      wilson_bounds(static_cast<double>(successes) / static_cast<double>(n), static_cast<double>(n), z);
  // At 0 and at n the bound is exactly 0 (or 1); the formula would leave rounding dust there.
  return {successes == 0 ? 0.0 : std::max(0.0, b.low), successes == n ? 1.0 : std::min(1.0, b.high)};
}

double wilson_upper(double p, double n, double z) {
  if (!(n > 0)) return std::nan("");
  if (p >= 1) return 1.0;
  return std::min(1.0, wilson_bounds(p, n, z).high);
}

namespace {

// Probabilities are floats when the runtime decides. A threshold halfway between two neighbouring floats
// decides every float score the same way however it is printed and read back (9 digits, in model.sieve).
double just_above(double score) {
  const auto f = static_cast<float>(score);
  return std::min(1.0,
                  (static_cast<double>(f) + std::nextafter(f, std::numeric_limits<float>::infinity())) / 2);
}

}  // namespace

void check_max_fpr(double max_fpr, const std::string& where) {
  if (max_fpr > 0 && max_fpr < 1) return;
  char value[32];
  std::snprintf(value, sizeof value, "%g", max_fpr);
  throw Error(ErrorKind::kConfig, where,
              std::string("must be strictly between 0 and 1 (a rate: 0.01 is 1 %), got ") + value);
}

FprThreshold threshold_for_fpr(const std::vector<double>& organic_scores, double max_fpr) {
  return threshold_for_weighted_fpr(organic_scores, std::vector<double>(organic_scores.size(), 1.0), max_fpr);
}

FprThreshold threshold_for_weighted_fpr(const std::vector<double>& organic_scores,
                                        const std::vector<double>& weights, double max_fpr, RateBound bound) {
  check_max_fpr(max_fpr);
  FprThreshold t;
  t.posts = organic_scores.size();
  if (t.posts == 0) {
    t.fpr = t.fpr_upper = std::nan("");
    return t;
  }
  std::vector<std::size_t> order(t.posts);
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return organic_scores[a] > organic_scores[b]; });
  double total = 0, squares = 0;
  for (const double w : weights) {
    total += w;
    squares += w * w;
  }
  const double effective = total * total / squares;
  const auto kept = [&](double rate) {
    const double promised = bound == RateBound::kWilson ? wilson_upper(rate, effective) : rate;
    return promised <= max_fpr + 1e-12;
  };
  // Walk down the scores a tie at a time (equal as the float probabilities the runtime decides on); stop
  // before the tie that would break the promise.
  const auto as_decided = [&](std::size_t i) { return static_cast<float>(organic_scores[order[i]]); };
  double flagged_weight = 0;
  std::size_t k = 0;
  while (k < order.size()) {
    std::size_t end = k;
    double tie_weight = 0;
    while (end < order.size() && as_decided(end) == as_decided(k)) tie_weight += weights[order[end++]];
    if (!kept((flagged_weight + tie_weight) / total)) break;
    flagged_weight += tie_weight;
    k = end;
  }
  // Just above the highest score that stays below the threshold: everything tied with it stays below.
  t.threshold = k == order.size() ? 0 : just_above(organic_scores[order[k]]);
  t.flagged = k;
  t.fpr = flagged_weight / total;
  t.fpr_upper = wilson_upper(t.fpr, effective);
  return t;
}

double precision_at_prevalence(double recall, double fpr, double prevalence) {
  const double flagged = recall * prevalence + fpr * (1 - prevalence);
  return flagged > 0 ? recall * prevalence / flagged : std::nan("");
}

}  // namespace sieve::metrics
