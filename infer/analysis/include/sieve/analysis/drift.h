#pragma once
// Whether a day of traffic still looks like the posts a model's thresholds were set on (`sieve drift`,
// docs/drift.md): per binary head and language, the population stability index (PSI) of the scores and
// the flagged rates beside the rate the threshold promises; per language, the share of unfamiliar posts.

#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "sieve/analysis/record_scoring.h"
#include "sieve/datasets/record_reader.h"
#include "sieve/format/model_metadata.h"
#include "sieve/runtime/model.h"

namespace sieve::analysis {

// How `sieve drift` compares and reads. PSI is read as usual: below moderate_psi stable, up to drift_psi a
// moderate shift, above it drift.
struct DriftOptions {
  std::size_t min_posts = 200;  // posts a language needs on both sides to be compared
  std::size_t bins = 10;        // score bins, cut at the reference's quantiles (deciles)
  double floor = 1e-4;          // the share an empty bin counts as, so that every logarithm is finite
  double moderate_psi = 0.1;    // PSI from here up is a moderate shift
  double drift_psi = 0.25;      // PSI above this is drift
  double promise_factor = 2;    // a flagged rate surely above this many times the promised one is drift

  // Throws Error(kConfig, "<field>", ...) for a value out of range.
  void validate() const;
};

// The reading of one PSI.
enum class Stability { kStable, kModerate, kDrift };
Stability read_stability(double psi, const DriftOptions& options);
const char* stability_name(Stability stability);

// The bins - 1 ascending points that cut the sorted reference into bins of equal size (its deciles for 10
// bins). A value belongs to the bin after the last point at or below it. reference must not be empty.
std::vector<float> quantile_edges(std::vector<float> reference, std::size_t bins);
// The share of values in each bin: edges.size() + 1 shares summing to 1 (all 0 for no values).
std::vector<double> bin_shares(const std::vector<float>& values, const std::vector<float>& edges);
// PSI = Σ_i (t_i − r_i) · ln(t_i / r_i) over the bins, each share raised to floor first: 0 for equal
// shares, growing as they part. Both vectors have one share per bin.
double population_stability(const std::vector<double>& reference, const std::vector<double>& traffic,
                            double floor);
// The PSI of traffic's scores against the reference's, in options.bins bins at the reference's quantiles.
double score_stability(const std::vector<float>& reference, const std::vector<float>& traffic,
                       const DriftOptions& options);

// What the posts of one language on one side gave: every binary head's scores, how many the model flags,
// how many it finds unfamiliar.
struct LanguageScores {
  std::size_t posts = 0;
  std::vector<std::vector<float>> scores;  // per binary head (DriftSide::heads), in input order
  std::vector<std::size_t> flagged;        // per binary head: at or above the language's threshold
  std::size_t unfamiliar = 0;              // "ood" above the model's limit
};

// One side of the comparison (the reference, or the traffic) read through a model.
struct DriftSide {
  std::string name;                                 // the file, as the reader names it
  std::vector<infer::HeadInfo> heads;               // the model's binary heads
  bool familiarity = false;                         // the model has out-of-domain statistics
  double ood_limit = 1;                             // above it a post is unfamiliar
  std::map<std::string, LanguageScores> languages;  // by the post's language
  datasets::ReadStats stats;                        // rows read and rejected

  std::size_t posts() const;
};

// Scores every post of reader (bad rows are reported by the reader, counted in stats and skipped).
// Throws Error(kInvalidInput, reader.path()) when no post is left to compare.
DriftSide read_drift_side(const infer::Model& model, datasets::RecordReader& reader,
                          const ScoringOptions& scoring);

// One binary head in one language ("all": every post) compared.
struct HeadDrift {
  std::string head, lang;
  std::size_t reference_posts = 0, traffic_posts = 0;
  double psi = 0;
  Stability stability = Stability::kStable;
  double reference_flagged = 0, traffic_flagged = 0;  // shares flagged at the model's thresholds
  double traffic_flagged_low = 0;                     // Wilson 95 % lower bound of traffic_flagged
  // `calibrate --organic`'s max FPR, for "all" and for a language with a threshold of its own; NaN: none.
  double promised = std::numeric_limits<double>::quiet_NaN();
  bool over_promise = false;  // traffic_flagged_low above promise_factor × promised
};

// The share of unfamiliar posts in one language ("all": every post), compared as a PSI of two bins.
struct UnfamiliarDrift {
  std::string lang;
  std::size_t reference_posts = 0, traffic_posts = 0;
  double reference_share = 0, traffic_share = 0;
  double psi = 0;
  Stability stability = Stability::kStable;
};

// A language with fewer than min_posts posts on a side: listed, not compared.
struct TooFewPosts {
  std::string lang;
  std::size_t reference_posts = 0, traffic_posts = 0;
};

struct DriftReport {
  DriftOptions options;
  std::string reference_name, traffic_name;
  datasets::ReadStats reference_stats, traffic_stats;
  bool familiarity = false;  // unfamiliar rows are given
  double ood_limit = 1;
  std::vector<HeadDrift> heads;             // head by head, "all" first, then the languages
  std::vector<UnfamiliarDrift> unfamiliar;  // "all" first, then the languages
  std::vector<TooFewPosts> too_few;

  // Any PSI above drift_psi, any flagged rate over its promise.
  bool drift() const;
  // "drift (coordinated/en PSI 0.41, unfamiliar en 3.1% -> 22.4%)", "no drift" or "no drift (moderate:
  // ...)": the strongest sign of each kind, and how many more there are.
  std::string verdict() const;
};

// Compares the two sides, every language with min_posts posts on both. Throws Error(kInvalidInput) when
// even all posts together are fewer than min_posts on a side, and when the sides were read by models of
// different heads.
DriftReport compare_drift(const DriftSide& reference, const DriftSide& traffic, const DriftOptions& options);

// The report as a text table for a terminal, ending with the line "verdict: ...".
std::string drift_text(const DriftReport& report);
// The report as one JSON document (docs/drift.md).
std::string drift_json(const DriftReport& report);

}  // namespace sieve::analysis
