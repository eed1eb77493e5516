#include "sieve/report/eval_report.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "error_text.h"

namespace sieve::infer {
namespace {

using sieve::testing::error_text;

// A binary head with the model's threshold at 0.5 and a three-class head.
std::vector<ReportHead> fixture_heads() {
  return {{"coordinated", true, {}, 0.5, {}}, {"topic", false, {"news", "opinion", "other"}, 0.5, {}}};
}

struct Post {
  const char* lang;
  const char* source;
  float coordinated;
  std::int8_t coordinated_label;
  float topic[3];
  std::int8_t topic_label;
};

// Twelve posts over two languages and two sources, with tied scores (two 0.65, two 0.45) and missing
// labels; a thirteenth, labelled for no head, brings a source that no slice may show. Scores sit mid-bin so
// that float rounding never moves one across a calibration bin.
const Post kPosts[] = {
    {"en", "web", 0.95f, 1, {0.7f, 0.2f, 0.1f}, 0},     {"en", "web", 0.85f, 0, {0.1f, 0.8f, 0.1f}, 1},
    {"en", "web", 0.65f, 1, {0.2f, 0.3f, 0.5f}, 2},     {"en", "app", 0.65f, 0, {0.6f, 0.3f, 0.1f}, 1},
    {"en", "app", 0.35f, 1, {0.3f, 0.4f, 0.3f}, -1},    {"en", "app", 0.25f, 0, {0.5f, 0.25f, 0.25f}, 0},
    {"fr", "web", 0.75f, 1, {0.1f, 0.1f, 0.8f}, 2},     {"fr", "web", 0.45f, 0, {0.2f, 0.6f, 0.2f}, 1},
    {"fr", "web", 0.45f, 1, {0.45f, 0.35f, 0.2f}, 0},   {"fr", "app", 0.15f, 0, {0.3f, 0.5f, 0.2f}, 0},
    {"fr", "app", 0.95f, -1, {0.2f, 0.2f, 0.6f}, 2},    {"fr", "app", 0.55f, 0, {0.1f, 0.2f, 0.7f}, -1},
    {"en", "forum", 0.55f, -1, {0.1f, 0.2f, 0.7f}, -1},
};

void add(EvalReport& report, const Post& post) {
  const float probabilities[4] = {post.coordinated, post.topic[0], post.topic[1], post.topic[2]};
  const std::int8_t labels[2] = {post.coordinated_label, post.topic_label};
  report.add(post.lang, post.source, "", probabilities, labels);
}

EvalReport fixture_report() {
  EvalReport report(fixture_heads());
  for (const Post& post : kPosts) add(report, post);
  return report;
}

ReportOptions fixture_options() {
  ReportOptions options;
  options.model_path = "models/m.sieve";
  options.data_path = "data/test.jsonl";
  return options;
}

// The slice of the head's JSON object with that name.
simdjson::dom::element slice_of(simdjson::dom::element head, std::string_view name) {
  for (const simdjson::dom::element slice : head["slices"].get_array()) {
    if (std::string_view(slice["slice"]) == name) return slice;
  }
  ADD_FAILURE() << "no slice " << name;
  return head;
}

double number(simdjson::dom::element e) { return double(e); }

std::vector<std::string> slice_names(simdjson::dom::element head) {
  std::vector<std::string> names;
  for (const simdjson::dom::element slice : head["slices"].get_array()) {
    names.emplace_back(std::string_view(slice["slice"]));
  }
  return names;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class EvalReportFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / "sieve_eval_report_test";
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST(EvalReport, SlicesAreAllThenLanguagesSourcesAndPairsWithoutUnlabelledOnes) {
  const EvalReport report = fixture_report();
  EXPECT_EQ(report.size(), 13u);
  simdjson::dom::parser parser;
  const simdjson::dom::element root = parser.parse(report.to_json(fixture_options()));
  const std::vector<std::string> expected = {"all",
                                             "lang:en",
                                             "lang:fr",
                                             "source:app",
                                             "source:web",
                                             "lang:en source:app",
                                             "lang:en source:web",
                                             "lang:fr source:app",
                                             "lang:fr source:web"};
  // The forum post carries no label: neither head shows its source.
  EXPECT_EQ(slice_names(root["heads"].at(0)), expected);
  EXPECT_EQ(slice_names(root["heads"].at(1)), expected);
}

// An extra key puts a post in one more slice, after the pairs, without changing the others; posts without
// one stay out of every extra slice.
TEST(EvalReport, ExtraKeysAddSlicesAfterThePairs) {
  EvalReport report(fixture_heads());
  for (std::size_t i = 0; i < std::size(kPosts); ++i) {
    const Post& post = kPosts[i];
    const float probabilities[4] = {post.coordinated, post.topic[0], post.topic[1], post.topic[2]};
    const std::int8_t labels[2] = {post.coordinated_label, post.topic_label};
    // The first four posts (two positives, two negatives) are "template:clustered", the last four none.
    const char* extra = i < 4 ? "template:clustered" : i < 9 ? "template:singleton" : "";
    report.add(post.lang, post.source, "", probabilities, labels, extra);
  }
  simdjson::dom::parser parser;
  const simdjson::dom::element root = parser.parse(report.to_json(fixture_options()));
  std::vector<std::string> names = slice_names(root["heads"].at(0));
  ASSERT_EQ(names.size(), 11u);
  EXPECT_EQ(names[9], "template:clustered");
  EXPECT_EQ(names[10], "template:singleton");
  const simdjson::dom::element clustered = slice_of(root["heads"].at(0), "template:clustered");
  EXPECT_EQ(std::uint64_t(clustered["n"]), 4u);
  EXPECT_EQ(std::uint64_t(clustered["positives"]), 2u);
  EXPECT_TRUE(clustered["lang"].is_null());
  EXPECT_EQ(std::uint64_t(slice_of(root["heads"].at(0), "template:singleton")["n"]), 5u);
  // The other slices are those of the report without extra keys.
  const simdjson::dom::element plain = parser.parse(fixture_report().to_json(fixture_options()));
  names.resize(9);
  EXPECT_EQ(names, slice_names(plain["heads"].at(0)));
  EXPECT_EQ(std::uint64_t(slice_of(root["heads"].at(0), "lang:fr source:web")["n"]), 3u);
}

TEST(EvalReport, JsonHoldsTheHandComputedBinaryMetrics) {
  simdjson::dom::parser parser;
  const simdjson::dom::element root = parser.parse(fixture_report().to_json(fixture_options()));
  EXPECT_EQ(std::string_view(root["model"]), "models/m.sieve");
  EXPECT_EQ(std::string_view(root["data"]), "data/test.jsonl");
  EXPECT_EQ(std::uint64_t(root["posts"]), 13u);
  EXPECT_DOUBLE_EQ(number(root["options"]["target_precision"]), 0.95);
  const simdjson::dom::element head = root["heads"].at(0);
  EXPECT_EQ(std::string_view(head["kind"]), "binary");
  EXPECT_EQ(std::string_view(head["labels"].at(1)), "1");
  EXPECT_DOUBLE_EQ(number(head["threshold"]), 0.5);

  // All 11 labelled posts, ranked: 0.95+ 0.85- 0.75+ {0.65+ 0.65-} 0.55- {0.45+ 0.45-} 0.35+ 0.25- 0.15-.
  const simdjson::dom::element all = slice_of(head, "all");
  EXPECT_EQ(std::uint64_t(all["n"]), 11u);
  EXPECT_EQ(std::uint64_t(all["positives"]), 5u);
  EXPECT_NEAR(number(all["prevalence"]), 5.0 / 11, 1e-9);
  // At 0.5: predicted 0.95+ 0.85- 0.75+ 0.65+ 0.65- 0.55-.
  const simdjson::dom::element at = all["at_threshold"];
  EXPECT_EQ(std::uint64_t(at["tp"]), 3u);
  EXPECT_EQ(std::uint64_t(at["fp"]), 3u);
  EXPECT_EQ(std::uint64_t(at["tn"]), 3u);
  EXPECT_EQ(std::uint64_t(at["fn"]), 2u);
  EXPECT_NEAR(number(at["precision"]), 0.5, 1e-9);
  EXPECT_NEAR(number(at["recall"]), 0.6, 1e-9);
  EXPECT_NEAR(number(at["f1"]), 6.0 / 11, 1e-8);
  // Positive-negative pairs won: 6 + 5 + 4.5 + 2.5 + 2 of 30.
  EXPECT_NEAR(number(all["roc_auc"]), 20.0 / 30, 1e-8);
  // Precision at each positive: 1, 2/3, 3/5, 1/2 (the 0.45 tie), 5/9.
  EXPECT_NEAR(number(all["pr_auc"]), (1 + 2.0 / 3 + 0.6 + 0.5 + 5.0 / 9) / 5, 1e-8);
  // Bin gaps: .05 .85 .25 2×.15 .55 2×.05 .65 .25 .15 over 11 posts.
  EXPECT_NEAR(number(all["ece"]), 3.15 / 11, 1e-6);
  // F1 peaks at 0.35 (all five positives, precision 5/9).
  EXPECT_NEAR(number(all["best_f1"]["threshold"]), 0.35, 1e-6);
  EXPECT_NEAR(number(all["best_f1"]["precision"]), 5.0 / 9, 1e-8);
  EXPECT_NEAR(number(all["best_f1"]["recall"]), 1.0, 1e-9);
  EXPECT_NEAR(number(all["best_f1"]["f1"]), 5.0 / 7, 1e-8);
  EXPECT_TRUE(bool(all["target_precision"]["reached"]));
  EXPECT_NEAR(number(all["target_precision"]["threshold"]), 0.95, 1e-6);
  EXPECT_NEAR(number(all["target_precision"]["precision"]), 1.0, 1e-9);
  EXPECT_NEAR(number(all["target_precision"]["recall"]), 0.2, 1e-9);
  // Reliability: the tie at 0.65 fills bin 6 with one positive of two.
  const simdjson::dom::array bins = all["reliability"];
  ASSERT_EQ(bins.size(), 10u);
  EXPECT_EQ(std::uint64_t(bins.at(6)["count"]), 2u);
  EXPECT_NEAR(number(bins.at(6)["mean_probability"]), 0.65, 1e-6);
  EXPECT_NEAR(number(bins.at(6)["positive_share"]), 0.5, 1e-9);
  EXPECT_TRUE(bins.at(0)["mean_probability"].is_null());
  // One curve point per distinct score: 9.
  EXPECT_EQ(all["pr_curve"].get_array().size(), 9u);

  // French posts: 0.75+ 0.55- {0.45+ 0.45-} 0.15-.
  const simdjson::dom::element fr = slice_of(head, "lang:fr");
  EXPECT_EQ(std::uint64_t(fr["n"]), 5u);
  EXPECT_NEAR(number(fr["roc_auc"]), 4.5 / 6, 1e-8);
  EXPECT_NEAR(number(fr["pr_auc"]), (1 + 0.5) / 2, 1e-8);
  EXPECT_NEAR(number(fr["at_threshold"]["f1"]), 0.5, 1e-8);
  // Language × source pairs carry no curve: only charted slices do.
  EXPECT_TRUE(slice_of(head, "lang:fr source:web")["pr_curve"].error() == simdjson::NO_SUCH_FIELD);
}

TEST(EvalReport, TargetPrecisionFlagsSlicesWhereNoThresholdReachesIt) {
  simdjson::dom::parser parser;
  const simdjson::dom::element head =
      parser.parse(fixture_report().to_json(fixture_options()))["heads"].at(0);
  // The app posts rank a negative first (0.65- 0.55- 0.35+ 0.25- 0.15-): the best precision is 1/3 at 0.35.
  const simdjson::dom::element app = slice_of(head, "source:app")["target_precision"];
  EXPECT_FALSE(bool(app["reached"]));
  EXPECT_NEAR(number(app["threshold"]), 0.35, 1e-6);
  EXPECT_NEAR(number(app["precision"]), 1.0 / 3, 1e-8);
  EXPECT_NEAR(number(app["recall"]), 1.0, 1e-9);

  // A lower target is reached there: 1/4 at 0.25 is the lowest threshold with precision 0.25.
  ReportOptions options = fixture_options();
  options.target_precision = 0.25;
  const simdjson::dom::element lower = slice_of(
      parser.parse(fixture_report().to_json(options))["heads"].at(0), "source:app")["target_precision"];
  EXPECT_TRUE(bool(lower["reached"]));
  EXPECT_NEAR(number(lower["threshold"]), 0.25, 1e-6);
  EXPECT_NEAR(number(lower["precision"]), 0.25, 1e-9);
}

TEST(EvalReport, UndefinedMetricsAreNullWhenASliceHasNoPositives) {
  simdjson::dom::parser parser;
  const simdjson::dom::element head =
      parser.parse(fixture_report().to_json(fixture_options()))["heads"].at(0);
  // French app posts: 0.55- and 0.15-.
  const simdjson::dom::element s = slice_of(head, "lang:fr source:app");
  EXPECT_EQ(std::uint64_t(s["n"]), 2u);
  EXPECT_NEAR(number(s["prevalence"]), 0.0, 1e-12);
  EXPECT_NEAR(number(s["at_threshold"]["precision"]), 0.0, 1e-12);  // 0.55 is predicted positive
  EXPECT_TRUE(s["at_threshold"]["recall"].is_null());
  EXPECT_TRUE(s["roc_auc"].is_null());
  EXPECT_TRUE(s["pr_auc"].is_null());
  EXPECT_TRUE(s["best_f1"]["threshold"].is_null());
  EXPECT_TRUE(s["target_precision"]["threshold"].is_null());
  EXPECT_FALSE(bool(s["target_precision"]["reached"]));
}

TEST(EvalReport, JsonHoldsTheHandComputedMultiClassMetrics) {
  simdjson::dom::parser parser;
  const simdjson::dom::element head =
      parser.parse(fixture_report().to_json(fixture_options()))["heads"].at(1);
  EXPECT_EQ(std::string_view(head["kind"]), "multiclass");
  EXPECT_TRUE(head["threshold"].is_null());
  // Ten labelled posts; argmax misses two (a true opinion and a true news post).
  const simdjson::dom::element all = slice_of(head, "all");
  EXPECT_EQ(std::uint64_t(all["n"]), 10u);
  EXPECT_NEAR(number(all["accuracy"]), 0.8, 1e-12);
  EXPECT_NEAR(number(all["macro_f1"]), (0.75 + 2.0 / 3 + 1.0) / 3, 1e-8);
  const std::uint64_t expected[3][3] = {{3, 1, 0}, {1, 2, 0}, {0, 0, 3}};
  for (std::size_t t = 0; t < 3; ++t) {
    for (std::size_t p = 0; p < 3; ++p) {
      EXPECT_EQ(std::uint64_t(all["confusion"].at(t).at(p)), expected[t][p]) << t << "," << p;
    }
  }
  const simdjson::dom::element news = all["classes"].at(0);
  EXPECT_EQ(std::string_view(news["label"]), "news");
  EXPECT_EQ(std::uint64_t(news["support"]), 4u);
  EXPECT_NEAR(number(news["precision"]), 0.75, 1e-12);
  EXPECT_NEAR(number(news["recall"]), 0.75, 1e-12);

  // English app posts: a true opinion and a true news post, both predicted news; "other" never occurs.
  const simdjson::dom::element s = slice_of(head, "lang:en source:app");
  EXPECT_EQ(std::uint64_t(s["n"]), 2u);
  EXPECT_NEAR(number(s["accuracy"]), 0.5, 1e-12);
  EXPECT_NEAR(number(s["macro_f1"]), (2.0 / 3 + 0.0) / 2, 1e-8);
  const simdjson::dom::element opinion = s["classes"].at(1), other = s["classes"].at(2);
  EXPECT_TRUE(opinion["precision"].is_null());
  EXPECT_NEAR(number(opinion["recall"]), 0.0, 1e-12);
  EXPECT_TRUE(other["precision"].is_null());
  EXPECT_TRUE(other["recall"].is_null());
  EXPECT_TRUE(other["f1"].is_null());
}

TEST(EvalReport, MarkdownHasOneRowPerSliceWithDashesForUndefinedValues) {
  const std::string md = fixture_report().to_markdown(fixture_options());
  EXPECT_NE(md.find("- Model: models/m.sieve\n"), std::string::npos);
  EXPECT_NE(md.find("## coordinated (binary, threshold 0.5000)\n"), std::string::npos);
  EXPECT_NE(
      md.find("| slice | n | prevalence | P | R | F1 | ROC-AUC | PR-AUC | ECE | best-F1 thr | thr@P0.95 |\n"),
      std::string::npos);
  EXPECT_NE(
      md.find("| all | 11 | 0.455 | 0.500 | 0.600 | 0.545 | 0.667 | 0.664 | 0.286 | 0.3500 | 0.9500 |\n"),
      std::string::npos)
      << md;
  // Not reached: marked with a dagger and explained under the table.
  EXPECT_NE(md.find("| source:app | 5 | 0.200 | 0.000 | 0.000 | 0.000 | 0.500 | 0.333 |"), std::string::npos)
      << md;
  EXPECT_NE(md.find("| 0.3500 \xE2\x80\xA0 |\n"), std::string::npos);
  EXPECT_NE(md.find("\xE2\x80\xA0 no threshold reaches precision 0.95"), std::string::npos);
  EXPECT_NE(md.find("| lang:fr source:app | 2 | 0.000 | 0.000 | \xE2\x80\x93 | 0.000 | \xE2\x80\x93 | "
                    "\xE2\x80\x93 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("## topic (multi-class)\n"), std::string::npos);
  EXPECT_NE(md.find("| slice | n | accuracy | macro-F1 | F1 news | F1 opinion | F1 other |\n"),
            std::string::npos);
  EXPECT_NE(md.find("| all | 10 | 0.800 | 0.806 | 0.750 | 0.667 | 1.000 |\n"), std::string::npos) << md;
  EXPECT_NE(md.find("| lang:en source:app | 2 | 0.500 | 0.333 | 0.667 | 0.000 | \xE2\x80\x93 |\n"),
            std::string::npos);
  EXPECT_NE(md.find("| news | 3 | 1 | 0 |\n"), std::string::npos);  // a confusion matrix row
  // The false-positive table: 3 of the 6 negatives and 3 of the 5 positives at 0.5 (Wilson intervals);
  // flagging at most 10 % of 6 negatives means none: just above the highest, 0.85, which keeps 1 positive.
  EXPECT_NE(
      md.find("| all | 6 | 0.500 [0.188, 0.812] | 0.600 [0.231, 0.882] | 0.8500 / 0.200 | 0.8500 / 0.200 | "
              "0.8500 / 0.200 |\n"),
      std::string::npos)
      << md;
  // 2 languages + 4 pairs per head, and 2 languages in the false-positive table.
  EXPECT_EQ(count(md, "\n| lang:"), 2u * 6 + 2);
}

TEST(EvalReport, HtmlHasTwoChartsPerBinaryHeadAndNoExternalResources) {
  const std::string html = fixture_report().to_html(fixture_options());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(count(html, "<svg"), 2u);  // the precision-recall curve and the reliability diagram
  EXPECT_EQ(count(html, "</svg>"), 2u);
  // The PR chart overlays all posts and each language.
  EXPECT_EQ(count(html, "<polyline"), 3u);
  EXPECT_NE(html.find("all  AP 0.664"), std::string::npos);
  EXPECT_NE(html.find("lang:fr  AP 0.750"), std::string::npos);
  EXPECT_NE(html.find(">Recall</text>"), std::string::npos);
  EXPECT_NE(html.find(">Precision</text>"), std::string::npos);
  EXPECT_NE(html.find(">perfect calibration</text>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
}

TEST(EvalReport, HtmlAndMarkdownEscapeNamesFromTheData) {
  EvalReport report({{"a&b", true, {}, 0.5, {}}, {"kind", false, {"<b>x</b>", "y"}, 0.5, {}}});
  const float p[3] = {0.9f, 0.2f, 0.8f};
  const std::int8_t labels[2] = {1, 0};
  report.add("\"en\"", "<script>alert(1)</script>", "", p, labels);
  ReportOptions options;
  options.model_path = "<img src=x>";
  const std::string html = report.to_html(options);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>x"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("source:&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;x&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("a&amp;b"), std::string::npos);
  EXPECT_NE(html.find("lang:&quot;en&quot;"), std::string::npos);
  const std::string md = report.to_markdown(options);
  EXPECT_EQ(md.find("<script"), std::string::npos);
  EXPECT_NE(md.find("| source:&lt;script&gt;alert(1)&lt;/script&gt; | 1 |"), std::string::npos) << md;
  simdjson::dom::parser parser;
  const simdjson::dom::element root = parser.parse(report.to_json(options));
  EXPECT_EQ(std::string_view(root["heads"].at(0)["slices"].at(2)["slice"]),
            "source:<script>alert(1)</script>");
}

TEST_F(EvalReportFiles, WriteCreatesTheFolderAndTheThreeFiles) {
  const std::filesystem::path dir = dir_ / "nested" / "report";
  fixture_report().write(dir.string(), fixture_options());
  for (const char* name : {"report.json", "report.md", "report.html"}) {
    EXPECT_TRUE(std::filesystem::is_regular_file(dir / name)) << name;
    EXPECT_FALSE(std::filesystem::exists(dir / (std::string(name) + ".partial"))) << name;
  }
  EXPECT_EQ(read_file(dir / "report.json"), fixture_report().to_json(fixture_options()));
  EXPECT_EQ(read_file(dir / "report.md"), fixture_report().to_markdown(fixture_options()));
  EXPECT_EQ(read_file(dir / "report.html"), fixture_report().to_html(fixture_options()));
}

TEST_F(EvalReportFiles, AnEmptyReportWritesValidFiles) {
  const EvalReport report(fixture_heads());
  report.write(dir_.string(), fixture_options());
  simdjson::dom::parser parser;
  const simdjson::dom::element root = parser.parse(read_file(dir_ / "report.json"));
  EXPECT_EQ(std::uint64_t(root["posts"]), 0u);
  for (std::size_t k = 0; k < 2; ++k) {
    const simdjson::dom::element head = root["heads"].at(k);
    EXPECT_EQ(slice_names(head), std::vector<std::string>{"all"});
    EXPECT_EQ(std::uint64_t(slice_of(head, "all")["n"]), 0u);
  }
  const simdjson::dom::element binary = slice_of(root["heads"].at(0), "all");
  EXPECT_TRUE(binary["prevalence"].is_null());
  EXPECT_TRUE(binary["roc_auc"].is_null());
  EXPECT_TRUE(binary["ece"].is_null());
  EXPECT_TRUE(slice_of(root["heads"].at(1), "all")["accuracy"].is_null());
  const std::string md = read_file(dir_ / "report.md");
  EXPECT_NE(md.find("| all | 0 | \xE2\x80\x93 |"), std::string::npos) << md;
  const std::string html = read_file(dir_ / "report.html");
  EXPECT_EQ(count(html, "<svg"), 2u);
  EXPECT_NE(html.find(">no positives</text>"), std::string::npos);
  EXPECT_NE(html.find("</html>\n"), std::string::npos);
}

TEST_F(EvalReportFiles, WriteNamesThePathItCannotCreate) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "file") << "x";
  const std::string blocked = (dir_ / "file" / "report").string();
  const std::string error = error_text([&] { fixture_report().write(blocked, fixture_options()); });
  EXPECT_EQ(error.rfind("i/o: " + blocked + ": cannot create the report folder: ", 0), 0u) << error;
  // A folder in the way of report.md.
  const std::filesystem::path dir = dir_ / "out";
  std::filesystem::create_directories(dir / "report.md");
  const std::string taken = (dir / "report.md").string();
  const std::string rename = error_text([&] { fixture_report().write(dir.string(), fixture_options()); });
  EXPECT_EQ(rename.rfind("i/o: " + taken + ": cannot rename " + taken + ".partial: ", 0), 0u) << rename;
  EXPECT_FALSE(std::filesystem::exists(taken + ".partial"));
}

// A post of a report whose only head is the binary "coordinated".
struct Labelled {
  const char* lang;
  const char* source;
  const char* group;
  float score;
  std::int8_t label;
};

EvalReport binary_report(const std::vector<Labelled>& posts) {
  EvalReport report({{"coordinated", true, {}, 0.5, {}}});
  for (const Labelled& post : posts) report.add(post.lang, post.source, post.group, &post.score, &post.label);
  return report;
}

// Two cells of at least 2 posts per class and two below it, on one side or the other.
const std::vector<Labelled> kCellPosts = {
    // en web: 0.9+ 0.6+ against 0.7- 0.2-: 3 of 4 pairs.
    {"en", "web", "", 0.9f, 1},
    {"en", "web", "", 0.6f, 1},
    {"en", "web", "", 0.7f, 0},
    {"en", "web", "", 0.2f, 0},
    {"en", "web", "", 0.05f, -1},
    // fr web: 0.8+ {0.5+ 0.5+ 0.5-} 0.1-: 2 + 1.5 + 1.5 of 6 pairs.
    {"fr", "web", "", 0.8f, 1},
    {"fr", "web", "", 0.5f, 1},
    {"fr", "web", "", 0.5f, 1},
    {"fr", "web", "", 0.5f, 0},
    {"fr", "web", "", 0.1f, 0},
    // en app: one positive, 0.3+ against 0.1- 0.2- 0.4-: 2 of 3.
    {"en", "app", "", 0.3f, 1},
    {"en", "app", "", 0.1f, 0},
    {"en", "app", "", 0.2f, 0},
    {"en", "app", "", 0.4f, 0},
    // fr app: one negative, 0.4+ 0.3+ against 0.9-: 0 of 2.
    {"fr", "app", "", 0.4f, 1},
    {"fr", "app", "", 0.3f, 1},
    {"fr", "app", "", 0.9f, 0},
};

// Groups of two sources: x:g1 (in two languages), x:g2, y:g1 hold both labels; x:g3 and y:g4 one; the
// posts without a group pair with none.
const std::vector<Labelled> kGroupPosts = {
    // x:g1: 0.9+ 0.5+ against 0.5- 0.2-: 1 + 1 + 0.5 + 1 of 4 pairs.
    {"en", "x", "g1", 0.9f, 1},
    {"fr", "x", "g1", 0.5f, 1},
    {"en", "x", "g1", 0.5f, 0},
    {"en", "x", "g1", 0.2f, 0},
    // x:g2: 0.3+ against 0.6-: 0 of 1; the unlabelled post counts in no pair.
    {"en", "x", "g2", 0.3f, 1},
    {"en", "x", "g2", 0.6f, 0},
    {"en", "x", "g2", 0.99f, -1},
    // x:g3: positives only.
    {"en", "x", "g3", 0.8f, 1},
    {"en", "x", "g3", 0.7f, 1},
    // No group: would add a won pair if they formed one.
    {"en", "x", "", 0.9f, 1},
    {"en", "x", "", 0.1f, 0},
    // y:g1, the name of a group of x: 0.4+ against 0.4- 0.1-: 0.5 + 1 of 2 pairs.
    {"en", "y", "g1", 0.4f, 1},
    {"en", "y", "g1", 0.4f, 0},
    {"en", "y", "g1", 0.1f, 0},
    // y:g4: negatives only.
    {"en", "y", "g4", 0.2f, 0},
    {"en", "y", "g4", 0.3f, 0},
};

ReportOptions within_min(std::size_t min_per_class) {
  ReportOptions options;
  options.within_min_per_class = min_per_class;
  return options;
}

std::vector<std::string> keys_of(simdjson::dom::object object) {
  std::vector<std::string> keys;
  for (const auto field : object) keys.emplace_back(field.key);
  return keys;
}

TEST(EvalReport, WithinSourceAveragesOnlyTheCellsHoldingTheMinimumOfEachClass) {
  const EvalReport report = binary_report(kCellPosts);
  const WithinSourceReport two = report.compute(within_min(2)).at(0).within_source;
  EXPECT_EQ(two.min_per_class, 2u);
  ASSERT_EQ(two.cells.size(), 2u);  // the app cells fall short of two positives or two negatives
  EXPECT_EQ(two.cells[0].source, "web");
  EXPECT_EQ(two.cells[0].lang, "en");
  EXPECT_EQ(two.cells[0].n, 4u);  // the unlabelled post is not one of them
  EXPECT_EQ(two.cells[0].positives, 2u);
  EXPECT_NEAR(two.cells[0].roc_auc, 0.75, 1e-12);
  EXPECT_EQ(two.cells[1].lang, "fr");
  EXPECT_EQ(two.cells[1].n, 5u);
  EXPECT_NEAR(two.cells[1].roc_auc, 5.0 / 6, 1e-12);
  EXPECT_NEAR(two.macro_roc_auc, (0.75 + 5.0 / 6) / 2, 1e-12);

  // At one post per class every cell counts, sorted by source, then language.
  const WithinSourceReport one = report.compute(within_min(1)).at(0).within_source;
  ASSERT_EQ(one.cells.size(), 4u);
  EXPECT_EQ(one.cells[0].source + "/" + one.cells[0].lang, "app/en");
  EXPECT_EQ(one.cells[1].source + "/" + one.cells[1].lang, "app/fr");
  EXPECT_NEAR(one.cells[0].roc_auc, 2.0 / 3, 1e-12);
  EXPECT_NEAR(one.cells[1].roc_auc, 0.0, 1e-12);
  EXPECT_NEAR(one.macro_roc_auc, (2.0 / 3 + 0 + 0.75 + 5.0 / 6) / 4, 1e-12);

  // At the default 20 no cell counts: the mean is undefined, null in the JSON.
  const WithinSourceReport twenty = report.compute(ReportOptions()).at(0).within_source;
  EXPECT_EQ(twenty.min_per_class, 20u);
  EXPECT_TRUE(twenty.cells.empty());
  EXPECT_TRUE(std::isnan(twenty.macro_roc_auc));
  simdjson::dom::parser parser;
  const simdjson::dom::element root = parser.parse(report.to_json(ReportOptions()));
  EXPECT_TRUE(root["heads"].at(0)["within_source"]["macro_roc_auc"].is_null());
  EXPECT_EQ(std::uint64_t(root["options"]["within_min_per_class"]), 20u);
}

// Source a holds 80 % positives scored 0.6 to 0.9, source b 20 % scored 0.1 to 0.4; inside each source both
// classes get the same scores. Ranking a above b earns 0.8 overall and nothing within a source.
TEST(EvalReport, WithinSourceRocAucIsOneHalfForAScoreThatOnlyRecognisesTheSource) {
  std::vector<Labelled> posts;
  for (int i = 0; i < 100; ++i) {
    const auto level = static_cast<float>(i % 4);
    posts.push_back({"en", "a", "", 0.6f + 0.1f * level, static_cast<std::int8_t>(i < 80)});
    posts.push_back({"en", "b", "", 0.1f + 0.1f * level, static_cast<std::int8_t>(i < 20)});
  }
  const HeadReport head = binary_report(posts).compute(ReportOptions()).at(0);
  // Positives above negatives: 80 × 80 across sources, half of 80 × 20 and 20 × 80 within, of 100 × 100.
  EXPECT_NEAR(head.slices.front().binary.roc_auc, 0.8, 1e-12);
  ASSERT_EQ(head.within_source.cells.size(), 2u);
  EXPECT_EQ(head.within_source.cells[0].positives, 80u);
  EXPECT_EQ(head.within_source.cells[1].positives, 20u);
  EXPECT_NEAR(head.within_source.cells[0].roc_auc, 0.5, 1e-12);
  EXPECT_NEAR(head.within_source.cells[1].roc_auc, 0.5, 1e-12);
  EXPECT_NEAR(head.within_source.macro_roc_auc, 0.5, 1e-12);
}

TEST(EvalReport, PairedAccuracyCountsPairsInsideGroupsOfOneSourceWithTiesAsOneHalf) {
  const PairedReport paired = binary_report(kGroupPosts).compute(ReportOptions()).at(0).paired;
  // x:g1, x:g2 and y:g1; merging the two g1 would give 12 pairs instead of 4 + 2.
  EXPECT_EQ(paired.groups, 3u);
  EXPECT_EQ(paired.pairs, 7u);
  EXPECT_NEAR(paired.accuracy, (3.5 + 0 + 1.5) / 7, 1e-12);
  ASSERT_EQ(paired.by_source.size(), 2u);
  EXPECT_EQ(paired.by_source[0].source, "x");
  EXPECT_EQ(paired.by_source[0].groups, 2u);
  EXPECT_EQ(paired.by_source[0].pairs, 5u);
  EXPECT_NEAR(paired.by_source[0].accuracy, 3.5 / 5, 1e-12);
  EXPECT_EQ(paired.by_source[1].source, "y");
  EXPECT_EQ(paired.by_source[1].groups, 1u);
  EXPECT_EQ(paired.by_source[1].pairs, 2u);
  EXPECT_NEAR(paired.by_source[1].accuracy, 0.75, 1e-12);

  // Without a group holding both labels: no pair, an undefined accuracy, no source.
  const PairedReport none = binary_report(kCellPosts).compute(ReportOptions()).at(0).paired;
  EXPECT_EQ(none.groups, 0u);
  EXPECT_EQ(none.pairs, 0u);
  EXPECT_TRUE(std::isnan(none.accuracy));
  EXPECT_TRUE(none.by_source.empty());
}

TEST(EvalReport, PairedAccuracyOfLargeGroupsEqualsCountingEveryPair) {
  std::mt19937 random(7);
  std::vector<std::string> groups = {"big", "medium"};
  std::vector<Labelled> posts;
  for (int i = 0; i < 4000; ++i) {
    const char* group = groups[i % 4 == 0].c_str();               // 3000 posts in "big", 1000 in "medium"
    const auto score = static_cast<float>(random() % 101) / 100;  // many ties
    posts.push_back({"en", "s", group, score, static_cast<std::int8_t>(random() % 3 == 0)});
  }
  double correct = 0;
  std::size_t pairs = 0;
  for (const Labelled& a : posts) {
    for (const Labelled& b : posts) {
      if (!a.label || b.label || std::string_view(a.group) != b.group) continue;
      ++pairs;
      correct += a.score > b.score ? 1 : a.score == b.score ? 0.5 : 0;
    }
  }
  const PairedReport paired = binary_report(posts).compute(ReportOptions()).at(0).paired;
  EXPECT_EQ(paired.groups, 2u);
  EXPECT_EQ(paired.pairs, pairs);
  EXPECT_NEAR(paired.accuracy, correct / static_cast<double>(pairs), 1e-12);
}

TEST(EvalReport, JsonHoldsWithinSourceAndPairedUnderTheirKeysForBinaryHeadsOnly) {
  std::vector<Labelled> posts = kCellPosts;
  posts.insert(posts.end(), kGroupPosts.begin(), kGroupPosts.end());
  simdjson::dom::parser parser;
  const simdjson::dom::element root = parser.parse(binary_report(posts).to_json(within_min(2)));
  const simdjson::dom::element head = root["heads"].at(0);
  const simdjson::dom::element within = head["within_source"];
  EXPECT_EQ(keys_of(within), (std::vector<std::string>{"min_per_class", "macro_roc_auc", "cells"}));
  EXPECT_EQ(std::uint64_t(within["min_per_class"]), 2u);
  const simdjson::dom::element cell = within["cells"].at(0);
  EXPECT_EQ(keys_of(cell), (std::vector<std::string>{"source", "lang", "n", "positives", "roc_auc"}));
  EXPECT_EQ(std::string_view(cell["source"]), "web");
  EXPECT_EQ(std::string_view(cell["lang"]), "en");
  EXPECT_EQ(std::uint64_t(cell["n"]), 4u);
  EXPECT_EQ(std::uint64_t(cell["positives"]), 2u);
  EXPECT_NEAR(number(cell["roc_auc"]), 0.75, 1e-8);
  const simdjson::dom::element paired = head["paired"];
  EXPECT_EQ(keys_of(paired), (std::vector<std::string>{"groups", "pairs", "accuracy", "by_source"}));
  EXPECT_EQ(std::uint64_t(paired["groups"]), 3u);
  EXPECT_EQ(std::uint64_t(paired["pairs"]), 7u);
  EXPECT_NEAR(number(paired["accuracy"]), 5.0 / 7, 1e-8);
  const simdjson::dom::element x = paired["by_source"].at(0);
  EXPECT_EQ(keys_of(x), (std::vector<std::string>{"source", "groups", "pairs", "accuracy"}));
  EXPECT_EQ(std::string_view(x["source"]), "x");
  EXPECT_EQ(std::uint64_t(x["pairs"]), 5u);
  EXPECT_NEAR(number(x["accuracy"]), 0.7, 1e-8);

  // Undefined values are null; a multi-class head has neither key.
  const simdjson::dom::element fixture = parser.parse(fixture_report().to_json(fixture_options()));
  EXPECT_TRUE(fixture["heads"].at(0)["paired"]["accuracy"].is_null());
  EXPECT_EQ(fixture["heads"].at(0)["paired"]["by_source"].get_array().size(), 0u);
  EXPECT_TRUE(fixture["heads"].at(1)["within_source"].error() == simdjson::NO_SUCH_FIELD);
  EXPECT_TRUE(fixture["heads"].at(1)["paired"].error() == simdjson::NO_SUCH_FIELD);
}

TEST(EvalReport, MarkdownAndHtmlShowWithinSourceAndPairedTables) {
  const std::string cells_md = binary_report(kCellPosts).to_markdown(within_min(2));
  EXPECT_NE(cells_md.find("### coordinated: within source and paired\n"), std::string::npos);
  EXPECT_NE(cells_md.find("holding 2 posts of each class: 0.792\n"), std::string::npos) << cells_md;
  EXPECT_NE(cells_md.find("| source | lang | n | positives | ROC-AUC |\n"), std::string::npos);
  EXPECT_NE(cells_md.find("| web | en | 4 | 2 | 0.750 |\n| web | fr | 5 | 3 | 0.833 |\n"), std::string::npos);
  EXPECT_NE(cells_md.find("Paired accuracy: no group holds both labels.\n"), std::string::npos);
  const std::string groups_md = binary_report(kGroupPosts).to_markdown(ReportOptions());
  EXPECT_NE(groups_md.find("cell holds 20 posts of each class.\n"), std::string::npos) << groups_md;
  EXPECT_NE(groups_md.find(": 0.714 over 7 pairs in 3 groups\n"), std::string::npos) << groups_md;
  EXPECT_NE(groups_md.find("| source | groups | pairs | accuracy |\n"), std::string::npos);
  EXPECT_NE(groups_md.find("| x | 2 | 5 | 0.700 |\n| y | 1 | 2 | 0.750 |\n"), std::string::npos);

  const std::string cells_html = binary_report(kCellPosts).to_html(within_min(2));
  EXPECT_NE(cells_html.find("<tr><td>web</td><td>fr</td><td>5</td><td>3</td><td>0.833</td></tr>"),
            std::string::npos);
  EXPECT_NE(cells_html.find("No group holds both labels."), std::string::npos);
  const std::string groups_html = binary_report(kGroupPosts).to_html(ReportOptions());
  EXPECT_NE(groups_html.find("Accuracy <b>0.714</b> over 7 pairs in 3 groups"), std::string::npos);
  EXPECT_NE(groups_html.find("<tr><td>y</td><td>1</td><td>2</td><td>0.750</td></tr>"), std::string::npos);
}

TEST(EvalReport, RejectsBadOptionsHeadsAndLabelsNamingThem) {
  ReportOptions options;
  options.target_precision = 1.5;
  EXPECT_EQ(error_text([&] { options.validate(); }),
            "config: target_precision: must be above 0 and at most 1, got 1.5");
  options.target_precision = 0.9;
  options.calibration_bins = 0;
  EXPECT_EQ(error_text([&] { fixture_report().to_json(options); }),
            "config: calibration_bins: must be between 1 and 1000, got 0");
  options.calibration_bins = 10;
  options.within_min_per_class = 0;
  EXPECT_EQ(error_text([&] { options.validate(); }),
            "config: within_min_per_class: must be at least 1, got 0");
  EXPECT_EQ(error_text([] {
              EvalReport({{"a", true, {}, 0.5, {}}, {"a", true, {}, 0.5, {}}});
            }),
            "config: head 'a': named twice");
  EXPECT_EQ(error_text([] {
              EvalReport({{"a", true, {}, 1.5, {}}});
            }),
            "config: head 'a': threshold must be between 0 and 1, got 1.5");
  EXPECT_EQ(error_text([] {
              EvalReport({{"k", false, {"x"}, 0.5, {}}});
            }),
            "config: head 'k': a multi-class head has 2 to 127 labels, got 1");
  EvalReport report(fixture_heads());
  const float p[4] = {0.5f, 0.2f, 0.3f, 0.5f};
  const std::int8_t bad_label[2] = {0, 3};
  EXPECT_EQ(error_text([&] { report.add("en", "web", "a", p, bad_label); }),
            "invalid input: head 'topic': label 3 is outside -1 (missing) to 2");
  const float bad_p[4] = {1.5f, 0.2f, 0.3f, 0.5f};
  const std::int8_t labels[2] = {1, 0};
  EXPECT_EQ(error_text([&] { report.add("en", "web", "a", bad_p, labels); }),
            "invalid input: head 'coordinated': probability 1.5 is outside [0, 1]");
  EXPECT_EQ(report.size(), 0u);
}

}  // namespace
}  // namespace sieve::infer
