#include "sieve/analysis/drift.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "sieve/core/error.h"
#include "sieve/core/rates.h"

namespace sieve::analysis {

void DriftOptions::validate() const {
  if (min_posts < 1) throw Error(ErrorKind::kConfig, "min_posts", "must be at least 1");
  if (bins < 2) throw Error(ErrorKind::kConfig, "bins", "must be at least 2, got " + std::to_string(bins));
  if (!(floor > 0 && floor < 1.0 / static_cast<double>(bins)))
    throw Error(ErrorKind::kConfig, "floor", "must be above 0 and below the share of one bin");
  if (!(moderate_psi > 0 && moderate_psi < drift_psi))
    throw Error(ErrorKind::kConfig, "moderate_psi", "must be above 0 and below drift_psi");
  if (!(promise_factor >= 1)) throw Error(ErrorKind::kConfig, "promise_factor", "must be at least 1");
}

Stability read_stability(double psi, const DriftOptions& options) {
  if (psi > options.drift_psi) return Stability::kDrift;
  return psi >= options.moderate_psi ? Stability::kModerate : Stability::kStable;
}

const char* stability_name(Stability stability) {
  switch (stability) {
    case Stability::kStable:
      return "stable";
    case Stability::kModerate:
      return "moderate";
    case Stability::kDrift:
      return "drift";
  }
  return "?";
}

std::vector<float> quantile_edges(std::vector<float> reference, std::size_t bins) {
  std::sort(reference.begin(), reference.end());
  std::vector<float> edges;
  for (std::size_t k = 1; k < bins; ++k) edges.push_back(reference[k * reference.size() / bins]);
  return edges;
}

std::vector<double> bin_shares(const std::vector<float>& values, const std::vector<float>& edges) {
  std::vector<double> shares(edges.size() + 1, 0.0);
  for (const float v : values) shares[std::upper_bound(edges.begin(), edges.end(), v) - edges.begin()] += 1;
  if (!values.empty()) {
    for (double& share : shares) share /= static_cast<double>(values.size());
  }
  return shares;
}

double population_stability(const std::vector<double>& reference, const std::vector<double>& traffic,
                            double floor) {
  double psi = 0;
  for (std::size_t i = 0; i < reference.size() && i < traffic.size(); ++i) {
    const double r = std::max(reference[i], floor), t = std::max(traffic[i], floor);
    psi += (t - r) * std::log(t / r);
  }
  return psi;
}

double score_stability(const std::vector<float>& reference, const std::vector<float>& traffic,
                       const DriftOptions& options) {
  const std::vector<float> edges = quantile_edges(reference, options.bins);
  return population_stability(bin_shares(reference, edges), bin_shares(traffic, edges), options.floor);
}

std::size_t DriftSide::posts() const {
  std::size_t n = 0;
  for (const auto& [lang, scores] : languages) n += scores.posts;
  return n;
}

DriftSide read_drift_side(const infer::Model& model, datasets::RecordReader& reader,
                          const ScoringOptions& scoring) {
  DriftSide side;
  side.name = reader.path();
  std::vector<std::size_t> offsets;  // of each binary head in a row of probabilities
  for (std::size_t h = 0; h < model.heads().size(); ++h) {
    if (!model.heads()[h].binary) continue;
    side.heads.push_back(model.heads()[h]);
    offsets.push_back(model.output_offset(h));
  }
  const infer::OutOfDomain* ood = scoring.familiarity ? model.out_of_domain() : nullptr;
  side.familiarity = ood != nullptr;
  if (ood) side.ood_limit = ood->limit();
  const std::size_t width = model.output_count();
  score_records(model, reader, scoring, nullptr, [&](ScoredChunk& chunk) {
    for (std::size_t i = 0; i < chunk.records.size(); ++i) {
      const std::string& lang = chunk.records[i].lang;
      LanguageScores& scores = side.languages[lang];
      scores.scores.resize(side.heads.size());
      scores.flagged.resize(side.heads.size());
      ++scores.posts;
      for (std::size_t k = 0; k < side.heads.size(); ++k) {
        const float p = chunk.probabilities[i * width + offsets[k]];
        scores.scores[k].push_back(p);
        scores.flagged[k] += p >= side.heads[k].threshold_for(lang);
      }
      if (ood && !chunk.familiarity.empty())
        scores.unfamiliar += ood->ood(chunk.familiarity[i].rarity, lang) > side.ood_limit;
    }
  });
  side.stats = reader.stats();
  if (side.posts() == 0) {
    throw Error(ErrorKind::kInvalidInput, side.name,
                "no posts to compare (the file is empty or every row was rejected)");
  }
  return side;
}

namespace {

// Every post of a side as one language.
LanguageScores pooled(const DriftSide& side) {
  LanguageScores all;
  all.scores.resize(side.heads.size());
  all.flagged.resize(side.heads.size());
  for (const auto& [lang, scores] : side.languages) {
    all.posts += scores.posts;
    all.unfamiliar += scores.unfamiliar;
    for (std::size_t k = 0; k < side.heads.size(); ++k) {
      all.scores[k].insert(all.scores[k].end(), scores.scores[k].begin(), scores.scores[k].end());
      all.flagged[k] += scores.flagged[k];
    }
  }
  return all;
}

double share(std::size_t part, std::size_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

HeadDrift head_drift(const infer::HeadInfo& head, std::size_t k, const std::string& lang,
                     const LanguageScores& reference, const LanguageScores& traffic,
                     const DriftOptions& options) {
  HeadDrift row;
  row.head = head.name;
  row.lang = lang;
  row.reference_posts = reference.posts;
  row.traffic_posts = traffic.posts;
  row.psi = score_stability(reference.scores[k], traffic.scores[k], options);
  row.stability = read_stability(row.psi, options);
  row.reference_flagged = share(reference.flagged[k], reference.posts);
  row.traffic_flagged = share(traffic.flagged[k], traffic.posts);
  row.traffic_flagged_low = metrics::wilson_interval(traffic.flagged[k], traffic.posts).low;
  // A language without a threshold of its own was promised nothing alone: only the mix of all posts was.
  if (head.organic_max_fpr > 0 && (lang == "all" || head.language_thresholds.count(lang) > 0)) {
    row.promised = head.organic_max_fpr;
    row.over_promise = row.traffic_flagged_low > options.promise_factor * row.promised;
  }
  return row;
}

UnfamiliarDrift unfamiliar_drift(const std::string& lang, const LanguageScores& reference,
                                 const LanguageScores& traffic, const DriftOptions& options) {
  UnfamiliarDrift row;
  row.lang = lang;
  row.reference_posts = reference.posts;
  row.traffic_posts = traffic.posts;
  row.reference_share = share(reference.unfamiliar, reference.posts);
  row.traffic_share = share(traffic.unfamiliar, traffic.posts);
  row.psi = population_stability({1 - row.reference_share, row.reference_share},
                                 {1 - row.traffic_share, row.traffic_share}, options.floor);
  row.stability = read_stability(row.psi, options);
  return row;
}

void check_same_heads(const DriftSide& reference, const DriftSide& traffic) {
  bool same = reference.heads.size() == traffic.heads.size() && reference.familiarity == traffic.familiarity;
  for (std::size_t k = 0; same && k < reference.heads.size(); ++k)
    same = reference.heads[k].name == traffic.heads[k].name;
  if (!same) {
    throw Error(ErrorKind::kInvalidInput, traffic.name,
                "scored by a model other than the reference's (" + reference.name + "): nothing to compare");
  }
}

}  // namespace

DriftReport compare_drift(const DriftSide& reference, const DriftSide& traffic, const DriftOptions& options) {
  options.validate();
  check_same_heads(reference, traffic);
  DriftReport report;
  report.options = options;
  report.reference_name = reference.name;
  report.traffic_name = traffic.name;
  report.reference_stats = reference.stats;
  report.traffic_stats = traffic.stats;
  report.familiarity = reference.familiarity;
  report.ood_limit = reference.ood_limit;
  if (reference.posts() < options.min_posts || traffic.posts() < options.min_posts) {
    throw Error(ErrorKind::kInvalidInput, "drift",
                "too few posts to compare: " + std::to_string(reference.posts()) + " in the reference, " +
                    std::to_string(traffic.posts()) + " in the traffic; each side needs " +
                    std::to_string(options.min_posts) + " (--min-posts)");
  }
  const LanguageScores all_reference = pooled(reference), all_traffic = pooled(traffic), none;
  struct Compared {
    std::string lang;
    const LanguageScores *reference, *traffic;
  };
  std::vector<Compared> compared = {{"all", &all_reference, &all_traffic}};
  std::set<std::string> langs;
  for (const auto& [lang, scores] : reference.languages) langs.insert(lang);
  for (const auto& [lang, scores] : traffic.languages) langs.insert(lang);
  for (const std::string& lang : langs) {
    const auto r = reference.languages.find(lang), t = traffic.languages.find(lang);
    const LanguageScores& rs = r == reference.languages.end() ? none : r->second;
    const LanguageScores& ts = t == traffic.languages.end() ? none : t->second;
    if (rs.posts < options.min_posts || ts.posts < options.min_posts) {
      report.too_few.push_back({lang, rs.posts, ts.posts});
    } else {
      compared.push_back({lang, &rs, &ts});
    }
  }
  for (std::size_t k = 0; k < reference.heads.size(); ++k) {
    for (const Compared& c : compared)
      report.heads.push_back(head_drift(reference.heads[k], k, c.lang, *c.reference, *c.traffic, options));
  }
  if (report.familiarity) {
    for (const Compared& c : compared)
      report.unfamiliar.push_back(unfamiliar_drift(c.lang, *c.reference, *c.traffic, options));
  }
  return report;
}

bool DriftReport::drift() const {
  const auto drifts = [](const auto& row) { return row.stability == Stability::kDrift; };
  return std::any_of(heads.begin(), heads.end(), drifts) ||
         std::any_of(heads.begin(), heads.end(), [](const HeadDrift& row) { return row.over_promise; }) ||
         std::any_of(unfamiliar.begin(), unfamiliar.end(), drifts);
}

}  // namespace sieve::analysis
