#include "sieve/core/organic_threshold.h"

#include <cmath>
#include <utility>

#include "sieve/core/error.h"

namespace sieve::metrics {
namespace {

constexpr std::pair<OrganicWeighting, const char*> kWeightings[] = {
    {OrganicWeighting::kPosts, "posts"},
    {OrganicWeighting::kSources, "sources"},
    {OrganicWeighting::kLanguages, "languages"},
};
constexpr std::pair<RateBound, const char*> kBounds[] = {
    {RateBound::kPoint, "point"},
    {RateBound::kWilson, "wilson"},
};

template <typename Kind, std::size_t N>
Kind parse(const std::pair<Kind, const char*> (&words)[N], const std::string& word,
           const std::string& where) {
  std::string known;
  for (const auto& [kind, name] : words) {
    if (word == name) return kind;
    known += (known.empty() ? "" : ", ") + std::string(name);
  }
  throw Error(ErrorKind::kConfig, where, "'" + word + "' is not one of " + known);
}

template <typename Kind, std::size_t N>
std::string name_of(const std::pair<Kind, const char*> (&words)[N], Kind kind) {
  for (const auto& [k, name] : words) {
    if (k == kind) return name;
  }
  return "?";
}

// Each post's weight under the rule: 1, 1 / its source's posts, or 1 / (its language's sources × its
// source's posts in that language).
std::vector<double> weights_of(const std::vector<OrganicPost>& posts, OrganicWeighting weighting) {
  std::map<std::pair<std::string, std::string>, double> per_cell;  // (lang, source) → posts
  std::map<std::string, double> per_source;
  std::map<std::string, double> sources_per_lang;
  for (const OrganicPost& p : posts) {
    if (per_cell[{p.lang, p.source}]++ == 0) ++sources_per_lang[p.lang];
    ++per_source[p.source];
  }
  std::vector<double> weights;
  weights.reserve(posts.size());
  for (const OrganicPost& p : posts) {
    switch (weighting) {
      case OrganicWeighting::kPosts:
        weights.push_back(1.0);
        break;
      case OrganicWeighting::kSources:
        weights.push_back(1.0 / per_source[p.source]);
        break;
      case OrganicWeighting::kLanguages:
        weights.push_back(1.0 / (sources_per_lang[p.lang] * per_cell[{p.lang, p.source}]));
        break;
    }
  }
  return weights;
}

}  // namespace

std::string weighting_name(OrganicWeighting weighting) { return name_of(kWeightings, weighting); }
OrganicWeighting parse_weighting(const std::string& word, const std::string& where) {
  return parse(kWeightings, word, where);
}
std::string bound_name(RateBound bound) { return name_of(kBounds, bound); }
RateBound parse_bound(const std::string& word, const std::string& where) {
  return parse(kBounds, word, where);
}

OrganicThreshold organic_threshold(const std::vector<OrganicPost>& posts, const OrganicRule& rule,
                                   double max_fpr) {
  OrganicThreshold result;
  std::vector<double> scores;
  scores.reserve(posts.size());
  for (const OrganicPost& p : posts) {
    scores.push_back(p.score);
    ++result.posts_per_source[p.source];
  }
  result.rate = threshold_for_weighted_fpr(scores, weights_of(posts, rule.weighting), max_fpr, rule.bound);
  result.enough = rule.bound != RateBound::kWilson || result.rate.fpr_upper <= max_fpr + 1e-12;
  return result;
}

double fewest_posts_for_bound(double max_fpr) {
  const double z2 = 1.959964 * 1.959964;
  return std::ceil(z2 * (1 - max_fpr) / max_fpr);
}

}  // namespace sieve::metrics
