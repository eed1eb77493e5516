#include "sieve/models/multi_task_loss.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "error_text.h"

namespace sieve::models {
namespace {

double softplus(double x) { return std::log1p(std::exp(x)); }
double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Head 0 binary (pos_weight 2), head 1 three classes, head 2 binary with no label in the batch.
struct Example {
  torch::Tensor binary = torch::tensor({2.0f, -1.0f, 0.5f, 3.0f}).requires_grad_();
  torch::Tensor classes =
      torch::tensor({1.0f, 2.0f, 3.0f, 0.0f, 0.0f, 0.0f, 1.0f, 0.0f, -1.0f, 2.0f, 2.0f, 2.0f})
          .view({4, 3})
          .requires_grad_();
  torch::Tensor unlabelled = torch::tensor({0.3f, -0.7f, 1.1f, 9.0f}).requires_grad_();
  torch::Tensor labels = torch::tensor({1, 2, -1,   //
                                        0, -1, -1,  //
                                        -1, 0, -1,  //
                                        1, -1, -1},
                                       torch::kInt64)
                             .view({4, 3});

  MultiTaskLoss loss() const {
    return multi_task_loss({binary, classes, unlabelled}, labels, {2.0f, 1.0f, 5.0f});
  }
};

TEST(MultiTaskLoss, EqualsTheHandComputedMeanOverLabelledPostsOnly) {
  const Example example;
  const MultiTaskLoss loss = example.loss();
  // Binary: posts 0, 1, 3 labelled; positives weighted by 2.
  const double binary = (2 * softplus(-2.0) + softplus(-1.0) + 2 * softplus(-3.0)) / 3;
  // Three classes: posts 0 (class 2) and 2 (class 0) labelled.
  const double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  const double classes = ((lse - 3.0) + ((lse - 2.0) - 1.0)) / 2;  // [1, 0, -1] is [3, 2, 1] shifted by 2
  EXPECT_NEAR(loss.per_head[0].item<double>(), binary, 1e-6);
  EXPECT_NEAR(binary, 0.2214306, 1e-6);
  EXPECT_NEAR(loss.per_head[1].item<double>(), classes, 1e-6);
  EXPECT_NEAR(classes, 0.4076059, 1e-6);
  EXPECT_EQ(loss.per_head[2].item<double>(), 0.0);
  EXPECT_NEAR(loss.total.item<double>(), binary + classes, 1e-6);  // the sum over heads
  EXPECT_EQ(loss.labelled, (std::vector<std::int64_t>{3, 2, 0}));
}

TEST(MultiTaskLoss, PerPostWeightsScaleEachTermAndKeepTheMeanOverLabelledPosts) {
  const Example example;
  const torch::Tensor weights = torch::tensor({0.5f, 3.0f, 9.0f,  //
                                               2.0f, 9.0f, 9.0f,  //
                                               9.0f, 1.0f, 9.0f,  //
                                               1.0f, 9.0f, 9.0f})
                                    .view({4, 3});
  const MultiTaskLoss loss =
      multi_task_loss({example.binary, example.classes, example.unlabelled}, example.labels, {2.0f, 1.0f, 5.0f},
                      weights);
  const double binary = (0.5 * 2 * softplus(-2.0) + 2.0 * softplus(-1.0) + 1.0 * 2 * softplus(-3.0)) / 3;
  const double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  const double classes = (3.0 * (lse - 3.0) + 1.0 * ((lse - 2.0) - 1.0)) / 2;
  EXPECT_NEAR(loss.per_head[0].item<double>(), binary, 1e-6);
  EXPECT_NEAR(loss.per_head[1].item<double>(), classes, 1e-6);
  EXPECT_EQ(loss.per_head[2].item<double>(), 0.0);
  EXPECT_EQ(sieve::testing::error_text([&] {
              multi_task_loss({example.binary, example.classes, example.unlabelled}, example.labels, {},
                              torch::ones({4, 2}));
            }),
            "invalid input: loss: weights must be [batch, heads] like labels");
}

TEST(MultiTaskLoss, GradientOfEveryMaskedLogitIsExactlyZero) {
  const Example example;
  example.loss().total.backward();
  const torch::Tensor binary = example.binary.grad();
  EXPECT_EQ(binary[2].item<float>(), 0.0f);
  // d/dx of w·softplus(−x) / n is −w·(1 − σ(x)) / n; of softplus(x) / n is σ(x) / n.
  EXPECT_NEAR(binary[0].item<double>(), -2 * (1 - sigmoid(2.0)) / 3, 1e-7);
  EXPECT_NEAR(binary[1].item<double>(), sigmoid(-1.0) / 3, 1e-7);
  EXPECT_NEAR(binary[3].item<double>(), -2 * (1 - sigmoid(3.0)) / 3, 1e-7);

  const torch::Tensor classes = example.classes.grad();
  EXPECT_TRUE(torch::equal(classes[1], torch::zeros({3})));
  EXPECT_TRUE(torch::equal(classes[3], torch::zeros({3})));
  // Cross-entropy: (softmax − one-hot) / n.
  const double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  EXPECT_NEAR(classes[0][2].item<double>(), (std::exp(3.0) / z - 1) / 2, 1e-7);
  EXPECT_NEAR(classes[2][0].item<double>(), (std::exp(3.0) / z - 1) / 2, 1e-7);

  EXPECT_TRUE(torch::equal(example.unlabelled.grad(), torch::zeros({4})));
}

TEST(MultiTaskLoss, MaskedLogitsNeverReachTheLossEvenWhenNotFinite) {
  Example example;
  const double before = example.loss().total.item<double>();
  {
    torch::NoGradGuard no_grad;
    example.binary[2] = std::numeric_limits<float>::quiet_NaN();
    example.classes[1][0] = std::numeric_limits<float>::infinity();
    example.unlabelled[3] = std::numeric_limits<float>::quiet_NaN();
  }
  const MultiTaskLoss loss = example.loss();
  EXPECT_EQ(loss.total.item<double>(), before);
  loss.total.backward();
  EXPECT_EQ(example.binary.grad()[2].item<float>(), 0.0f);
  EXPECT_TRUE(torch::equal(example.classes.grad()[1], torch::zeros({3})));
}

TEST(MultiTaskLoss, PosWeightScalesOnlyThePositiveTerm) {
  const torch::Tensor x = torch::tensor({0.0f, 0.0f});
  const torch::Tensor labels = torch::tensor({1, 0}, torch::kInt64).view({2, 1});
  const double plain = multi_task_loss({x}, labels).total.item<double>();
  const double weighted = multi_task_loss({x}, labels, {3.0f}).total.item<double>();
  EXPECT_NEAR(plain, std::log(2.0), 1e-7);
  EXPECT_NEAR(weighted, (3 * std::log(2.0) + std::log(2.0)) / 2, 1e-6);  // the mean is still over 2 posts
}

TEST(MultiTaskLoss, WithNoLabelAtAllIsZeroAndStillDifferentiable) {
  const torch::Tensor x = torch::tensor({1.0f, 2.0f}).requires_grad_();
  const torch::Tensor labels = torch::full({2, 1}, -1, torch::kInt64);
  const MultiTaskLoss loss = multi_task_loss({x}, labels);
  EXPECT_EQ(loss.total.item<double>(), 0.0);
  loss.total.backward();
  EXPECT_TRUE(torch::equal(x.grad(), torch::zeros({2})));
}

TEST(MultiTaskLoss, RejectsPosWeightsOfTheWrongCountOrSign) {
  const Example example;
  EXPECT_EQ(sieve::testing::error_text([&] {
              multi_task_loss({example.binary, example.classes, example.unlabelled}, example.labels, {1.0f});
            }),
            "config: loss.pos_weight: need one weight per head (3), got 1");
  EXPECT_EQ(sieve::testing::error_text([&] {
              multi_task_loss({example.binary, example.classes, example.unlabelled}, example.labels,
                              {1.0f, 1.0f, 0.0f});
            }),
            "config: loss.pos_weight: head 2: must be finite and positive, got 0.000000");
  EXPECT_EQ(sieve::testing::error_text([&] { multi_task_loss({example.binary}, example.labels); }),
            "invalid input: loss: labels must be [batch, 1]");
}

}  // namespace
}  // namespace sieve::models
