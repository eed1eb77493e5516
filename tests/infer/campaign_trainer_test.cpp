// Learning a campaign model (sieve/adapt/campaign_trainer.h) from synthetic posts: feature ids drawn so
// that some mark the campaign's positives, or none do while the base head's logit still ranks them.

#include "sieve/adapt/campaign_trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "error_text.h"
#include "sieve/core/metrics.h"

namespace sieve::adapt {
namespace {

using sieve::testing::error_text;

constexpr std::size_t kTableSize = 400;
constexpr std::size_t kDenseWidth = 2;

// How synthetic posts are drawn. Every post has 6 subword, 3 bigram and 4 n-gram ids of noise from
// [noise_from, noise_from + 100); each positive also carries, each with chance marker_rate, two marker
// ids from [300, 320). The base logit is normal around ±base_separation / 2, its sign the label's.
struct Draw {
  std::uint32_t noise_from = 0;
  double marker_rate = 0.9;
  double base_separation = 0;
  double positive_rate = 0.4;
};

CampaignPosts draw_posts(std::size_t n, const Draw& d, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::uint32_t> noise(d.noise_from, d.noise_from + 99), marker(300, 319);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::bernoulli_distribution positive(d.positive_rate), marked(d.marker_rate);
  CampaignPosts posts;
  posts.dense_width = kDenseWidth;
  std::vector<std::uint32_t> ids;
  for (std::size_t i = 0; i < n; ++i) {
    const bool label = positive(rng);
    ids.clear();
    for (int k = 0; k < 13; ++k) ids.push_back(noise(rng));
    if (label && marked(rng)) {
      ids[1] = marker(rng);
      ids[4] = marker(rng);
    }
    const float dense[kDenseWidth] = {normal(rng), 5.0f + 2.0f * normal(rng)};
    const float base = static_cast<float>((label ? 0.5 : -0.5) * d.base_separation) + normal(rng);
    posts.add(ids.data(), ids.size(), 6, 3, dense, base, label ? 1 : 0, /*group=*/i / 3);
  }
  return posts;
}

double auc_of(const CampaignPosts& posts, const std::vector<float>& scores) {
  std::vector<metrics::Scored> scored;
  for (std::size_t i = 0; i < posts.size(); ++i) scored.push_back({scores[i], posts.labels[i] == 1});
  return metrics::roc_auc(scored);
}

std::vector<float> campaign_logits(const infer::CampaignModel& model, const CampaignPosts& posts) {
  std::vector<float> logits;
  for (std::size_t i = 0; i < posts.size(); ++i)
    logits.push_back(model.logit(posts.post(i), posts.base_logits[i]));
  return logits;
}

std::vector<float> gates(const infer::CampaignModel& model, const CampaignPosts& posts) {
  std::vector<float> out;
  for (std::size_t i = 0; i < posts.size(); ++i) out.push_back(model.gate(posts.post(i)));
  return out;
}

double mean(const std::vector<float>& values) {
  double sum = 0;
  for (const float v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

infer::CampaignInfo info() { return {"spring", "coordinated", 0, 0, 0, "2026-03-01T00:00:00Z", "{}"}; }

TEST(CampaignTrainer, TheScorePartRanksHeldOutPostsByTheIdsThatMarkPositives) {
  const CampaignPosts labelled = draw_posts(300, {}, 1);
  const CampaignPosts held_out = draw_posts(400, {}, 2);
  const TrainedCampaign trained = train_campaign(info(), labelled, CampaignPosts{}, kTableSize);
  const infer::CampaignModel& model = trained.model;
  EXPECT_EQ(model.info().posts, 300u);
  EXPECT_EQ(model.info().positives,
            static_cast<std::size_t>(std::count(labelled.labels.begin(), labelled.labels.end(), 1)));
  EXPECT_EQ(model.info().background, 0u);
  EXPECT_NEAR(auc_of(held_out, held_out.base_logits), 0.5, 0.1);  // the base head knows nothing here
  // Ranking by whether a post carries a marker id gives about 0.93 on these posts, noise 0.5.
  EXPECT_GT(auc_of(held_out, campaign_logits(model, held_out)), 0.8);
  // Without background posts the campaign decides every post.
  for (const float gate : gates(model, held_out)) ASSERT_EQ(gate, 1.0f);
  ASSERT_TRUE(with_gate_opened(trained, 0.5).has_value());
  EXPECT_EQ(mean(gates(*with_gate_opened(trained, 0.5), held_out)), 1.0);
}

TEST(CampaignTrainer, WhenOnlyTheBaseLogitRanksTheStackedModelKeepsRankingByIt) {
  const Draw no_markers{0, 0.0, 3.0, 0.4};
  const CampaignPosts labelled = draw_posts(300, no_markers, 3);
  const CampaignPosts held_out = draw_posts(400, no_markers, 4);
  const TrainedCampaign trained = train_campaign(info(), labelled, CampaignPosts{}, kTableSize);
  EXPECT_GT(trained.model.base_weight, 0.5f);
  const double base_auc = auc_of(held_out, held_out.base_logits);
  EXPECT_GT(base_auc, 0.9);
  EXPECT_NEAR(auc_of(held_out, campaign_logits(trained.model, held_out)), base_auc, 0.02);
}

TEST(CampaignTrainer, BothClassesAreRequired) {
  for (const std::int8_t only : {0, 1}) {
    CampaignPosts labelled = draw_posts(50, {}, 5);
    std::fill(labelled.labels.begin(), labelled.labels.end(), only);
    EXPECT_EQ(error_text([&] { train_campaign(info(), labelled, CampaignPosts{}, kTableSize); }),
              "invalid input: spring: a campaign model needs labelled posts of both classes");
  }
}

TEST(CampaignTrainer, TrainingTwiceGivesIdenticalWeights) {
  const CampaignPosts labelled = draw_posts(200, {}, 6);
  const CampaignPosts background = draw_posts(200, {100, 0.0, 0.0, 0.1}, 7);
  TrainedCampaign a = train_campaign(info(), labelled, background, kTableSize);
  TrainedCampaign b = train_campaign(info(), labelled, background, kTableSize);
  EXPECT_EQ(a.model.score_rows(), b.model.score_rows());
  EXPECT_EQ(a.model.gate_rows(), b.model.gate_rows());
  EXPECT_EQ(a.model.dense_mean(), b.model.dense_mean());
  EXPECT_EQ(a.model.dense_scale(), b.model.dense_scale());
  EXPECT_EQ(a.model.score_dense(), b.model.score_dense());
  EXPECT_EQ(a.model.gate_dense(), b.model.gate_dense());
  EXPECT_EQ(a.model.base_weight, b.model.base_weight);
  EXPECT_EQ(a.model.score_bias, b.model.score_bias);
  EXPECT_EQ(a.model.gate_bias, b.model.gate_bias);
  EXPECT_EQ(a.gate.labelled_logits, b.gate.labelled_logits);
  EXPECT_EQ(a.gate.background_logits, b.gate.background_logits);
  const auto nonzero =
      std::count_if(a.model.score_rows().begin(), a.model.score_rows().end(), [](float w) { return w != 0; });
  EXPECT_GT(nonzero, 100);  // the weights compared are learned, not left at zero
}

TEST(CampaignTrainer, TheGateCannotOpenWhenLabelledAndBackgroundPostsAreAlike) {
  const CampaignPosts labelled = draw_posts(200, {}, 8);
  const TrainedCampaign trained = train_campaign(info(), labelled, labelled, kTableSize);
  ASSERT_EQ(trained.gate.labelled_logits.size(), labelled.size());
  ASSERT_EQ(trained.gate.background_logits.size(), labelled.size());
  EXPECT_FALSE(with_gate_opened(trained, 0.5).has_value());
  EXPECT_FALSE(with_gate_opened(trained, 0.2).has_value());
}

TEST(CampaignTrainer, TheOpenedGateOpensForCampaignPostsAndClosesForBackgroundPosts) {
  const Draw background_draw{100, 0.0, 0.0, 0.1};
  const CampaignPosts labelled = draw_posts(200, {}, 9);
  const CampaignPosts background = draw_posts(300, background_draw, 10);
  const TrainedCampaign trained = train_campaign(info(), labelled, background, kTableSize);
  EXPECT_EQ(trained.model.info().background, 300u);
  std::optional<infer::CampaignModel> opened = with_gate_opened(trained, 0.5);
  ASSERT_TRUE(opened.has_value());
  const std::vector<float> campaign_like = gates(*opened, draw_posts(200, {}, 11));
  const std::vector<float> background_like = gates(*opened, draw_posts(200, background_draw, 12));
  EXPECT_GT(mean(campaign_like), 0.8);
  EXPECT_LT(mean(background_like), 0.05);
  // At the background's median gate logit and below, the base head keeps its exact logit.
  const std::vector<float> trained_background = gates(*opened, background);
  EXPECT_GE(std::count(trained_background.begin(), trained_background.end(), 0.0f), 149);
  // A lower quantile of the labelled posts opens the gate fully for more of them.
  const auto fully_open = [&](double quantile) {
    const std::vector<float> g = gates(*with_gate_opened(trained, quantile), labelled);
    return std::count(g.begin(), g.end(), 1.0f);
  };
  EXPECT_GE(fully_open(0.5), 95);
  EXPECT_GT(fully_open(0.1), fully_open(0.5));
  // Opening the gate changes the gate alone.
  EXPECT_EQ(opened->score_rows(), infer::CampaignModel(trained.model).score_rows());
  EXPECT_EQ(opened->base_weight, trained.model.base_weight);
}

TEST(CampaignTrainer, AFixedGateIsTheSameForEveryPost) {
  const CampaignPosts labelled = draw_posts(200, {}, 13);
  const CampaignPosts background = draw_posts(200, {100, 0.0, 0.0, 0.1}, 14);
  const infer::CampaignModel opened =
      *with_gate_opened(train_campaign(info(), labelled, background, kTableSize), 0.5);
  const std::vector<float> learned = gates(opened, labelled), other = gates(opened, background);
  ASSERT_EQ(*std::max_element(learned.begin(), learned.end()), 1.0f);
  ASSERT_EQ(*std::min_element(other.begin(), other.end()), 0.0f);
  const infer::CampaignModel closed = with_fixed_gate(opened, false);
  const infer::CampaignModel open = with_fixed_gate(opened, true);
  for (const CampaignPosts* posts : {&labelled, &background}) {
    for (const float g : gates(closed, *posts)) ASSERT_EQ(g, 0.0f);
    for (const float g : gates(open, *posts)) ASSERT_EQ(g, 1.0f);
    EXPECT_EQ(campaign_logits(closed, *posts), campaign_logits(opened, *posts));
  }
  CampaignPosts extreme;  // dense values far outside anything learned, ids of every block
  extreme.dense_width = kDenseWidth;
  const std::uint32_t ids[] = {300, 301, 302, 303, 304, 305, 399};
  const float dense[kDenseWidth] = {1e6f, -1e6f};
  extreme.add(ids, 7, 3, 2, dense, 40.0f, 1);
  EXPECT_EQ(closed.gate(extreme.post(0)), 0.0f);
  EXPECT_EQ(open.gate(extreme.post(0)), 1.0f);
}

}  // namespace
}  // namespace sieve::adapt
