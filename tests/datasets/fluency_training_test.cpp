#include "sieve/datasets/fluency_training.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "error_text.h"

namespace sieve::datasets {
namespace {

using sieve::testing::error_text;

class FluencyTrainingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / "sieve_fluency_training_test";
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "native");
    labelled_ =
        write("posts.jsonl", R"({"text":"the cat sat on the mat","lang":"en","group":"a","nonnative":0})"
                             "\n"
                             R"({"text":"cat the on sat mat","lang":"en","group":"b","nonnative":1})"
                             "\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& bytes) const {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  tokenizer::FluencyModel train(const FluencyTrainingOptions& options) {
    rejected_.clear();
    summary_ = FluencyTrainingSummary();
    return train_fluency_model(
        {labelled_}, ReaderConfig{}, tokenizer::Normalizer(), options, summary_,
        [&](const std::string& where, const std::string& reason) {
          rejected_.push_back(where.substr(where.find_last_of('/') + 1) + ": " + reason);
        });
  }

  // The unseen-n-gram rate of text under the fold that learned it (the lower of the two).
  static float unseen_rate(const tokenizer::FluencyModel& model, const std::string& text, const char* lang) {
    float out[tokenizer::kFluencyFeatureCount];
    float best = 1;
    for (int fold : {0, 1}) {
      model.score(text, lang, fold, out);
      best = std::min(best, out[3]);  // word_unseen_ngram_rate
    }
    return best;
  }

  std::filesystem::path dir_;
  std::string labelled_;
  std::vector<std::string> rejected_;
  FluencyTrainingSummary summary_;
};

TEST_F(FluencyTrainingTest, LearnsFromNativeTextBesideTheLabelledPosts) {
  write("native/en.blog.txt", "a dog ran in the park\nbad \xff line\n");
  write("native/fr.livres.txt", "le chien court dans le parc\n");
  write("native/SOURCES.md", "not read\n");
  FluencyTrainingOptions options;
  options.native = {(dir_ / "native").string()};
  const tokenizer::FluencyModel model = train(options);
  EXPECT_EQ(summary_.native, 1u);
  EXPECT_EQ(summary_.native_texts, 2u);
  EXPECT_EQ(summary_.native_rejected, 1u);
  EXPECT_EQ(rejected_, (std::vector<std::string>{"en.blog.txt:2: invalid UTF-8 (1 bytes)"}));
  EXPECT_EQ(unseen_rate(model, "a dog ran in the park", "en"), 0.0f);
  EXPECT_EQ(unseen_rate(model, "le chien court dans le parc", "fr"), 0.0f);
  EXPECT_EQ(unseen_rate(model, "the cat sat on the mat", "en"), 0.0f);
  // Without the native text, its sentences are unknown.
  EXPECT_GT(unseen_rate(train(FluencyTrainingOptions()), "a dog ran in the park", "en"), 0.5f);
}

TEST_F(FluencyTrainingTest, NativeTextIsNormalizedAsThePostsAre) {
  write("native/en.shout.txt", "A DOG RAN IN THE PARK\n");
  FluencyTrainingOptions options;
  options.native = {(dir_ / "native/en.shout.txt").string()};
  const tokenizer::FluencyModel model = train(options);
  const std::string normalized = tokenizer::Normalizer().normalize("A DOG RAN IN THE PARK");
  EXPECT_EQ(unseen_rate(model, normalized, "en"), 0.0f);
}

TEST_F(FluencyTrainingTest, NativeLanguageComesFromTheOptionOrTheFileIsRefused) {
  const std::string path = write("native/notes.txt", "un texte sans langue\n");
  FluencyTrainingOptions options;
  options.native = {path};
  EXPECT_EQ(
      error_text([&] { train(options); }),
      "invalid input: " + path +
          ": the language of its texts is unknown: name the file en.*, fr.* or zh.*, or give --native-lang");
  options.native_lang = "fr";
  EXPECT_EQ(unseen_rate(train(options), "un texte sans langue", "fr"), 0.0f);
  options.native_lang = "de";
  EXPECT_EQ(error_text([&] { train(options); }), "config: --native-lang: must be en, fr or zh, not 'de'");
}

TEST_F(FluencyTrainingTest, TheBudgetHoldsAndIsStatedInTheModel) {
  std::string many;
  // Letters, not digits: the normalizer folds digits together.
  auto word = [](int i) {
    return std::string{char('a' + i % 26), char('a' + i / 26 % 26), char('a' + i / 676)};
  };
  for (int i = 0; i < 300; ++i) many += word(i) + " " + word(i * 7) + " end\n";
  write("native/en.many.txt", many);
  FluencyTrainingOptions options;
  options.native = {(dir_ / "native").string()};
  options.model.max_ngrams = 500;
  const tokenizer::FluencyModel model = train(options);
  EXPECT_EQ(summary_.native_texts, 300u);
  EXPECT_GT(summary_.pruned, 0u);
  EXPECT_EQ(tokenizer::FluencyModel::deserialize(model.serialize(), "m").options().max_ngrams, 500u);
}

}  // namespace
}  // namespace sieve::datasets
