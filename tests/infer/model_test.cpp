// infer::Model: a model file with a real tokenizer inside, scored from raw text. The network's own math is
// checked against LibTorch elsewhere (runtime_parity_test); here, what the runtime adds around it.

#include "sieve/runtime/model.h"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>

#include "error_text.h"
#include "network_fixtures.h"
#include "runtime_model_files.h"
#include "sieve/core/json_writer.h"
#include "sieve/runtime/score_json.h"
#include "test_models.h"

namespace sieve::infer {
namespace {

using sieve::testing::error_text;
using testing::bag_parts;
using testing::kHashBuckets;
using testing::metadata;
using testing::ModelParts;
using testing::random_parameters;
using testing::small_config;
using testing::temp_path;
using testing::TensorSpec;
using testing::write;

const std::vector<std::string>& kPosts = testing::sample_posts();

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

TEST(Model, ScoresAreTheNetworkOnTheFeaturizersIdsWithEachHeadsTemperature) {
  const auto model = Model::load(write(bag_parts(), "scores.sieve"));
  ASSERT_EQ(model->output_count(), 4u);
  ScoreWorkspace workspace;
  tokenizer::Features features;
  NetworkWorkspace network_workspace;
  for (const std::string& post : kPosts) {
    model->featurizer().featurize(post, features, workspace.featurizer);
    float logits[4];
    model->network().forward({features.ids.data(), features.ids.size(), features.subword_count},
                             network_workspace, logits);
    float p[4];
    model->score(post, workspace, p);
    EXPECT_FLOAT_EQ(p[0], sigmoid(logits[0] / 2)) << post;  // the binary head's temperature is 2
    const float total = std::exp(logits[1]) + std::exp(logits[2]) + std::exp(logits[3]);
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(p[1 + c], std::exp(logits[1 + c]) / total, 1e-6) << post;
  }
}

TEST(Model, ABatchOnSeveralThreadsScoresAsOnePostAtATime) {
  const auto model = Model::load(write(bag_parts(/*hidden=*/6), "batch.sieve"));
  std::vector<std::string> texts;
  for (int i = 0; i < 600; ++i) texts.push_back(kPosts[i % kPosts.size()] + " " + std::to_string(i));
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  std::vector<float> batch(texts.size() * model->output_count());
  tbb::task_arena(2).execute([&] { model->score_batch(views, batch.data()); });
  ScoreWorkspace workspace;
  std::vector<float> one(model->output_count());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    model->score(texts[i], workspace, one.data());
    for (std::size_t o = 0; o < one.size(); ++o) ASSERT_EQ(batch[i * one.size() + o], one[o]) << i;
  }
}

// A bag model with out-of-domain statistics: row r has rarity r % 10; over all posts the quantile points
// are 0, 1, ..., 10 (so ood = rarity / 10), and English posts have points of their own, 0 and 20.
ModelParts ood_parts() {
  ModelParts parts = bag_parts();
  for (std::uint32_t r = 0; r < parts.table_size; ++r) parts.ood_rarity.push_back(static_cast<float>(r % 10));
  parts.ood_json = R"({"posts":5000,"limit":0.9,"min_subwords":3,"overall":[0,1,2,3,4,5,6,7,8,9,10],)"
                   R"("languages":{"en":[0,20]}})";
  return parts;
}

TEST(Model, OodIsTheShareOfTrainingPostsOfTheLanguageLessRareThanThePost) {
  const auto model = Model::load(write(ood_parts(), "ood.sieve"));
  const OutOfDomain* ood = model->out_of_domain();
  ASSERT_NE(ood, nullptr);
  EXPECT_EQ(ood->posts(), 5000u);
  EXPECT_DOUBLE_EQ(ood->limit(), 0.9);
  EXPECT_EQ(ood->min_subwords(), 3u);
  EXPECT_DOUBLE_EQ(ood->ood(-1.0f, "fr"), 0.0);
  EXPECT_DOUBLE_EQ(ood->ood(4.5f, "fr"), 0.45);  // between the points 4 and 5 of eleven
  EXPECT_DOUBLE_EQ(ood->ood(12.0f, "fr"), 1.0);
  EXPECT_DOUBLE_EQ(ood->ood(5.0f, "en"), 0.25);  // English posts have their own points

  std::vector<std::string_view> views(kPosts.begin(), kPosts.end());
  std::vector<float> scores(views.size() * model->output_count());
  std::vector<PostFamiliarity> familiarity(views.size());
  tbb::task_arena(2).execute([&] { model->score_batch(views, scores.data(), familiarity.data()); });
  ScoreWorkspace workspace;
  for (std::size_t i = 0; i < views.size(); ++i) {
    model->featurizer().featurize(views[i], workspace.features, workspace.featurizer);
    const tokenizer::Features& f = workspace.features;
    float sum = 0;
    for (const std::uint32_t id : f.ids) sum += static_cast<float>(id % 10);
    EXPECT_FLOAT_EQ(familiarity[i].rarity, f.ids.empty() ? 0.0f : sum / static_cast<float>(f.ids.size()));
    EXPECT_EQ(familiarity[i].subwords, f.subword_count) << views[i];
  }
  EXPECT_EQ(familiarity[3].subwords, 0u);  // the empty post

  EXPECT_EQ(Model::load(write(bag_parts(), "no-ood.sieve"))->out_of_domain(), nullptr);
}

// Every post is decided, the unfamiliar and the short ones too: "ood" is a value to read beside the
// decisions (docs/selective-prediction.md: abstaining on it did not lower the error).
TEST(ScoreJson, EveryPostIsDecidedAndCarriesItsOod) {
  const auto model = Model::load(write(ood_parts(), "ood-json.sieve"));
  const float probabilities[4] = {0.75f, 0.25f, 0.625f, 0.125f};  // exact in float and in JSON
  const auto json = [&](PostFamiliarity f) {
    JsonWriter w;
    w.begin_object();
    write_scores(w, *model, probabilities, "fr", &f);
    return w.end_object().take();
  };
  EXPECT_EQ(json({4.5f, 10}),
            R"({"scores":{"coordinated":0.75,"lang":{"en":0.25,"fr":0.625,"zh":0.125}},"ood":0.45,)"
            R"("decisions":{"coordinated":true,"lang":"fr"}})");
  EXPECT_EQ(json({9.5f, 2}),  // above the model's limit and short
            R"({"scores":{"coordinated":0.75,"lang":{"en":0.25,"fr":0.625,"zh":0.125}},"ood":0.95,)"
            R"("decisions":{"coordinated":true,"lang":"fr"}})");
  JsonWriter w;  // without the post's familiarity (or a model without statistics): no ood
  w.begin_object();
  write_scores(w, *model, probabilities, "fr");
  EXPECT_EQ(w.end_object().str().find("ood"), std::string::npos);
}

TEST(Model, MalformedOodStatisticsAreRefusedByName) {
  ModelParts parts = ood_parts();
  parts.ood_json = R"({"posts":5000,"limit":0.9,"min_subwords":3,"overall":[3,2,1],"languages":{}})";
  std::string path = write(parts, "ood-descending.sieve");
  EXPECT_EQ(error_text([&] { Model::load(path); }),
            "format: " + path + ": ood.overall: needs two or more ascending points");
  parts = ood_parts();
  parts.ood_json = R"({"posts":5000,"limit":1.5,"min_subwords":3,"overall":[0,1],"languages":{}})";
  path = write(parts, "ood-limit.sieve");
  EXPECT_EQ(error_text([&] { Model::load(path); }), "format: " + path + ": ood.limit: not in (0, 1]");
  parts = ood_parts();
  parts.ood_json = R"({"posts":5000})";
  path = write(parts, "ood-keys.sieve");
  EXPECT_EQ(error_text([&] { Model::load(path); }),
            "format: " + path + ": ood: needs posts, limit, min_subwords, overall and languages");
  parts = ood_parts();
  parts.ood_rarity.pop_back();
  path = write(parts, "ood-rows.sieve");
  EXPECT_NE(error_text([&] { Model::load(path); }).find("ood.rarity"), std::string::npos);
}

// The trainer stores its probabilities at temperature 1; the file's binary head has temperature 2, as
// after `sieve calibrate`, which must not make the model fail its self-test.
TEST(Model, SelfTestPassesOnTheStoredProbabilitiesAndCatchesADrift) {
  ModelParts parts = bag_parts();
  ASSERT_NE(parts.temperature, 1.0);
  double calibrated_difference = 0;
  {
    const auto model = Model::load(write(parts, "reference.sieve"));
    ScoreWorkspace workspace;
    for (const std::string& post : kPosts) {
      float z[4], p[4], scored[4];
      model->logits(post, workspace, z);
      model->probabilities(z, p, /*calibrated=*/false);
      model->score(post, workspace, scored);
      calibrated_difference = std::max(calibrated_difference, std::fabs(double(scored[0]) - p[0]));
      parts.self_test.push_back({post, std::vector<double>(p, p + 4)});
    }
  }
  EXPECT_GT(calibrated_difference, 0.01) << "the temperature should move the binary head's scores";
  const SelfTestResult good = Model::load(write(parts, "good.sieve"))->self_test();
  EXPECT_EQ(good.samples, kPosts.size());
  EXPECT_TRUE(good.passed());
  EXPECT_LT(good.max_difference, 1e-6);

  parts.self_test[2].second[3] += 0.01;  // a trainer that computed something else for sample 2
  const SelfTestResult drifted = Model::load(write(parts, "drifted.sieve"))->self_test();
  EXPECT_FALSE(drifted.passed());
  EXPECT_EQ(drifted.worst_sample, 2u);
  EXPECT_NEAR(drifted.max_difference, 0.01, 1e-6);
}

TEST(Model, LoadNamesWhatDisagrees) {
  ModelParts sizes = bag_parts();
  sizes.table_size += 1;
  sizes.config.table_size += 1;
  sizes.tensors = random_parameters(sizes.config, 11);
  const std::string sizes_path = write(sizes, "sizes.sieve");
  EXPECT_EQ(error_text([&] { Model::load(sizes_path); }),
            "format: " + sizes_path + ": the tokenizer gives " + std::to_string(sizes.config.vocab_size) +
                " subwords and " + std::to_string(sizes.config.table_size - 1) +
                " table rows, the model expects " + std::to_string(sizes.config.vocab_size) + " and " +
                std::to_string(sizes.config.table_size));

  ModelParts garbage = bag_parts();
  garbage.tokenizer = "not a sentencepiece model";
  const std::string garbage_path = write(garbage, "garbage.sieve");
  const std::string error = error_text([&] { Model::load(garbage_path); });
  EXPECT_EQ(error.rfind("format: " + garbage_path + ": tokenizer: ", 0), 0u) << error;

  ModelParts missing = bag_parts();
  missing.tensors.erase(missing.tensors.begin());  // bag.weight
  const std::string missing_path = write(missing, "missing.sieve");
  EXPECT_NE(error_text([&] { Model::load(missing_path); }).find("bag.weight"), std::string::npos);
}

TEST(Model, ExplainRanksSpansOfTheNormalizedPost) {
  const auto model = Model::load(write(bag_parts(), "explain.sieve"));
  ScoreWorkspace workspace;
  const std::string post = "The PRIME minister stole the money";
  const std::string normalized = model->featurizer().normalizer().normalize(post);
  const auto spans = model->explain(post, 0, 3, workspace);
  ASSERT_EQ(spans.size(), 3u);
  for (std::size_t i = 0; i < spans.size(); ++i) {
    EXPECT_EQ(normalized.substr(spans[i].begin, spans[i].end - spans[i].begin), spans[i].text);
    EXPECT_EQ(spans[i].text.find(' '), std::string::npos);
    if (i > 0) {
      EXPECT_GE(std::fabs(spans[i - 1].logit_change), std::fabs(spans[i].logit_change));
    }
  }
  // Leaving out the top span moves the logit by exactly its change.
  float full[4], without[4];
  model->logits(normalized, workspace, full);
  const std::string rest = normalized.substr(0, spans[0].begin) + " " + normalized.substr(spans[0].end);
  model->logits(rest, workspace, without);
  EXPECT_NEAR(full[0] - without[0], spans[0].logit_change, 1e-5);

  // Chinese is written without spaces: its spans are pieces of the sentence, not the whole of it.
  const auto chinese = model->explain("这个总理隐瞒了真相", 0, 10, workspace);
  ASSERT_GT(chinese.size(), 1u);
  for (const auto& span : chinese) EXPECT_LT(span.text.size(), std::string("这个总理隐瞒了真相").size());
  EXPECT_EQ(error_text([&] { model->explain(post, 2, 3, workspace); }),
            "invalid input: explain: no such head");
}

}  // namespace
}  // namespace sieve::infer
