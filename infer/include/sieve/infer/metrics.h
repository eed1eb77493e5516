#pragma once
// Metrics of a binary head over scored examples, shared by the trainer's dev evaluation and `sieve eval`.
// Torch-free and SentencePiece-free. Scores are probabilities (or any monotone transform of them for the
// ranking metrics); labels are 0/1.

#include <cstddef>
#include <vector>

namespace sieve::metrics {

struct Scored {
  double score = 0;
  bool positive = false;
};

// Area under the ROC curve: the probability that a random positive scores above a random negative, ties
// counting one half (Mann–Whitney U). NaN when either class is absent.
double roc_auc(std::vector<Scored> examples);

// Area under the precision-recall curve as average precision: the mean, over positives, of the precision
// at the threshold that first includes them, tied scores entering together. NaN without positives.
double pr_auc(std::vector<Scored> examples);

struct Confusion {
  std::size_t true_positives = 0, false_positives = 0, true_negatives = 0, false_negatives = 0;
  double precision() const;  // 0 when nothing is predicted positive
  double recall() const;     // 0 when there are no positives
  double f1() const;
};

// Predicted positive when score >= threshold.
Confusion confusion_at(const std::vector<Scored>& examples, double threshold);

struct ThresholdChoice {
  double threshold = 0.5;
  Confusion confusion;
};

// The threshold (one of the scores) with the highest F1; the highest such threshold on ties.
ThresholdChoice best_f1_threshold(std::vector<Scored> examples);

// The lowest threshold whose precision is at least target, i.e. the most recall at that precision; when
// no threshold reaches it, the one of highest precision.
ThresholdChoice threshold_for_precision(std::vector<Scored> examples, double target);

// Expected calibration error over `bins` equal-width probability bins: sum over bins of
// (examples in bin / all) × |mean probability − share of positives|. Scores must be in [0, 1].
double expected_calibration_error(const std::vector<Scored>& examples, int bins = 10);

}  // namespace sieve::metrics
