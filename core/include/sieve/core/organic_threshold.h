#pragma once
// The threshold a head promises on organic traffic (`sieve calibrate --organic`), under a rule that says how
// the organic sample's posts weigh in the rate and what of the rate is kept at the target.
//
// A rate measured on a sample is a promise about traffic with the sample's mix of sources. Someone's
// traffic mixes them otherwise (more news accounts, another language community), so by default every
// language of the sample counts the same and, within a language, every source the same: no single source
// or language decides the threshold by its size. And the rate kept at the target is its Wilson upper bound,
// so that a sample of a few hundred posts does not promise more than it can.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "sieve/core/rates.h"

namespace sieve::metrics {

enum class OrganicWeighting {
  kPosts,      // every post counts the same (the sample's own mix)
  kSources,    // every source counts the same
  kLanguages,  // every language counts the same, and every source within it
};

struct OrganicRule {
  OrganicWeighting weighting = OrganicWeighting::kLanguages;
  RateBound bound = RateBound::kWilson;
};

// "posts", "sources", "languages" and "point", "wilson": the words of `sieve calibrate --weighting` and
// `--bound`. The parsers throw Error(kConfig, where, ...) naming the words they know.
std::string weighting_name(OrganicWeighting weighting);
OrganicWeighting parse_weighting(const std::string& word, const std::string& where);
std::string bound_name(RateBound bound);
RateBound parse_bound(const std::string& word, const std::string& where);

// One organic post as a head scored it.
struct OrganicPost {
  double score = 0;  // the head's probability
  std::string source;
  std::string lang;
};

struct OrganicThreshold {
  FprThreshold rate;                                    // the threshold and its weighted rate
  std::map<std::string, std::size_t> posts_per_source;  // what the promise rests on
  // False when the sample is too small for the rule: its Wilson bound stays above the target even when
  // nothing is flagged.
  bool enough = true;
};

// The lowest threshold at which the rule's rate of the organic posts stays at max_fpr or below.
OrganicThreshold organic_threshold(const std::vector<OrganicPost>& posts, const OrganicRule& rule,
                                   double max_fpr);

// The fewest organic posts (effective, under the weighting) for which the Wilson bound can reach max_fpr
// at all: with none of them flagged, the bound is z² / (n + z²).
double fewest_posts_for_bound(double max_fpr);

}  // namespace sieve::metrics
