// sieve cluster, sieve score --template-window and the template slices of sieve eval, run as a user runs
// them.

#include <gtest/gtest.h>
#include <httplib.h>
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "corpus.h"
#include "run_sieve.h"
#include "serve_process.h"
#include "trained_model.h"

namespace sieve::testing {
namespace {

struct Post {
  std::string id, text, group, lang;
  std::int64_t time;
  int coordinated;
};

// An English template posted 6 times by 3 accounts (3 verbatim copies with other handles and links, then
// a word edit, a look-alike letter and zero-width spaces), a French one posted 3 times by one account,
// and 5 unrelated posts.
std::vector<Post> template_posts() {
  const std::string en =
      "The minister hid the pension money in an offshore fund, share before they delete it";
  const std::string fr = "Le ministre a caché l'argent des retraites dans un paradis fiscal, partagez vite";
  return {
      {"a1", "@bob1 " + en + " https://t.co/x1", "acct1", "en", 5000, 1},
      {"o1", "Lovely morning at the farmers market with the kids today", "o1", "en", 1500, 0},
      {"a2", "@kim22 " + en + " https://t.co/x2", "acct2", "en", 1000, 1},
      {"f1", fr, "acct9", "fr", 2000, 1},
      {"a3", "@zed " + en + " https://t.co/x3", "acct1", "en", 3000, 1},
      {"o2", "Does anyone know a good recipe for lemon tart with meringue", "o2", "en", 2500, 0},
      {"a4", "The minister hid the pension cash in an offshore fund, share before they delete it", "acct3",
       "en", 6000, 1},
      {"f2", fr + " !", "acct9", "fr", 2100, 1},
      {"a5", "The minister hid the pension m\u043Eney in an offshore fund, share before they delete it",
       "acct2", "en", 4000, 1},
      {"o3", "Traffic on the ring road is terrible again this evening", "o3", "en", 2600, 0},
      {"a6", "The mini\u200Bster hid the pension money in an offshore fund, share before they delete it",
       "acct3", "en", 2000, 1},
      {"o4", "Le match de ce soir était vraiment incroyable, quelle fin", "o4", "fr", 2700, 0},
      {"f3", fr + " #retraites", "acct9", "fr", 2200, 1},
      {"o5", "New paper out on river ecology, link in bio for the curious", "o5", "en", 2800, 0},
  };
}

std::string write_posts(const std::string& dir, const std::vector<Post>& posts, bool with_time = true) {
  const std::string path = dir + "/posts.jsonl";
  std::ofstream out(path);
  for (const Post& p : posts) {
    out << "{\"id\":\"" << p.id << "\",\"text\":\"" << p.text << "\",\"group\":\"" << p.group
        << "\",\"lang\":\"" << p.lang << "\",\"source\":\"test\"";
    if (with_time) out << ",\"time\":" << p.time;
    out << ",\"coordinated\":" << p.coordinated << "}\n";
  }
  return path;
}

std::vector<std::string> strings(simdjson::dom::element array) {
  std::vector<std::string> out;
  for (const auto e : array.get_array()) out.emplace_back(std::string_view(e));
  return out;
}

TEST(ClusterCommand, WritesSizeAccountsLanguagesTimeRangeAndRepresentativeOfEachCluster) {
  const std::string dir = scratch_dir("cluster_command");
  const std::string input = write_posts(dir, template_posts());
  const RunResult r = run_sieve("cluster " + input + " --out " + dir + "/clusters.jsonl --members");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = text_lines(file_text(dir + "/clusters.jsonl"));
  ASSERT_EQ(lines.size(), 2u);
  simdjson::dom::parser parser;
  const simdjson::dom::element en = parser.parse(lines[0]);
  EXPECT_EQ(std::uint64_t(en["size"]), 6u);
  EXPECT_EQ(std::uint64_t(en["accounts"]), 3u);
  EXPECT_EQ(std::uint64_t(en["exact_duplicates"]), 3u);  // the copies and the look-alike letter
  EXPECT_EQ(strings(en["langs"]), std::vector<std::string>{"en"});
  EXPECT_EQ(std::int64_t(en["first_time"]), 1000);
  EXPECT_EQ(std::int64_t(en["last_time"]), 6000);
  // The normalized text posted most (handles and links masked, look-alikes folded) is the verbatim one,
  // first posted as a1.
  EXPECT_EQ(std::string_view(en["representative_id"]), "a1");
  EXPECT_EQ(std::string_view(en["representative"]).substr(0, 5), "@bob1");
  EXPECT_EQ(strings(en["members"]), (std::vector<std::string>{"a1", "a2", "a3", "a4", "a5", "a6"}));
  EXPECT_EQ(double(en["labels"]["coordinated"]), 1.0);
  EXPECT_TRUE(en["scores"].error());  // no model, no scores
  const simdjson::dom::element fr = parser.parse(lines[1]);
  EXPECT_EQ(std::uint64_t(fr["size"]), 3u);
  EXPECT_EQ(std::uint64_t(fr["accounts"]), 1u);
  EXPECT_EQ(std::int64_t(fr["first_time"]), 2000);
  EXPECT_EQ(std::int64_t(fr["last_time"]), 2200);
  // Six of the nine coordinated posts are in a cluster of 5 or more; none of the five organic ones.
  EXPECT_NE(r.out.find("coordinated    = 1         6 of        9"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("coordinated    = 0         0 of        5"), std::string::npos) << r.out;
}

TEST(ClusterCommand, LeavesTheTimeRangeOutWithoutATimeColumnAndHonoursTheMinimumSize) {
  const std::string dir = scratch_dir("cluster_command_no_time");
  const std::string input = write_posts(dir, template_posts(), false);
  const RunResult r = run_sieve("cluster " + input + " --out " + dir + "/clusters.jsonl --min-size 4");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = text_lines(file_text(dir + "/clusters.jsonl"));
  ASSERT_EQ(lines.size(), 1u);
  simdjson::dom::parser parser;
  const simdjson::dom::element en = parser.parse(lines[0]);
  EXPECT_EQ(std::uint64_t(en["size"]), 6u);
  EXPECT_TRUE(en["first_time"].error());
  EXPECT_TRUE(en["members"].error());  // only with --members
}

TEST(ClusterCommand, MistakesAreClearErrors) {
  const std::string dir = scratch_dir("cluster_command_errors");
  const std::string input = write_posts(dir, template_posts());
  const RunResult from_stdin = run_sieve("cluster - --out " + dir + "/c.jsonl", "{\"text\":\"x\"}\n");
  EXPECT_EQ(from_stdin.exit_code, 2);
  EXPECT_NE(from_stdin.err.find(
                "sieve: input: posts are read twice (clusters, then their texts): give files, not -"),
            std::string::npos)
      << from_stdin.err;
  const RunResult no_model = run_sieve("cluster " + input + " --out " + dir + "/c.jsonl --cross-lingual");
  EXPECT_EQ(no_model.exit_code, 2);
  EXPECT_NE(no_model.err.find("--cross-lingual: needs --model"), std::string::npos) << no_model.err;
  const RunResult threshold = run_sieve("cluster " + input + " --out " + dir + "/c.jsonl --threshold 1.5");
  EXPECT_EQ(threshold.exit_code, 2);
  EXPECT_EQ(threshold.err, "sieve: --threshold: must be in (0, 1], got 1.500000\n");
}

// ---- with a trained model ------------------------------------------------------------------------------

class TemplateModelCommands : public WithTrainedModel {};

TEST_F(TemplateModelCommands, ClusterScoresAreTheMeansOfTheMembersScores) {
  const std::string dir = scratch_dir("cluster_command_model");
  const std::string input = write_posts(dir, template_posts());
  const RunResult r = run_sieve("cluster " + input + " --out " + dir + "/clusters.jsonl --members --model " +
                                model_ + " --cross-lingual --link-min-size 3 --link-threshold 0.5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const RunResult scored = run_sieve("score " + model_ + " " + input);
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  simdjson::dom::parser parser;
  std::map<std::string, std::map<std::string, double>> scores;  // id → head → probability
  for (const std::string& line : text_lines(scored.out)) {
    const simdjson::dom::element post = parser.parse(line);
    for (const auto [head, p] : post["scores"].get_object())
      if (p.is_double()) scores[std::string(std::string_view(post["id"]))][std::string(head)] = double(p);
  }
  simdjson::dom::parser cluster_parser;
  std::size_t checked = 0;
  for (const std::string& line : text_lines(file_text(dir + "/clusters.jsonl"))) {
    const simdjson::dom::element c = cluster_parser.parse(line);
    const auto members = strings(c["members"]);
    for (const char* head : {"coordinated", "machine", "nonnative", "abusive"}) {
      double mean = 0;
      for (const auto& id : members) mean += scores[id][head];
      mean /= static_cast<double>(members.size());
      EXPECT_NEAR(double(c["scores"][head]), mean, 1e-5) << line;
      ++checked;
    }
    // Both clusters are embedded; each links at most to the other, of the other language.
    EXPECT_TRUE(c["family"].is_uint64()) << line;
    EXPECT_LE(c["linked"].get_array().size(), 1u);
  }
  EXPECT_EQ(checked, 8u);
  EXPECT_NE(r.out.find("cross-lingual: 2 clusters embedded"), std::string::npos) << r.out;
}

TEST_F(TemplateModelCommands, ScoreTemplateWindowCountsNearCopiesAndAccountsAndForgetsOldOnes) {
  const std::string dir = scratch_dir("score_template_window");
  auto posts = template_posts();
  std::sort(posts.begin(), posts.end(), [](const Post& a, const Post& b) { return a.time < b.time; });
  // A copy a day and a half after the others: with a window of 24 hours, the template starts again.
  posts.push_back({"late", posts.front().text, "acct7", "en", 1000 + 36 * 3600, 1});  // a2's text
  const std::string input = write_posts(dir, posts);
  const RunResult r = run_sieve("score " + model_ + " " + input + " --template-window 24h --threads 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::parser parser;
  std::map<std::string, std::tuple<std::string, std::uint64_t, std::uint64_t>> seen;  // id → fields
  for (const std::string& line : text_lines(r.out)) {
    const simdjson::dom::element post = parser.parse(line);
    EXPECT_TRUE(post["scores"]["coordinated"].is_double()) << line;
    seen[std::string(std::string_view(post["id"]))] = {std::string(std::string_view(post["template_id"])),
                                                       std::uint64_t(post["template_count"]),
                                                       std::uint64_t(post["template_accounts"])};
  }
  ASSERT_EQ(seen.size(), posts.size());
  // In time order the English posts are a2 (1000, acct2), a6 (2000, acct3), a3 (3000, acct1),
  // a5 (4000, acct2), a1 (5000, acct1), a4 (6000, acct3).
  const std::vector<std::pair<std::string, std::pair<std::uint64_t, std::uint64_t>>> expected = {
      {"a2", {1, 1}}, {"a6", {2, 2}}, {"a3", {3, 3}}, {"a5", {4, 3}}, {"a1", {5, 3}}, {"a4", {6, 3}}};
  for (const auto& [id, counts] : expected) {
    EXPECT_EQ(std::get<0>(seen[id]), std::get<0>(seen["a2"])) << id;
    EXPECT_EQ(std::get<1>(seen[id]), counts.first) << id;
    EXPECT_EQ(std::get<2>(seen[id]), counts.second) << id;
  }
  EXPECT_EQ(std::get<1>(seen["f3"]), 3u);
  EXPECT_EQ(std::get<2>(seen["f3"]), 1u);
  EXPECT_NE(std::get<0>(seen["f3"]), std::get<0>(seen["a2"]));
  EXPECT_EQ(std::get<1>(seen["o5"]), 1u);
  EXPECT_EQ(std::get<1>(seen["late"]), 1u);  // the others are over 24 hours old
  EXPECT_EQ(std::get<2>(seen["late"]), 1u);
  // A bad duration is a clear error.
  const RunResult bad = run_sieve("score " + model_ + " " + input + " --template-window 24x");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--template-window: '24x' is not a duration"), std::string::npos) << bad.err;
}

TEST_F(TemplateModelCommands, ServeAddsTemplateFieldsAndShowsTheLargestTemplatesInMetrics) {
  ServeProcess server(model_ + " --template-window 1h --template-top 2 --threads 1");
  ASSERT_TRUE(server.ok()) << server.error();
  httplib::Client client("127.0.0.1", server.port());
  const std::string text =
      "The minister hid the pension money in an offshore fund, share before they delete it";
  simdjson::dom::parser parser;
  std::string first_id;
  for (int i = 1; i <= 3; ++i) {
    // Copies from two accounts, each with a handle of its own, one minute apart, and a post of its own.
    // All carry times: a post without one is counted at the wall clock, long after these.
    const std::string body = R"({"posts":[{"id":"c)" + std::to_string(i) + R"(","text":"@u)" +
                             std::to_string(i) + " " + text + R"(","group":"acct)" + std::to_string(i % 2) +
                             R"(","time":)" + std::to_string(1000 + 60 * i) + R"(},{"id":"o)" +
                             std::to_string(i) + R"(","text":"Unrelated post number )" +
                             std::to_string(i * 7919) + R"( about gardening and tomatoes","time":)" +
                             std::to_string(1000 + 60 * i) + "}]}";
    const auto res = client.Post("/v1/score", body, "application/json");
    ASSERT_TRUE(res) << "no answer";
    ASSERT_EQ(res->status, 200) << res->body;
    const simdjson::dom::element posts = parser.parse(res->body)["posts"];
    const simdjson::dom::element copy = posts.at(0);
    if (i == 1) first_id = std::string(std::string_view(copy["template_id"]));
    EXPECT_EQ(std::string_view(copy["template_id"]), first_id);
    EXPECT_EQ(std::uint64_t(copy["template_count"]), static_cast<std::uint64_t>(i));
    EXPECT_EQ(std::uint64_t(copy["template_accounts"]), i == 1 ? 1u : 2u);
    EXPECT_TRUE(copy["scores"]["coordinated"].is_double());
  }
  const auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("sieve_template_posts{template=\"" + first_id + "\"} 3"), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("sieve_template_accounts{template=\"" + first_id + "\"} 2"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("sieve_template_window_posts 6"), std::string::npos);
  // A bad time is a 400 naming the field.
  const auto bad =
      client.Post("/v1/score", R"({"posts":[{"text":"hello there","time":"noon"}]})", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("posts[0].time"), std::string::npos) << bad->body;
}

TEST_F(TemplateModelCommands, EvalReportsClusteredAndSingletonSlices) {
  const std::string dir = scratch_dir("eval_template_slices");
  const RunResult r = run_sieve("eval " + model_ + " " + corpus_dir() + "/test.jsonl --report " + dir +
                                "/report --template-min-size 5 --threads 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::parser parser;
  const simdjson::dom::element report = parser.load(dir + "/report/report.json");
  for (const auto head : report["heads"].get_array()) {
    if (std::string_view(head["name"]) != "coordinated") continue;
    std::map<std::string, std::uint64_t> n;
    for (const auto slice : head["slices"].get_array())
      n[std::string(std::string_view(slice["slice"]))] = slice["n"];
    ASSERT_TRUE(n.count("template:clustered") && n.count("template:singleton"));
    EXPECT_EQ(n["template:clustered"] + n["template:singleton"], n["all"]);
    EXPECT_GT(n["template:clustered"], 100u);  // IRA templates of the test split
    return;
  }
  FAIL() << "no coordinated head";
}

}  // namespace
}  // namespace sieve::testing
