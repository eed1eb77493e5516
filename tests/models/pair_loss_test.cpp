#include "sieve/models/pair_loss.h"

#include <gtest/gtest.h>

#include "error_text.h"

namespace sieve::models {
namespace {

using sieve::testing::error_text;

TEST(PairMarginLoss, IsTheMeanHingeOfEachPairsLogitGapOnItsHead) {
  // Two binary heads and three pairs: (post 0, post 3) on head 0, (1, 4) on head 1, (2, 5) on head 0.
  const torch::Tensor head0 = torch::tensor({2.0f, 0.0f, 0.2f, -1.0f, 0.0f, 0.5f}).requires_grad_();
  const torch::Tensor head1 = torch::tensor({0.0f, 0.3f, 0.0f, 0.0f, 0.1f, 0.0f}).requires_grad_();
  const torch::Tensor loss = pair_margin_loss({head0, head1}, {0, 1, 0}, 1.0);
  // Gaps 3 (no loss), 0.2 (loss 0.8), -0.3 (loss 1.3).
  EXPECT_NEAR(loss.item<double>(), (0.0 + 0.8 + 1.3) / 3, 1e-6);
  loss.backward();
  // The satisfied pair gets no gradient; the others push their positive up and negative down.
  EXPECT_FLOAT_EQ(head0.grad()[0].item<float>(), 0.0f);
  EXPECT_FLOAT_EQ(head0.grad()[2].item<float>(), -1.0f / 3);
  EXPECT_FLOAT_EQ(head0.grad()[5].item<float>(), 1.0f / 3);
  EXPECT_FLOAT_EQ(head1.grad()[1].item<float>(), -1.0f / 3);
}

TEST(PairMarginLoss, RefusesMultiClassHeadsAndOddBatches) {
  const torch::Tensor binary = torch::zeros({4});
  const torch::Tensor classes = torch::zeros({4, 3});
  EXPECT_EQ(error_text([&] { pair_margin_loss({binary, classes}, {1, 0}, 1.0); }),
            "invalid input: pair loss: pair 0: head 1 is not a binary head with 2 × 2 logits");
  EXPECT_EQ(error_text([&] { pair_margin_loss({torch::zeros({3})}, {0}, 1.0); }),
            "invalid input: pair loss: pair 0: head 0 is not a binary head with 2 × 1 logits");
  EXPECT_EQ(error_text([&] { pair_margin_loss({binary}, {}, 1.0); }), "invalid input: pair loss: no pairs");
}

}  // namespace
}  // namespace sieve::models
