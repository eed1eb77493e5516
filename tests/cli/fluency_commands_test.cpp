// sieve fluency train (with unlabelled native text) and sieve fluency score, run as a user runs them.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "run_sieve.h"

namespace sieve::testing {
namespace {

// One value (or statistic) of each post of `sieve fluency score`'s output, by id; every post is English.
std::map<std::string, double> values_by_id(const std::string& out, const char* key) {
  simdjson::dom::parser parser;
  std::map<std::string, double> by_id;
  for (const std::string& line : text_lines(out)) {
    const simdjson::dom::element row = parser.parse(line);
    EXPECT_EQ(std::string_view(row["scored_as"]), "en") << line;
    by_id[std::string(std::string_view(row["id"]))] = double(row[key]);
  }
  return by_id;
}

TEST(FluencyCommands, NativeTextIsLearnedBesideTheLabelledPostsAndScoreShowsIt) {
  const std::string dir = scratch_dir("fluency-native");
  {
    // Native posts of ten accounts, so that both halves of the model (by account) have English; one post
    // of a campaign, which the model must not learn from.
    std::ofstream labelled(dir + "/labelled.jsonl");
    for (int i = 0; i < 10; ++i) {
      labelled << R"({"id":"a)" << i << R"(","group":"user)" << i
               << R"(","text":"We walked to the market this morning","lang":"en","coordinated":0})"
                  "\n";
    }
    labelled << R"({"id":"b","text":"The minister hid the report, share it","lang":"en","coordinated":1})"
                "\n";
  }
  std::filesystem::create_directories(dir + "/native");
  {
    std::ofstream native(dir + "/native/en.stories.txt");
    for (int i = 0; i < 50; ++i) native << "the old lighthouse keeper counted ships every evening\n";
    native << "\xff broken line\n";  // not UTF-8: reported and skipped
  }
  std::ofstream(dir + "/native/notes.md") << "not a text file of the folder\n";

  const RunResult with = run_sieve("fluency train " + dir + "/labelled.jsonl --native " + dir +
                                   "/native -o " + dir + "/with.model");
  EXPECT_EQ(with.exit_code, 2) << with.err;  // the broken native line
  EXPECT_NE(with.err.find("learned from 10 native posts of 11 and 50 native texts"), std::string::npos)
      << with.err;
  EXPECT_NE(with.err.find("en.stories.txt:51:"), std::string::npos) << with.err;
  EXPECT_NE(with.err.find("1 native lines rejected"), std::string::npos) << with.err;
  const RunResult without =
      run_sieve("fluency train " + dir + "/labelled.jsonl -o " + dir + "/without.model");
  ASSERT_EQ(without.exit_code, 0) << without.err;

  // The native sentence is far more likely under the model that read it; the labelled one is not.
  std::ofstream(dir + "/posts.jsonl")
      << R"({"id":"native","text":"The old lighthouse keeper counted ships every evening","lang":"en"})"
         "\n"
      << R"({"id":"labelled","text":"We walked to the market this morning","lang":"en"})"
         "\n";
  const RunResult scored_with = run_sieve("fluency score -m " + dir + "/with.model " + dir + "/posts.jsonl");
  const RunResult scored_without =
      run_sieve("fluency score -m " + dir + "/without.model " + dir + "/posts.jsonl");
  ASSERT_EQ(scored_with.exit_code, 0) << scored_with.err;
  ASSERT_EQ(scored_without.exit_code, 0) << scored_without.err;
  const auto p_with = values_by_id(scored_with.out, "word_logprob_mean");
  const auto p_without = values_by_id(scored_without.out, "word_logprob_mean");
  ASSERT_EQ(p_with.size(), 2u) << scored_with.out;
  EXPECT_GT(p_with.at("native"), p_without.at("native") + 1.0);
  EXPECT_GT(p_with.at("native"), p_with.at("labelled"));

  // A plain file whose name does not tell its language needs --native-lang.
  std::ofstream(dir + "/stories.txt") << "the old lighthouse keeper counted ships\n";
  const RunResult unknown = run_sieve("fluency train " + dir + "/labelled.jsonl --native " + dir +
                                      "/stories.txt -o " + dir + "/x.model");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find(dir + "/stories.txt"), std::string::npos) << unknown.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/x.model"));
  EXPECT_EQ(run_sieve("fluency train " + dir + "/labelled.jsonl --native " + dir +
                      "/stories.txt --native-lang en "
                      "-o " +
                      dir + "/x.model")
                .exit_code,
            0);
}

TEST(FluencyCommands, LearnerPostsTrainTheContrastModelsThatScoreShowsAsStatistics) {
  const std::string dir = scratch_dir("fluency-contrast");
  {
    // Twelve authors, each with a native sentence and a learner one, so that both halves hold both kinds.
    std::ofstream labelled(dir + "/labelled.jsonl");
    for (int i = 0; i < 12; ++i) {
      labelled << R"({"id":"n)" << i << R"(","group":"g)" << i
               << R"(","text":"She went to the school yesterday","lang":"en","nonnative":0})"
                  "\n"
               << R"({"id":"l)" << i << R"(","group":"g)" << i
               << R"(","text":"She go to school yesterday","lang":"en","nonnative":1})"
                  "\n";
    }
  }
  const RunResult trained = run_sieve("fluency train " + dir + "/labelled.jsonl -o " + dir + "/f.model");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_NE(trained.err.find("learned from 12 native posts of 24, contrasted with 12 learner and 0 machine"),
            std::string::npos)
      << trained.err;
  std::ofstream(dir + "/posts.jsonl") << R"({"id":"learner","text":"He go to school today","lang":"en"})"
                                         "\n"
                                      << R"({"id":"native","text":"He went to the school today","lang":"en"})"
                                         "\n";
  const RunResult scored = run_sieve("fluency score -m " + dir + "/f.model " + dir + "/posts.jsonl");
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  const auto learner_gap = values_by_id(scored.out, "learner_minus_native_word");
  for (const auto& [id, gap] : values_by_id(scored.out, "machine_minus_native_word"))
    EXPECT_EQ(gap, 0.0) << "no machine posts: " << id;
  ASSERT_EQ(learner_gap.size(), 2u) << scored.out;
  EXPECT_GT(learner_gap.at("learner"), 0.0);
  EXPECT_LT(learner_gap.at("native"), 0.0);

  const RunResult alone = run_sieve("data prepare -t " + dir + "/none.model --fluency-statistics " + dir +
                                    "/labelled.jsonl -o " + dir + "/shards");
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_NE(alone.err.find("--fluency-statistics: needs --fluency"), std::string::npos) << alone.err;
}

}  // namespace
}  // namespace sieve::testing
