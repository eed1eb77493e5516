#include "sieve/core/calibration.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sieve::metrics {
namespace {

TEST(Calibration, BinaryTemperatureMatchesTheObservedRate) {
  // Every post has logit 2 and three in four are positive: the best probability is 0.75, reached when
  // 2 / t = log(3), so t = 2 / log(3).
  HeadLogits head;
  head.classes = 1;
  for (int i = 0; i < 400; ++i) {
    head.logits.push_back(2.0f);
    head.labels.push_back(i % 4 != 0);
  }
  const TemperatureFit fit = fit_temperature(head);
  EXPECT_NEAR(fit.temperature, 2 / std::log(3.0), 1e-4);
  EXPECT_LT(fit.nll_after, fit.nll_before);
  // At that temperature the loss is the entropy of a 3:1 coin.
  EXPECT_NEAR(fit.nll_after, -(0.75 * std::log(0.75) + 0.25 * std::log(0.25)), 1e-9);
}

TEST(Calibration, MultiClassTemperatureMatchesTheObservedRate) {
  // Logits (2, 0, 0), half the labels class 0 and a quarter each of the others: softmax gives class 0
  // probability 1/2 when e^(2/t) = 2, so t = 2 / log(2).
  HeadLogits head;
  head.classes = 3;
  for (int i = 0; i < 400; ++i) {
    head.logits.insert(head.logits.end(), {2.0f, 0.0f, 0.0f});
    head.labels.push_back(static_cast<std::int8_t>(i % 2 == 0 ? 0 : (i % 4 == 1 ? 1 : 2)));
  }
  EXPECT_NEAR(fit_temperature(head).temperature, 2 / std::log(2.0), 1e-4);
}

TEST(Calibration, AWellCalibratedHeadKeepsTemperatureOne) {
  HeadLogits head;
  head.classes = 1;
  // Logit 0 is probability 1/2 and half are positive: nothing to fix.
  for (int i = 0; i < 100; ++i) {
    head.logits.push_back(0.0f);
    head.labels.push_back(i % 2);
  }
  EXPECT_DOUBLE_EQ(fit_temperature(head).temperature, 1.0);
  EXPECT_DOUBLE_EQ(fit_temperature(HeadLogits{}).temperature, 1.0);
  EXPECT_NEAR(negative_log_likelihood(head, 1.0), std::log(2.0), 1e-12);
}

TEST(Calibration, AFitThatEndsAtTheRangeSaysSo) {
  // Perfectly separated posts: the loss keeps falling as the logits grow, so the fit runs to the
  // smallest temperature of the range.
  HeadLogits separable;
  for (int i = 0; i < 100; ++i) {
    separable.logits.push_back(i % 2 ? 1.5f : -1.5f);
    separable.labels.push_back(static_cast<std::int8_t>(i % 2));
  }
  TemperatureFit fit = fit_temperature(separable);
  EXPECT_TRUE(fit.at_bound);
  EXPECT_NEAR(fit.temperature, kMinTemperature, 1e-4);
  // Logits that say nothing of the labels: the best probability is 1/2, reached at the largest.
  HeadLogits noise;
  for (int i = 0; i < 100; ++i) {
    noise.logits.push_back(i % 4 < 2 ? 3.0f : -3.0f);
    noise.labels.push_back(static_cast<std::int8_t>(i % 2));
  }
  fit = fit_temperature(noise);
  EXPECT_TRUE(fit.at_bound);
  EXPECT_NEAR(fit.temperature, kMaxTemperature, 1e-2);
  // An optimum inside the range is not at a bound.
  HeadLogits head;
  for (int i = 0; i < 400; ++i) {
    head.logits.push_back(2.0f);
    head.labels.push_back(i % 4 != 0);
  }
  EXPECT_FALSE(fit_temperature(head).at_bound);
}

}  // namespace
}  // namespace sieve::metrics
