#include "sieve/datasets/prepare.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>

#include "error_text.h"
#include "sieve/datasets/replay_sample.h"
#include "sieve/datasets/shard.h"

namespace sieve::datasets {
namespace {

class PrepareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / "sieve_prepare_test";
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    input_ = (dir_ / "posts.jsonl").string();
    std::ofstream out(input_);
    const char* words[] = {"minister", "ministre", "部长",   "report", "rapport",
                           "报告",     "money",    "argent", "钱"};
    for (int i = 0; i < 250; ++i) {
      const std::string text = std::string(words[i % 9]) + " " + words[(i * 7) % 9] + " " + std::to_string(i);
      const std::string lang = i % 3 == 2 ? "zh" : (i % 3 == 1 ? "fr" : "en");
      out << R"({"id":"p)" << i << R"(","text":")" << text << R"(","lang":")" << lang << R"(","group":"g)"
          << i % 17 << R"(","coordinated":)" << i % 2 << "}\n";
      if (i % 100 == 50) out << "{broken json\n";
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  tokenizer::Featurizer featurizer(bool dense = false) const {
    std::vector<std::string> texts;
    for (const auto& record : read_records({input_}, ReaderConfig{}, nullptr, [](auto&, auto&) {})) {
      texts.push_back(tokenizer::Normalizer().normalize(record.text));
    }
    tokenizer::SubwordTrainerOptions options;
    options.vocab_size = 300;
    tokenizer::FeaturizerSettings settings;
    settings.hash_buckets = 5000;
    std::shared_ptr<const tokenizer::FluencyModel> fluency;
    if (dense) {
      // Native text of every group, each in the fold of its group, as `sieve fluency train` lays it out.
      std::vector<tokenizer::FluencyModel::Example> examples;
      const auto records = read_records({input_}, ReaderConfig{}, nullptr, [](auto&, auto&) {});
      for (std::size_t i = 0; i < records.size(); ++i) {
        examples.push_back({texts[i], records[i].lang, tokenizer::FluencyModel::fold_of(records[i].group)});
      }
      tokenizer::FluencyOptions fluency_options;
      fluency_options.buckets_log2 = 12;
      fluency = std::make_shared<const tokenizer::FluencyModel>(
          tokenizer::FluencyModel::train(examples, fluency_options));
      settings.style = settings.fluency = true;
    }
    return tokenizer::Featurizer(tokenizer::Normalizer(), tokenizer::SubwordModel::train(texts, options),
                                 settings, fluency);
  }

  PrepareSummary prepare(const tokenizer::Featurizer& f, const std::string& out, int threads = 2,
                         bool cross_fit = false) {
    PrepareOptions options;
    options.cross_fit = cross_fit;
    options.records_per_shard = 100;
    options.batch_records = 16;
    options.threads = threads;
    rejected_.clear();
    return prepare_shards({input_}, ReaderConfig{}, f, out, options, {},
                          [&](const std::string& where, const std::string& reason) {
                            rejected_.push_back(where + ": " + reason);
                          });
  }

  std::filesystem::path dir_;
  std::string input_;
  std::vector<std::string> rejected_;
};

TEST_F(PrepareTest, CrossFittingScoresEachPostWithTheHalfThatNeverSawItsGroupButTheSamples) {
  const tokenizer::Featurizer f = featurizer(true);
  const std::string out = (dir_ / "dense").string();
  const PrepareSummary summary = prepare(f, out, 2, true);
  EXPECT_TRUE(summary.cross_fit);
  EXPECT_TRUE(std::filesystem::exists(out + "/fluency.model"));
  const auto records = read_records({input_}, ReaderConfig{}, nullptr, [](auto&, auto&) {});
  const ShardReader shard(out + "/shard-00000.bin");
  const std::size_t width = f.settings().dense_width();
  ASSERT_EQ(shard.info().dense_width, width);
  tokenizer::FeaturizerWorkspace workspace;
  std::size_t other_half = 0;
  for (std::size_t i = 0; i < shard.size(); ++i) {
    const bool sample = i < summary.samples.size();
    const int fold = sample ? 0 : 1 - tokenizer::FluencyModel::fold_of(records[i].group);
    tokenizer::Features expected;
    f.featurize(records[i].text, expected, workspace, nullptr, fold);
    ASSERT_EQ(std::vector<float>(shard.dense(i), shard.dense(i) + width), expected.dense) << "record " << i;
    other_half += fold == 1;
  }
  EXPECT_GT(other_half, 10u);  // both halves were used
}

TEST_F(PrepareTest, ShardsHoldTheFeaturizerOutputAndLabelsOfEveryGoodRow) {
  const tokenizer::Featurizer f = featurizer();
  const std::string out = (dir_ / "prepared").string();
  const PrepareSummary summary = prepare(f, out);
  EXPECT_EQ(summary.records, 250u);
  EXPECT_EQ(summary.rejected, 2u);
  EXPECT_EQ(rejected_,
            (std::vector<std::string>{
                input_ + ":52: malformed JSON: The JSON document has an improper structure: missing or "
                         "superfluous commas, braces, missing keys, etc.",
                input_ + ":153: malformed JSON: The JSON document has an improper structure: missing or "
                         "superfluous commas, braces, missing keys, etc."}));
  const auto records = read_records({input_}, ReaderConfig{}, nullptr, [](auto&, auto&) {});
  ASSERT_EQ(summary.shards.size(), 3u);  // 100 + 100 + 50
  std::size_t index = 0;
  for (const ShardSummary& s : summary.shards) {
    const ShardReader shard(out + "/" + s.file);
    EXPECT_EQ(shard.crc32(), s.crc32);
    EXPECT_EQ(shard.info().table_size, f.table_size());
    for (std::size_t i = 0; i < shard.size(); ++i, ++index) {
      const tokenizer::Features expected = f.featurize(records[index].text);
      ASSERT_EQ(std::vector<std::uint32_t>(shard.ids(i), shard.ids(i) + shard.id_count(i)), expected.ids)
          << index;
      EXPECT_EQ(shard.subword_count(i), expected.subword_count);
      EXPECT_EQ(shard.label(i, 0), static_cast<std::int8_t>(index % 2)) << index;
      EXPECT_EQ(shard.label(i, 1), kMissingLabel);
      EXPECT_EQ(shard.info().langs[shard.lang(i)], index % 3 == 2 ? "zh" : (index % 3 == 1 ? "fr" : "en"));
    }
  }
  EXPECT_EQ(index, 250u);
}

TEST_F(PrepareTest, ManifestRecordsInputsCountsPrevalenceAndTokenizer) {
  const tokenizer::Featurizer f = featurizer();
  const std::string out = (dir_ / "prepared").string();
  const PrepareSummary summary = prepare(f, out);
  simdjson::dom::parser parser;
  const simdjson::dom::element manifest = parser.load(out + "/manifest.json");
  EXPECT_EQ(std::uint64_t(manifest["records"]), 250u);
  EXPECT_EQ(std::uint64_t(manifest["rejected"]), 2u);
  EXPECT_EQ(std::string_view(manifest["inputs"].at(0)["path"]), input_);
  EXPECT_EQ(std::uint64_t(manifest["inputs"].at(0)["bytes"]), std::filesystem::file_size(input_));
  EXPECT_EQ(std::string_view(manifest["inputs"].at(0)["xxh3"]).size(), 16u);
  // 84 English records (0, 3, ..., 249), half of them coordinated.
  EXPECT_EQ(std::uint64_t(manifest["languages"]["en"]["records"]), 84u);
  EXPECT_EQ(std::uint64_t(manifest["languages"]["en"]["coordinated"]["positive"]), 42u);
  EXPECT_EQ(std::uint64_t(manifest["languages"]["en"]["machine"]["labelled"]), 0u);
  EXPECT_EQ(std::uint64_t(manifest["tokenizer"]["table_size"]), f.table_size());
  EXPECT_EQ(tokenizer::FeaturizerSettings::from_json(simdjson::minify(manifest["tokenizer"]["featurizer"])),
            f.settings());
  EXPECT_EQ(manifest["shards"].get_array().size(), 3u);
  EXPECT_EQ(manifest["samples"].get_array().size(), 8u);
  EXPECT_EQ(std::string_view(manifest["samples"].at(1)), "ministre argent 1");
  EXPECT_EQ(tokenizer::SubwordModel::load(out + "/tokenizer.model").bytes(), f.subwords().bytes());
}

TEST_F(PrepareTest, OutputIsIdenticalWhateverTheThreadCount) {
  const tokenizer::Featurizer f = featurizer();
  prepare(f, (dir_ / "one").string(), 1);
  prepare(f, (dir_ / "two").string(), 2);
  for (const char* shard : {"shard-00000.bin", "shard-00001.bin", "shard-00002.bin"}) {
    std::ifstream a(dir_ / "one" / shard, std::ios::binary), b(dir_ / "two" / shard, std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(a), {}),
              std::string(std::istreambuf_iterator<char>(b), {}))
        << shard;
  }
}

TEST_F(PrepareTest, UnwritableOutputIsAnIoError) {
  const tokenizer::Featurizer f = featurizer();
  std::ofstream(dir_ / "file") << "x";
  const std::string out = (dir_ / "file" / "sub").string();
  EXPECT_EQ(sieve::testing::error_text([&] {
              prepare(f, out);
            }).rfind("i/o: " + out + ": cannot create the output folder", 0),
            0u);
}

// A folder prepared for adaptation: the same posts under a schema with one more head, "campaign".
struct AdaptationFolder {
  ReaderConfig config;
  PrepareSummary summary;
  std::string dir;
};

AdaptationFolder adaptation_folder(const tokenizer::Featurizer& f, const std::string& input,
                                   const std::string& dir) {
  AdaptationFolder a;
  a.config.schema = LabelSchema::defaults();
  a.config.schema.heads.push_back({"campaign", {}});
  a.dir = dir;
  a.summary = prepare_shards({input}, a.config, f, dir, PrepareOptions{}, {}, [](auto&, auto&) {});
  return a;
}

TEST_F(PrepareTest, ReplayAddsASampleOfTheBaseShardsThatTheManifestLists) {
  const tokenizer::Featurizer f = featurizer();
  const std::string base = (dir_ / "base").string();
  prepare(f, base);
  AdaptationFolder a = adaptation_folder(f, input_, (dir_ / "adapt").string());
  const ReplaySample sample = add_replay_sample(base, 40, 30, 1, {}, f, a.config, a.dir, a.summary);
  EXPECT_EQ(sample.replayed, 40u);
  EXPECT_EQ(a.summary.records, 290u);
  // 30 more of the same draw are kept out of training for the forgetting check, labels in the new schema.
  ASSERT_EQ(sample.check.size(), 30u);
  EXPECT_EQ(sample.check.offsets.size(), 31u);
  EXPECT_EQ(sample.check.labels.size(), 30u * 5);
  for (std::size_t i = 0; i < 30; ++i) {
    EXPECT_NE(sample.check.labels[i * 5 + 0], kMissingLabel);
    EXPECT_EQ(sample.check.labels[i * 5 + 4], kMissingLabel);
  }

  const ShardReader replay(a.dir + "/replay-00000.bin");
  ASSERT_EQ(replay.size(), 40u);
  const int coordinated = a.config.schema.index_of("coordinated");
  std::size_t positives = 0;
  for (std::size_t i = 0; i < replay.size(); ++i) {
    EXPECT_EQ(replay.label(i, 4), kMissingLabel) << "the base shards know nothing of the new head";
    ASSERT_NE(replay.label(i, coordinated), kMissingLabel);
    positives += replay.label(i, coordinated) == 1;
  }
  EXPECT_GT(positives, 5u);  // a sample of both labels, not the first 40 records
  EXPECT_LT(positives, 35u);
  std::ifstream in(a.dir + "/manifest.json");
  const std::string manifest((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(manifest.find(R"("file":"replay-00000.bin","records":40)"), std::string::npos) << manifest;
  EXPECT_NE(manifest.find(R"("records":290)"), std::string::npos);
}

TEST_F(PrepareTest, ReplayNeverDrawsTheSourcesTheBaseModelWasTrainedWithout) {
  const tokenizer::Featurizer f = featurizer();
  const std::string base = (dir_ / "base").string();
  prepare(f, base);
  AdaptationFolder a = adaptation_folder(f, input_, (dir_ / "adapt").string());
  // Rows without a source column take the file's name (without extension) as their source.
  const ReplaySample sample = add_replay_sample(base, 40, 30, 1, {"posts"}, f, a.config, a.dir, a.summary);
  EXPECT_EQ(sample.replayed, 0u);
  EXPECT_EQ(sample.check.size(), 0u);
  EXPECT_FALSE(std::filesystem::exists(a.dir + "/replay-00000.bin"));
}

TEST_F(PrepareTest, ReplayRefusesShardsOfAnotherTokenizer) {
  const tokenizer::Featurizer f = featurizer();
  const std::string base = (dir_ / "base").string();
  prepare(f, base);
  // The same subwords, other hashed buckets: every hashed id means something else.
  tokenizer::FeaturizerSettings settings = f.settings();
  settings.hash_buckets = 6000;
  const tokenizer::Featurizer other(
      tokenizer::Normalizer(), tokenizer::SubwordModel::from_bytes(f.subwords().bytes()), settings, nullptr);
  AdaptationFolder a = adaptation_folder(other, input_, (dir_ / "adapt").string());
  EXPECT_EQ(
      testing::error_text([&] { add_replay_sample(base, 40, 30, 1, {}, other, a.config, a.dir, a.summary); }),
      "format: " + base +
          "/manifest.json: prepared with another tokenizer than the base model: replay needs the base "
          "model's own training shards");
}

}  // namespace
}  // namespace sieve::datasets
