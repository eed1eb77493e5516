// sieve drift on the bag model trained on the corpus, run as a user runs it: the same posts, a shuffled
// half of them, and a very different set of posts.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <random>

#include "corpus.h"
#include "run_sieve.h"
#include "trained_model.h"

namespace sieve::testing {
namespace {

void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path);
  for (const std::string& line : lines) out << line << "\n";
}

// The lines of the corpus' test split that pass keep (given the parsed post).
std::vector<std::string> corpus_lines(const std::function<bool(simdjson::dom::element)>& keep) {
  simdjson::dom::parser parser;
  std::vector<std::string> kept;
  for (const std::string& line : text_lines(file_text(corpus_dir() + "/test.jsonl"))) {
    if (keep(parser.parse(line))) kept.push_back(line);
  }
  return kept;
}

bool labelled(simdjson::dom::element post, const char* head) {
  std::int64_t label = 0;
  return post[head].get(label) == simdjson::SUCCESS && label == 1;
}

bool coordinated(simdjson::dom::element post) { return labelled(post, "coordinated"); }

// Organic for every head, as `sieve calibrate --organic` counts a post for a head it is not labelled 1 for.
bool organic_for_all(simdjson::dom::element post) {
  for (const char* head : {"coordinated", "machine", "nonnative", "abusive"}) {
    if (labelled(post, head)) return false;
  }
  return true;
}

class DriftCommand : public WithTrainedModel {
 protected:
  void SetUp() override {
    WithTrainedModel::SetUp();
    dir_ = scratch_dir("drift_command");
    organic_ = dir_ + "/organic.jsonl";
    campaign_ = dir_ + "/campaign.jsonl";
    write_lines(organic_, corpus_lines([](simdjson::dom::element p) { return !coordinated(p); }));
    write_lines(campaign_, corpus_lines(coordinated));
  }

  // The heads × languages rows of the JSON report.
  std::vector<std::string> drifting_rows(const std::string& json_path) {
    simdjson::dom::parser parser;
    std::vector<std::string> rows;
    const simdjson::dom::element report = parser.load(json_path);
    for (const auto row : report["heads"].get_array()) {
      if (std::string_view(row["reading"]) == "drift")
        rows.push_back(std::string(std::string_view(row["head"])) + "/" +
                       std::string(std::string_view(row["lang"])));
    }
    return rows;
  }

  std::string dir_, organic_, campaign_;
};

TEST_F(DriftCommand, TheSamePostsOrAShuffledHalfOfThemAreNoDrift) {
  const RunResult same = run_sieve("drift " + organic_ + " " + organic_ + " --model " + model_);
  ASSERT_EQ(same.exit_code, 0) << same.err << same.out;
  EXPECT_NE(same.out.find("\nverdict: no drift\n"), std::string::npos) << same.out;
  EXPECT_NE(same.out.find("\ncoordinated    en "), std::string::npos) << same.out;
  EXPECT_NE(same.out.find("unfamiliar posts (\"ood\" above 0.99)"), std::string::npos) << same.out;

  std::vector<std::string> half = text_lines(file_text(organic_));
  std::mt19937 random(7);
  std::shuffle(half.begin(), half.end(), random);
  half.resize(half.size() / 2);
  const std::string half_path = dir_ + "/half.jsonl";
  write_lines(half_path, half);
  const std::string json = dir_ + "/half-report.json";
  const RunResult shuffled =
      run_sieve("drift " + organic_ + " " + half_path + " -m " + model_ + " --json " + json);
  ASSERT_EQ(shuffled.exit_code, 0) << shuffled.err << shuffled.out;
  EXPECT_NE(shuffled.out.find("\nverdict: no drift"), std::string::npos) << shuffled.out;
  EXPECT_TRUE(drifting_rows(json).empty());
  EXPECT_NE(file_text(json).find("\"drift\":false"), std::string::npos) << file_text(json);
}

TEST_F(DriftCommand, AVeryDifferentSetOfPostsIsDriftWithExitCode3) {
  const std::string json = dir_ + "/campaign-report.json";
  const RunResult r =
      run_sieve("drift " + organic_ + " " + campaign_ + " --model " + model_ + " --report " + json);
  EXPECT_EQ(r.exit_code, 3) << r.err << r.out;
  EXPECT_NE(r.out.find("\nverdict: drift ("), std::string::npos) << r.out;
  const std::vector<std::string> rows = drifting_rows(json);
  EXPECT_NE(std::find(rows.begin(), rows.end(), "coordinated/en"), rows.end()) << file_text(json);
  EXPECT_NE(file_text(json).find("\"drift\":true"), std::string::npos);
}

TEST_F(DriftCommand, AFlaggedRateOverTwiceThePromiseIsDrift) {
  // The posts the thresholds are calibrated on: those the promise is about for every head.
  const std::string clean = dir_ + "/organic-for-all.jsonl", calibrated = dir_ + "/calibrated.sieve";
  write_lines(clean, corpus_lines(organic_for_all));
  const RunResult c =
      run_sieve("calibrate " + model_ + " --organic " + clean + " --max-fpr 0.01 -o " + calibrated);
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const RunResult same = run_sieve("drift " + clean + " " + clean + " --model " + calibrated);
  EXPECT_EQ(same.exit_code, 0) << same.out;
  EXPECT_NE(same.out.find("1.0%"), std::string::npos) << same.out;  // the promise in its column
  const RunResult r = run_sieve("drift " + clean + " " + campaign_ + " --model " + calibrated);
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_NE(r.out.find("% over"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("promised"), std::string::npos) << r.out;
}

TEST_F(DriftCommand, ReportsBadRowsAndRefusesAnEmptyFile) {
  std::vector<std::string> lines = text_lines(file_text(organic_));
  lines.insert(lines.begin() + 1, R"({"id":"broken","text": no json)");
  const std::string traffic = dir_ + "/with-a-bad-row.jsonl";
  write_lines(traffic, lines);
  const RunResult bad = run_sieve("drift " + organic_ + " " + traffic + " --model " + model_);
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find(traffic + ":2:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("1 of " + std::to_string(2 * lines.size() - 1) + " rows rejected"),
            std::string::npos)
      << bad.err;
  EXPECT_NE(bad.out.find("verdict: no drift"), std::string::npos) << bad.out;

  const std::string empty = dir_ + "/empty.jsonl";
  write_lines(empty, {});
  const RunResult none = run_sieve("drift " + organic_ + " " + empty + " --model " + model_);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_EQ(none.err,
            "sieve: " + empty + ": no posts to compare (the file is empty or every row was rejected)\n");
  const RunResult no_model = run_sieve("drift " + organic_ + " " + organic_);
  EXPECT_EQ(no_model.exit_code, 2);
  EXPECT_NE(no_model.err.find("--model"), std::string::npos) << no_model.err;
}

}  // namespace
}  // namespace sieve::testing
