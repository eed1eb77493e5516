// sieve embed train, and sieve train starting from its file, run as a user runs them.

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "run_sieve.h"

namespace sieve::testing {
namespace {

const std::string kSample = std::string(SIEVE_SOURCE_DIR) + "/examples/posts.jsonl";

// A tokenizer and shards of the example posts, and a folder of native text: the example posts' texts.
std::string prepare(const std::string& name) {
  const std::string dir = scratch_dir(name);
  EXPECT_EQ(run_sieve("tokenizer train --jsonl " + kSample + " --vocab-size 800 -o " + dir + "/spm.model")
                .exit_code,
            0);
  EXPECT_EQ(run_sieve("data prepare -t " + dir + "/spm.model -o " + dir + "/shards " + kSample).exit_code, 0);
  std::ofstream native(dir + "/en.native.txt");
  for (int copy = 0; copy < 20; ++copy) {
    native << "The minister hid the report from the press again\n"
              "Nice weather today, going to the market with friends\n";
  }
  return dir;
}

TEST(EmbedCommand, TrainsEmbeddingsThatSieveTrainStartsFrom) {
  const std::string dir = prepare("embed_train");
  const RunResult embed = run_sieve("embed train --native " + dir + "/en.native.txt -t " + dir +
                                    "/spm.model --dim 16 -o " + dir + "/embeddings.bin");
  ASSERT_EQ(embed.exit_code, 0) << embed.err;
  EXPECT_NE(embed.err.find("sieve: learned "), std::string::npos) << embed.err;
  EXPECT_NE(embed.err.find(" rows of width 16 from 40 of 40 lines ("), std::string::npos) << embed.err;
  if (!trainer_built())
    GTEST_SKIP() << "sieve-train is not built (SIEVE_WITH_TRAINING=OFF): no training from the file";
  const RunResult train = run_sieve("train --train " + dir + "/shards -o " + dir +
                                    "/run --set model.dim=16 --set train.max_steps=2 --set train.threads=1 " +
                                    "--set train.init_embeddings=" + dir + "/embeddings.bin");
  EXPECT_EQ(train.exit_code, 0) << train.err;
}

TEST(EmbedCommand, SieveTrainRefusesEmbeddingsOfAnotherFeaturizer) {
  const std::string dir = prepare("embed_mismatch");
  ASSERT_EQ(run_sieve("embed train --native " + dir + " -t " + dir + "/spm.model --dim 16 " +
                      "--set featurizer.hash_buckets=4096 -o " + dir + "/embeddings.bin")
                .exit_code,
            0);
  if (!trainer_built())
    GTEST_SKIP() << "sieve-train is not built (SIEVE_WITH_TRAINING=OFF): no training to refuse";
  const RunResult train = run_sieve("train --train " + dir + "/shards -o " + dir +
                                    "/run --set model.dim=16 --set train.max_steps=2 " +
                                    "--set train.init_embeddings=" + dir + "/embeddings.bin");
  EXPECT_EQ(train.exit_code, 2);
  // 4096 hash buckets in the file, the default 262144 in the shards.
  EXPECT_NE(train.err.find(dir + "/embeddings.bin: made for another feature table than these shards: "
                                 "the number of rows: "),
            std::string::npos)
      << train.err;
}

TEST(EmbedCommand, SaysWhatIsWrongWithItsInput) {
  const std::string dir = scratch_dir("embed_errors");
  RunResult r =
      run_sieve("embed train --native " + dir + "/missing -t " + dir + "/spm.model -o " + dir + "/e.bin");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("sieve: " + dir + "/spm.model"), std::string::npos) << r.err;
  r = run_sieve("embed train --native " + dir + " -t " + dir + "/spm.model --window 0 -o " + dir + "/e.bin");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("sieve: embed.window: must be between 1 and 100"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sieve::testing
