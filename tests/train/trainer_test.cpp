#include "sieve/train/trainer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "error_text.h"
#include "file_text.h"
#include "prepared_shards.h"
#include "sieve/format/model_file.h"

namespace sieve::train {
namespace {

namespace fs = std::filesystem;

TrainRun small_run(const std::string& out) {
  TrainRun run;
  run.train_dir = write_prepared("sieve_trainer_train", 400, 1);
  run.dev_dir = write_prepared("sieve_trainer_dev", 200, 2);
  run.out_dir = out;
  run.config_toml = "[train]\nepochs = 4\n";
  run.model.dim = 16;
  run.model.dropout = 0.1f;
  run.model.sparse_embeddings = true;
  run.train.epochs = 4;
  run.train.batch_size = 16;
  run.train.lr = 0.05;
  run.train.warmup_steps = 10;
  run.train.eval_every = 25;
  run.train.patience = 0;
  run.train.threads = 1;
  return run;
}

TEST(Trainer, LearnsTheHeadsAndExportsAModelFile) {
  const std::string out = (fs::temp_directory_path() / "sieve_trainer_out").string();
  fs::remove_all(out);
  const TrainResult result = train_model(small_run(out));
  EXPECT_EQ(result.steps, 100);  // 4 epochs of 25 batches
  EXPECT_GT(result.best.mean_pr_auc, 0.95);
  const infer::ModelFile file = infer::ModelFile::open(result.model_path);
  const infer::Tensor& tokenizer = file.tensor("tokenizer.model");
  EXPECT_EQ(std::string(static_cast<const char*>(tokenizer.data), tokenizer.bytes),
            "stand-in tokenizer bytes");
  simdjson::dom::parser parser;
  const simdjson::dom::element meta = parser.parse(file.metadata("sieve"));
  EXPECT_EQ(std::int64_t(meta["format_version"]), 1);
  EXPECT_EQ(std::string_view(meta["heads"].at(0)["name"]), "coordinated");
  EXPECT_GT(double(meta["heads"].at(0)["threshold"]), 0.0);
  EXPECT_EQ(meta["self_test"].get_array().size(), 3u);
  // How familiar each feature row was: counted on the 400 training records, for the runtime's "ood".
  EXPECT_EQ(file.tensor("ood.rarity").shape, (infer::Shape{64}));
  simdjson::dom::parser ood_parser;
  const simdjson::dom::element ood = ood_parser.parse(file.metadata("ood"));
  EXPECT_EQ(std::uint64_t(ood["posts"]), 400u);
  EXPECT_EQ(ood["overall"].get_array().size(), 101u);
  EXPECT_EQ(std::uint64_t(meta["table_size"]), 64u);
  EXPECT_EQ(std::string_view(meta["provenance"]["config"]), "[train]\nepochs = 4\n");
  // Every tensor but the tokenizer is a float parameter.
  std::size_t parameters = 0;
  for (const infer::Tensor& t : file.tensors()) parameters += t.dtype == infer::DType::kF32;
  EXPECT_EQ(parameters + 1, file.tensors().size());
  EXPECT_TRUE(fs::exists(out + "/best.ckpt"));
  EXPECT_NE(testing::file_text(out + "/metrics.jsonl").find("\"event\":\"eval\""), std::string::npos);
}

TEST(Trainer, ResumingAfterAnInterruptionGivesTheSameModel) {
  const std::string whole = (fs::temp_directory_path() / "sieve_trainer_whole").string();
  const std::string parts = (fs::temp_directory_path() / "sieve_trainer_parts").string();
  fs::remove_all(whole);
  fs::remove_all(parts);
  train_model(small_run(whole));
  TrainRun first = small_run(parts);
  first.stop_after = 37;  // mid-epoch, between evaluations
  EXPECT_TRUE(train_model(first).interrupted);
  EXPECT_FALSE(fs::exists(parts + "/model.sieve"));
  TrainRun second = small_run(parts);
  second.resume = true;
  const TrainResult resumed = train_model(second);
  EXPECT_EQ(resumed.steps, 100);
  const infer::ModelFile a = infer::ModelFile::open(whole + "/model.sieve");
  const infer::ModelFile b = infer::ModelFile::open(parts + "/model.sieve");
  ASSERT_EQ(a.names(), b.names());
  for (const infer::Tensor& t : a.tensors()) {
    const infer::Tensor& u = b.tensor(t.name);
    ASSERT_EQ(t.bytes, u.bytes);
    EXPECT_EQ(std::memcmp(t.data, u.data, t.bytes), 0) << t.name;
  }
}

TEST(Trainer, FineTuningAddsAHeadWithoutChangingTheOthers) {
  const std::string base = (fs::temp_directory_path() / "sieve_trainer_base").string();
  const std::string tuned = (fs::temp_directory_path() / "sieve_trainer_tuned").string();
  fs::remove_all(base);
  fs::remove_all(tuned);
  train_model(small_run(base));
  TrainRun run = small_run(tuned);
  run.train_dir = write_prepared("sieve_trainer_campaign_train", 200, 3, true);
  run.dev_dir = write_prepared("sieve_trainer_campaign_dev", 100, 4, true);
  run.init = base + "/model.sieve";
  run.train_new_heads_only = true;
  const TrainResult result = train_model(run);
  const auto campaign =
      std::find_if(result.best.slices.begin(), result.best.slices.end(),
                   [](const SliceMetrics& m) { return m.head == "campaign" && m.slice == "all"; });
  ASSERT_NE(campaign, result.best.slices.end());
  EXPECT_GT(campaign->roc_auc, 0.95);
  const infer::ModelFile before = infer::ModelFile::open(base + "/model.sieve");
  const infer::ModelFile after = infer::ModelFile::open(tuned + "/model.sieve");
  for (const infer::Tensor& t : before.tensors()) {
    if (t.name == "ood.rarity") continue;           // counted on each run's own training posts
    const infer::Tensor& u = after.tensor(t.name);  // the four old heads keep their numbers
    ASSERT_EQ(t.bytes, u.bytes) << t.name;
    EXPECT_EQ(std::memcmp(t.data, u.data, t.bytes), 0) << t.name << " changed";
  }
  EXPECT_NE(after.find("heads.4.weight"), nullptr);
  run.init = (fs::temp_directory_path() / "sieve_trainer_nothing.sieve").string();
  EXPECT_EQ(sieve::testing::error_text([&] { train_model(run); }).rfind("i/o: " + run.init, 0), 0u);
}

TEST(Trainer, TrainingNamedHeadsLeavesTheSharedLayersAndOtherHeads) {
  const std::string base = (fs::temp_directory_path() / "sieve_trainer_heads_base").string();
  const std::string tuned = (fs::temp_directory_path() / "sieve_trainer_heads_tuned").string();
  fs::remove_all(base);
  fs::remove_all(tuned);
  train_model(small_run(base));
  TrainRun run = small_run(tuned);
  run.init = base + "/model.sieve";
  run.train_heads_only = {"abusive"};
  train_model(run);
  const infer::ModelFile before = infer::ModelFile::open(base + "/model.sieve");
  const infer::ModelFile after = infer::ModelFile::open(tuned + "/model.sieve");
  const std::size_t abusive = 3;  // small_run's heads: coordinated, machine, nonnative, abusive
  std::size_t changed = 0;
  for (const infer::Tensor& t : before.tensors()) {
    const infer::Tensor& u = after.tensor(t.name);
    ASSERT_EQ(t.bytes, u.bytes) << t.name;
    const bool same = std::memcmp(t.data, u.data, t.bytes) == 0;
    if (t.name.rfind("heads." + std::to_string(abusive) + ".", 0) == 0) {
      changed += !same;
    } else {
      EXPECT_TRUE(same) << t.name << " changed";
    }
  }
  EXPECT_GT(changed, 0u) << "the abusive head trained";
  run.train_heads_only = {"campaign"};
  EXPECT_EQ(sieve::testing::error_text([&] { train_model(run); }),
            "config: --train-heads: the shards declare no head 'campaign'");
  run.init.clear();
  EXPECT_EQ(sieve::testing::error_text([&] { train_model(run); }), "config: --train-heads: needs --init");
}

TEST(Trainer, RefusesMismatchedDevShardsAndMissingCheckpoints) {
  const std::string out = (fs::temp_directory_path() / "sieve_trainer_errors").string();
  fs::remove_all(out);
  TrainRun run = small_run(out);
  run.resume = true;
  EXPECT_EQ(sieve::testing::error_text([&] { train_model(run); }),
            "i/o: " + out + "/last.ckpt: no checkpoint to resume from");
  run.resume = false;
  run.train_dir = (fs::temp_directory_path() / "sieve_trainer_nothing").string();
  EXPECT_EQ(sieve::testing::error_text([&] {
              train_model(run);
            }).rfind("i/o: " + run.train_dir + "/manifest.json: cannot open", 0),
            0u);
  TrainRun mismatched = small_run(out);  // a dev set with a fifth head the training set lacks
  mismatched.dev_dir = write_prepared("sieve_trainer_other_heads_dev", 50, 5, true);
  EXPECT_EQ(sieve::testing::error_text([&] { train_model(mismatched); }),
            "invalid input: " + mismatched.dev_dir +
                ": prepared with other heads or another tokenizer than " + mismatched.train_dir);
}

}  // namespace
}  // namespace sieve::train
