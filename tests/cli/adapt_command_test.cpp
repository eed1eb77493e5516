// sieve adapt --fine-tune and sieve adapt --suggest on the bag model trained on the corpus, run as a user
// runs them (the campaign model, sieve adapt's default: campaign_adapt_test.cpp).

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "corpus.h"
#include "run_sieve.h"
#include "sieve/core/metrics.h"
#include "trained_model.h"

namespace sieve::testing {
namespace {

// Up to `per_source` dev posts of each source, in file order, as JSON lines with a new head "campaign":
// 1 for the sources named positive.
std::string campaign_posts(const std::map<std::string, bool>& sources, std::size_t per_source) {
  std::ifstream in(corpus_dir() + "/dev.jsonl");
  simdjson::dom::parser parser;
  std::map<std::string, std::size_t> taken;
  std::string out;
  for (std::string line; std::getline(in, line);) {
    const simdjson::dom::element post = parser.parse(line);
    const std::string source{std::string_view(post["source"])};
    const auto it = sources.find(source);
    if (it == sources.end() || taken[source]++ >= per_source) continue;
    line.pop_back();  // the closing brace
    out += line + ",\"campaign\":" + (it->second ? "1" : "0") + "}\n";
  }
  return out;
}

std::string write(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

// ROC-AUC of one head of `sieve score` output over posts labelled by `positive` (id → label).
double score_roc_auc(const std::string& scores, const std::string& head,
                     const std::map<std::string, bool>& labels) {
  simdjson::dom::parser parser;
  std::vector<metrics::Scored> scored;
  std::istringstream in(scores);
  for (std::string line; std::getline(in, line);) {
    const simdjson::dom::element row = parser.parse(line);
    const auto it = labels.find(std::string(std::string_view(row["id"])));
    if (it != labels.end()) scored.push_back({double(row["scores"][head]), it->second});
  }
  return metrics::roc_auc(scored);
}

class AdaptCommand : public WithTrainedModel {};

TEST_F(AdaptCommand, LearnsANewHeadFromAFewHundredPostsWithoutForgettingTheOthers) {
  const std::string dir = scratch_dir("adapt_new_head");
  // The new campaign: 120 posts of IRA accounts against 120 ordinary tweets and verified accounts' posts.
  const std::string labelled = write(
      dir, "labelled.jsonl", campaign_posts({{"ira", true}, {"tweeteval", false}, {"verified", false}}, 120));
  const std::string adapted = dir + "/adapted.sieve";
  const RunResult r = run_sieve("adapt --fine-tune " + model_ + " " + labelled + " --head campaign --replay " +
                                model_dir_ + "/train -o " + adapted + " --threads 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("held back by group"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("learning rates tried"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("campaign       all"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(adapted + ".work")) << "the work folder is removed";

  simdjson::dom::parser parser;
  const simdjson::dom::element report = parser.load(adapted + ".json");
  // The base model's own training settings reach every run (and its left-out sources are not replayed).
  EXPECT_NE(std::string_view(report["base_settings"]).find("seed = 7"), std::string_view::npos);
  const std::uint64_t train = report["posts"]["train"], held_back = report["posts"]["held_back"];
  EXPECT_EQ(train + held_back, 360u);
  EXPECT_NEAR(static_cast<double>(held_back), 72, 20);
  EXPECT_EQ(std::uint64_t(report["posts"]["replayed"]), 3 * train);  // three replayed per labelled post
  const auto runs = report["runs"].get_array();
  ASSERT_EQ(runs.size(), 3u);
  const std::uint64_t chosen = report["chosen"];
  for (const auto run : runs)
    EXPECT_LE(double(run["held_back_roc_auc"]), double(runs.at(chosen)["held_back_roc_auc"]));
  const auto all = report["held_back"]["rows"].at(0);
  EXPECT_EQ(std::string_view(all["head"]), "campaign");
  EXPECT_TRUE(all["roc_auc_before"].is_null()) << "the base model has no campaign head";
  EXPECT_GT(double(all["roc_auc_after"]), 0.8);  // about 70 held-back posts of about 20 accounts

  // Other posts of the same sources: the new head ranks them, the coordinated head still does.
  const std::string others = campaign_posts({{"ira", true}, {"tweeteval", false}}, 400);
  std::map<std::string, bool> labels;
  std::istringstream in(others);
  for (std::string line; std::getline(in, line);) {
    const simdjson::dom::element post = parser.parse(line);
    labels[std::string(std::string_view(post["id"]))] = std::int64_t(post["campaign"]) == 1;
  }
  const std::string posts = write(dir, "others.jsonl", others);
  const RunResult base_scores = run_sieve("score " + model_ + " " + posts);
  const RunResult adapted_scores = run_sieve("score " + adapted + " " + posts);
  ASSERT_EQ(adapted_scores.exit_code, 0) << adapted_scores.err;
  EXPECT_GT(score_roc_auc(adapted_scores.out, "campaign", labels), 0.85);
  EXPECT_GT(score_roc_auc(adapted_scores.out, "coordinated", labels),
            score_roc_auc(base_scores.out, "coordinated", labels) - 0.05);
}

TEST_F(AdaptCommand, RefusesPostsThatCannotBeHeldBackOrLackAClass) {
  const std::string dir = scratch_dir("adapt_refusals");
  std::string one_account;
  for (int i = 0; i < 20; ++i) {
    one_account += R"({"id":"p)" + std::to_string(i) + R"(","text":"post )" + std::to_string(i) +
                   R"(","group":"acct","campaign":)" + std::to_string(i % 2) + "}\n";
  }
  const std::string path = write(dir, "one_account.jsonl", one_account);
  RunResult r = run_sieve("adapt --fine-tune " + model_ + " " + path + " --head campaign -o " + dir + "/a.sieve");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("all posts are in one group"), std::string::npos) << r.err;

  const std::string positives = write(dir, "positives.jsonl", campaign_posts({{"ira", true}}, 50));
  r = run_sieve("adapt --fine-tune " + model_ + " " + positives + " --head campaign -o " + dir + "/a.sieve");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("head 'campaign' needs posts of both classes, got 50 labelled 1 and 0 labelled 0"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/a.sieve"));

  // A replay folder that is not one fails after the work folder was made: it is removed all the same.
  const std::string both =
      write(dir, "both.jsonl", campaign_posts({{"ira", true}, {"tweeteval", false}}, 60));
  r = run_sieve("adapt --fine-tune " + model_ + " " + both + " --head campaign --replay " + dir + "/no-shards -o " + dir +
                "/b.sieve");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(dir + "/no-shards"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/b.sieve.work"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/b.sieve"));
}

TEST_F(AdaptCommand, SuggestsTheLeastSurePostsOneTemplateEach) {
  const std::string dir = scratch_dir("adapt_suggest");
  // Ten accounts post near-copies of one template; twenty others post their own words.
  std::string posts;
  for (int i = 0; i < 10; ++i) {
    posts +=
        R"({"id":"template-)" + std::to_string(i) + R"(","group":"bot)" + std::to_string(i) +
        R"(","text":"The minister hid the corruption report from Canadians, share before they delete it )" +
        std::to_string(i) + "\"}\n";
  }
  posts += campaign_posts({{"tweeteval", false}, {"ira", true}}, 10);
  const std::string path = write(dir, "posts.jsonl", posts);
  const RunResult r = run_sieve("adapt --suggest 8 " + model_ + " " + path + " --head coordinated");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::parser parser;
  std::istringstream in(r.out);
  std::size_t rank = 0, template_posts = 0;
  double last_margin = -1;
  for (std::string line; std::getline(in, line);) {
    const simdjson::dom::element row = parser.parse(line);
    EXPECT_EQ(std::uint64_t(row["suggestion"]["rank"]), ++rank);
    EXPECT_TRUE(row["coordinated"].is_null()) << "ready to label: " << line;
    const double margin = row["suggestion"]["margin"];
    EXPECT_GE(margin, last_margin) << "least sure first, accounts each giving one";
    last_margin = margin;
    template_posts += std::string_view(row["id"]).substr(0, 9) == "template-";
  }
  EXPECT_EQ(rank, 8u);
  EXPECT_LE(template_posts, 1u) << "near-copies of one template are suggested once";
  EXPECT_NE(r.err.find("suggested 8 of 30 posts"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sieve::testing
