// sieve accounts and sieve eval --by account, run as a user runs them: on the campaign simulator (accounts,
// times, templates) and on the corpus with the trained model.

#include <gtest/gtest.h>
#include <simdjson.h>

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

// The simulator's accounts and labels, from its posts: account → 1 when its posts are coordinated.
std::map<std::string, int> campaign_accounts(const std::string& posts) {
  simdjson::dom::parser parser;
  std::map<std::string, int> campaign;
  for (const std::string& line : text_lines(file_text(posts))) {
    const simdjson::dom::element p = parser.parse(line);
    campaign[std::string(std::string_view(p["group"]))] = int(std::int64_t(p["coordinated"]));
  }
  return campaign;
}

class AccountsCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = scratch_dir("accounts");
    posts_ = dir_ + "/sim.jsonl";
    const RunResult r = run_sieve("data simulate --n 3000 --seed 5 --label-dropout 0 -o " + posts_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static std::string dir_, posts_;
};
std::string AccountsCommand::dir_, AccountsCommand::posts_;

TEST_F(AccountsCommand, OneRowPerAccountWithTheEvidenceOfCoordination) {
  const std::string out = dir_ + "/accounts.jsonl", edges = dir_ + "/edges.csv",
                    parts = dir_ + "/parts.jsonl";
  const RunResult r = run_sieve("accounts " + posts_ + " -o " + out + " --graph " + edges + " --components " +
                                parts + " --threads 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("posts 3000, accounts "), std::string::npos) << r.out;

  simdjson::dom::parser parser;
  const std::map<std::string, int> campaign = campaign_accounts(posts_);
  const std::vector<std::string> rows = text_lines(file_text(out));
  ASSERT_EQ(rows.size(), campaign.size());
  std::vector<metrics::Scored> by_score;
  std::size_t posts = 0;
  for (const std::string& line : rows) {
    const simdjson::dom::element row = parser.parse(line);
    const std::string account{std::string_view(row["account"])};
    ASSERT_EQ(campaign.count(account), 1u) << account;
    posts += std::uint64_t(row["posts"]);
    EXPECT_TRUE(row["scores"].get_object().size() == 0) << "no model, no scores";
    const double share = row["coordination"]["shared_template_share"];
    EXPECT_TRUE(share >= 0 && share <= 1);
    if (std::uint64_t(row["coordination"]["co_accounts"]) > 0) {
      EXPECT_FALSE(row["evidence"]["accounts"].get_array().size() == 0) << line;
    }
    by_score.push_back({double(row["coordinated"]), campaign.at(account) == 1});
  }
  EXPECT_EQ(posts, 3000u);
  // Without a model the score is the network's evidence alone, and it already finds the campaigns.
  EXPECT_GT(metrics::roc_auc(by_score), 0.9);

  const std::vector<std::string> edge_lines = text_lines(file_text(edges));
  ASSERT_GT(edge_lines.size(), 1u);
  EXPECT_EQ(edge_lines.front(), "source,target,templates,co_posts,first_time,last_time");
  std::istringstream first(edge_lines[1]);
  std::string a, b;
  std::getline(first, a, ',');
  std::getline(first, b, ',');
  EXPECT_EQ(campaign.count(a), 1u);
  EXPECT_EQ(campaign.count(b), 1u);

  const std::vector<std::string> components = text_lines(file_text(parts));
  ASSERT_FALSE(components.empty());
  std::uint64_t previous = ~std::uint64_t{0};
  for (const std::string& line : components) {
    const std::uint64_t n = parser.parse(line)["accounts"];
    EXPECT_GE(n, 2u);
    EXPECT_LE(n, previous) << "largest first";
    previous = n;
  }
}

TEST_F(AccountsCommand, CsvGraphmlAndBadOptions) {
  const std::string out = dir_ + "/accounts.csv", graph = dir_ + "/network.graphml";
  const RunResult r = run_sieve("accounts " + posts_ + " -o " + out + " --graph " + graph + " --window 30m");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("within 1800s"), std::string::npos) << r.out;
  const std::vector<std::string> rows = text_lines(file_text(out));
  ASSERT_GT(rows.size(), 1u);
  EXPECT_EQ(rows.front().rfind("account,posts,languages,first_time,last_time,component,coordinated,", 0), 0u);
  std::ifstream in(graph);
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("<graphml"), std::string::npos);
  EXPECT_NE(xml.find("<edge source=\"n"), std::string::npos);
  EXPECT_NE(xml.find("</graphml>"), std::string::npos);

  const RunResult bad = run_sieve("accounts " + posts_ + " -o " + dir_ + "/x.jsonl --window soon");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("--window: 'soon' is not a duration"), std::string::npos) << bad.err;
}

TEST_F(AccountsCommand, StreamingFromStandardInputFindsTheSameCampaigns) {
  std::ifstream in(posts_);
  const std::string posts((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string out = dir_ + "/streamed.jsonl";
  // The simulator spreads a campaign over weeks: a window of a week sees its sharing.
  const RunResult r = run_sieve("accounts - --stream --window 7d -o " + out, posts);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::parser parser;
  const std::map<std::string, int> campaign = campaign_accounts(posts_);
  const std::vector<std::string> rows = text_lines(file_text(out));
  ASSERT_EQ(rows.size(), campaign.size());
  std::vector<metrics::Scored> by_score;
  for (const std::string& line : rows) {
    const simdjson::dom::element row = parser.parse(line);
    by_score.push_back(
        {double(row["coordinated"]), campaign.at(std::string(std::string_view(row["account"]))) == 1});
  }
  EXPECT_GT(metrics::roc_auc(by_score), 0.88);  // 0.90 over the whole input without --stream

  // A window that holds 1,000 posts at most still gives every account its row.
  const RunResult capped = run_sieve("accounts - --stream --stream-max-posts 1000 -o " + out, posts);
  ASSERT_EQ(capped.exit_code, 0) << capped.err;
  EXPECT_EQ(text_lines(file_text(out)).size(), campaign.size());
}

class AccountsWithModel : public WithTrainedModel {};

TEST_F(AccountsWithModel, AccountsOfTheTestSplitRankAboveTheirPostsAndEvalReportsThem) {
  const std::string test = corpus_dir() + "/test.jsonl";
  const std::string dir = scratch_dir("accounts_model");
  const RunResult r = run_sieve("accounts " + test + " --model " + model_ + " -o " + dir + "/accounts.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::parser parser;
  const simdjson::dom::element row = parser.parse(text_lines(file_text(dir + "/accounts.jsonl")).front());
  const double mean = row["scores"]["coordinated"]["mean"];
  EXPECT_TRUE(mean >= 0 && mean <= 1);
  EXPECT_GE(double(row["coordinated"]), mean);  // the noisy-OR never lowers the text's evidence

  const RunResult eval =
      run_sieve("eval " + model_ + " " + test + " --report " + dir + "/report --by account");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_NE(eval.out.find("by account"), std::string::npos) << eval.out;
  simdjson::dom::parser post_parser;
  const simdjson::dom::element posts = post_parser.load(dir + "/report/report.json");
  double post_auc = 0, account_auc = 0;
  for (const auto head : posts["heads"].get_array()) {
    if (std::string_view(head["name"]) == "coordinated") post_auc = head["slices"].at(0)["roc_auc"];
  }
  simdjson::dom::parser account_parser;
  const simdjson::dom::element accounts = account_parser.load(dir + "/report/accounts/report.json");
  for (const auto head : accounts["heads"].get_array()) {
    if (std::string_view(head["name"]) == "coordinated") account_auc = head["slices"].at(0)["roc_auc"];
  }
  EXPECT_GT(account_auc, 0.97);
  EXPECT_GE(account_auc, post_auc);
  EXPECT_NE(run_sieve("eval " + model_ + " " + test + " --report " + dir + "/r2 --by day").err.find("--by"),
            std::string::npos);
}

}  // namespace
}  // namespace sieve::testing
