#include "sieve/datasets/adaptation_plan.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "error_text.h"

namespace sieve::datasets {
namespace {

// posts of `groups` accounts, `per_group` each; an account's posts share its label (a campaign account or
// an organic one), one in three accounts positive.
std::vector<Record> accounts(int groups, int per_group) {
  std::vector<Record> records;
  for (int g = 0; g < groups; ++g) {
    for (int i = 0; i < per_group; ++i) {
      Record r;
      r.id = "p" + std::to_string(g) + "-" + std::to_string(i);
      r.text = "post " + r.id;
      r.group = "acct" + std::to_string(g);
      r.labels = {static_cast<std::int8_t>(g % 3 == 0 ? 1 : 0)};
      records.push_back(r);
    }
  }
  return records;
}

std::map<int, std::size_t> label_counts(const std::vector<Record>& records) {
  std::map<int, std::size_t> counts;
  for (const Record& r : records) ++counts[r.labels[0]];
  return counts;
}

TEST(HoldBackByGroup, HoldsBackAboutAFifthOfEachLabelInWholeGroups) {
  const HeldBackSplit split = hold_back_by_group(accounts(60, 4));
  std::set<std::string> train_groups, held_groups;
  for (const Record& r : split.train) train_groups.insert(r.group);
  for (const Record& r : split.held_back) held_groups.insert(r.group);
  for (const std::string& g : held_groups) EXPECT_EQ(train_groups.count(g), 0u) << g << " is in both parts";
  EXPECT_EQ(split.train.size() + split.held_back.size(), 240u);
  const auto held = label_counts(split.held_back);
  // 80 positives and 160 negatives: a fifth is 16 and 32, give or take a group of 4.
  EXPECT_NEAR(static_cast<double>(held.at(1)), 16, 4);
  EXPECT_NEAR(static_cast<double>(held.at(0)), 32, 4);
}

TEST(HoldBackByGroup, TheSeedChoosesTheGroupsAndTheSameSeedTheSameOnes) {
  const auto ids = [](const HeldBackSplit& s) {
    std::set<std::string> out;
    for (const Record& r : s.held_back) out.insert(r.id);
    return out;
  };
  EXPECT_EQ(ids(hold_back_by_group(accounts(40, 3), 0.2, 1)),
            ids(hold_back_by_group(accounts(40, 3), 0.2, 1)));
  EXPECT_NE(ids(hold_back_by_group(accounts(40, 3), 0.2, 1)),
            ids(hold_back_by_group(accounts(40, 3), 0.2, 2)));
}

TEST(HoldBackByGroup, BothClassesReachTheHeldBackPartEvenWhenOneHasFewGroups) {
  std::vector<Record> records = accounts(30, 2);
  for (Record& r : records) r.labels = {0};
  records[0].labels = records[1].labels = {1};  // acct0, one positive account of two posts
  records[2].labels = records[3].labels = {1};  // acct1
  const HeldBackSplit split = hold_back_by_group(records);
  EXPECT_EQ(label_counts(split.held_back).count(1), 1u);
  EXPECT_EQ(label_counts(split.train).count(1), 1u);
}

TEST(HoldBackByGroup, RefusesPostsOfOneGroupOrWithoutLabels) {
  std::vector<Record> one = accounts(1, 10);
  EXPECT_EQ(testing::error_text([&] { hold_back_by_group(one); }),
            "invalid input: labelled posts: all posts are in one group: nothing can be held back without "
            "training on the same account (give each post a group, the account or thread it comes from)");
  std::vector<Record> unlabelled = accounts(5, 2);
  for (Record& r : unlabelled) r.labels = {kMissingLabel};
  EXPECT_EQ(testing::error_text([&] { hold_back_by_group(unlabelled); }),
            "invalid input: labelled posts: no post carries a label");
  EXPECT_EQ(testing::error_text([&] { hold_back_by_group(accounts(5, 2), 1.5); }),
            "config: held-back share: must be between 0 and 1, got 1.5");
}

TEST(ChooseSchedule, FewerPostsTrainMoreEpochsOfSmallerBatches) {
  const AdaptationSchedule small = choose_schedule(40, 0);
  const AdaptationSchedule medium = choose_schedule(160, 0);
  const AdaptationSchedule large = choose_schedule(800, 0);
  EXPECT_EQ(small.batch_size, 8u);
  EXPECT_EQ(medium.batch_size, 20u);
  EXPECT_EQ(large.batch_size, 64u);
  EXPECT_GT(small.epochs, medium.epochs);
  EXPECT_GT(medium.epochs, large.epochs);
  for (const auto& [posts, s] :
       {std::pair<std::size_t, AdaptationSchedule>{40, small}, {160, medium}, {800, large}}) {
    // Every run sees the new posts for about 150 steps, with epochs enough for early stopping to compare.
    EXPECT_GE(s.epochs * ((posts + s.batch_size - 1) / s.batch_size), 150u) << posts << " posts";
    EXPECT_GE(s.epochs, 4u);
    EXPECT_EQ(s.grid.size(), 3u);
    EXPECT_LT(s.warmup_steps, s.total_steps());
  }
}

TEST(ChooseSchedule, ReplayedPostsWidenTheBatchSoTheRunKeepsItsSteps) {
  const AdaptationSchedule alone = choose_schedule(160, 0);
  const AdaptationSchedule replayed = choose_schedule(160, 480);
  EXPECT_EQ(replayed.epochs, alone.epochs);
  EXPECT_EQ(replayed.batch_size, 4 * alone.batch_size);  // 20 new posts and 60 replayed in a batch
  EXPECT_EQ(replayed.steps_per_epoch, alone.steps_per_epoch);
  EXPECT_EQ(choose_schedule(800, 8000).batch_size, 256u);  // capped
}

TEST(ChooseSchedule, TrainerSettingsSayEveryChoice) {
  const AdaptationSchedule s = choose_schedule(160, 0);
  const std::vector<std::string> settings = s.trainer_settings(s.grid[1]);
  EXPECT_EQ(settings,
            (std::vector<std::string>{"train.batch_size=20", "train.epochs=19", "train.max_steps=0",
                                      "train.eval_every=8", "train.warmup_steps=15", "train.patience=4",
                                      "train.lr=0.01", "train.embedding_lr=2"}));
  EXPECT_EQ(testing::error_text([] { choose_schedule(0, 10); }),
            "invalid input: labelled posts: none left to train on");
}

TEST(ChooseSchedule, HeadsAloneTakeHigherRatesAndNoEmbeddingRate) {
  const AdaptationSchedule s = choose_schedule(160, 0, true);
  EXPECT_EQ(s.epochs, choose_schedule(160, 0).epochs);
  ASSERT_EQ(s.grid.size(), 3u);
  EXPECT_GT(s.grid.front().lr, choose_schedule(160, 0).grid.back().lr * 0.99);
  const std::vector<std::string> settings = s.trainer_settings(s.grid[0]);
  EXPECT_EQ(settings.back(), "train.lr=0.03");  // the frozen tables keep the trainer's embedding rate
  EXPECT_NE(s.describe().find("learning rates tried: 0.03, 0.1, 0.3"), std::string::npos) << s.describe();
}

}  // namespace
}  // namespace sieve::datasets
