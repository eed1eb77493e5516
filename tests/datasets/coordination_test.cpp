// analyze_coordination and connected_components on hand-made posts whose accounts, templates and times
// are chosen so that every number can be counted by hand.

#include "sieve/datasets/coordination.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sieve::datasets {
namespace {

// Accounts 0, 1 and 2 post template 7 ten minutes apart; account 3 posts it a day later; account 1 also
// posts template 8 with account 0 two minutes apart; account 4 posts alone (template 9, its own).
std::vector<AccountPost> campaign_posts() {
  const std::int64_t t = 1700000000;
  return {
      {0, 7, t},        {1, 7, t + 600}, {2, 7, t + 1200}, {3, 7, t + 86400},  {0, 8, t + 5000},
      {1, 8, t + 5120}, {4, 9, t + 100}, {4, 10, t + 200}, {4, 11, t + 10000},
  };
}

TEST(Coordination, AccountsPostingNearCopiesWithinTheWindowAreLinked) {
  const CoordinationResult r = analyze_coordination(campaign_posts(), 5, 3600);
  ASSERT_EQ(r.edges.size(), 3u);  // 0–1 (templates 7 and 8), 0–2 and 1–2 (template 7); 3 is a day late
  EXPECT_EQ(r.edges[0].a, 0u);
  EXPECT_EQ(r.edges[0].b, 1u);
  EXPECT_EQ(r.edges[0].templates, 2u);
  EXPECT_EQ(r.edges[0].co_posts, 2u);
  EXPECT_EQ(r.edges[0].first, 1700000000);
  EXPECT_EQ(r.edges[0].last, 1700005120);
  EXPECT_EQ(r.edges[1].b, 2u);
  EXPECT_EQ(r.edges[1].templates, 1u);
  EXPECT_EQ(r.edges[2].a, 1u);
  EXPECT_EQ(r.edges[2].b, 2u);
  // Templates 7 and 8 were posted by several accounts, 9 to 11 by account 4 alone.
  EXPECT_EQ(r.shared, (std::vector<bool>{false, false, false, false, false, false, false, true, true, false,
                                         false, false}));

  const AccountCoordination& a0 = r.accounts[0];
  EXPECT_EQ(a0.posts, 2u);
  EXPECT_EQ(a0.posts_in_shared, 2u);
  EXPECT_EQ(a0.follows, 0u);  // it posted first both times
  EXPECT_EQ(a0.co_accounts, 2u);
  EXPECT_EQ(a0.largest_shared, 7u);
  EXPECT_EQ(a0.largest_shared_size, 4u);
  EXPECT_EQ(r.accounts[1].follows, 2u);
  EXPECT_DOUBLE_EQ(r.accounts[1].follow_share(), 1.0);
  EXPECT_EQ(r.accounts[3].posts_in_shared, 1u);  // a shared template, though not within the window
  EXPECT_EQ(r.accounts[3].follows, 0u);
  EXPECT_EQ(r.accounts[3].co_accounts, 0u);
  EXPECT_EQ(r.accounts[4].posts_in_shared, 0u);
  EXPECT_EQ(r.accounts[4].largest_shared_size, 0u);
  // Account 4's gaps are 100 s and 9,800 s: mean 4,950, deviation 4,850, burstiness −100 / 9,800.
  EXPECT_NEAR(r.accounts[4].burstiness, -100.0 / 9800, 1e-12);
  EXPECT_TRUE(std::isnan(r.accounts[0].burstiness));  // two posts: one gap
}

TEST(Coordination, WithoutTimesEveryNearCopyLinksAndLinksPerPostAreCapped) {
  std::vector<AccountPost> posts;
  for (std::uint32_t a = 0; a < 6; ++a) posts.push_back({a, 1, 0});
  const CoordinationResult all = analyze_coordination(posts, 6, 60);
  EXPECT_EQ(all.edges.size(), 15u);  // every pair of 6
  const CoordinationResult capped = analyze_coordination(posts, 6, 60, 2);
  EXPECT_EQ(capped.edges.size(), 1u + 2 + 2 + 2 + 2);  // each post links to its 2 nearest predecessors
  EXPECT_EQ(capped.accounts[5].co_accounts, 2u);
}

TEST(Coordination, ComponentsAndTheDefaultAccountScore) {
  const CoordinationResult r = analyze_coordination(campaign_posts(), 5, 3600);
  const std::vector<std::uint32_t> component = connected_components(5, r.edges);
  EXPECT_EQ(component, (std::vector<std::uint32_t>{0, 0, 0, 1, 2}));

  // Noisy-OR of the mean post score, twice the shared share and twice the follow share.
  EXPECT_DOUBLE_EQ(account_coordinated_score(0.5, r.accounts[4]), 0.5);
  EXPECT_DOUBLE_EQ(account_coordinated_score(0.0, r.accounts[0]), 1.0);  // all of its posts shared
  AccountCoordination some;
  some.posts = 10;
  some.posts_in_shared = 1;
  some.follows = 1;
  EXPECT_NEAR(account_coordinated_score(0.5, some), 1 - 0.5 * 0.8 * 0.8, 1e-12);
  EXPECT_NEAR(account_coordinated_score(std::nan(""), some), 1 - 0.8 * 0.8, 1e-12);  // no model
}

}  // namespace
}  // namespace sieve::datasets
