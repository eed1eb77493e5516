// The normalize and tokenizer commands, run as a user runs them.

#include <gtest/gtest.h>

#include <fstream>

#include "run_sieve.h"

namespace sieve::testing {
namespace {

const std::string kSample = std::string(SIEVE_SOURCE_DIR) + "/examples/posts.jsonl";

TEST(NormalizeCommand, PrintsOneNormalizedPostPerLine) {
  const RunResult r = run_sieve("normalize", "Тrudeau STOLE $15,000!!!!! https://t.co/x\n這個國家\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "trudeau stole $<num>!!! <url>\n这个国家\n");
  EXPECT_EQ(r.err, "");
}

TEST(NormalizeCommand, SwitchesStepsOffByName) {
  const RunResult r = run_sieve("normalize --disable case_fold --disable mask_numbers", "Trudeau 2023\n");
  EXPECT_EQ(r.out, "Trudeau 2023\n");
}

TEST(NormalizeCommand, ReportsBadJsonLinesAndKeepsTheRest) {
  const RunResult r = run_sieve(
      "normalize --jsonl --format jsonl",
      "{\"id\":1,\"text\":\"Le PREMIER ministre\"}\n{broken\n{\"id\":3}\n{\"id\":\"x\",\"text\":\"OK\"}\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out,
            "{\"id\":1,\"text\":\"le premier ministre\",\"lang_hint\":\"fr\",\"invalid_utf8_bytes\":0}\n"
            "{\"id\":\"x\",\"text\":\"ok\",\"lang_hint\":\"en\",\"invalid_utf8_bytes\":0}\n");
  EXPECT_NE(r.err.find("sieve: <stdin>:2: malformed JSON"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sieve: <stdin>:3: no \"text\" field"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sieve: <stdin>: 2 of 4 lines rejected"), std::string::npos) << r.err;
}

TEST(NormalizeCommand, CountsInvalidUtf8WithoutRejectingThePost) {
  const RunResult r = run_sieve("normalize", "ok\nbad \xFF byte\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "ok\nbad \xEF\xBF\xBD byte\n");
  EXPECT_EQ(r.err, "sieve: <stdin>: 1 posts held invalid UTF-8 (replaced by U+FFFD)\n");
}

TEST(NormalizeCommand, HandlesEmptyInputAndOneMegabytePosts) {
  EXPECT_EQ(run_sieve("normalize", "").out, "");
  std::string big;
  while (big.size() < (1u << 20)) big += "Trudeau a menti ";
  const RunResult r = run_sieve("normalize", big + "\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.substr(0, 32), "trudeau a menti trudeau a menti ");
  EXPECT_EQ(r.out.back(), '\n');
}

TEST(Commands, ReportErrorsAsSieveWhereWhatWithExitCode2) {
  RunResult r = run_sieve("normalize /nonexistent/posts.txt");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "sieve: /nonexistent/posts.txt: cannot open\n");
  r = run_sieve("normalize --disable lowercase");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("sieve: normalizer step 'lowercase': unknown; the steps are remove_invisible,", 0),
            0u)
      << r.err;
  r = run_sieve("normalize --max-char-run 5000");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "sieve: normalizer.max_char_run: must be between 0 (keep runs) and 1000, got 5000\n");
  r = run_sieve("tokenizer encode -m /nonexistent.model");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "sieve: /nonexistent.model: cannot open (tokenizer model): No such file or directory\n");
  r = run_sieve("normalize --format xml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("sieve: --format: xml not in {text,jsonl}", 0), 0u) << r.err;
}

// Outputs are written under a partial name and renamed when complete: a run that fails keeps what the
// file held before, and leaves no partial file behind.
TEST(Commands, AFailedRunKeepsThePreviousOutputWhole) {
  const std::string dir = scratch_dir("kept-output");
  const std::string missing = dir + "/missing.jsonl";
  for (const std::string& command : {"cluster " + missing + " --out " + dir + "/out.jsonl",
                                     "accounts " + missing + " -o " + dir + "/out.jsonl",
                                     "data dedupe " + missing + " --out " + dir + "/out.jsonl"}) {
    std::ofstream(dir + "/out.jsonl") << "the previous results\n";
    const RunResult r = run_sieve(command);
    EXPECT_EQ(r.exit_code, 2) << command;
    EXPECT_NE(r.err.find(missing), std::string::npos) << r.err;
    EXPECT_EQ(file_text(dir + "/out.jsonl"), "the previous results\n") << command;
    EXPECT_FALSE(std::ifstream(dir + "/out.jsonl.partial").good()) << command;
  }
  // A run that succeeds replaces the file whole; /dev/null and other non-regular files are written in place.
  ASSERT_EQ(run_sieve("cluster " + kSample + " --out " + dir + "/out.jsonl").exit_code, 0);
  EXPECT_EQ(file_text(dir + "/out.jsonl").find("the previous results"), std::string::npos);
  EXPECT_FALSE(std::ifstream(dir + "/out.jsonl.partial").good());
  EXPECT_EQ(run_sieve("cluster " + kSample + " --out /dev/null").exit_code, 0);
}

// Messages name what the user typed: the unknown word, the flag (not the settings key behind it).
TEST(Commands, MistakesAreNamedAsTyped) {
  RunResult r = run_sieve("frobnicate posts.jsonl");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("sieve: 'frobnicate' is not a command of sieve; the commands are normalize, ", 0), 0u)
      << r.err;
  r = run_sieve("data frobnicate");
  EXPECT_EQ(r.err.rfind("sieve: 'frobnicate' is not a command of sieve data; the commands are simulate,", 0),
            0u)
      << r.err;
  r = run_sieve("adapt model.sieve posts.jsonl --suggest 0");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("must be a whole number of at least 1, got 0"), std::string::npos) << r.err;
  EXPECT_LT(r.err.size(), 200u) << r.err;
  r = run_sieve("calibrate model.sieve --organic posts.jsonl --max-fpr 0");
  EXPECT_EQ(r.err, "sieve: --max-fpr: must be strictly between 0 and 1 (a rate: 0.01 is 1 %), got 0\n");
  r = run_sieve("cluster " + kSample + " -o /dev/null --threshold 2");
  EXPECT_EQ(r.err, "sieve: --threshold: must be in (0, 1], got 2.000000\n");
  r = run_sieve("eval model.sieve posts.jsonl --report out --bins 0");
  EXPECT_EQ(r.err, "sieve: --bins: must be between 1 and 1000, got 0\n");
  r = run_sieve("eval model.sieve posts.jsonl --report out --precision 2");
  EXPECT_EQ(r.err.rfind("sieve: --precision: must be above 0 and at most 1", 0), 0u) << r.err;
  r = run_sieve("data split " + kSample + " -o out --dev 0.6 --test 0.6");
  EXPECT_EQ(r.err.rfind("sieve: --dev/--test: dev + test must leave records for train", 0), 0u) << r.err;
}

// Posts without an account column each count as an account: almost always a mapping mistake, so said.
TEST(Commands, AccountsWarnsWhenPostsHaveNoAccount) {
  const std::string dir = scratch_dir("no-accounts");
  std::ofstream(dir + "/posts.jsonl") << R"({"id":"1","text":"the minister hid the report"})"
                                         "\n"
                                         R"({"id":"2","text":"a walk in the park today"})"
                                         "\n";
  RunResult r = run_sieve("accounts " + dir + "/posts.jsonl -o " + dir + "/accounts.jsonl");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: none of the 2 posts has an account (column 'group'; map another with "
                       "--set data.group=<column>)"),
            std::string::npos)
      << r.err;
  std::ofstream(dir + "/posts.jsonl") << R"({"id":"1","text":"the minister hid the report","group":"a"})"
                                         "\n";
  r = run_sieve("accounts " + dir + "/posts.jsonl -o " + dir + "/accounts.jsonl");
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
}

TEST(Commands, EveryCommandHasHelp) {
  for (const char* command : {"", "normalize", "tokenizer", "tokenizer train", "tokenizer encode"}) {
    const RunResult r = run_sieve(std::string(command) + " --help");
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.out.find("Usage: sieve"), std::string::npos) << command << ": " << r.out;
  }
}

TEST(TokenizerCommands, TrainThenEncodeTheProjectSample) {
  const std::string dir = scratch_dir("tokenizer");
  const std::string model = dir + "/demo.model";
  RunResult r = run_sieve("tokenizer train --jsonl " + kSample + " --vocab-size 800 -o " + model);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("on 24 of 24 posts"), std::string::npos) << r.err;
  ASSERT_TRUE(std::ifstream(model).good());

  r = run_sieve("tokenizer encode -m " + model, "Minister Alex Martin https://x.y\n\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(r.out.size() - 11), "▁ <url>\n\n");  // the empty post has no pieces

  r = run_sieve("tokenizer encode --output jsonl --features --jsonl -m " + model,
                "{\"id\":7,\"text\":\"Alex Martin\"}\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("{\"id\":7,\"normalized\":\"alex martin\",\"pieces\":[", 0), 0u) << r.out;
  // "alex" and "martin" with markers: 5 + 4 + 3 and 7 + 6 + 5 n-grams of 2, 3 and 4 characters.
  EXPECT_NE(r.out.find("\"ngrams\":30,"), std::string::npos) << r.out;

  r = run_sieve("tokenizer encode --output ids -m " + model, "Alex Martin\n");
  const RunResult pieces = run_sieve("tokenizer encode -m " + model, "Alex Martin\n");
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), ' '),
            std::count(pieces.out.begin(), pieces.out.end(), ' '));
}

TEST(TokenizerCommands, TrainingOnNothingIsAClearError) {
  const std::string dir = scratch_dir("empty");
  const RunResult r = run_sieve("tokenizer train - -o " + dir + "/m.model", "\n\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("sieve: tokenizer training: no non-empty text to learn from"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace sieve::testing
