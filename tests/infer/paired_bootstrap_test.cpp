// The paired ROC-AUC bootstrap (sieve/report/paired_bootstrap.h): what it calls better, worse or not
// different, and that it resamples whole groups.

#include "sieve/report/paired_bootstrap.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "sieve/core/metrics.h"

namespace sieve::infer {
namespace {

struct Posts {
  std::vector<std::int8_t> labels;
  std::vector<double> before, after;
  std::vector<std::string> groups;

  void add(std::int8_t label, double b, double a, std::string group) {
    labels.push_back(label);
    before.push_back(b);
    after.push_back(a);
    groups.push_back(std::move(group));
  }
};

// 40 groups of 3 positives and 3 negatives: "before" scores are noise, "after" scores follow the label.
Posts clearly_better() {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  Posts posts;
  for (int g = 0; g < 40; ++g) {
    for (int i = 0; i < 6; ++i) {
      const std::int8_t label = i % 2 == 0 ? 1 : 0;
      posts.add(label, uniform(rng), 0.6 * label + 0.5 * uniform(rng), "account" + std::to_string(g));
    }
  }
  return posts;
}

double auc(const std::vector<std::int8_t>& labels, const std::vector<double>& scores) {
  std::vector<metrics::Scored> scored;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == 0 || labels[i] == 1) scored.push_back({scores[i], labels[i] == 1});
  }
  return metrics::roc_auc(scored);
}

PairedAucInterval run(const Posts& p, std::uint64_t seed = 1) {
  return paired_auc_bootstrap(p.labels, p.before, p.after, p.groups, 1000, 0.95, seed);
}

TEST(PairedBootstrap, ClearlyBetterScoresAreCalledBetter) {
  const Posts posts = clearly_better();
  const PairedAucInterval r = run(posts);
  EXPECT_DOUBLE_EQ(r.before, auc(posts.labels, posts.before));
  EXPECT_DOUBLE_EQ(r.after, auc(posts.labels, posts.after));
  EXPECT_GT(r.after - r.before, 0.3);
  EXPECT_GT(r.low, 0.0);
  EXPECT_LE(r.low, r.after - r.before);
  EXPECT_GE(r.high, r.after - r.before);
  EXPECT_EQ(r.groups, 40u);
  EXPECT_EQ(r.resamples, 1000u);  // every group holds both classes
  EXPECT_DOUBLE_EQ(r.level, 0.95);
  EXPECT_TRUE(r.better());
  EXPECT_EQ(r.verdict(), "better");
  EXPECT_NE(r.to_json().find(R"("verdict":"better")"), std::string::npos) << r.to_json();
}

TEST(PairedBootstrap, IdenticalScoresAreNotDifferent) {
  Posts posts = clearly_better();
  posts.after = posts.before;
  const PairedAucInterval r = run(posts);
  EXPECT_EQ(r.low, 0.0);
  EXPECT_EQ(r.high, 0.0);
  EXPECT_FALSE(r.better());
  EXPECT_EQ(r.verdict(), "not different");
}

TEST(PairedBootstrap, WorseScoresAreCalledWorseWithTheMirroredInterval) {
  const Posts better = clearly_better();
  Posts worse = better;
  std::swap(worse.before, worse.after);
  const PairedAucInterval up = run(better), down = run(worse);
  EXPECT_LT(down.high, 0.0);
  EXPECT_FALSE(down.better());
  EXPECT_EQ(down.verdict(), "worse");
  // The same groups drawn, every difference negated: the interval mirrors.
  EXPECT_EQ(down.low, -up.high);
  EXPECT_EQ(down.high, -up.low);
}

// 19 groups of 2 positives and 2 negatives ranked right by both models, and a group of 5 and 5 that only
// "after" ranks right. Leaving that group out of a resample makes the two models equal.
Posts one_group_decides(bool each_post_its_own_group) {
  Posts posts;
  int post = 0;
  const auto group = [&](const std::string& name) {
    return each_post_its_own_group ? "post" + std::to_string(post++) : name;
  };
  for (int g = 0; g < 19; ++g) {
    for (int i = 0; i < 4; ++i) {
      const double score = i < 2 ? 0.9 - 0.01 * i : 0.1 + 0.01 * i;
      posts.add(i < 2 ? 1 : 0, score, score, group("account" + std::to_string(g)));
    }
  }
  for (int i = 0; i < 10; ++i) {
    const std::int8_t label = i < 5 ? 1 : 0;
    posts.add(label, label == 1 ? 0.05 : 0.95, label == 1 ? 0.95 : 0.05, group("campaign"));
  }
  return posts;
}

TEST(PairedBootstrap, GroupsAreResampledWhole) {
  const PairedAucInterval grouped = run(one_group_decides(false));
  EXPECT_EQ(grouped.groups, 20u);
  EXPECT_GT(grouped.after - grouped.before, 0.1);
  // About a third of the resamples lack the deciding group: the interval reaches zero.
  EXPECT_EQ(grouped.low, 0.0);
  EXPECT_GT(grouped.high, 0.0);
  EXPECT_EQ(grouped.verdict(), "not different");
  // The same posts as independent ones: the ten deciding posts are in almost every resample.
  const PairedAucInterval independent = run(one_group_decides(true));
  EXPECT_EQ(independent.groups, 86u);
  EXPECT_DOUBLE_EQ(independent.after - independent.before, grouped.after - grouped.before);
  EXPECT_GT(independent.low, 0.0);
  EXPECT_EQ(independent.verdict(), "better");
}

TEST(PairedBootstrap, ASingleGroupIsDrawnWholeEveryTime) {
  Posts posts = clearly_better();
  for (std::string& g : posts.groups) g = "everyone";
  const PairedAucInterval r = run(posts);
  EXPECT_EQ(r.groups, 1u);
  EXPECT_EQ(r.resamples, 1000u);
  EXPECT_EQ(r.low, r.after - r.before);
  EXPECT_EQ(r.high, r.after - r.before);
}

TEST(PairedBootstrap, IsDeterministicForASeedAndIgnoresUnlabelledPosts) {
  const Posts posts = clearly_better();
  const PairedAucInterval first = run(posts, 42), again = run(posts, 42), other = run(posts, 43);
  EXPECT_EQ(first.to_json(), again.to_json());
  EXPECT_EQ(first.low, again.low);
  EXPECT_EQ(first.high, again.high);
  EXPECT_TRUE(first.low != other.low || first.high != other.high);
  Posts with_unlabelled = posts;
  for (int i = 0; i < 30; ++i) with_unlabelled.add(-1, 100.0 * i, -100.0 * i, posts.groups[i * 7]);
  EXPECT_EQ(run(with_unlabelled, 42).to_json(), first.to_json());
}

TEST(PairedBootstrap, AnAbsentClassGivesNaNAndNoVerdict) {
  Posts posts = clearly_better();
  std::fill(posts.labels.begin(), posts.labels.end(), std::int8_t{0});
  const PairedAucInterval r = run(posts);
  EXPECT_TRUE(std::isnan(r.before));
  EXPECT_TRUE(std::isnan(r.after));
  EXPECT_TRUE(std::isnan(r.low));
  EXPECT_TRUE(std::isnan(r.high));
  EXPECT_EQ(r.resamples, 0u);
  EXPECT_FALSE(r.better());
  EXPECT_EQ(r.verdict(), "not different");
  EXPECT_NE(r.to_json().find(R"("difference_low":null)"), std::string::npos) << r.to_json();
  // Positives in one group of forty: the resamples without it are left out, not counted as zero.
  Posts rare = clearly_better();
  for (std::size_t i = 0; i < rare.labels.size(); ++i) {
    if (rare.groups[i] != "account3") rare.labels[i] = 0;
  }
  const PairedAucInterval some = run(rare);
  EXPECT_GT(some.resamples, 400u);
  EXPECT_LT(some.resamples, 800u);  // about 1 - (39/40)^40 of them hold that group
  EXPECT_TRUE(std::isfinite(some.low));
}

}  // namespace
}  // namespace sieve::infer
