// sieve score | eval | quantize | calibrate on a bag model trained on the corpus, run as a user runs them.

#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "corpus.h"
#include "run_sieve.h"
#include "sieve/core/json_writer.h"
#include "sieve/core/metrics.h"
#include "trained_model.h"

namespace sieve::testing {
namespace {

class ModelCommands : public WithTrainedModel {
 protected:
  void SetUp() override {
    WithTrainedModel::SetUp();
    dir_ = scratch_dir("model_commands");  // the model's folder is shared by every test process
  }
  std::string dir_;
};

// The "all" slice of every head of report.json: head name → ROC-AUC.
std::map<std::string, double> report_roc_aucs(const std::string& report_dir) {
  simdjson::dom::parser parser;
  const simdjson::dom::element report = parser.load(report_dir + "/report.json");
  std::map<std::string, double> aucs;
  for (const auto head : report["heads"].get_array()) {
    if (std::string_view(head["kind"]) != "binary") continue;
    const auto all = head["slices"].at(0);
    EXPECT_EQ(std::string_view(all["slice"]), "all");
    aucs[std::string(std::string_view(head["name"]))] = double(all["roc_auc"]);
  }
  return aucs;
}

TEST_F(ModelCommands, ScoreWritesOneLinePerGoodRowAndReportsTheBadOnes) {
  const std::string input =
      R"({"id":"a","text":"Trudeau hid the scandal, share before they delete it!","lang":"en"})"
      "\n"
      R"({"id":"b","text": broken json)"
      "\n"
      R"({"id":"c","text":"Belle journée au parc avec les enfants"})"
      "\n"
      "{\"id\":\"d\",\"text\":\"bad \xff\xfe utf-8\"}\n"
      R"({"id":"e","text":"特鲁多总理隐瞒了丑闻"})"
      "\n";
  const RunResult r = run_sieve("score " + model_ + " -", input);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("<stdin>:2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("<stdin>:4:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2 of 5 rows rejected, 3 scored"), std::string::npos) << r.err;
  const auto lines = text_lines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  simdjson::dom::parser parser;
  const std::vector<std::string> ids = {"a", "c", "e"}, langs = {"en", "fr", "zh"};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const simdjson::dom::element line = parser.parse(lines[i]);
    EXPECT_EQ(std::string_view(line["id"]), ids[i]);
    EXPECT_EQ(std::string_view(line["lang"]), langs[i]);  // given for a, guessed for c and e
    const double ood = line["ood"];
    EXPECT_TRUE(ood >= 0 && ood <= 1) << lines[i];
    for (const char* head : {"coordinated", "machine", "nonnative", "abusive"}) {
      const double p = line["scores"][head];
      EXPECT_TRUE(p >= 0 && p <= 1) << lines[i];
      EXPECT_TRUE(line["decisions"][head].is_bool()) << lines[i];
    }
  }
  // Written to a file, the scores replace the previous results only once complete: a missing input
  // leaves them as they were.
  const std::string results = dir_ + "/kept-score-results.jsonl";
  ASSERT_EQ(run_sieve("score " + model_ + " - -o " + results, input).exit_code, 2);
  EXPECT_EQ(file_text(results), r.out);
  const RunResult missing = run_sieve("score " + model_ + " " + dir_ + "/missing.jsonl -o " + results);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(file_text(results), r.out);
}

// A short post and an unfamiliar one are decided like any other and carry their "ood"; --no-ood leaves the
// value out. The options of the abstention that measurement retired are refused by name.
TEST_F(ModelCommands, ScoreDecidesEveryPostAndGivesItsOod) {
  const std::string input =
      R"({"id":"short","text":"ok"})"
      "\n"
      R"({"id":"odd","text":"qzx vvkq jjwp zzqx kkvq xxzq"})"
      "\n"
      R"({"id":"long","text":"The prime minister hid the report about the offshore fund, share before they delete it"})"
      "\n";
  simdjson::dom::parser parser;
  const auto rows = [&](const std::string& options) {
    const RunResult r = run_sieve("score " + model_ + " - " + options, input);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> out;
    for (const std::string& line : text_lines(r.out)) out.push_back(simdjson::minify(parser.parse(line)));
    return out;
  };
  const std::vector<std::string> by_default = rows("");
  ASSERT_EQ(by_default.size(), 3u);
  double odd_ood = 0, long_ood = 0;
  ASSERT_EQ(parser.parse(by_default[1])["ood"].get(odd_ood), simdjson::SUCCESS) << by_default[1];
  ASSERT_EQ(parser.parse(by_default[2])["ood"].get(long_ood), simdjson::SUCCESS) << by_default[2];
  EXPECT_GT(odd_ood, long_ood);  // letters no training post had are rarer than a campaign's words
  for (const std::string& row : by_default) {
    EXPECT_EQ(row.find("abstain"), std::string::npos) << row;
    EXPECT_EQ(row.find("null"), std::string::npos) << row;
  }
  for (const std::string& row : rows("--no-ood")) {
    EXPECT_EQ(row.find("ood"), std::string::npos) << row;
    EXPECT_EQ(row.find("null"), std::string::npos) << row;
  }
  for (const char* retired : {"--no-abstain", "--ood-limit 0.5"}) {
    const RunResult r = run_sieve("score " + model_ + " - " + retired, input);
    EXPECT_EQ(r.exit_code, 2) << retired;
  }
}

TEST_F(ModelCommands, ShardsPartitionTheInputAndScoresDoNotDependOnThreads) {
  const std::string input = corpus_dir() + "/test.jsonl";
  const RunResult all = run_sieve("score " + model_ + " " + input + " --threads 2");
  const RunResult one_thread = run_sieve("score " + model_ + " " + input + " --threads 1");
  const RunResult first = run_sieve("score " + model_ + " " + input + " --shard 0/2 --threads 1");
  const RunResult second = run_sieve("score " + model_ + " " + input + " --shard 1/2 --threads 2");
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.out, one_thread.out);
  const auto lines = text_lines(all.out), a = text_lines(first.out), b = text_lines(second.out);
  ASSERT_EQ(a.size() + b.size(), lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(lines[i], i % 2 == 0 ? a[i / 2] : b[i / 2]);
  EXPECT_EQ(run_sieve("score " + model_ + " " + input + " --shard 2/2").exit_code, 2);
}

TEST_F(ModelCommands, ExplainNamesSpansOfTheNormalizedPost) {
  const RunResult r = run_sieve("score " + model_ + " - --explain 3",
                                R"({"id":"a","text":"Trudeau HID the scandal, share before they delete it!"})"
                                "\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::parser parser;
  const simdjson::dom::element line = parser.parse(r.out);
  const std::string_view normalized = line["normalized"];
  EXPECT_EQ(normalized, "trudeau hid the scandal, share before they delete it!");
  const simdjson::dom::array spans = line["explain"]["coordinated"];
  ASSERT_EQ(spans.size(), 3u);
  double previous = INFINITY;
  for (const auto span : spans) {
    const std::uint64_t begin = span["begin"], end = span["end"];
    EXPECT_EQ(normalized.substr(begin, end - begin), std::string_view(span["span"]));
    const double change = std::fabs(double(span["logit_change"]));
    EXPECT_LE(change, previous);  // strongest first
    EXPECT_GT(change, 0);
    previous = change;
  }
}

TEST_F(ModelCommands, EvalReportAgreesWithTheScoresItIsBuiltFrom) {
  const std::string test = corpus_dir() + "/test.jsonl";
  const std::string report = dir_ + "/report";
  const RunResult r = run_sieve("eval " + model_ + " " + test + " --report " + report);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"report.json", "report.md", "report.html"}) {
    EXPECT_TRUE(std::filesystem::file_size(report + "/" + name) > 1000) << name;
  }
  EXPECT_NE(file_text(report + "/report.html").find("<svg"), std::string::npos);
  const auto aucs = report_roc_aucs(report);
  ASSERT_EQ(aucs.size(), 4u);

  // The same ROC-AUC from `sieve score`'s probabilities and the labels of the file.
  const RunResult scored = run_sieve("score " + model_ + " " + test);
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  simdjson::dom::parser parser, label_parser;
  std::vector<metrics::Scored> coordinated;
  std::istringstream labels(file_text(test));
  std::string label_line;
  for (const std::string& line : text_lines(scored.out)) {
    std::getline(labels, label_line);
    const simdjson::dom::element row = label_parser.parse(label_line);
    std::int64_t label;
    if (row["coordinated"].get(label)) continue;
    coordinated.push_back({double(parser.parse(line)["scores"]["coordinated"]), label == 1});
  }
  EXPECT_NEAR(aucs.at("coordinated"), metrics::roc_auc(coordinated), 1e-6);
  EXPECT_GT(aucs.at("coordinated"), 0.85);  // a model that learned something
}

// Several files make one report: the same numbers as the one file they were cut from.
TEST_F(ModelCommands, EvalOfSeveralFilesIsTheEvalOfThemTogether) {
  const std::vector<std::string> lines = text_lines(file_text(corpus_dir() + "/test.jsonl"));
  const std::size_t half = lines.size() / 2;
  std::ofstream whole(dir_ + "/whole.jsonl"), first(dir_ + "/first.jsonl"), second(dir_ + "/second.jsonl");
  for (std::size_t i = 0; i < 2 * half; ++i) {
    whole << lines[i] << '\n';
    (i < half ? first : second) << lines[i] << '\n';
  }
  whole.close(), first.close(), second.close();
  const RunResult one = run_sieve("eval " + model_ + " " + dir_ + "/whole.jsonl --report " + dir_ + "/one");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const RunResult two = run_sieve("eval " + model_ + " " + dir_ + "/first.jsonl " + dir_ +
                                  "/second.jsonl --report " + dir_ + "/two");
  ASSERT_EQ(two.exit_code, 0) << two.err;
  const auto expected = report_roc_aucs(dir_ + "/one");
  ASSERT_EQ(expected.size(), 4u);
  EXPECT_EQ(report_roc_aucs(dir_ + "/two"), expected);
  simdjson::dom::parser parser;
  const std::string json = file_text(dir_ + "/two/report.json");
  EXPECT_EQ(std::string_view(parser.parse(json)["data"]), dir_ + "/first.jsonl, " + dir_ + "/second.jsonl");
}

TEST_F(ModelCommands, Int8LosesAtMostHalfAPointOfRocAucPerHead) {
  const std::string int8 = dir_ + "/model.int8.sieve";
  const RunResult q = run_sieve("quantize " + model_ + " " + int8);
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_LT(std::filesystem::file_size(int8), std::filesystem::file_size(model_) / 3);
  const std::string test = corpus_dir() + "/test.jsonl";
  ASSERT_EQ(run_sieve("eval " + model_ + " " + test + " --report " + dir_ + "/fp32").exit_code, 0);
  ASSERT_EQ(run_sieve("eval " + int8 + " " + test + " --report " + dir_ + "/int8").exit_code, 0);
  const auto fp32_aucs = report_roc_aucs(dir_ + "/fp32"), int8_aucs = report_roc_aucs(dir_ + "/int8");
  ASSERT_EQ(fp32_aucs.size(), 4u);
  for (const auto& [head, auc] : fp32_aucs) {
    EXPECT_GE(int8_aucs.at(head), auc - 0.005) << head;
    EXPECT_NE(int8_aucs.at(head), auc) << head << ": the int8 model scored exactly as fp32";
  }
}

TEST_F(ModelCommands, CalibrateStoresTemperaturesThatLowerTheDevLoss) {
  const std::string calibrated = dir_ + "/model.calibrated.sieve";
  const std::string dev = corpus_dir() + "/dev.jsonl";
  const RunResult r = run_sieve("calibrate " + model_ + " " + dev + " -o " + calibrated);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Each head's line: name, n, temperature, NLL before, NLL after, ECE before, ECE after.
  for (const char* head : {"coordinated", "machine", "nonnative", "abusive"}) {
    const std::size_t at = r.out.find(std::string("\n") + head + " ");
    ASSERT_NE(at, std::string::npos) << r.out;
    std::istringstream fields(r.out.substr(at + 1));
    std::string name;
    double n, temperature, nll_before, nll_after;
    fields >> name >> n >> temperature >> nll_before >> nll_after;
    EXPECT_GT(n, 500) << head;
    EXPECT_LE(nll_after, nll_before) << head;
    EXPECT_TRUE(temperature > 0.05 && temperature < 20) << head;
  }
  // The ranking is the same, so the ROC-AUC is too; the scores are not.
  const std::string test = corpus_dir() + "/test.jsonl";
  ASSERT_EQ(run_sieve("eval " + calibrated + " " + test + " --report " + dir_ + "/calibrated").exit_code, 0);
  ASSERT_EQ(run_sieve("eval " + model_ + " " + test + " --report " + dir_ + "/uncalibrated").exit_code, 0);
  const auto before = report_roc_aucs(dir_ + "/uncalibrated"), after = report_roc_aucs(dir_ + "/calibrated");
  for (const auto& [head, auc] : before) EXPECT_NEAR(after.at(head), auc, 1e-4) << head;
  const std::string post = R"({"id":"a","text":"Trudeau hid the scandal, share before they delete it!"})";
  // Every loader self-tests the calibrated file (at the trainer's temperature 1) and scores with it.
  const RunResult calibrated_scores = run_sieve("score " + calibrated + " -", post);
  ASSERT_EQ(calibrated_scores.exit_code, 0) << calibrated_scores.err;
  EXPECT_NE(run_sieve("score " + model_ + " -", post).out, calibrated_scores.out);
  EXPECT_EQ(run_sieve("score " + calibrated + " --self-test").exit_code, 0);
}

// The dev posts labelled coordinated = 0 (ordinary users' posts of every language), as JSON lines.
std::string organic_dev_posts() {
  std::ifstream in(corpus_dir() + "/dev.jsonl");
  simdjson::dom::parser parser;
  std::string out;
  for (std::string line; std::getline(in, line);) {
    std::int64_t coordinated = -1;
    if (!parser.parse(line)["coordinated"].get(coordinated) && coordinated == 0) out += line + "\n";
  }
  return out;
}

// By default every language with --min-posts organic posts gets a threshold of its own, so the promise holds
// for each language; --no-per-language keeps one threshold per head.
TEST_F(ModelCommands, CalibrateOnOrganicPostsSetsAThresholdPerLanguageByDefaultThatScoreDecidesWith) {
  const std::string organic = dir_ + "/organic.jsonl";
  const std::string posts = organic_dev_posts();
  ASSERT_GT(text_lines(posts).size(), 1000u);
  std::ofstream(organic) << posts;
  const std::string calibrated = dir_ + "/model.organic.sieve";
  const RunResult r = run_sieve("calibrate " + model_ + " --organic " + organic +
                                " --max-fpr 0.02 --min-posts 500 -o " + calibrated);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("thresholds stored in " + calibrated), std::string::npos) << r.out;
  const RunResult one =
      run_sieve("calibrate " + model_ + " --organic " + organic +
                " --max-fpr 0.02 --no-per-language --min-posts 500 -o " + dir_ + "/one.sieve");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("\ncoordinated    all "), std::string::npos) << one.out;
  EXPECT_EQ(one.out.find("\ncoordinated    en "), std::string::npos) << one.out;

  // What serving decides on the same posts is what calibration counted: per language at most 2 %.
  const RunResult scored = run_sieve("score " + calibrated + " " + organic);
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  simdjson::dom::parser parser;
  std::map<std::string, std::pair<int, int>> flagged;  // lang → (flagged, posts), coordinated head
  for (const std::string& line : text_lines(scored.out)) {
    const simdjson::dom::element row = parser.parse(line);
    auto& [yes, all] = flagged[std::string(std::string_view(row["lang"]))];
    yes += bool(row["decisions"]["coordinated"]);
    ++all;
  }
  ASSERT_GE(flagged.size(), 2u) << scored.out.substr(0, 500);
  for (const auto& [lang, counts] : flagged) {
    if (counts.second < 500) continue;
    EXPECT_LE(counts.first, 0.02 * counts.second) << lang;
    // The table's line for the language: head, lang, posts, threshold, flagged, FPR, upper bound.
    const std::size_t at = r.out.find("\ncoordinated    " + lang + " ");
    ASSERT_NE(at, std::string::npos) << lang << "\n" << r.out;
    std::istringstream fields(r.out.substr(at + 1));
    std::string head, language;
    int posts, flagged_then;
    double threshold;
    fields >> head >> language >> posts >> threshold >> flagged_then;
    EXPECT_EQ(posts, counts.second) << lang;
    EXPECT_EQ(flagged_then, counts.first) << lang;
  }
  // The evaluation decides with the same thresholds and says so.
  ASSERT_EQ(run_sieve("eval " + calibrated + " " + organic + " --report " + dir_ + "/organic").exit_code, 0);
  const std::string md = file_text(dir_ + "/organic/report.md");
  EXPECT_NE(md.find("Languages deciding with a threshold of their own"), std::string::npos) << md;

  EXPECT_EQ(run_sieve("calibrate " + model_ + " -o " + dir_ + "/x.sieve").err,
            "sieve: calibrate: give labelled posts (temperatures), --organic posts (thresholds) or both\n");
  const std::string positives = dir_ + "/positives.jsonl";
  std::ofstream(positives) << R"({"id":"p","text":"a campaign post","lang":"en","coordinated":1,"machine":1,)"
                              R"("nonnative":1,"abusive":1})"
                           << "\n";
  const RunResult none =
      run_sieve("calibrate " + model_ + " --organic " + positives + " -o " + dir_ + "/x.sieve");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_EQ(none.err, "sieve: " + positives +
                          ": no organic post (a post counts for each head it is not labelled 1 for)\n");
}

// By default every language of the organic posts weighs the same and the Wilson upper bound of the rate is
// what stays at the target: the table says so and what each threshold rests on, source by source. A sample
// too small for the bound is refused in one line and nothing is written; the earlier rule (every post the
// same, the measured rate) stays available by flag and needs no minimum.
TEST_F(ModelCommands, CalibrateKeepsTheWilsonBoundOfEveryLanguageAndRefusesTooFewPosts) {
  const std::vector<std::string> lines = text_lines(organic_dev_posts());
  ASSERT_GT(lines.size(), 1000u);
  const std::string organic = dir_ + "/organic.jsonl", few = dir_ + "/few.jsonl";
  std::ofstream all_posts(organic), few_posts(few);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    all_posts << lines[i] << "\n";
    if (i < 300) few_posts << lines[i] << "\n";
  }
  all_posts.close();
  few_posts.close();
  const std::string calibrated = dir_ + "/model.wilson.sieve";
  const RunResult r = run_sieve("calibrate " + model_ + " --organic " + organic + " -o " + calibrated);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(
      r.out.rfind("organic posts weighted by languages, the Wilson 95 % upper bound of the rate kept at "
                  "0.01\n",
                  0),
      0u)
      << r.out;
  const std::size_t at = r.out.find("\ncoordinated    all ");
  ASSERT_NE(at, std::string::npos) << r.out;
  std::istringstream fields(r.out.substr(at + 1));
  std::string head, lang;
  std::size_t posts = 0, flagged = 0;
  double threshold = 0, fpr = 0, upper = 0;
  fields >> head >> lang >> posts >> threshold >> flagged >> fpr >> upper;
  EXPECT_EQ(posts, lines.size());
  EXPECT_LE(upper, 0.01);
  EXPECT_GT(upper, fpr);
  std::string rest;
  std::getline(fields, rest);
  EXPECT_NE(rest.find("tweeteval "), std::string::npos) << rest;
  EXPECT_NE(rest.find("weibo "), std::string::npos) << rest;

  const RunResult refused =
      run_sieve("calibrate " + model_ + " --organic " + few + " -o " + dir_ + "/few.sieve");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(refused.err,
            "sieve: " + few +
                ": head 'coordinated': 300 organic posts are too few for the Wilson bound of the rate "
                "to reach 0.01 under --weighting languages (about 381 equally weighted posts are "
                "needed); give more posts, a higher --max-fpr or --bound point\n");
  EXPECT_EQ(refused.out, "");
  EXPECT_FALSE(std::ifstream(dir_ + "/few.sieve").good());
  const RunResult earlier = run_sieve("calibrate " + model_ + " --organic " + few +
                                      " --weighting posts --bound point -o " + dir_ + "/few.sieve");
  ASSERT_EQ(earlier.exit_code, 0) << earlier.err;
  EXPECT_NE(earlier.out.find("weighted by posts, the measured rate kept at 0.01"), std::string::npos);
  EXPECT_EQ(run_sieve("calibrate " + model_ + " --organic " + few + " --weighting accounts").err,
            "sieve: --weighting: 'accounts' is not one of posts, sources, languages\n");
}

// Posts of one class cannot calibrate a head; two posts the head ranks right separate perfectly, so the
// fit runs to the end of its range, which is said and not stored.
TEST_F(ModelCommands, CalibrateRefusesOneClassAndSaysWhenAFitEndsAtItsBound) {
  const std::string one_class = dir_ + "/one-class.jsonl";
  std::ofstream(one_class) << R"({"id":"p","text":"a campaign post","coordinated":1})"
                              "\n"
                           << R"({"id":"q","text":"another campaign post","coordinated":1})"
                              "\n";
  RunResult r = run_sieve("calibrate " + model_ + " " + one_class + " -o " + dir_ + "/one-class.sieve");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "sieve: " + one_class +
                       ": head 'coordinated' needs posts of at least two classes to fit a temperature, got 2 "
                       "all labelled 1\n");
  EXPECT_FALSE(std::ifstream(dir_ + "/one-class.sieve").good());

  // The dev post labelled 1 that the head scores highest and the one labelled 0 it scores lowest: each on
  // its side of logit 0, which no temperature can move.
  std::string dev_posts;
  {
    std::ifstream in(corpus_dir() + "/dev.jsonl");
    std::string line;
    for (int i = 0; i < 300 && std::getline(in, line); ++i) dev_posts += line + "\n";  // campaign posts
    const std::vector<std::string> organic = text_lines(organic_dev_posts());
    for (std::size_t i = 0; i < 300 && i < organic.size(); ++i) dev_posts += organic[i] + "\n";
  }
  const RunResult scores = run_sieve("score " + model_ + " -", dev_posts);
  simdjson::dom::parser parser, scored_parser;
  const auto posts = text_lines(dev_posts), scored = text_lines(scores.out);
  ASSERT_EQ(posts.size(), scored.size()) << scores.err;
  std::string best_positive, best_negative;  // as posts labelled for this head alone
  double top = 0.5, bottom = 0.5;
  for (std::size_t i = 0; i < posts.size(); ++i) {
    std::int64_t label = -1;
    const simdjson::dom::element post = parser.parse(posts[i]);
    if (post["coordinated"].get(label)) continue;
    const double p = scored_parser.parse(scored[i])["scores"]["coordinated"];
    JsonWriter w;
    w.begin_object().key("id").value(std::string_view(post["id"]));
    w.key("text").value(std::string_view(post["text"])).key("coordinated").value(label).end_object();
    if (label == 1 && p > top) top = p, best_positive = w.str();
    if (label == 0 && p < bottom) bottom = p, best_negative = w.str();
  }
  ASSERT_FALSE(best_positive.empty() || best_negative.empty());
  const std::string separable = dir_ + "/separable.jsonl";
  std::ofstream(separable) << best_positive << "\n" << best_negative << "\n";
  r = run_sieve("calibrate " + model_ + " " + separable + " -o " + dir_ + "/separable.sieve");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: head 'coordinated': the fit ended at the bound 0.05 of the range [0.05, 20] "
                       "(the posts are separated perfectly"),
            std::string::npos)
      << r.err;
  const std::size_t at = r.out.find("\ncoordinated ");
  ASSERT_NE(at, std::string::npos) << r.out;
  std::istringstream fields(r.out.substr(at + 1));
  std::string name;
  double n = 0, temperature = 0;
  fields >> name >> n >> temperature;
  EXPECT_EQ(temperature, 1.0) << r.out;
}

// Posts without a label of any head have nothing to evaluate: a report of undefined metrics is refused.
TEST_F(ModelCommands, EvalOfPostsWithoutLabelsIsAnError) {
  const std::string unlabelled = dir_ + "/unlabelled.jsonl";
  std::ofstream(unlabelled) << R"({"id":"p","text":"a post"})"
                               "\n"
                            << R"({"id":"q","text":"another"})"
                               "\n";
  const RunResult r = run_sieve("eval " + model_ + " " + unlabelled + " --report " + dir_ + "/unlabelled");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "sieve: " + unlabelled +
                ": none of its 2 posts has a label of the model's heads (coordinated, machine, nonnative, "
                "abusive): nothing to evaluate (map a label column with --set data.label.<head>=<column>)\n");
  EXPECT_FALSE(std::ifstream(dir_ + "/unlabelled/report.json").good());
}

TEST_F(ModelCommands, ATruncatedModelIsAClearErrorNotACrash) {
  const std::string bytes = file_text(model_);
  for (const std::size_t keep :
       {std::size_t{0}, std::size_t{7}, std::size_t{100}, bytes.size() / 2, bytes.size() - 1}) {
    const std::string cut = dir_ + "/cut.sieve";
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, keep);
    const RunResult r = run_sieve("score " + cut + " -", "{\"text\":\"hello\"}\n");
    EXPECT_EQ(r.exit_code, 2) << keep << ": " << r.err;
    EXPECT_EQ(r.err.rfind("sieve: " + cut + ": ", 0), 0u) << keep << ": " << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

TEST_F(ModelCommands, SelfTestPassesOnTheTrainedModel) {
  const RunResult r = run_sieve("score " + model_ + " --self-test");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("self-test passed: 8 samples"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace sieve::testing
