#include "sieve/train/shard_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "error_text.h"
#include "sieve/train/train_config.h"

namespace sieve::train {
namespace {

using sieve::testing::error_text;

// A prepared folder made without the tokenizer: two shards and the manifest that names them.
std::string write_prepared(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const datasets::LabelSchema schema = datasets::LabelSchema::defaults();
  for (int s = 0; s < 2; ++s) {
    datasets::ShardWriter writer(schema, 100);
    for (int i = 0; i < 5; ++i) {
      const std::vector<std::uint32_t> ids = {static_cast<std::uint32_t>(s * 10 + i)};
      writer.add(
          {"r", "t", s == 0 ? "en" : (i % 2 ? "zh" : "fr"), "g", s == 0 ? "x" : "y", 0, {1, 0, -1, -1}},
          ids.data(), ids.size(), 1);
    }
    writer.write((dir / ("shard-" + std::to_string(s) + ".bin")).string());
  }
  std::ofstream(dir / "manifest.json")
      << R"({"format":"sieve-shards","version":1,"heads":)" << schema.to_json()
      << R"(,"tokenizer":{"model":"tokenizer.model","vocab_size":60,"table_size":100,"normalizer":{"nfkc":true},)"
      << R"("featurizer":{"hash_buckets":40}},"shards":[{"file":"shard-0.bin"},{"file":"shard-1.bin"}]})";
  return dir.string();
}

TEST(ShardSet, NumbersRecordsAcrossShardsAndMergesLanguages) {
  const ShardSet set(write_prepared("sieve_shard_set_test"));
  EXPECT_EQ(set.size(), 10u);
  EXPECT_EQ(set.table_size(), 100u);
  EXPECT_EQ(set.vocab_size(), 60u);
  EXPECT_EQ(set.featurizer_json(), R"({"hash_buckets":40})");
  std::size_t index = 0;
  const auto& shard = set.shard_of(7, index);
  EXPECT_EQ(index, 2u);
  EXPECT_EQ(shard.ids(index)[0], 12u);
  EXPECT_EQ(set.langs(), (std::vector<std::string>{"en", "fr", "zh"}));
  EXPECT_EQ(set.langs()[set.lang(6)], "zh");
  EXPECT_EQ(set.sources()[set.source(9)], "y");
}

TEST(ShardSet, EpochOrderIsASeededPermutation) {
  const ShardSet set(write_prepared("sieve_shard_set_order"));
  auto order = set.epoch_order(1, 0);
  EXPECT_EQ(order, set.epoch_order(1, 0));
  EXPECT_NE(order, set.epoch_order(1, 1));
  EXPECT_NE(order, set.epoch_order(2, 0));
  std::sort(order.begin(), order.end());
  for (std::uint32_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], i);
}

TEST(ShardSet, ReportsMissingAndForeignFolders) {
  const std::string dir = (std::filesystem::temp_directory_path() / "sieve_shard_set_none").string();
  std::filesystem::remove_all(dir);
  EXPECT_EQ(
      error_text([&] { ShardSet{dir}; }),
      "i/o: " + dir +
          "/manifest.json: cannot open (is this a folder written by 'sieve data prepare'?): No such file or "
          "directory");
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/manifest.json") << R"({"format":"something else"})";
  EXPECT_EQ(error_text([&] { ShardSet{dir}; }),
            "format: " + dir + "/manifest.json: not a sieve-shards manifest (shards, heads, tokenizer)");
}

TEST(TrainConfig, ReadsTheTrainTableAndValidates) {
  const ConfigFile file =
      ConfigFile::load("", {"train.lr=0.05", "train.pos_weight.coordinated=2.5", "train.epochs=2"});
  const TrainConfig config = read_train_config(file);
  EXPECT_DOUBLE_EQ(config.lr, 0.05);
  EXPECT_EQ(config.epochs, 2);
  EXPECT_DOUBLE_EQ(config.pos_weight.at("coordinated"), 2.5);
  EXPECT_EQ(error_text([] { read_train_config(ConfigFile::load("", {"train.optimizer=adam"})); }),
            "config: train.optimizer: must be adamw or sgd, got 'adam'");
  EXPECT_EQ(error_text([] { read_train_config(ConfigFile::load("", {"train.epoch=3"})); }),
            "config: train.epoch: unknown key");
}

TEST(TrainConfig, ReadsSourceWeightsByCellAndRefusesANonPositiveOne) {
  const TrainConfig config = read_train_config(
      ConfigFile::load("", {"train.source_weight.hc3plus:en=2", "train.source_weight.jfleg=0.5"}));
  EXPECT_DOUBLE_EQ(config.source_weight.at("hc3plus:en"), 2.0);
  EXPECT_DOUBLE_EQ(config.source_weight.at("jfleg"), 0.5);
  EXPECT_EQ(error_text([] { read_train_config(ConfigFile::load("", {"train.source_weight.jfleg=0"})); }),
            "config: train.source_weight: weight of 'jfleg' must be finite and positive");
}

TEST(TrainConfig, LearningRateWarmsUpThenDecays) {
  TrainConfig config;
  config.lr = 1.0;
  config.warmup_steps = 10;
  EXPECT_DOUBLE_EQ(learning_rate(config, 0, 110), 0.1);
  EXPECT_DOUBLE_EQ(learning_rate(config, 9, 110), 1.0);
  EXPECT_DOUBLE_EQ(learning_rate(config, 60, 110), 0.5);
  EXPECT_DOUBLE_EQ(learning_rate(config, 110, 110), 0.0);
  config.decay = "cosine";
  EXPECT_NEAR(learning_rate(config, 60, 110), 0.5, 1e-12);
  EXPECT_NEAR(learning_rate(config, 35, 110), 0.5 * (1 + std::cos(3.14159265358979323846 / 4)), 1e-12);
  config.decay = "constant";
  EXPECT_DOUBLE_EQ(learning_rate(config, 100, 110), 1.0);
}

}  // namespace
}  // namespace sieve::train
