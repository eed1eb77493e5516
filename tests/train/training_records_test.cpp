#include "sieve/train/training_records.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "error_text.h"

namespace sieve::train {
namespace {

using sieve::testing::error_text;

constexpr std::size_t kNonnative = 2;  // head index in LabelSchema::defaults()

// Source "essays": 30 learner sentences (nonnative 1) and 10 corrections (nonnative 0); learner i < 10
// shares group "pair-i" with correction i, the other learners are alone. Source "tweets": 20 native
// posts (nonnative 0) in 4 groups. Records alternate between the sources' blocks in one shard.
std::string write_essays_and_tweets(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const datasets::LabelSchema schema = datasets::LabelSchema::defaults();
  datasets::ShardWriter writer(schema, 100);
  const std::vector<std::uint32_t> ids = {7};
  auto add = [&](const std::string& source, const std::string& group, std::int8_t nonnative) {
    writer.add({"r", "t", "en", group, source, 0, {-1, -1, nonnative, -1}}, ids.data(), ids.size(), 1);
  };
  for (int i = 0; i < 30; ++i)
    add("essays", i < 10 ? "pair-" + std::to_string(i) : "alone-" + std::to_string(i), 1);
  for (int i = 0; i < 10; ++i) add("essays", "pair-" + std::to_string(i), 0);
  for (int i = 0; i < 20; ++i) add("tweets", "user-" + std::to_string(i % 4), 0);
  writer.write((dir / "shard-0.bin").string());
  std::ofstream(dir / "manifest.json")
      << R"({"format":"sieve-shards","version":1,"heads":)" << schema.to_json()
      << R"(,"tokenizer":{"model":"tokenizer.model","vocab_size":60,"table_size":100,"normalizer":{"nfkc":true},)"
      << R"("featurizer":{"hash_buckets":40}},"shards":[{"file":"shard-0.bin"}]})";
  return dir.string();
}

class TrainingRecords : public ::testing::Test {
 protected:
  ShardSet set{write_essays_and_tweets("sieve_training_records")};
};

TEST_F(TrainingRecords, ExcludingASourceKeepsTheOthersInRecordOrder) {
  const std::vector<std::uint32_t> kept = records_outside(set, {"tweets"}, true);
  ASSERT_EQ(kept.size(), 40u);
  for (std::uint32_t i = 0; i < kept.size(); ++i) EXPECT_EQ(kept[i], i);
  EXPECT_EQ(records_outside(set, {}, true).size(), 60u);
}

TEST_F(TrainingRecords, AnUnknownExcludedSourceIsAnErrorOnlyWhereItMustExist) {
  EXPECT_EQ(error_text([&] { records_outside(set, {"twets"}, true); }),
            "config: train.exclude_sources: no record of " + set.dir() + " comes from source 'twets'");
  EXPECT_EQ(records_outside(set, {"twets"}, false).size(), 60u);
}

TEST_F(TrainingRecords, EpochOrderWithoutExclusionsIsTheSetsOrder) {
  EXPECT_EQ(epoch_order_of(set, records_outside(set, {}, true), 3, 1), set.epoch_order(3, 1));
  const std::vector<std::uint32_t> essays = epoch_order_of(set, records_outside(set, {"tweets"}, true), 3, 1);
  EXPECT_EQ(std::set<std::uint32_t>(essays.begin(), essays.end()).size(), 40u);
  for (const std::uint32_t r : essays) EXPECT_LT(r, 40u);
}

TEST_F(TrainingRecords, BalancingEvensTheLabelsInsideASourceAndLeavesOneLabelSourcesAlone) {
  const std::size_t heads = set.schema().heads.size();
  const std::vector<float> weights = source_label_weights(set, records_outside(set, {}, true), 10);
  ASSERT_EQ(weights.size(), 60 * heads);
  EXPECT_FLOAT_EQ(weights[0 * heads + kNonnative], 40.0f / 60.0f);   // a learner: 40 / (2 × 30)
  EXPECT_FLOAT_EQ(weights[35 * heads + kNonnative], 40.0f / 20.0f);  // a correction: 40 / (2 × 10)
  EXPECT_FLOAT_EQ(weights[45 * heads + kNonnative], 1.0f);           // tweets hold one label only
  EXPECT_FLOAT_EQ(weights[0 * heads + 0], 1.0f);                     // unlabelled heads weigh 1
  // The source's total weight is unchanged: 30 × 2/3 + 10 × 2 = 40.
  double essays = 0;
  for (std::size_t r = 0; r < 40; ++r) essays += weights[r * heads + kNonnative];
  EXPECT_NEAR(essays, 40.0, 1e-4);
  EXPECT_FLOAT_EQ(source_label_weights(set, records_outside(set, {}, true), 1.5)[35 * heads + kNonnative],
                  1.5f);
}

TEST_F(TrainingRecords, SourceWeightsMultiplyTheBalancedWeightsOfTheirCellOnly) {
  const std::size_t heads = set.schema().heads.size();
  const std::vector<std::uint32_t> all = records_outside(set, {}, true);
  const std::vector<float> balanced = source_label_weights(set, all, 10);
  // A source's factor and its language's factor multiply; every head of its records is weighed alike.
  const std::vector<float> weighted =
      with_source_weights(set, all, {{"essays", 3}, {"essays:en", 2}}, balanced);
  ASSERT_EQ(weighted.size(), balanced.size());
  EXPECT_FLOAT_EQ(weighted[0 * heads + kNonnative], 6 * 40.0f / 60.0f);
  EXPECT_FLOAT_EQ(weighted[35 * heads + kNonnative], 6 * 40.0f / 20.0f);
  EXPECT_FLOAT_EQ(weighted[35 * heads + 0], 6.0f);
  EXPECT_FLOAT_EQ(weighted[45 * heads + kNonnative], 1.0f);  // tweets keep their weight
  // Without balancing every post starts at 1; without factors the weights pass through.
  const std::vector<float> tweets = with_source_weights(set, all, {{"tweets", 0.5}}, {});
  ASSERT_EQ(tweets.size(), 60 * heads);
  EXPECT_FLOAT_EQ(tweets[45 * heads + kNonnative], 0.5f);
  EXPECT_FLOAT_EQ(tweets[0 * heads + kNonnative], 1.0f);
  EXPECT_TRUE(with_source_weights(set, all, {}, {}).empty());
}

TEST_F(TrainingRecords, ASourceWeightThatMatchesNoTrainingRecordIsAnError) {
  const std::vector<std::uint32_t> all = records_outside(set, {}, true);
  EXPECT_EQ(error_text([&] {
              with_source_weights(set, all, {{"essays:fr", 2}}, {});
            }),
            "config: train.source_weight: no training record of " + set.dir() +
                " belongs to 'essays:fr' (source or source:lang)");
  // A cell left out by exclude_sources holds no training record either.
  EXPECT_EQ(error_text([&] {
              with_source_weights(set, records_outside(set, {"tweets"}, true), {{"tweets", 2}}, {});
            }),
            "config: train.source_weight: no training record of " + set.dir() +
                " belongs to 'tweets' (source or source:lang)");
}

TEST_F(TrainingRecords, PairsJoinBothLabelsOfOneGroupOnly) {
  const std::vector<LabelPair> pairs = group_pairs(set, records_outside(set, {}, true), 1);
  // Ten groups hold a learner and a correction: each side pairs once.
  ASSERT_EQ(pairs.size(), 20u);
  for (const LabelPair& pair : pairs) {
    EXPECT_EQ(pair.head, kNonnative);
    EXPECT_LT(pair.positive, 10u);
    EXPECT_EQ(pair.negative, pair.positive + 30);  // correction i is record 30 + i, in learner i's group
  }
  EXPECT_TRUE(group_pairs(set, records_outside(set, {"essays"}, true), 1).empty());
}

TEST_F(TrainingRecords, AStepsPairsDependOnlyOnSeedAndStep) {
  const std::vector<LabelPair> pairs = group_pairs(set, records_outside(set, {}, true), 1);
  const std::vector<LabelPair> a = pairs_of_step(pairs, 8, 5, 12), b = pairs_of_step(pairs, 8, 5, 12);
  ASSERT_EQ(a.size(), 8u);
  for (std::size_t j = 0; j < a.size(); ++j) EXPECT_EQ(a[j].positive, b[j].positive);
  const std::vector<LabelPair> c = pairs_of_step(pairs, 8, 5, 13);
  bool differs = false;
  for (std::size_t j = 0; j < a.size(); ++j) differs |= a[j].positive != c[j].positive;
  EXPECT_TRUE(differs);
  EXPECT_TRUE(pairs_of_step({}, 8, 5, 12).empty());
}

}  // namespace
}  // namespace sieve::train
