#include "sieve/infer/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sieve::metrics {
namespace {

std::vector<Scored> examples(std::initializer_list<std::pair<double, int>> pairs) {
  std::vector<Scored> out;
  for (const auto& [score, label] : pairs) out.push_back({score, label == 1});
  return out;
}

TEST(Metrics, RocAucCountsTiesAsHalf) {
  // Pairs (positive, negative): 0.9>0.8, 0.9>0.3, 0.5<0.8, 0.5>0.3, plus the tie 0.5=0.5 counted half.
  EXPECT_DOUBLE_EQ(roc_auc(examples({{0.9, 1}, {0.5, 1}, {0.8, 0}, {0.3, 0}})), 0.75);
  EXPECT_DOUBLE_EQ(roc_auc(examples({{0.5, 1}, {0.5, 0}})), 0.5);
  EXPECT_DOUBLE_EQ(roc_auc(examples({{0.9, 1}, {0.5, 1}, {0.5, 0}, {0.1, 0}})), (1 + 1 + 0.5 + 1) / 4.0);
  EXPECT_DOUBLE_EQ(roc_auc(examples({{0.1, 1}, {0.9, 0}})), 0.0);
  EXPECT_TRUE(std::isnan(roc_auc(examples({{0.1, 1}, {0.9, 1}}))));
}

TEST(Metrics, PrAucIsAveragePrecision) {
  // Ranked: 0.9 (+), 0.8 (-), 0.7 (+), 0.1 (-): precisions at the positives 1 and 2/3.
  EXPECT_DOUBLE_EQ(pr_auc(examples({{0.9, 1}, {0.8, 0}, {0.7, 1}, {0.1, 0}})), (1.0 + 2.0 / 3) / 2);
  // A tie of one positive and one negative at the top enters together: precision 1/2 for that positive.
  EXPECT_DOUBLE_EQ(pr_auc(examples({{0.9, 1}, {0.9, 0}, {0.2, 0}})), 0.5);
  EXPECT_TRUE(std::isnan(pr_auc(examples({{0.9, 0}}))));
}

TEST(Metrics, ThresholdsMaximiseF1AndReachAPrecision) {
  const auto e = examples({{0.95, 1}, {0.9, 1}, {0.7, 0}, {0.6, 1}, {0.4, 0}, {0.2, 0}});
  // F1 per threshold: 0.95 → 0.5, 0.9 → 0.8, 0.7 → 2/3, 0.6 → 6/7 (P 3/4, R 1), 0.4 → 0.75, 0.2 → 2/3.
  const ThresholdChoice best = best_f1_threshold(e);
  EXPECT_DOUBLE_EQ(best.threshold, 0.6);
  EXPECT_NEAR(best.confusion.f1(), 6.0 / 7, 1e-12);
  EXPECT_EQ(best.confusion.true_positives, 3u);
  const ThresholdChoice precise = threshold_for_precision(e, 0.95);
  EXPECT_DOUBLE_EQ(precise.threshold, 0.9);
  EXPECT_DOUBLE_EQ(threshold_for_precision(e, 0.7).threshold, 0.6);
  const Confusion c = confusion_at(e, 0.5);
  EXPECT_EQ(c.true_positives, 3u);
  EXPECT_EQ(c.false_positives, 1u);
  EXPECT_EQ(c.true_negatives, 2u);
  EXPECT_EQ(c.false_negatives, 0u);
}

TEST(Metrics, ExpectedCalibrationErrorWeighsBinsByCount) {
  // Bin [0.1, 0.2): mean 0.15, 0 of 2 positive → 0.15; bin [0.9, 1]: mean 0.95, 1 of 2 → 0.45.
  const auto e = examples({{0.1, 0}, {0.2 - 1e-9, 0}, {0.9, 1}, {1.0, 0}});
  EXPECT_NEAR(expected_calibration_error(e, 10), 0.5 * 0.15 + 0.5 * 0.45, 1e-6);
  EXPECT_NEAR(expected_calibration_error(examples({{0.25, 0}, {0.25, 0}, {0.25, 1}, {0.25, 0}}), 10), 0.0,
              1e-12);
}

}  // namespace
}  // namespace sieve::metrics
