// The featurizer's dense channel: the style values (in one block, or one per script), then one block of
// fluency values per language.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "error_text.h"
#include "sieve/tokenizer/featurizer.h"
#include "sieve/tokenizer/style_features.h"
#include "test_models.h"

namespace sieve::tokenizer {
namespace {

using sieve::testing::error_text;
using testing::small_model;

// A fluency model of a few native sentences per language, the same ones in both folds but the last
// English one, which only fold 0 learns.
std::shared_ptr<const FluencyModel> tiny_fluency() {
  const Normalizer normalizer;
  static const std::vector<std::string> texts = [&] {
    std::vector<std::string> out;
    for (const char* text : {"the minister has answered the questions of the press",
                             "the report of the committee was published on monday",
                             "le ministre a répondu aux questions de la presse",
                             "le rapport du comité a été publié lundi", "部长回答了记者的问题",
                             "委员会的报告在星期一发表了", "the parliament voted the budget late at night"})
      out.push_back(normalizer.normalize(text));
    return out;
  }();
  const std::vector<std::string> langs = {"en", "en", "fr", "fr", "zh", "zh", "en"};
  std::vector<FluencyModel::Example> examples;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    examples.push_back({texts[i], langs[i], 0});
    if (i + 1 < texts.size()) examples.push_back({texts[i], langs[i], 1});
  }
  FluencyOptions options;
  options.buckets_log2 = 12;
  return std::make_shared<const FluencyModel>(FluencyModel::train(examples, options));
}

std::vector<float> block(const Features& f, std::size_t language) {
  const auto begin =
      f.dense.begin() + static_cast<std::ptrdiff_t>(kStyleFeatureCount + language * kFluencyFeatureCount);
  return std::vector<float>(begin, begin + static_cast<std::ptrdiff_t>(kFluencyFeatureCount));
}

bool all_zero(const std::vector<float>& values) {
  return std::all_of(values.begin(), values.end(), [](float v) { return v == 0.0f; });
}

TEST(DenseFeatures, StyleValuesAreThoseOfTheRawAndNormalizedPost) {
  FeaturizerSettings settings;
  settings.style = true;
  const Featurizer featurizer(Normalizer(), small_model(), settings);
  const std::string text = "WHY does the Minister hide the money ?? https://t.co/x";
  const Features f = featurizer.featurize(text);
  ASSERT_EQ(f.dense.size(), kStyleFeatureCount);
  std::vector<float> expected(kStyleFeatureCount);
  style_features(text, Normalizer().normalize(text), expected.data());
  EXPECT_EQ(f.dense, expected);
  EXPECT_TRUE(Featurizer(Normalizer(), small_model()).featurize(text).dense.empty());
}

TEST(DenseFeatures, StyleByScriptFillsTheChineseBlockForAChinesePostAndTheOtherForTheRest) {
  FeaturizerSettings settings;
  settings.style = true;
  settings.style_by_script = true;
  const Featurizer featurizer(Normalizer(), small_model(), settings);
  ASSERT_EQ(settings.dense_width(), 2 * kStyleFeatureCount);
  for (const std::string text : {"WHY does the Minister hide the money ??", "部长为什么隐瞒这笔钱？？ why"}) {
    const bool chinese = text.rfind("WHY", 0) != 0;
    const Features f = featurizer.featurize(text);
    ASSERT_EQ(f.dense.size(), 2 * kStyleFeatureCount);
    std::vector<float> expected(kStyleFeatureCount);
    style_features(text, Normalizer().normalize(text), expected.data());
    const auto filled = f.dense.begin() + (chinese ? kStyleFeatureCount : 0);
    const auto empty = f.dense.begin() + (chinese ? 0 : kStyleFeatureCount);
    EXPECT_EQ(std::vector<float>(filled, filled + kStyleFeatureCount), expected) << text;
    EXPECT_TRUE(all_zero(std::vector<float>(empty, empty + kStyleFeatureCount))) << text;
  }
}

TEST(DenseFeatures, StyleByScriptWithoutTheStyleValuesIsAConfigurationError) {
  FeaturizerSettings settings;
  settings.style_by_script = true;
  EXPECT_EQ(error_text([&] { settings.validate(); }),
            "config: featurizer.style_by_script: needs the style values (style)");
}

TEST(DenseFeatures, FluencyFillsTheBlockOfTheLanguageThatScoredThePost) {
  FeaturizerSettings settings;
  settings.style = true;
  settings.fluency = true;
  const Featurizer featurizer(Normalizer(), small_model(), settings, tiny_fluency());
  ASSERT_EQ(settings.dense_width(), kStyleFeatureCount + 3 * kFluencyFeatureCount);
  const Features english = featurizer.featurize("The minister answered the questions of the press.");
  ASSERT_EQ(english.dense.size(), settings.dense_width());
  EXPECT_FALSE(all_zero(block(english, 0)));
  EXPECT_TRUE(all_zero(block(english, 1)));
  EXPECT_TRUE(all_zero(block(english, 2)));
  const Features chinese = featurizer.featurize("部长回答了问题");
  EXPECT_TRUE(all_zero(block(chinese, 0)));
  EXPECT_TRUE(all_zero(block(chinese, 1)));
  EXPECT_FALSE(all_zero(block(chinese, 2)));
  EXPECT_EQ(std::string(fluency_language_name(2)), "zh");
}

TEST(DenseFeatures, StatisticsFollowTheValuesInTheBlockOfTheLanguage) {
  FeaturizerSettings settings;
  settings.fluency = true;
  settings.fluency_statistics = true;
  const Featurizer featurizer(Normalizer(), small_model(), settings, tiny_fluency());
  constexpr std::size_t kBlock = kFluencyFeatureCount + kFluencyStatisticCount;
  ASSERT_EQ(settings.dense_width(), 3 * kBlock);
  const std::string text = "部长回答了问题";
  const Features chinese = featurizer.featurize(text);
  ASSERT_EQ(chinese.dense.size(), 3 * kBlock);
  std::vector<float> expected(kBlock);
  tiny_fluency()->score(Normalizer().normalize(text), "", 0, expected.data(),
                        expected.data() + kFluencyFeatureCount);
  EXPECT_EQ(std::vector<float>(chinese.dense.begin() + 2 * kBlock, chinese.dense.end()), expected);
  EXPECT_TRUE(std::all_of(chinese.dense.begin(), chinese.dense.begin() + 2 * kBlock,
                          [](float v) { return v == 0.0f; }));
  EXPECT_TRUE(FeaturizerSettings::from_json(settings.to_json()) == settings);
  settings.fluency = false;
  EXPECT_EQ(error_text([&] { settings.validate(); }),
            "config: featurizer.fluency_statistics: needs the fluency values (fluency)");
}

TEST(DenseFeatures, TheFoldChoosesWhichHalfOfTheFluencyModelScores) {
  FeaturizerSettings settings;
  settings.fluency = true;
  const Featurizer featurizer(Normalizer(), small_model(), settings, tiny_fluency());
  FeaturizerWorkspace workspace;
  Features seen, unseen;
  const std::string text = "the parliament voted the budget late at night";  // learned by fold 0 only
  featurizer.featurize(text, seen, workspace, nullptr, 0);
  featurizer.featurize(text, unseen, workspace, nullptr, 1);
  // word_logprob_mean, the first value of the English block: higher where the sentence was learned.
  EXPECT_GT(seen.dense[0], unseen.dense[0]);
  EXPECT_EQ(featurizer.featurize(text).dense, seen.dense);  // serving scores with fold 0
}

TEST(DenseFeatures, TheServingHalfScoresAsFoldZeroInHalfTheBytes) {
  const std::shared_ptr<const FluencyModel> full = tiny_fluency();
  const FluencyModel half = FluencyModel::deserialize(full->serialize(true), "half");
  EXPECT_EQ(half.folds(), 1);
  EXPECT_LT(half.serialize().size(), full->serialize().size() * 6 / 10);
  const std::string text = Normalizer().normalize("The minister answered the press on monday.");
  std::vector<float> expected(kFluencyFeatureCount), actual(kFluencyFeatureCount);
  EXPECT_EQ(full->score(text, "", 0, expected.data()), half.score(text, "", 0, actual.data()));
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(error_text([&] { half.score(text, "", 1, actual.data()); }),
            "invalid input: fluency fold: this model keeps the serving half (fold 0) alone; cross-fitting "
            "needs the trained file");
}

TEST(DenseFeatures, FluencyWithoutAModelIsAConfigurationError) {
  FeaturizerSettings settings;
  settings.fluency = true;
  EXPECT_EQ(error_text([&] { Featurizer(Normalizer(), small_model(), settings); }),
            "config: featurizer.fluency: is on, but no fluency model was given");
}

TEST(DenseFeatures, SettingsWrittenBeforeTheDenseChannelReadAsWithoutIt) {
  FeaturizerSettings settings;
  settings.style = true;
  settings.fluency = true;
  EXPECT_TRUE(FeaturizerSettings::from_json(settings.to_json()) == settings);
  settings.style_by_script = true;
  EXPECT_TRUE(FeaturizerSettings::from_json(settings.to_json()) == settings);
  const std::string old = R"({"hash_buckets":262144,"subword_bigrams":true,"char_ngram_min":2,)"
                          R"("char_ngram_max":4,"seed":6168190})";
  const FeaturizerSettings read = FeaturizerSettings::from_json(old);
  EXPECT_FALSE(read.style);
  EXPECT_FALSE(read.style_by_script);
  EXPECT_FALSE(read.fluency);
  EXPECT_FALSE(read.fluency_statistics);
  EXPECT_EQ(read.dense_width(), 0u);
}

}  // namespace
}  // namespace sieve::tokenizer
