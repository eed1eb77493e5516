#include "sieve/datasets/embedding_trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "error_text.h"

namespace sieve::datasets {
namespace {

using sieve::testing::error_text;
namespace fs = std::filesystem;

// Two topics, each with its own context words. "salmon" and "trout" only ever appear among the river words,
// "diesel" among the engine words; the three share no character n-gram that matters.
std::vector<std::string> topic_lines(int count) {
  const std::vector<std::string> river = {"river", "boat", "water", "fish", "shore", "lake", "net", "swim"};
  const std::vector<std::string> engine = {"engine", "wheel", "road", "motor",
                                           "garage", "gear",  "pump", "car"};
  std::mt19937 rng(5);
  std::vector<std::string> lines;
  for (int i = 0; i < count; ++i) {
    const int kind = i % 3;
    const auto& context = kind == 2 ? engine : river;
    const std::string word = kind == 0 ? "salmon" : kind == 1 ? "trout" : "diesel";
    std::string line;
    for (int j = 0; j < 9; ++j) line += (j == 4 ? word : context[rng() % context.size()]) + " ";
    lines.push_back(line);
  }
  return lines;
}

const tokenizer::Featurizer& topic_featurizer() {
  static const tokenizer::Featurizer featurizer = [] {
    tokenizer::SubwordTrainerOptions options;
    options.vocab_size = 320;
    tokenizer::FeaturizerSettings settings;
    settings.hash_buckets = 1u << 12;
    return tokenizer::Featurizer(tokenizer::Normalizer(),
                                 tokenizer::SubwordModel::train(topic_lines(600), options), settings);
  }();
  return featurizer;
}

// The vector of a word as the bag model sees it: the mean of the rows of its feature ids.
std::vector<float> word_vector(const EmbeddingTable& table, const std::string& word) {
  std::vector<float> sum(table.dim, 0.0f);
  const tokenizer::Features features = topic_featurizer().featurize(word);
  for (const std::uint32_t id : features.ids) {
    for (std::uint32_t d = 0; d < table.dim; ++d) sum[d] += table.row(id)[d];
  }
  return sum;
}

std::uint64_t subword_count(const std::vector<std::string>& lines) {
  std::uint64_t count = 0;
  for (const std::string& line : lines) count += topic_featurizer().featurize(line).subword_count;
  return count;
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / std::sqrt(aa * bb);
}

EmbeddingTrainerOptions small_options() {
  EmbeddingTrainerOptions options;
  options.dim = 24;
  options.threads = 1;
  options.subsample = 0;  // nine words: every one of them is "frequent"
  options.lr = 0.05;
  return options;
}

TEST(EmbeddingTrainer, WordsOfTheSameContextsEndCloserThanUnrelatedWords) {
  const std::vector<std::string> lines = topic_lines(3000);
  EmbeddingTrainer trainer(topic_featurizer(), small_options());
  const EmbeddingTable before = trainer.table("{}");
  const double trout_before = cosine(word_vector(before, "salmon"), word_vector(before, "trout"));
  trainer.count(lines);
  for (int epoch = 0; epoch < 5; ++epoch) trainer.learn(lines, epoch / 5.0, (epoch + 1) / 5.0);
  const EmbeddingTable table = trainer.table("{}");
  const double trout = cosine(word_vector(table, "salmon"), word_vector(table, "trout"));
  const double diesel = cosine(word_vector(table, "salmon"), word_vector(table, "diesel"));
  EXPECT_GT(trout, diesel + 0.3) << "salmon~trout " << trout << ", salmon~diesel " << diesel;
  EXPECT_GT(trout, trout_before + 0.3);
  EXPECT_EQ(trainer.positions(), 5 * subword_count(lines));  // no subsampling: every subword is a centre
  EXPECT_TRUE(table.identity == table_identity(topic_featurizer()));
  EXPECT_EQ(table.identity.rows, topic_featurizer().table_size());
}

TEST(EmbeddingTrainer, OneThreadGivesTheSameTableEveryRun) {
  const std::vector<std::string> lines = topic_lines(200);
  std::vector<float> first;
  for (int run = 0; run < 2; ++run) {
    EmbeddingTrainer trainer(topic_featurizer(), small_options());
    trainer.count(lines);
    trainer.learn(lines, 0, 1);
    const EmbeddingTable table = trainer.table("{}");
    if (run == 0)
      first = table.rows;
    else
      EXPECT_EQ(table.rows, first);
  }
}

TEST(EmbeddingTrainer, WordFeaturesAreThoseOfTheFeaturizer) {
  const tokenizer::Featurizer& featurizer = topic_featurizer();
  tokenizer::FeaturizerWorkspace workspace;
  std::vector<std::uint32_t> subwords, ngrams;
  featurizer.word_features("salmon", subwords, ngrams, workspace);
  const tokenizer::Features features = featurizer.featurize("salmon");
  ASSERT_EQ(features.subword_count, subwords.size());
  std::vector<std::uint32_t> expected = subwords;
  for (std::size_t i = 1; i < subwords.size(); ++i)
    expected.push_back(featurizer.bigram_id(subwords[i - 1], subwords[i]));
  expected.insert(expected.end(), ngrams.begin(), ngrams.end());
  EXPECT_EQ(features.ids, expected);
}

TEST(EmbeddingTrainer, RefusesOptionsOutOfRange) {
  EmbeddingTrainerOptions options;
  options.window = 0;
  EXPECT_EQ(error_text([&] { options.validate(); }), "config: embed.window: must be between 1 and 100");
  options = {};
  options.sample = 0;
  EXPECT_EQ(error_text([&] { EmbeddingTrainer(topic_featurizer(), options); }),
            "config: embed.sample: must be in (0, 1]");
}

class NativeEmbeddingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / "sieve_native_embeddings_test";
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::vector<std::string>& lines) const {
    const std::string path = (dir_ / name).string();
    std::ofstream out(path, std::ios::binary);
    for (const std::string& line : lines) out << line << "\n";
    return path;
  }

  fs::path dir_;
};

TEST_F(NativeEmbeddingsTest, LearnsFromEveryFileOfAFolderAndSaysWhatItRead) {
  const std::vector<std::string> lines = topic_lines(300);
  write("en.a.txt", std::vector<std::string>(lines.begin(), lines.begin() + 200));
  write("fr.b.txt", std::vector<std::string>(lines.begin() + 200, lines.end()));
  write("README.md", {"not read"});
  NativeEmbeddingSummary summary;
  std::size_t reported = 0;
  const EmbeddingTable table =
      train_native_embeddings({dir_.string()}, topic_featurizer(), small_options(), summary,
                              [&](std::size_t done, std::size_t total, double) {
                                reported = done;
                                EXPECT_EQ(total, 300u);
                              });
  EXPECT_EQ(summary.files, 2u);
  EXPECT_EQ(summary.texts, 300u);
  EXPECT_EQ(summary.learned, 300u);
  EXPECT_EQ(summary.positions, subword_count(lines));
  EXPECT_EQ(reported, 300u);
  EXPECT_EQ(table.rows.size(), std::size_t{topic_featurizer().table_size()} * 24);
  EXPECT_NE(table.note_json.find(R"("files":["en.a.txt","fr.b.txt"])"), std::string::npos) << table.note_json;
}

TEST_F(NativeEmbeddingsTest, SampleKeepsAShareOfTheLines) {
  write("en.a.txt", topic_lines(1000));
  EmbeddingTrainerOptions options = small_options();
  options.sample = 0.25;
  NativeEmbeddingSummary summary;
  train_native_embeddings({dir_.string()}, topic_featurizer(), options, summary, nullptr);
  EXPECT_EQ(summary.texts, 1000u);
  EXPECT_GT(summary.learned, 180u);
  EXPECT_LT(summary.learned, 320u);
}

TEST_F(NativeEmbeddingsTest, RefusesAFolderWithoutText) {
  write("README.md", {"not read"});
  NativeEmbeddingSummary summary;
  EXPECT_EQ(error_text([&] {
              train_native_embeddings({dir_.string()}, topic_featurizer(), small_options(), summary, nullptr);
            }),
            "invalid input: " + dir_.string() +
                ": no native text: name files or folders holding .txt or .jsonl files (.gz, .zst)");
  write("en.empty.txt", {});
  EXPECT_EQ(error_text([&] {
              train_native_embeddings({dir_.string()}, topic_featurizer(), small_options(), summary, nullptr);
            }),
            "invalid input: " + (dir_ / "en.empty.txt").string() + ": no line of text in the native files");
}

}  // namespace
}  // namespace sieve::datasets
