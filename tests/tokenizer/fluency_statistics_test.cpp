// The statistics beside the fluency values: the spread of a post's log-probabilities, the rank bounds,
// unseen n-grams by order, and the contrast models of learner and machine text.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "sieve/tokenizer/fluency_model.h"

namespace sieve::tokenizer {
namespace {

// Native sentences, and learner sentences that make the same errors again and again (a dropped article,
// "go" for "went"): each kind in both folds.
const std::vector<std::string> kNative = {
    "i went to the school yesterday .", "she went to the market in the morning .",
    "we went to the park after lunch .", "they went to the river on sunday .",
    "he went to the station with his brother ."};
const std::vector<std::string> kLearner = {
    "i go to school yesterday .", "she go to market in morning .", "we go to park after lunch .",
    "they go to river in sunday .", "he go to station with he brother ."};

FluencyModel train(bool with_contrast, const FluencyOptions& options = FluencyOptions()) {
  FluencyTrainer trainer(options);
  for (int repeat = 0; repeat < 3; ++repeat) {
    for (std::size_t i = 0; i < kNative.size(); ++i) {
      const int fold = static_cast<int>(i % 2);
      trainer.add(kNative[i], "en", fold);
      if (with_contrast) trainer.add(kLearner[i], "en", fold, FluencyText::kLearner);
    }
  }
  return trainer.finish();
}

std::size_t statistic(std::string_view name) {
  for (std::size_t i = 0; i < kFluencyStatisticCount; ++i) {
    if (name == fluency_statistic_name(i)) return i;
  }
  ADD_FAILURE() << "no fluency statistic " << name;
  return 0;
}

std::vector<float> statistics(const FluencyModel& model, std::string_view text, int fold = 0) {
  std::vector<float> values(kFluencyFeatureCount), out(kFluencyStatisticCount, -99.0f);
  model.score(text, "en", fold, values.data(), out.data());
  return out;
}

TEST(FluencyStatistics, NamesAreDistinctAndCoverTheVector) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < kFluencyStatisticCount; ++i) names.insert(fluency_statistic_name(i));
  EXPECT_EQ(names.size(), kFluencyStatisticCount);
  EXPECT_EQ(names.count(""), 0u);
  EXPECT_STREQ(fluency_statistic_name(kFluencyStatisticCount), "");
}

TEST(FluencyStatistics, ALearnerSentenceIsLikelierUnderTheLearnerContrastThanANativeOne) {
  const FluencyModel model = train(true);
  ASSERT_TRUE(model.has_contrast());
  // Held out: neither model saw these sentences whole.
  const std::vector<float> learner = statistics(model, "she go to school in morning .");
  const std::vector<float> native = statistics(model, "she went to the school in the morning .");
  EXPECT_GT(learner[statistic("learner_minus_native_word")], 0.0f);
  EXPECT_LT(native[statistic("learner_minus_native_word")], 0.0f);
  EXPECT_GT(learner[statistic("learner_minus_native_char")], native[statistic("learner_minus_native_char")]);
  // No machine text was given: its contrasts are 0.
  EXPECT_EQ(learner[statistic("machine_minus_native_word")], 0.0f);
  EXPECT_EQ(learner[statistic("machine_minus_native_char")], 0.0f);
}

TEST(FluencyStatistics, WithoutContrastTextTheContrastsAreZeroAndTheRestIsTheSame) {
  const FluencyModel with = train(true);
  const FluencyModel without = train(false);
  EXPECT_FALSE(without.has_contrast());
  const std::string text = "she go to school in morning .";
  std::vector<float> a = statistics(with, text), b = statistics(without, text);
  for (const char* name : {"learner_minus_native_word", "machine_minus_native_word",
                           "learner_minus_native_char", "machine_minus_native_char"}) {
    EXPECT_EQ(b[statistic(name)], 0.0f) << name;
    a[statistic(name)] = b[statistic(name)] = 0.0f;
  }
  EXPECT_EQ(a, b);  // the native models did not change
}

TEST(FluencyStatistics, ContrastTextIsOutsideTheBudgetAndEachFoldKeepsItsOwn) {
  FluencyOptions options;
  options.max_ngrams = 1000;
  FluencyTrainer trainer(options);
  trainer.add(kNative[0], "en", 0);
  trainer.add(kNative[1], "en", 1);
  const std::size_t held = trainer.held();
  for (int i = 0; i < 50; ++i) trainer.add(kLearner[0] + " " + std::to_string(i), "en", 0, FluencyText::kLearner);
  EXPECT_EQ(trainer.held(), held);
  EXPECT_EQ(trainer.pruned(), 0u);
  const FluencyModel model = trainer.finish();
  // Fold 0 learned the learner sentence; fold 1 has no learner text of English, so its contrasts are 0.
  EXPECT_GT(statistics(model, kLearner[0], 0)[statistic("learner_minus_native_word")], 0.0f);
  EXPECT_EQ(statistics(model, kLearner[0], 1)[statistic("learner_minus_native_word")], 0.0f);
}

TEST(FluencyStatistics, SharesAboveTheRankBoundsGrowAsTheBoundFallsAndUnseenRatesAsTheOrderRises) {
  const FluencyModel model = train(true);
  for (const std::string& text : {kNative[0], std::string("zebra quantum violin went to the park after lunch ."),
                                  std::string("")}) {
    const std::vector<float> s = statistics(model, text);
    for (float value : s) ASSERT_NE(value, -99.0f) << "every statistic is written";
    EXPECT_LE(s[statistic("word_share_above_1_2")], s[statistic("word_share_above_1_10")]) << text;
    EXPECT_LE(s[statistic("word_share_above_1_10")], s[statistic("word_share_above_1_100")]) << text;
    EXPECT_LE(s[statistic("word_share_above_1_100")], s[statistic("word_share_above_1_1000")]) << text;
    EXPECT_LE(s[statistic("word_share_above_1_1000")], 1.0f);
    EXPECT_LE(s[statistic("char_unseen_trigram_rate")], s[statistic("char_unseen_top_rate")]) << text;
    EXPECT_LE(s[statistic("word_logprob_p50")], s[statistic("word_logprob_p90")]) << text;
    EXPECT_GE(s[statistic("word_logprob_std")], 0.0f);
  }
  // A training sentence: every bigram seen, most words likely after their context.
  const std::vector<float> seen = statistics(model, kNative[0]);
  EXPECT_EQ(seen[statistic("word_unseen_bigram_rate")], 0.0f);
  EXPECT_GT(seen[statistic("word_share_above_1_2")], 0.5f);
  // Three words never seen: they and the word after them, four of its eleven tokens (with the end), have no
  // seen bigram.
  const std::vector<float> odd = statistics(model, "zebra quantum violin went to the park after lunch .");
  EXPECT_NEAR(odd[statistic("word_unseen_bigram_rate")], 4.0f / 11.0f, 1e-6f);
  EXPECT_LT(odd[statistic("word_logprob_p50")], seen[statistic("word_logprob_p50")]);
  EXPECT_GT(odd[statistic("word_logprob_std")], seen[statistic("word_logprob_std")]);
}

TEST(FluencyStatistics, ASerializedModelKeepsItsContrastAndServingHalf) {
  const FluencyModel model = train(true);
  const FluencyModel loaded = FluencyModel::deserialize(model.serialize(), "contrast.bin");
  EXPECT_TRUE(loaded.has_contrast());
  const FluencyModel half = FluencyModel::deserialize(model.serialize(/*serving_half=*/true), "half.bin");
  EXPECT_TRUE(half.has_contrast());
  for (const std::string& text : kLearner) {
    EXPECT_EQ(statistics(loaded, text, 1), statistics(model, text, 1)) << text;
    EXPECT_EQ(statistics(half, text), statistics(model, text)) << text;
  }
}

}  // namespace
}  // namespace sieve::tokenizer
