#include "sieve/core/organic_threshold.h"

#include <gtest/gtest.h>

#include "error_text.h"

namespace sieve::metrics {
namespace {

using testing::error_text;

// n organic posts of one source and language, scored 0, 1/n, 2/n, ...: the top k are the k highest.
void add_posts(std::vector<OrganicPost>& posts, int n, const std::string& source, const std::string& lang,
               double top = 1.0) {
  for (int i = 0; i < n; ++i) posts.push_back({top * i / n, source, lang});
}

TEST(OrganicThreshold, TheWilsonBoundFlagsOnlyAsManyAsTheSampleCanPromise) {
  std::vector<OrganicPost> posts;
  add_posts(posts, 1000, "tweets", "en");
  const OrganicThreshold point =
      organic_threshold(posts, {OrganicWeighting::kPosts, RateBound::kPoint}, 0.01);
  EXPECT_EQ(point.rate.flagged, 10u);  // 1 % of 1,000
  // Wilson's upper bound of 3 in 1,000 is 0.88 %, of 4 in 1,000 already 1.02 %.
  const OrganicThreshold wilson =
      organic_threshold(posts, {OrganicWeighting::kPosts, RateBound::kWilson}, 0.01);
  EXPECT_EQ(wilson.rate.flagged, 3u);
  EXPECT_TRUE(wilson.enough);
  EXPECT_NEAR(wilson.rate.fpr_upper, 0.00878, 1e-5);
  EXPECT_GT(wilson.rate.threshold, point.rate.threshold);
  EXPECT_EQ(wilson.posts_per_source.at("tweets"), 1000u);
}

TEST(OrganicThreshold, TooFewPostsForTheBoundAreSaidNotHidden) {
  // With none flagged the bound is z² / (n + z²): 1 % needs 381 posts.
  EXPECT_EQ(fewest_posts_for_bound(0.01), 381.0);
  std::vector<OrganicPost> posts;
  add_posts(posts, 380, "tweets", "en");
  const OrganicThreshold few = organic_threshold(posts, {}, 0.01);
  EXPECT_FALSE(few.enough);
  EXPECT_EQ(few.rate.flagged, 0u);
  EXPECT_GT(few.rate.fpr_upper, 0.01);
  posts.push_back({0.5, "tweets", "en"});
  EXPECT_TRUE(organic_threshold(posts, {}, 0.01).enough);
  // The point estimate needs no minimum.
  posts.resize(100);
  EXPECT_TRUE(organic_threshold(posts, {OrganicWeighting::kPosts, RateBound::kPoint}, 0.01).enough);
}

TEST(OrganicThreshold, WeightingKeepsALargeSourceOrLanguageFromDecidingAlone) {
  // 9,000 English posts of one source all below 0.5, and 1,000 Chinese posts of which a tenth score above
  // every English one (0.9 and up). Counted by posts, the Chinese tenth is 1 % of the sample: the threshold
  // flags 100 Chinese posts, 10 % of that language. Every language counting the same, the Chinese tenth is
  // 5 % of the rate, so the threshold flags only a fifth of it (1 % of the whole / half a share).
  std::vector<OrganicPost> posts;
  add_posts(posts, 9000, "tweets", "en", 0.5);
  add_posts(posts, 900, "weibo", "zh", 0.5);
  for (int i = 0; i < 100; ++i) posts.push_back({0.9 + i / 1000.0, "weibo", "zh"});
  const auto flagged = [&](OrganicWeighting weighting) {
    return organic_threshold(posts, {weighting, RateBound::kPoint}, 0.01).rate.flagged;
  };
  EXPECT_EQ(flagged(OrganicWeighting::kPosts), 100u);
  EXPECT_EQ(flagged(OrganicWeighting::kLanguages), 20u);
  EXPECT_EQ(flagged(OrganicWeighting::kSources), 20u);
  // Two sources in one language: each weighs half of it, whatever their sizes.
  posts.clear();
  add_posts(posts, 9000, "tweets", "en", 0.5);
  add_posts(posts, 900, "news", "en", 0.5);
  for (int i = 0; i < 100; ++i) posts.push_back({0.9 + i / 1000.0, "news", "en"});
  EXPECT_EQ(flagged(OrganicWeighting::kPosts), 100u);
  EXPECT_EQ(flagged(OrganicWeighting::kLanguages), 20u);
}

TEST(OrganicThreshold, RuleWordsParseAndNameEachOther) {
  for (const OrganicWeighting w :
       {OrganicWeighting::kPosts, OrganicWeighting::kSources, OrganicWeighting::kLanguages})
    EXPECT_EQ(parse_weighting(weighting_name(w), "--weighting"), w);
  for (const RateBound b : {RateBound::kPoint, RateBound::kWilson})
    EXPECT_EQ(parse_bound(bound_name(b), "--bound"), b);
  EXPECT_EQ(error_text([] { parse_weighting("accounts", "--weighting"); }),
            "config: --weighting: 'accounts' is not one of posts, sources, languages");
  EXPECT_EQ(error_text([] { parse_bound("exact", "--bound"); }),
            "config: --bound: 'exact' is not one of point, wilson");
}

}  // namespace
}  // namespace sieve::metrics
