// sieve adapt (a campaign model beside a head), sieve campaigns, sieve adapt --fine-tune and sieve adapt
// --suggest on the bag model trained on the corpus, run as a user runs them.

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

// Up to `per_source` dev posts of each source, in file order, as JSON lines with the label `column` (a new
// head "campaign" unless named otherwise): 1 for the sources named positive. The dev posts' own labels of
// that column, if any, are dropped.
std::string campaign_posts(const std::map<std::string, bool>& sources, std::size_t per_source,
                           const std::string& column = "campaign") {
  std::ifstream in(corpus_dir() + "/dev.jsonl");
  simdjson::dom::parser parser;
  std::map<std::string, std::size_t> taken;
  std::string out;
  for (std::string line; std::getline(in, line);) {
    const simdjson::dom::element post = parser.parse(line);
    const std::string source{std::string_view(post["source"])};
    const auto it = sources.find(source);
    if (it == sources.end() || taken[source]++ >= per_source) continue;
    out += "{\"id\":" + simdjson::minify(post["id"]) + ",\"text\":" + simdjson::minify(post["text"]) +
           ",\"lang\":" + simdjson::minify(post["lang"]) + ",\"source\":" + simdjson::minify(post["source"]) +
           ",\"group\":" + simdjson::minify(post["group"]) + ",\"" + column + "\":" + (it->second ? "1" : "0") + "}\n";
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

// Each post's scores by head, from `sieve score` output: id → head → score as printed.
std::map<std::string, std::map<std::string, std::string>> printed_scores(const std::string& scores) {
  simdjson::dom::parser parser;
  std::map<std::string, std::map<std::string, std::string>> out;
  std::istringstream in(scores);
  for (std::string line; std::getline(in, line);) {
    const simdjson::dom::element row = parser.parse(line);
    auto& heads = out[std::string(std::string_view(row["id"]))];
    for (const auto [head, value] : row["scores"].get_object()) heads[std::string(head)] = simdjson::minify(value);
  }
  return out;
}

// Each post of a campaign file by id: whether it is an IRA account's.
std::map<std::string, bool> campaign_labels(const std::string& posts) {
  simdjson::dom::parser parser;
  std::map<std::string, bool> labels;
  std::istringstream in(posts);
  for (std::string line; std::getline(in, line);) {
    const simdjson::dom::element post = parser.parse(line);
    labels[std::string(std::string_view(post["id"]))] = std::string_view(post["source"]) == "ira";
  }
  return labels;
}

class AdaptCommand : public WithTrainedModel {};

class CampaignAdapt : public WithTrainedModel {};

TEST_F(CampaignAdapt, AddsACampaignModelBesideTheHeadAndLeavesEveryOtherHeadAlone) {
  const std::string dir = scratch_dir("campaign_adapt");
  // IRA accounts' posts against ordinary tweets and verified accounts, 120 of each source, labelled in the
  // head's own column.
  const std::string labelled_path = write(
      dir, "spamouflage.jsonl",
      campaign_posts({{"ira", true}, {"tweeteval", false}, {"verified", false}}, 120, "coordinated"));
  const std::string adapted = dir + "/adapted.sieve";
  const RunResult r = run_sieve("adapt " + model_ + " " + labelled_path + " --head coordinated --replay " +
                                model_dir_ + "/train -o " + adapted);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("held-back ROC-AUC"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("added campaign 'spamouflage' to 'coordinated'"), std::string::npos) << r.err;

  simdjson::dom::parser parser;
  const simdjson::dom::element report = parser.load(adapted + ".json");
  EXPECT_EQ(std::string_view(report["campaign"]), "spamouflage");
  const std::uint64_t train = report["posts"]["train"], held_back = report["posts"]["held_back"];
  EXPECT_EQ(train + held_back, 360u);
  EXPECT_GT(std::uint64_t(report["posts"]["background"]), 0u);
  const simdjson::dom::element interval = report["held_back"];
  EXPECT_LE(double(interval["difference_low"]), double(interval["difference_high"]));
  const std::string_view verdict = interval["verdict"];
  EXPECT_TRUE(verdict == "better" || verdict == "not different" || verdict == "worse") << verdict;
  EXPECT_LE(double(report["forgetting"]), 0.005);

  const RunResult list = run_sieve("campaigns " + adapted);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("spamouflage\tcoordinated\t360\t120\t"), std::string::npos) << list.out;

  // Other posts of the same sources: every other head scores exactly as the base model does.
  const std::string others = campaign_posts({{"ira", true}, {"tweeteval", false}}, 400);
  const std::string others_path = write(dir, "others.jsonl", others);
  const RunResult base_scores = run_sieve("score " + model_ + " " + others_path);
  const RunResult adapted_scores = run_sieve("score " + adapted + " " + others_path);
  ASSERT_EQ(adapted_scores.exit_code, 0) << adapted_scores.err;
  const auto before = printed_scores(base_scores.out), after = printed_scores(adapted_scores.out);
  ASSERT_EQ(before.size(), after.size());
  for (const auto& [id, heads] : before) {
    for (const auto& [head, value] : heads) {
      if (head != "coordinated") {
        EXPECT_EQ(after.at(id).at(head), value) << id << " " << head;
      }
    }
  }
  const auto labels = campaign_labels(others);
  EXPECT_GE(score_roc_auc(adapted_scores.out, "coordinated", labels),
            score_roc_auc(base_scores.out, "coordinated", labels) - 0.02);
}

TEST_F(CampaignAdapt, KeepsEarlierCampaignsAndRemovesOneByName) {
  const std::string dir = scratch_dir("campaign_second");
  const std::string posts = write(
      dir, "posts.jsonl",
      campaign_posts({{"ira", true}, {"tweeteval", false}, {"verified", false}}, 60, "coordinated"));
  const std::string first = dir + "/first.sieve", second = dir + "/second.sieve";
  ASSERT_EQ(run_sieve("adapt " + model_ + " " + posts + " --head coordinated --name one -o " + first).exit_code, 0);
  RunResult r = run_sieve("adapt " + first + " " + posts + " --head coordinated --name two -o " + second);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_sieve("campaigns " + second);
  EXPECT_NE(r.out.find("one\tcoordinated"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("two\tcoordinated"), std::string::npos) << r.out;

  r = run_sieve("adapt " + second + " " + posts + " --head coordinated --name two -o " + dir + "/third.sieve");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("already holds a campaign of that name"), std::string::npos) << r.err;
  // Fine-tuning would change the logits the campaigns were fitted to.
  r = run_sieve("adapt --fine-tune " + second + " " + posts + " --head coordinated -o " + dir + "/tuned.sieve");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("holds campaign models"), std::string::npos) << r.err;

  ASSERT_EQ(run_sieve("campaigns " + second + " --remove one").exit_code, 0);
  r = run_sieve("campaigns " + second);
  EXPECT_EQ(r.out.find("one\tcoordinated"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("two\tcoordinated"), std::string::npos) << r.out;
  r = run_sieve("campaigns " + second + " --remove one");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("holds no campaign called 'one'"), std::string::npos) << r.err;

  // Without its campaigns the model scores as the base model did.
  ASSERT_EQ(run_sieve("campaigns " + second + " --remove two -o " + dir + "/none.sieve").exit_code, 0);
  EXPECT_NE(run_sieve("campaigns " + dir + "/none.sieve").out.find("no campaigns"), std::string::npos);
  EXPECT_EQ(run_sieve("score " + dir + "/none.sieve " + posts).out, run_sieve("score " + model_ + " " + posts).out);
}

TEST_F(CampaignAdapt, RefusesAHeadItCannotAdapt) {
  const std::string dir = scratch_dir("campaign_refusals");
  const std::string posts =
      write(dir, "posts.jsonl", campaign_posts({{"ira", true}, {"tweeteval", false}}, 40));
  RunResult r = run_sieve("adapt " + model_ + " " + posts + " --head campaign -o " + dir + "/a.sieve");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the base model has no such head"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--fine-tune"), std::string::npos) << r.err;
  r = run_sieve("adapt " + model_ + " " + posts + " -o " + dir + "/a.sieve");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("a campaign model adapts one head"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/a.sieve"));
}

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
  const auto labels = campaign_labels(others);
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
