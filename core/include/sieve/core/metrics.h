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

// One point of the precision-recall curve: everything scoring at least threshold is predicted positive.
struct CurvePoint {
  double threshold = 0;
  double precision = 0;
  double recall = 0;
};

// The precision-recall curve from the highest score down, one point per distinct score (tied scores enter
// together), so recall never decreases along it. When there are more than max_points distinct scores, an
// evenly spaced subsequence that keeps the first and the last point. Empty without positives.
std::vector<CurvePoint> pr_curve(std::vector<Scored> examples, std::size_t max_points = 200);

// One equal-width probability bin of a reliability diagram, [lower, upper); the last bin includes 1.
struct ReliabilityBin {
  double lower = 0;
  double upper = 0;
  std::size_t count = 0;
  double mean_probability = 0;  // NaN when the bin is empty
  double positive_share = 0;    // NaN when the bin is empty
};

// The examples binned by score into `bins` equal-width bins over [0, 1]; empty when bins <= 0.
std::vector<ReliabilityBin> reliability_bins(const std::vector<Scored>& examples, int bins = 10);

// Expected calibration error over `bins` equal-width probability bins: sum over bins of
// (examples in bin / all) × |mean probability − share of positives|. Scores must be in [0, 1].
double expected_calibration_error(const std::vector<Scored>& examples, int bins = 10);

// Counts of a multi-class head: rows are true classes, columns predicted classes.
class ConfusionMatrix {
 public:
  ConfusionMatrix() = default;
  explicit ConfusionMatrix(std::size_t classes) : classes_(classes), counts_(classes * classes, 0) {}

  void add(std::size_t truth, std::size_t predicted) { ++counts_[truth * classes_ + predicted]; }
  void add(const ConfusionMatrix& other);  // same number of classes
  std::size_t classes() const { return classes_; }
  std::size_t at(std::size_t truth, std::size_t predicted) const {
    return counts_[truth * classes_ + predicted];
  }
  std::size_t total() const;
  std::size_t support(std::size_t c) const;    // examples whose true class is c
  std::size_t predicted(std::size_t c) const;  // examples predicted as c
  double accuracy() const;                     // NaN when empty
  // Class c against the rest, for its precision, recall and F1.
  Confusion one_vs_rest(std::size_t c) const;
  // Mean F1 over the classes that occur as truth or prediction; NaN when empty.
  double macro_f1() const;

 private:
  std::size_t classes_ = 0;
  std::vector<std::size_t> counts_;
};

}  // namespace sieve::metrics
