#include "sieve/format/model_metadata.h"

#include <gtest/gtest.h>

#include "error_text.h"

namespace sieve::infer {
namespace {

using sieve::testing::error_text;

ModelConfig two_head_config() {
  ModelConfig config;
  config.table_size = 1000;
  config.vocab_size = 200;
  config.heads = {{"coordinated", 2}, {"lang", 3}};
  return config;
}

const std::string kHeads = R"([
    {"name":"coordinated","kind":"binary","labels":["0","1"],"threshold":0.4,"temperature":1},
    {"name":"lang","kind":"multiclass","labels":["en","fr","zh"],"threshold":0.5,"temperature":1}])";

// A document as the exporter writes it, with a replaceable piece.
std::string document(
    const std::string& heads = kHeads, const std::string& version = "1",
    const std::string& self_test = R"([{"text":"hi","probabilities":[0.25,[0.5,0.3,0.2]]}])") {
  return R"({"format_version":)" + version + R"(,"model":)" + two_head_config().to_json() + R"(,"heads":)" +
         heads +
         R"(,"normalizer":{"nfkc":true},"featurizer":{"hash_buckets":800},"vocab_size":200,"table_size":1000,)"
         R"("provenance":{"created_by":"test"},"self_test":)" +
         self_test + "}";
}

TEST(ModelMetadata, ParsesHeadsSettingsAndSelfTest) {
  const ModelMetadata meta = ModelMetadata::parse(document(), "m.sieve");
  ASSERT_EQ(meta.heads.size(), 2u);
  EXPECT_TRUE(meta.heads[0].binary);
  EXPECT_DOUBLE_EQ(meta.heads[0].threshold, 0.4);
  EXPECT_EQ(meta.heads[1].labels, (std::vector<std::string>{"en", "fr", "zh"}));
  EXPECT_EQ(meta.heads[1].outputs(), 3);
  EXPECT_EQ(meta.normalizer_json, R"({"nfkc":true})");
  EXPECT_EQ(meta.featurizer_json, R"({"hash_buckets":800})");
  ASSERT_EQ(meta.self_test.size(), 1u);
  EXPECT_EQ(meta.self_test[0].probabilities, (std::vector<double>{0.25, 0.5, 0.3, 0.2}));
  EXPECT_EQ(meta.model, two_head_config());
}

TEST(ModelMetadata, NamesTheKeyThatIsWrong) {
  EXPECT_EQ(error_text([] { ModelMetadata::parse(document(kHeads, "2"), "m.sieve"); }),
            "format: m.sieve: metadata format_version: version 2, this build reads version 1");
  EXPECT_EQ(error_text([] { ModelMetadata::parse("{not json", "m.sieve"); }),
            "format: m.sieve: metadata document: not valid JSON");
  EXPECT_EQ(error_text([] {
              ModelMetadata::parse(document(R"([{"name":"coordinated","kind":"binary","labels":["0","1"],
                 "threshold":0.4,"temperature":1}])"),
                                   "m.sieve");
            }),
            "format: m.sieve: metadata heads: 1 heads, the model has 2");
  EXPECT_EQ(error_text([] {
              ModelMetadata::parse(document(R"([
                {"name":"coordinated","kind":"binary","labels":["0","1"],"threshold":1.5,"temperature":1},
                {"name":"lang","kind":"multiclass","labels":["en","fr","zh"],"threshold":0.5,"temperature":1}])"),
                                   "m.sieve");
            }),
            "format: m.sieve: metadata heads[0].threshold: not in [0, 1]");
  EXPECT_EQ(error_text([] {
              ModelMetadata::parse(document(R"([
                {"name":"coordinated","kind":"binary","labels":["0","1"],"threshold":0.5,"temperature":0},
                {"name":"lang","kind":"multiclass","labels":["en","fr"],"threshold":0.5,"temperature":1}])"),
                                   "m.sieve");
            }),
            "format: m.sieve: metadata heads[0].temperature: not a positive finite number");
  EXPECT_EQ(error_text([] {
              ModelMetadata::parse(document(kHeads, "1", R"([{"text":"hi","probabilities":[0.25]}])"),
                                   "m.sieve");
            }),
            "format: m.sieve: metadata self_test[0].probabilities: 1 values, the heads have 4 outputs");
  EXPECT_EQ(error_text([] {
              ModelMetadata::parse(document(R"([
                {"name":"lang","kind":"binary","labels":["0","1"],"threshold":0.5,"temperature":1},
                {"name":"lang","kind":"multiclass","labels":["en","fr","zh"],"threshold":0.5,"temperature":1}])"),
                                   "m.sieve");
            }),
            "format: m.sieve: metadata heads[0].name: 'lang' but the model's head is 'coordinated'");
}

TEST(ModelMetadata, HeadSettingsAreReplacedAndEverythingElseKept) {
  ModelMetadata meta = ModelMetadata::parse(document(), "m.sieve");
  meta.heads[0].temperature = 1.75;
  meta.heads[1].temperature = 0.5;
  meta.heads[0].threshold = 0.625;
  const std::string updated = with_head_settings(document(), meta.heads, "m.sieve");
  const ModelMetadata reread = ModelMetadata::parse(updated, "m.sieve");
  EXPECT_DOUBLE_EQ(reread.heads[0].temperature, 1.75);
  EXPECT_DOUBLE_EQ(reread.heads[1].temperature, 0.5);
  EXPECT_DOUBLE_EQ(reread.heads[0].threshold, 0.625);
  EXPECT_EQ(reread.self_test[0].probabilities, meta.self_test[0].probabilities);
  EXPECT_NE(updated.find(R"("provenance":{"created_by":"test"})"), std::string::npos) << updated;

  meta.heads[1].name = "other";
  EXPECT_EQ(error_text([&] { with_head_settings(document(), meta.heads, "m.sieve"); }),
            "format: m.sieve: metadata heads[1]: 'other' is not the model's head 'lang'");
}

TEST(ModelMetadata, OrganicThresholdsRoundTripAndDecideByLanguage) {
  ModelMetadata meta = ModelMetadata::parse(document(), "m.sieve");
  EXPECT_EQ(meta.heads[0].organic_max_fpr, 0.0) << "a model the trainer wrote has no organic calibration";
  EXPECT_EQ(organic_json(meta.heads[0]), "null");
  HeadInfo& head = meta.heads[0];
  head.organic_max_fpr = 0.01;
  head.threshold = 0.8;
  head.organic = {0.8, 5000, 48, 0.0096, 0.0127};
  head.language_thresholds["zh"] = {0.93, 1200, 12, 0.01, 0.0174};
  const ModelMetadata reread =
      ModelMetadata::parse(with_head_settings(document(), meta.heads, "m.sieve"), "m.sieve");
  const HeadInfo& back = reread.heads[0];
  EXPECT_DOUBLE_EQ(back.organic_max_fpr, 0.01);
  EXPECT_EQ(back.organic.posts, 5000u);
  EXPECT_EQ(back.organic.flagged, 48u);
  EXPECT_DOUBLE_EQ(back.organic.fpr_upper, 0.0127);
  ASSERT_EQ(back.language_thresholds.size(), 1u);
  EXPECT_DOUBLE_EQ(back.threshold_for("zh"), 0.93);
  EXPECT_DOUBLE_EQ(back.threshold_for("en"), 0.8);
  EXPECT_DOUBLE_EQ(back.threshold_for(""), 0.8);

  head.language_thresholds["zh"].flagged = 2000;
  EXPECT_EQ(error_text([&] {
              ModelMetadata::parse(with_head_settings(document(), meta.heads, "m.sieve"), "m.sieve");
            }),
            "format: m.sieve: metadata heads[0].organic.languages.zh.flagged: more than its posts");
}

}  // namespace
}  // namespace sieve::infer
