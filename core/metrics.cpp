#include "sieve/core/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sieve::metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void sort_descending(std::vector<Scored>& examples) {
  std::sort(examples.begin(), examples.end(),
            [](const Scored& a, const Scored& b) { return a.score > b.score; });
}

// Calls visit(threshold, confusion) for each distinct score, from the highest down, with every example
// scoring at least the threshold predicted positive.
template <class Visit>
void sweep(const std::vector<Scored>& sorted, Visit visit) {
  std::size_t positives = 0;
  for (const Scored& e : sorted) positives += e.positive;
  Confusion c;
  c.false_negatives = positives;
  c.true_negatives = sorted.size() - positives;
  for (std::size_t i = 0; i < sorted.size();) {
    const double threshold = sorted[i].score;
    for (; i < sorted.size() && sorted[i].score == threshold; ++i) {
      if (sorted[i].positive) {
        ++c.true_positives;
        --c.false_negatives;
      } else {
        ++c.false_positives;
        --c.true_negatives;
      }
    }
    visit(threshold, c);
  }
}

}  // namespace

double Confusion::precision() const {
  const std::size_t predicted = true_positives + false_positives;
  return predicted ? static_cast<double>(true_positives) / predicted : 0.0;
}

double Confusion::recall() const {
  const std::size_t positives = true_positives + false_negatives;
  return positives ? static_cast<double>(true_positives) / positives : 0.0;
}

double Confusion::f1() const {
  const double p = precision(), r = recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

double roc_auc(std::vector<Scored> examples) {
  // Ranks in ascending order, tied scores sharing their mean rank.
  std::sort(examples.begin(), examples.end(),
            [](const Scored& a, const Scored& b) { return a.score < b.score; });
  double positive_rank_sum = 0;
  std::size_t positives = 0;
  for (std::size_t i = 0; i < examples.size();) {
    std::size_t j = i;
    std::size_t tied_positives = 0;
    for (; j < examples.size() && examples[j].score == examples[i].score; ++j)
      tied_positives += examples[j].positive;
    const double mean_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    positive_rank_sum += mean_rank * static_cast<double>(tied_positives);
    positives += tied_positives;
    i = j;
  }
  const std::size_t negatives = examples.size() - positives;
  if (positives == 0 || negatives == 0) return kNaN;
  const double u = positive_rank_sum - static_cast<double>(positives) * (positives + 1) / 2;
  return u / (static_cast<double>(positives) * negatives);
}

double pr_auc(std::vector<Scored> examples) {
  sort_descending(examples);
  double area = 0;
  std::size_t previous_tp = 0;
  sweep(examples, [&](double, const Confusion& c) {
    area += static_cast<double>(c.true_positives - previous_tp) * c.precision();
    previous_tp = c.true_positives;
  });
  return previous_tp ? area / static_cast<double>(previous_tp) : kNaN;
}

Confusion confusion_at(const std::vector<Scored>& examples, double threshold) {
  Confusion c;
  for (const Scored& e : examples) {
    const bool predicted = e.score >= threshold;
    if (e.positive) {
      (predicted ? c.true_positives : c.false_negatives) += 1;
    } else {
      (predicted ? c.false_positives : c.true_negatives) += 1;
    }
  }
  return c;
}

ThresholdChoice best_f1_threshold(std::vector<Scored> examples) {
  sort_descending(examples);
  ThresholdChoice best;
  double best_f1 = -1;
  sweep(examples, [&](double threshold, const Confusion& c) {
    if (c.f1() > best_f1) {
      best_f1 = c.f1();
      best = {threshold, c};
    }
  });
  return best;
}

ThresholdChoice threshold_for_precision(std::vector<Scored> examples, double target) {
  sort_descending(examples);
  ThresholdChoice reaching, most_precise;
  bool reached = false;
  double best_precision = -1;
  sweep(examples, [&](double threshold, const Confusion& c) {
    if (c.precision() >= target) {
      reaching = {threshold, c};  // lower thresholds come later: the last one reaching wins
      reached = true;
    }
    if (c.precision() > best_precision) {
      best_precision = c.precision();
      most_precise = {threshold, c};
    }
  });
  return reached ? reaching : most_precise;
}

std::vector<CurvePoint> pr_curve(std::vector<Scored> examples, std::size_t max_points) {
  sort_descending(examples);
  std::vector<CurvePoint> points;
  sweep(examples, [&](double threshold, const Confusion& c) {
    points.push_back({threshold, c.precision(), c.recall()});
  });
  if (points.empty() || points.back().recall == 0) return {};
  if (max_points < 2) max_points = 2;
  if (points.size() <= max_points) return points;
  // A subsequence keeps recall monotone; evenly spaced indices keep the first and the last point.
  std::vector<CurvePoint> kept;
  kept.reserve(max_points);
  const double step = static_cast<double>(points.size() - 1) / static_cast<double>(max_points - 1);
  for (std::size_t k = 0; k < max_points; ++k) {
    kept.push_back(points[static_cast<std::size_t>(std::llround(static_cast<double>(k) * step))]);
  }
  return kept;
}

std::vector<ReliabilityBin> reliability_bins(const std::vector<Scored>& examples, int bins) {
  if (bins <= 0) return {};
  std::vector<double> score_sum(bins, 0), positives(bins, 0);
  std::vector<ReliabilityBin> out(bins);
  for (const Scored& e : examples) {
    const int bin = std::clamp(static_cast<int>(e.score * bins), 0, bins - 1);
    score_sum[bin] += e.score;
    positives[bin] += e.positive;
    ++out[bin].count;
  }
  for (int b = 0; b < bins; ++b) {
    ReliabilityBin& bin = out[b];
    bin.lower = static_cast<double>(b) / bins;
    bin.upper = static_cast<double>(b + 1) / bins;
    const double count = static_cast<double>(bin.count);
    bin.mean_probability = bin.count ? score_sum[b] / count : kNaN;
    bin.positive_share = bin.count ? positives[b] / count : kNaN;
  }
  return out;
}

double expected_calibration_error(const std::vector<Scored>& examples, int bins) {
  if (examples.empty() || bins <= 0) return kNaN;
  double error = 0;
  for (const ReliabilityBin& bin : reliability_bins(examples, bins)) {
    if (bin.count == 0) continue;
    error += static_cast<double>(bin.count) / examples.size() *
             std::abs(bin.mean_probability - bin.positive_share);
  }
  return error;
}

void ConfusionMatrix::add(const ConfusionMatrix& other) {
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
}

std::size_t ConfusionMatrix::total() const {
  std::size_t n = 0;
  for (const std::size_t count : counts_) n += count;
  return n;
}

std::size_t ConfusionMatrix::support(std::size_t c) const {
  std::size_t n = 0;
  for (std::size_t p = 0; p < classes_; ++p) n += at(c, p);
  return n;
}

std::size_t ConfusionMatrix::predicted(std::size_t c) const {
  std::size_t n = 0;
  for (std::size_t t = 0; t < classes_; ++t) n += at(t, c);
  return n;
}

double ConfusionMatrix::accuracy() const {
  const std::size_t n = total();
  if (n == 0) return kNaN;
  std::size_t correct = 0;
  for (std::size_t c = 0; c < classes_; ++c) correct += at(c, c);
  return static_cast<double>(correct) / static_cast<double>(n);
}

Confusion ConfusionMatrix::one_vs_rest(std::size_t c) const {
  Confusion out;
  out.true_positives = at(c, c);
  out.false_negatives = support(c) - out.true_positives;
  out.false_positives = predicted(c) - out.true_positives;
  out.true_negatives = total() - out.true_positives - out.false_negatives - out.false_positives;
  return out;
}

double ConfusionMatrix::macro_f1() const {
  double sum = 0;
  std::size_t occurring = 0;
  for (std::size_t c = 0; c < classes_; ++c) {
    if (support(c) == 0 && predicted(c) == 0) continue;
    sum += one_vs_rest(c).f1();
    ++occurring;
  }
  return occurring ? sum / static_cast<double>(occurring) : kNaN;
}

}  // namespace sieve::metrics
