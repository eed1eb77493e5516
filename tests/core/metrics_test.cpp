#include "sieve/core/metrics.h"

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

TEST(Metrics, PrCurveHasOnePointPerDistinctScoreWithRecallNeverDecreasing) {
  // Ranked: 0.9 (+), 0.8 (-), 0.7 (+), 0.7 (-) entering together, 0.1 (-).
  const auto curve = pr_curve(examples({{0.9, 1}, {0.8, 0}, {0.7, 1}, {0.7, 0}, {0.1, 0}}));
  ASSERT_EQ(curve.size(), 4u);
  const double expected[4][3] = {{0.9, 1.0, 0.5}, {0.8, 0.5, 0.5}, {0.7, 0.5, 1.0}, {0.1, 0.4, 1.0}};
  for (std::size_t i = 0; i < curve.size(); ++i) {
    EXPECT_DOUBLE_EQ(curve[i].threshold, expected[i][0]) << i;
    EXPECT_DOUBLE_EQ(curve[i].precision, expected[i][1]) << i;
    EXPECT_DOUBLE_EQ(curve[i].recall, expected[i][2]) << i;
  }
  EXPECT_TRUE(pr_curve(examples({{0.9, 0}, {0.1, 0}})).empty());
  EXPECT_TRUE(pr_curve({}).empty());
}

TEST(Metrics, PrCurveDownsamplesToEvenlySpacedPointsKeepingBothEnds) {
  // Four points, three kept: indices 0, round(1.5) = 2 and 3.
  const auto small = pr_curve(examples({{0.9, 1}, {0.8, 0}, {0.7, 1}, {0.1, 0}}), 3);
  ASSERT_EQ(small.size(), 3u);
  EXPECT_DOUBLE_EQ(small[0].threshold, 0.9);
  EXPECT_DOUBLE_EQ(small[1].threshold, 0.7);
  EXPECT_DOUBLE_EQ(small[2].threshold, 0.1);

  std::vector<Scored> many;
  for (int i = 0; i < 1000; ++i) many.push_back({i / 1000.0, (i * 7919) % 3 == 0});
  const auto curve = pr_curve(many, 200);
  ASSERT_EQ(curve.size(), 200u);
  EXPECT_DOUBLE_EQ(curve.front().threshold, 0.999);
  EXPECT_DOUBLE_EQ(curve.back().threshold, 0.0);
  EXPECT_DOUBLE_EQ(curve.back().recall, 1.0);
  for (std::size_t i = 1; i < curve.size(); ++i) {
    EXPECT_GE(curve[i].recall, curve[i - 1].recall) << i;
    EXPECT_LT(curve[i].threshold, curve[i - 1].threshold) << i;
  }
}

TEST(Metrics, ReliabilityBinsCountMeanAndPositiveShare) {
  const auto bins = reliability_bins(examples({{0.05, 0}, {0.15, 1}, {0.12, 0}, {0.95, 1}, {1.0, 0}}), 10);
  ASSERT_EQ(bins.size(), 10u);
  EXPECT_DOUBLE_EQ(bins[0].lower, 0.0);
  EXPECT_DOUBLE_EQ(bins[0].upper, 0.1);
  EXPECT_EQ(bins[0].count, 1u);
  EXPECT_DOUBLE_EQ(bins[0].mean_probability, 0.05);
  EXPECT_DOUBLE_EQ(bins[0].positive_share, 0.0);
  EXPECT_EQ(bins[1].count, 2u);
  EXPECT_DOUBLE_EQ(bins[1].mean_probability, 0.135);
  EXPECT_DOUBLE_EQ(bins[1].positive_share, 0.5);
  EXPECT_EQ(bins[5].count, 0u);
  EXPECT_TRUE(std::isnan(bins[5].mean_probability));
  EXPECT_TRUE(std::isnan(bins[5].positive_share));
  // The last bin includes 1.
  EXPECT_EQ(bins[9].count, 2u);
  EXPECT_DOUBLE_EQ(bins[9].mean_probability, 0.975);
  EXPECT_DOUBLE_EQ(bins[9].upper, 1.0);
  EXPECT_TRUE(reliability_bins(examples({{0.5, 1}}), 0).empty());
  // The calibration error is the count-weighted gap of the same bins: (0.05 + 2 × 0.365 + 2 × 0.475) / 5.
  EXPECT_NEAR(
      expected_calibration_error(examples({{0.05, 0}, {0.15, 1}, {0.12, 0}, {0.95, 1}, {1.0, 0}}), 10),
      (0.05 + 2 * 0.365 + 2 * 0.475) / 5, 1e-12);
}

TEST(Metrics, ConfusionMatrixGivesAccuracyPerClassScoresAndMacroF1) {
  // Rows true, columns predicted: class 0 → [3 1 0], class 1 → [1 2 0], class 2 → [0 0 3].
  ConfusionMatrix m(3);
  const int pairs[][2] = {{0, 0}, {0, 0}, {0, 0}, {0, 1}, {1, 0}, {1, 1}, {1, 1}, {2, 2}, {2, 2}, {2, 2}};
  for (const auto& p : pairs) m.add(p[0], p[1]);
  EXPECT_EQ(m.total(), 10u);
  EXPECT_EQ(m.at(0, 1), 1u);
  EXPECT_EQ(m.support(0), 4u);
  EXPECT_EQ(m.predicted(1), 3u);
  EXPECT_DOUBLE_EQ(m.accuracy(), 0.8);
  const Confusion zero = m.one_vs_rest(0);
  EXPECT_EQ(zero.true_positives, 3u);
  EXPECT_EQ(zero.false_positives, 1u);
  EXPECT_EQ(zero.false_negatives, 1u);
  EXPECT_EQ(zero.true_negatives, 5u);
  EXPECT_DOUBLE_EQ(m.one_vs_rest(1).f1(), 2.0 / 3);
  EXPECT_NEAR(m.macro_f1(), (0.75 + 2.0 / 3 + 1.0) / 3, 1e-12);

  // A class that is neither true nor predicted stays out of the macro average.
  ConfusionMatrix partial(3);
  partial.add(0, 0);
  partial.add(1, 0);
  EXPECT_NEAR(partial.macro_f1(), (2.0 / 3 + 0.0) / 2, 1e-12);
  ConfusionMatrix sum(3);
  sum.add(m);
  sum.add(partial);
  EXPECT_EQ(sum.at(0, 0), 4u);
  EXPECT_EQ(sum.total(), 12u);
  EXPECT_TRUE(std::isnan(ConfusionMatrix(3).accuracy()));
  EXPECT_TRUE(std::isnan(ConfusionMatrix(3).macro_f1()));
}

}  // namespace
}  // namespace sieve::metrics
