#include "sieve/core/rates.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "error_text.h"

namespace sieve::metrics {
namespace {

TEST(WilsonInterval, MatchesTheTextbookValuesAndStaysInsideZeroAndOne) {
  const Interval half = wilson_interval(3, 6);
  EXPECT_NEAR(half.low, 0.1876, 1e-4);
  EXPECT_NEAR(half.high, 0.8124, 1e-4);
  // No event in 1,000 trials: the rate may still be up to about 0.38 %, never below 0.
  const Interval none = wilson_interval(0, 1000);
  EXPECT_EQ(none.low, 0.0);
  EXPECT_NEAR(none.high, 0.00383, 1e-5);
  const Interval all = wilson_interval(10, 10);
  EXPECT_NEAR(all.low, 0.7225, 1e-4);
  EXPECT_EQ(all.high, 1.0);
  EXPECT_TRUE(std::isnan(wilson_interval(0, 0).low));
}

TEST(ThresholdForFpr, FlagsAtMostTheAskedShareOfOrganicPosts) {
  std::vector<double> organic;
  for (int i = 0; i < 1000; ++i) organic.push_back(i / 1000.0);  // 0.000 .. 0.999
  const FprThreshold t = threshold_for_fpr(organic, 0.01);
  EXPECT_EQ(t.posts, 1000u);
  EXPECT_EQ(t.flagged, 10u);  // 0.990 .. 0.999
  EXPECT_GT(t.threshold, 0.989);
  EXPECT_LE(t.threshold, 0.990);
  EXPECT_DOUBLE_EQ(t.fpr, 0.01);
  EXPECT_NEAR(t.fpr_upper, wilson_interval(10, 1000).high, 1e-12);
}

// 0 would flag no organic post and 1 every one: neither is a rate to set a threshold at, whoever asks.
TEST(ThresholdForFpr, RefusesRatesThatAreNotStrictlyBetweenZeroAndOne) {
  using sieve::testing::error_text;
  for (const double bad : {0.0, 1.0, -0.5, 2.0, std::nan("")}) {
    EXPECT_EQ(error_text([&] {
                threshold_for_fpr({0.1, 0.9}, bad);
              }).rfind("config: max_fpr: must be strictly between 0 and 1 (a rate: 0.01 is 1 %), got ", 0),
              0u)
        << bad;
    EXPECT_NE(error_text([&] { threshold_for_weighted_fpr({0.1}, {1.0}, bad); }), "no error") << bad;
  }
  EXPECT_EQ(error_text([] { check_max_fpr(1, "--max-fpr"); }),
            "config: --max-fpr: must be strictly between 0 and 1 (a rate: 0.01 is 1 %), got 1");
  EXPECT_EQ(error_text([] { check_max_fpr(0.01, "--max-fpr"); }), "no error");
}

TEST(ThresholdForFpr, ThresholdsSitBetweenFloatsSoPrintingThemChangesNoDecision) {
  const float lowest_flagged = 0.79883441f, highest_kept = std::nextafter(lowest_flagged, 0.0f);
  const FprThreshold t = threshold_for_fpr({highest_kept, lowest_flagged, 0.1f, 0.2f}, 0.25);
  char printed[32];
  std::snprintf(printed, sizeof printed, "%.9g", t.threshold);  // as model.sieve stores it
  const double read_back = std::strtod(printed, nullptr);
  EXPECT_GE(lowest_flagged, read_back);
  EXPECT_LT(highest_kept, read_back);
}

TEST(ThresholdForFpr, TiedScoresStayTogetherBelowTheThreshold) {
  // Four posts tie at 0.9: flagging any would flag all four, 40 % > 10 %, so only the 0.95 is flagged.
  const FprThreshold t = threshold_for_fpr({0.1, 0.2, 0.3, 0.9, 0.9, 0.9, 0.9, 0.5, 0.6, 0.95}, 0.1);
  EXPECT_EQ(t.flagged, 1u);
  EXPECT_GT(t.threshold, 0.9);
  EXPECT_LE(t.threshold, 0.95);
  // Too few posts for the rate: none may be flagged, the threshold sits just above the highest.
  const FprThreshold strict = threshold_for_fpr({0.1, 0.2, 0.3}, 0.01);
  EXPECT_EQ(strict.flagged, 0u);
  EXPECT_GT(strict.threshold, 0.3);
  EXPECT_TRUE(std::isnan(threshold_for_fpr({}, 0.01).fpr));
}

TEST(ThresholdForWeightedFpr, EverySourceCountsTheSameWhateverItsSize) {
  // A large source of 90 low scores and a small one of 10 high scores. Unweighted, 10 % lets the whole
  // small source be flagged; weighted by 1 / source size, that would be a rate of 50 %.
  std::vector<double> scores, weights;
  for (int i = 0; i < 90; ++i) {
    scores.push_back(0.1 + i / 1000.0);
    weights.push_back(1.0 / 90);
  }
  for (int i = 0; i < 10; ++i) {
    scores.push_back(0.9 + i / 100.0);
    weights.push_back(1.0 / 10);
  }
  EXPECT_EQ(threshold_for_fpr(scores, 0.1).flagged, 10u);
  const FprThreshold t = threshold_for_weighted_fpr(scores, weights, 0.1);
  EXPECT_EQ(t.flagged, 2u);  // 2 of the small source: (2 / 10) / 2 sources = 10 %
  // Just above the highest score left unflagged, as the unweighted rule places it.
  EXPECT_NEAR(t.threshold, 0.97, 1e-7);
  EXPECT_GT(t.threshold, static_cast<double>(static_cast<float>(0.97)));
  EXPECT_NEAR(t.fpr, 0.1, 1e-12);
  EXPECT_EQ(t.posts, 100u);
  // With equal weights it is the unweighted rule: the same posts flagged.
  const std::vector<double> equal(scores.size(), 1.0);
  EXPECT_EQ(threshold_for_weighted_fpr(scores, equal, 0.1).flagged, threshold_for_fpr(scores, 0.1).flagged);
}

TEST(PrecisionAtPrevalence, FallsWithTheBaseRate) {
  // Recall 0.8 at 1 % FPR: half the posts positive gives 0.988 precision; one in a thousand, 0.074.
  EXPECT_NEAR(precision_at_prevalence(0.8, 0.01, 0.5), 0.9877, 1e-4);
  EXPECT_NEAR(precision_at_prevalence(0.8, 0.01, 0.001), 0.0741, 1e-4);
  EXPECT_TRUE(std::isnan(precision_at_prevalence(0, 0, 0.01)));
}

}  // namespace
}  // namespace sieve::metrics
