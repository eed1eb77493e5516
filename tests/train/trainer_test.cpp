#include "sieve/train/trainer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "error_text.h"
#include "sieve/datasets/shard.h"
#include "sieve/infer/model_file.h"

namespace sieve::train {
namespace {

namespace fs = std::filesystem;

// A prepared folder made without the tokenizer: posts whose ids say their labels (id 3 → coordinated,
// id 4 → abusive), with noise ids and some labels missing, a manifest with samples and a stand-in
// tokenizer model (opaque bytes to the trainer).
std::string write_prepared(const std::string& name, int records, std::uint32_t seed) {
  const fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  const datasets::LabelSchema schema = datasets::LabelSchema::defaults();
  datasets::ShardWriter writer(schema, 64);
  std::uint32_t state = seed;
  auto next = [&] { return state = state * 1664525u + 1013904223u; };
  for (int i = 0; i < records; ++i) {
    const bool coordinated = next() % 2, abusive = next() % 3 == 0;
    std::vector<std::uint32_t> ids = {10 + next() % 20, 10 + next() % 20};
    if (coordinated) ids.push_back(3);
    if (abusive) ids.push_back(4);
    const std::int8_t abusive_label = i % 5 == 0 ? datasets::kMissingLabel : static_cast<std::int8_t>(abusive);
    writer.add({"r", "t", i % 2 ? "en" : "fr", "g", "s", 0,
                {static_cast<std::int8_t>(coordinated), datasets::kMissingLabel, datasets::kMissingLabel, abusive_label}},
               ids.data(), ids.size(), 2);
  }
  writer.write((dir / "shard-00000.bin").string());
  std::ofstream(dir / "tokenizer.model") << "stand-in tokenizer bytes";
  std::ofstream(dir / "manifest.json")
      << R"({"format":"sieve-shards","version":1,"inputs":[],"heads":)" << schema.to_json()
      << R"(,"tokenizer":{"model":"tokenizer.model","vocab_size":32,"table_size":64,"normalizer":{"nfkc":true},)"
      << R"("featurizer":{"hash_buckets":32}},"shards":[{"file":"shard-00000.bin"}],"samples":["a","b","c"]})";
  return dir.string();
}

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

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(Trainer, LearnsTheHeadsAndExportsAModelFile) {
  const std::string out = (fs::temp_directory_path() / "sieve_trainer_out").string();
  fs::remove_all(out);
  const TrainResult result = train_model(small_run(out));
  EXPECT_EQ(result.steps, 100);  // 4 epochs of 25 batches
  EXPECT_GT(result.best.mean_pr_auc, 0.95);
  const infer::ModelFile file = infer::ModelFile::open(result.model_path);
  const infer::Tensor& tokenizer = file.tensor("tokenizer.model");
  EXPECT_EQ(std::string(static_cast<const char*>(tokenizer.data), tokenizer.bytes), "stand-in tokenizer bytes");
  simdjson::dom::parser parser;
  const simdjson::dom::element meta = parser.parse(file.metadata("sieve"));
  EXPECT_EQ(std::int64_t(meta["format_version"]), 1);
  EXPECT_EQ(std::string_view(meta["heads"].at(0)["name"]), "coordinated");
  EXPECT_GT(double(meta["heads"].at(0)["threshold"]), 0.0);
  EXPECT_EQ(meta["self_test"].get_array().size(), 3u);
  EXPECT_EQ(std::uint64_t(meta["table_size"]), 64u);
  EXPECT_EQ(std::string_view(meta["provenance"]["config"]), "[train]\nepochs = 4\n");
  // Every tensor but the tokenizer is a float parameter.
  std::size_t parameters = 0;
  for (const infer::Tensor& t : file.tensors()) parameters += t.dtype == infer::DType::kF32;
  EXPECT_EQ(parameters + 1, file.tensors().size());
  EXPECT_TRUE(fs::exists(out + "/best.ckpt"));
  EXPECT_NE(file_bytes(out + "/metrics.jsonl").find("\"event\":\"eval\""), std::string::npos);
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

TEST(Trainer, RefusesMismatchedDevShardsAndMissingCheckpoints) {
  const std::string out = (fs::temp_directory_path() / "sieve_trainer_errors").string();
  fs::remove_all(out);
  TrainRun run = small_run(out);
  run.resume = true;
  EXPECT_EQ(sieve::testing::error_text([&] { train_model(run); }), "i/o: " + out + "/last.ckpt: no checkpoint to resume from");
  run.resume = false;
  run.train_dir = (fs::temp_directory_path() / "sieve_trainer_nothing").string();
  EXPECT_EQ(sieve::testing::error_text([&] { train_model(run); }).rfind("i/o: " + run.train_dir + "/manifest.json: cannot open", 0), 0u);
}

}  // namespace
}  // namespace sieve::train
