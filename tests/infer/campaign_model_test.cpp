// Campaign models beside a base model's head (sieve/runtime/campaign_model.h): how a loaded model's logits
// move by a campaign's gate, how they are stored in model.sieve, and which stored campaigns load refuses.

#include "sieve/runtime/campaign_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "error_text.h"
#include "network_fixtures.h"
#include "runtime_model_files.h"
#include "sieve/runtime/model.h"

namespace sieve::infer {
namespace {

using sieve::testing::error_text;
using testing::bag_parts;
using testing::ModelParts;
using testing::temp_path;
using testing::write;

const std::vector<std::string>& kPosts = testing::sample_posts();

// The campaign's score weight of feature row r, and its gate weight.
float score_row(std::size_t r) { return 0.05f * static_cast<float>(r % 13) - 0.3f; }
float gate_row(std::size_t r) { return 0.01f * static_cast<float>(r % 5); }

const std::string& base_path() {
  static const std::string path = write(bag_parts(), "campaign-base.sieve");
  return path;
}

std::size_t table_size() { return bag_parts().table_size; }

CampaignModel campaign(const std::string& head, float gate_bias, float score_bias = 1.25f,
                       std::size_t dense_width = 0) {
  CampaignInfo info{"spring-2026", head, 120, 40, 500, "2026-03-01T00:00:00Z", R"({"roc_auc":0.9})"};
  CampaignModel c(info, table_size(), dense_width);
  for (std::size_t r = 0; r < c.table_size(); ++r) {
    c.score_rows()[r] = score_row(r);
    c.gate_rows()[r] = gate_row(r);
  }
  c.base_weight = 0.5f;
  c.score_bias = score_bias;
  c.gate_bias = gate_bias;
  return c;
}

// The base model file with these campaigns, written to name.
std::string with_campaigns(const std::vector<CampaignModel>& campaigns, const std::string& name) {
  const std::string path = temp_path(name);
  write_with_campaigns(ModelFile::open(base_path()), campaigns, path);
  return path;
}

// The campaign's logit of a post, computed here from score_row: each block's rows summed over the square
// root of its length, plus the stacked base logit and the bias.
float expected_logit(const tokenizer::Features& f, float base, float score_bias) {
  const std::size_t bounds[4] = {0, f.subword_count, std::size_t{f.subword_count} + f.bigram_count,
                                 f.ids.size()};
  double z = 0.5 * base + score_bias;
  for (int b = 0; b < 3; ++b) {
    if (bounds[b + 1] <= bounds[b]) continue;
    double sum = 0;
    for (std::size_t i = bounds[b]; i < bounds[b + 1]; ++i) sum += score_row(f.ids[i]);
    z += sum / std::sqrt(static_cast<double>(bounds[b + 1] - bounds[b]));
  }
  return static_cast<float>(z);
}

struct PostLogits {
  tokenizer::Features features;
  float network[4], scored[4];
};

PostLogits logits_of(const Model& model, const std::string& post) {
  PostLogits out;
  ScoreWorkspace workspace;
  model.featurizer().featurize(post, out.features, workspace.featurizer);
  model.network_logits(out.features, workspace, out.network);
  model.logits(post, workspace, out.scored);
  return out;
}

TEST(CampaignModel, AClosedGateLeavesEveryLogitAsTheNetworkComputesIt) {
  for (const float gate_bias : {-1.0f, -50.0f}) {
    CampaignModel closed = campaign("coordinated", gate_bias);
    if (gate_bias == -1.0f) std::fill(closed.gate_rows().begin(), closed.gate_rows().end(), 0.0f);
    const auto model = Model::load(with_campaigns({closed}, "closed.sieve"));
    ASSERT_EQ(model->campaigns().size(), 1u);
    for (const std::string& post : kPosts) {
      const PostLogits l = logits_of(*model, post);
      for (int o = 0; o < 4; ++o) EXPECT_EQ(l.scored[o], l.network[o]) << post << " output " << o;
      EXPECT_NE(expected_logit(l.features, l.network[0], 1.25f), l.network[0]);  // the campaign disagrees
    }
  }
}

TEST(CampaignModel, AnOpenGateGivesTheCampaignsLogitAndNeverChangesOtherHeads) {
  const auto model = Model::load(with_campaigns({campaign("coordinated", 50.0f)}, "open.sieve"));
  for (const std::string& post : kPosts) {
    const PostLogits l = logits_of(*model, post);
    EXPECT_NEAR(l.scored[0], expected_logit(l.features, l.network[0], 1.25f), 1e-4) << post;
    EXPECT_GT(std::fabs(l.scored[0] - l.network[0]), 0.1f) << post;
    for (int o = 1; o < 4; ++o) EXPECT_EQ(l.scored[o], l.network[o]) << post << " output " << o;
  }
}

TEST(CampaignModel, AGateBetweenMovesTheLogitPartWayAndCampaignsOfAHeadAverageByGate) {
  // Gate rows of zero: gate = 0.5 + 0.5 · bias, so 0 gives 0.5 and -0.5 gives 0.25.
  std::vector<CampaignModel> campaigns = {
      campaign("coordinated", 0.0f, 1.0f), campaign("coordinated", -0.5f, -2.0f),
      campaign("coordinated", 50.0f, 3.0f), campaign("coordinated", 50.0f, -1.0f)};
  for (CampaignModel& c : campaigns) std::fill(c.gate_rows().begin(), c.gate_rows().end(), 0.0f);
  const auto half = Model::load(with_campaigns({campaigns[0]}, "half.sieve"));
  const auto partial = Model::load(with_campaigns({campaigns[0], campaigns[1]}, "partial.sieve"));
  const auto both_open = Model::load(with_campaigns({campaigns[2], campaigns[3]}, "both-open.sieve"));
  for (const std::string& post : kPosts) {
    const PostLogits h = logits_of(*half, post);
    const float base = h.network[0];
    const float c1 = expected_logit(h.features, base, 1.0f), c2 = expected_logit(h.features, base, -2.0f);
    EXPECT_NEAR(h.scored[0], base + 0.5f * (c1 - base), 1e-4) << post;
    // Gates summing to 0.75 (under 1) are not scaled up: the base keeps a quarter.
    EXPECT_NEAR(logits_of(*partial, post).scored[0], base + 0.5f * (c1 - base) + 0.25f * (c2 - base), 1e-4);
    const float c3 = expected_logit(h.features, base, 3.0f), c4 = expected_logit(h.features, base, -1.0f);
    const PostLogits o = logits_of(*both_open, post);
    EXPECT_NEAR(o.scored[0], (c3 + c4) / 2, 1e-4) << post;
    for (int k = 1; k < 4; ++k) EXPECT_EQ(o.scored[k], o.network[k]);
  }
}

TEST(CampaignModel, SelfTestChecksTheNetworkAloneWhileACampaignMovesTheScores) {
  ModelParts parts = bag_parts();
  {
    const auto reference = Model::load(write(parts, "campaign-self-test-reference.sieve"));
    ScoreWorkspace workspace;
    for (const std::string& post : kPosts) {
      float z[4], p[4];
      reference->logits(post, workspace, z);
      reference->probabilities(z, p, /*calibrated=*/false);
      parts.self_test.push_back({post, std::vector<double>(p, p + 4)});
    }
  }
  const std::string path = temp_path("campaign-self-test.sieve");
  write_with_campaigns(ModelFile::open(write(parts, "campaign-self-test-base.sieve")),
                       {campaign("coordinated", 50.0f)}, path);
  const auto model = Model::load(path);
  const SelfTestResult result = model->self_test();
  EXPECT_EQ(result.samples, kPosts.size());
  EXPECT_TRUE(result.passed());
  EXPECT_LT(result.max_difference, 1e-6);
  ScoreWorkspace workspace;
  float z[4], p[4];
  model->logits(kPosts[0], workspace, z);
  model->probabilities(z, p, /*calibrated=*/false);
  EXPECT_GT(std::fabs(p[0] - parts.self_test[0].second[0]), 0.01);  // what a self-test of scores would fail
}

void expect_same(CampaignModel a, CampaignModel b) {
  EXPECT_EQ(a.info().name, b.info().name);
  EXPECT_EQ(a.info().head, b.info().head);
  EXPECT_EQ(a.info().posts, b.info().posts);
  EXPECT_EQ(a.info().positives, b.info().positives);
  EXPECT_EQ(a.info().background, b.info().background);
  EXPECT_EQ(a.info().trained_at, b.info().trained_at);
  EXPECT_EQ(a.info().held_back_json, b.info().held_back_json);
  EXPECT_EQ(a.base_weight, b.base_weight);
  EXPECT_EQ(a.score_bias, b.score_bias);
  EXPECT_EQ(a.gate_bias, b.gate_bias);
  EXPECT_EQ(a.score_rows(), b.score_rows());
  EXPECT_EQ(a.gate_rows(), b.gate_rows());
  EXPECT_EQ(a.dense_mean(), b.dense_mean());
  EXPECT_EQ(a.dense_scale(), b.dense_scale());
  EXPECT_EQ(a.score_dense(), b.score_dense());
  EXPECT_EQ(a.gate_dense(), b.gate_dense());
}

std::vector<CampaignModel> dense_campaigns() {
  CampaignModel first = campaign("coordinated", 0.1f, 1.0f / 3.0f, 3);
  first.base_weight = 0.7f;
  first.dense_mean() = {0.1f, -2.5f, 1e-7f};
  first.dense_scale() = {3.0f, 0.25f, 1.0f / 7.0f};
  first.score_dense() = {-0.3f, 0.0f, 1e5f};
  first.gate_dense() = {2.0f / 3.0f, -1e-3f, 0.5f};
  CampaignInfo info{"autumn", "coordinated", 33, 7, 0, "2026-10-01T12:00:00Z", "{}"};
  CampaignModel second(info, table_size(), 3);
  second.score_rows()[5] = -1.5f;
  second.gate_bias = 30.0f;
  return {first, second};
}

TEST(CampaignModel, WriteThenReadGivesIdenticalParametersAndKeepsTheBaseFile) {
  const std::vector<CampaignModel> campaigns = dense_campaigns();
  const std::string path = with_campaigns(campaigns, "round-trip.sieve");
  const ModelFile base = ModelFile::open(base_path());
  const ModelFile file = ModelFile::open(path);
  const std::vector<CampaignModel> read = read_campaigns(file, table_size(), 3);
  ASSERT_EQ(read.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) expect_same(read[k], campaigns[k]);
  EXPECT_EQ(file.metadata(kCampaignsMetadataKey), campaigns_json(campaigns));
  EXPECT_EQ(file.metadata("sieve"), base.metadata("sieve"));
  for (const Tensor& t : base.tensors()) {
    const Tensor& copy = file.tensor(t.name);
    ASSERT_EQ(copy.bytes, t.bytes) << t.name;
    EXPECT_EQ(std::memcmp(copy.data, t.data, t.bytes), 0) << t.name;
  }
  for (const char* name : {"campaign.0.rows", "campaign.0.dense", "campaign.1.rows", "campaign.1.dense"}) {
    EXPECT_NE(file.find(name), nullptr) << name;
  }
  EXPECT_EQ(file.tensors().size(), base.tensors().size() + 4);
  EXPECT_TRUE(read_campaigns(base, table_size(), 3).empty());
}

TEST(CampaignModel, ReplacingCampaignsDropsTheOldTensorsAndNoneRemovesTheEntry) {
  const std::string two =
      with_campaigns({campaign("coordinated", 0.0f), campaign("coordinated", 1.0f)}, "two.sieve");
  const std::string one = temp_path("one.sieve");
  write_with_campaigns(ModelFile::open(two), {campaign("coordinated", 2.0f)}, one);
  {
    const ModelFile file = ModelFile::open(one);
    EXPECT_NE(file.find("campaign.0.rows"), nullptr);
    EXPECT_EQ(file.find("campaign.1.rows"), nullptr);
    const auto read = read_campaigns(file, table_size(), 0);
    ASSERT_EQ(read.size(), 1u);
    EXPECT_EQ(read[0].gate_bias, 2.0f);
  }
  const std::string none = temp_path("none.sieve");
  write_with_campaigns(ModelFile::open(two), {}, none);
  const ModelFile file = ModelFile::open(none);
  const ModelFile base = ModelFile::open(base_path());
  EXPECT_EQ(file.metadata().count(kCampaignsMetadataKey), 0u);
  EXPECT_EQ(file.metadata(), base.metadata());
  EXPECT_EQ(file.names(), base.names());
  const auto model = Model::load(none);
  EXPECT_TRUE(model->campaigns().empty());
  const PostLogits l = logits_of(*model, kPosts[0]);
  for (int o = 0; o < 4; ++o) EXPECT_EQ(l.scored[o], l.network[o]);
}

// The file at from, rewritten to name with its "campaigns" entry set to json, and campaign.0.rows
// replaced by rows (shape {2, rows.size() / 2}) when rows are given.
std::string rewrite(const std::string& from, const std::string& json, const std::string& name,
                    const std::vector<float>& rows = {}) {
  const ModelFile file = ModelFile::open(from);
  ModelFileWriter writer;
  for (const auto& [key, value] : file.metadata())
    writer.set_metadata(key, key == kCampaignsMetadataKey ? json : value);
  writer.add_tensors_of(file, [&](const Tensor& t) { return rows.empty() || t.name != "campaign.0.rows"; });
  if (!rows.empty()) {
    writer.add_tensor("campaign.0.rows", DType::kF32, {2, static_cast<std::int64_t>(rows.size() / 2)},
                      rows.data(), rows.size() * sizeof(float));
  }
  const std::string path = temp_path(name);
  writer.write(path);
  return path;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

std::string load_error(const std::string& path) {
  return error_text([&] { Model::load(path); });
}

TEST(CampaignModel, LoadRefusesMalformedCampaignMetadataByName) {
  const std::string good = with_campaigns({campaign("coordinated", 0.0f)}, "good.sieve");
  const std::string json = campaigns_json({campaign("coordinated", 0.0f)});
  ASSERT_EQ(load_error(good), "no error");

  std::string path =
      rewrite(good, replaced(json, R"("gate_bias":)", R"("extra":1,"gate_bias":)"), "unknown.sieve");
  EXPECT_EQ(load_error(path), "format: " + path + ": campaigns: unknown key 'campaigns[0].extra'");
  path =
      rewrite(good, replaced(json, R"({"campaigns":)", R"({"version":2,"campaigns":)"), "unknown-top.sieve");
  EXPECT_EQ(load_error(path), "format: " + path + ": campaigns: unknown key 'version'");
  path = rewrite(good, replaced(json, R"(,"gate_bias":0)", ""), "missing.sieve");
  EXPECT_EQ(load_error(path), "format: " + path + ": campaigns: missing key 'campaigns[0].gate_bias'");
  path = rewrite(good, R"({"campaigns":[1]})", "not-object.sieve");
  EXPECT_EQ(load_error(path), "format: " + path + ": campaigns: an entry that is not an object");
  path = rewrite(good, json.substr(0, json.size() / 2), "truncated.sieve");
  EXPECT_EQ(load_error(path), "format: " + path + ": campaigns: not a JSON object");
  path = rewrite(good, replaced(json, R"("posts":120)", R"("posts":-1)"), "negative.sieve");
  EXPECT_EQ(load_error(path),
            "format: " + path + ": campaigns: campaigns[0].posts: not a non-negative integer");
}

TEST(CampaignModel, LoadRefusesNonFiniteValuesAndTensorsOfTheWrongSize) {
  CampaignModel nan_weight = campaign("coordinated", 0.0f);
  nan_weight.base_weight = std::numeric_limits<float>::quiet_NaN();
  std::string path = with_campaigns({nan_weight}, "nan-weight.sieve");
  EXPECT_EQ(load_error(path), "format: " + path + ": campaigns: campaigns[0].base_weight: not a number");

  const std::string good = with_campaigns({campaign("coordinated", 0.0f)}, "good-rows.sieve");
  const std::string json = campaigns_json({campaign("coordinated", 0.0f)});
  path = rewrite(good, replaced(json, R"("score_bias":1.25)", R"("score_bias":1e999)"), "huge.sieve");
  const std::string huge = load_error(path);
  EXPECT_EQ(huge.rfind("format: " + path + ": campaigns: ", 0), 0u) << huge;

  std::vector<float> rows(2 * table_size(), 0.25f);
  rows[table_size() + 3] = std::numeric_limits<float>::infinity();  // a gate row
  path = rewrite(good, json, "inf-row.sieve", rows);
  EXPECT_EQ(load_error(path),
            "format: " + path + ": campaigns: campaign 'spring-2026': a value is not finite");
  rows[table_size() + 3] = 0;
  rows[7] = std::numeric_limits<float>::quiet_NaN();  // a score row
  path = rewrite(good, json, "nan-row.sieve", rows);
  EXPECT_EQ(load_error(path),
            "format: " + path + ": campaigns: campaign 'spring-2026': a value is not finite");

  rows.assign(2 * (table_size() - 1), 0.0f);
  path = rewrite(good, json, "short-rows.sieve", rows);
  const std::string n = std::to_string(table_size());
  EXPECT_EQ(load_error(path), "format: " + path + ": tensor 'campaign.0.rows' has shape [2," +
                                  std::to_string(table_size() - 1) + "], expected [2," + n + "]");
  const std::string two = replaced(json, "]}", "," + json.substr(json.find('[') + 1));
  path = rewrite(good, two, "missing-tensor.sieve");
  const std::string missing = load_error(path);
  EXPECT_EQ(missing.rfind("format: " + path + ": ", 0), 0u) << missing;
  EXPECT_NE(missing.find("campaign.1.rows"), std::string::npos) << missing;
}

TEST(CampaignModel, ReadRefusesADenseTensorOfTheWrongWidthOrWithANonFiniteValue) {
  std::vector<CampaignModel> campaigns = dense_campaigns();
  std::string path = with_campaigns(campaigns, "dense.sieve");
  EXPECT_EQ(error_text([&] { read_campaigns(ModelFile::open(path), table_size(), 4); }),
            "format: " + path + ": tensor 'campaign.0.dense' has shape [4,3], expected [4,4]");
  campaigns[1].dense_scale()[2] = std::numeric_limits<float>::infinity();
  path = with_campaigns(campaigns, "dense-inf.sieve");
  EXPECT_EQ(error_text([&] { read_campaigns(ModelFile::open(path), table_size(), 3); }),
            "format: " + path + ": campaigns: campaign 'autumn': a value is not finite");
}

TEST(CampaignModel, LoadRefusesACampaignOfAHeadThatIsMissingOrNotBinary) {
  for (const std::string head : {"lang", "spam"}) {
    const std::string path =
        with_campaigns({campaign("coordinated", 0.0f), campaign(head, 0.0f)}, head + ".sieve");
    EXPECT_EQ(load_error(path), "format: " + path + ": campaign 'spring-2026' belongs to '" + head +
                                    "', which is not a binary head of the model");
  }
}

}  // namespace
}  // namespace sieve::infer
