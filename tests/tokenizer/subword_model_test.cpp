#include "sieve/tokenizer/subword_model.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "corpus.h"
#include "error_text.h"
#include "sieve/tokenizer/normalizer.h"
#include "test_models.h"

namespace sieve::tokenizer {
namespace {

using sieve::testing::error_text;
using testing::corpus_model;
using testing::small_model;

TEST(SubwordModel, PlaceholdersAreSinglePieces) {
  const SubwordModel& model = small_model();
  for (const std::string& token : placeholder_tokens()) {
    const auto pieces = model.encode_pieces("x " + token);
    EXPECT_NE(std::find(pieces.begin(), pieces.end(), token), pieces.end()) << token;
  }
}

TEST(SubwordModel, UnseenCharactersFallBackToBytesNotUnknown) {
  const SubwordModel& model = small_model();
  std::vector<std::uint32_t> ids;
  model.encode("𓀀 ☃", ids);  // never in the training text
  for (const auto id : ids) EXPECT_NE(static_cast<int>(id), model.unknown_id());
  EXPECT_EQ(model.decode(ids), "𓀀 ☃");
}

TEST(SubwordModel, DecodeOfEncodeIsTheTextOnTheWholeCorpus) {
  const SubwordModel* model = corpus_model();
  if (!model) GTEST_SKIP() << sieve::testing::corpus_missing_message("train.jsonl");
  std::size_t checked = 0;
  std::vector<std::uint32_t> ids;
  for (const char* file : {"train.jsonl", "dev.jsonl", "test.jsonl"}) {
    for (const std::string& text : testing::normalized_corpus(file)) {
      ids.clear();
      model->encode(text, ids);
      ASSERT_EQ(model->decode(ids), text);
      ++checked;
    }
  }
  EXPECT_GT(checked, 160000u);
}

TEST(SubwordModel, CorpusModelKeepsCommonWordsWhole) {
  const SubwordModel* model = corpus_model();
  if (!model) GTEST_SKIP() << sieve::testing::corpus_missing_message("train.jsonl");
  EXPECT_GE(model->vocab_size(), 7000);
  EXPECT_EQ(model->encode_pieces("the"), std::vector<std::string>{"▁the"});
  EXPECT_EQ(model->encode_pieces("les"), std::vector<std::string>{"▁les"});
}

TEST(SubwordModel, SavesAndLoadsTheSameBytes) {
  const std::string path = ::testing::TempDir() + "/sieve_subword_model_test.model";
  small_model().save(path);
  const SubwordModel loaded = SubwordModel::load(path);
  EXPECT_EQ(loaded.bytes(), small_model().bytes());
  EXPECT_EQ(loaded.encode_pieces("le premier ministre"), small_model().encode_pieces("le premier ministre"));
  std::remove(path.c_str());
}

TEST(SubwordModel, ReportsUnreadableAndCorruptModels) {
  EXPECT_EQ(error_text([] { SubwordModel::load("/nonexistent/spm.model"); }),
            "i/o: /nonexistent/spm.model: cannot open (tokenizer model): No such file or directory");
  const std::string path = ::testing::TempDir() + "/sieve_corrupt.model";
  std::ofstream(path) << "this is not a protobuf";
  EXPECT_EQ(error_text([&] {
              SubwordModel::load(path);
            }).rfind("format: " + path + ": not a SentencePiece model", 0),
            0u);
  const std::string& bytes = small_model().bytes();
  EXPECT_EQ(error_text([&] {
              SubwordModel::from_bytes(bytes.substr(0, bytes.size() / 2), "half");
            }).rfind("format: half: not a SentencePiece model", 0),
            0u);
  std::remove(path.c_str());
}

// A serialized SentencePiece ModelProto of the given pieces (type 1 normal, 2 unknown), written by hand:
// field 1 of the model is a piece, whose fields are 1 the text, 2 the score (float) and 3 the type.
std::string model_proto_of(const std::vector<std::pair<std::string, int>>& pieces) {
  std::string proto;
  for (const auto& [text, type] : pieces) {
    std::string piece = "\x0A" + std::string(1, static_cast<char>(text.size())) + text;
    piece += std::string("\x15\x00\x00\x80\xBF", 5);  // score -1.0
    piece += "\x18" + std::string(1, static_cast<char>(type));
    proto += "\x0A" + std::string(1, static_cast<char>(piece.size())) + piece;
  }
  return proto;
}

// Found by model_fuzzer: a piece that starts with a NUL byte passes SentencePiece's checks but is empty to
// its trie builder, which reads C strings and throws an exception of its own through the load; that ended
// the process.
TEST(SubwordModel, APieceStartingWithNulIsAFormatErrorNotACrash) {
  const SubwordModel fine = SubwordModel::from_bytes(model_proto_of({{"<unk>", 2}, {"a", 1}}), "fine");
  EXPECT_EQ(fine.vocab_size(), 2);
  EXPECT_EQ(
      error_text([] {
        SubwordModel::from_bytes(model_proto_of({{"<unk>", 2}, {std::string(1, '\0'), 1}, {"a", 1}}), "m");
      }).rfind("format: m: not a usable SentencePiece model: ", 0),
      0u);
}

TEST(SubwordModel, TrainingRejectsBadOptionsAndEmptyInput) {
  SubwordTrainerOptions options;
  options.vocab_size = 100;
  EXPECT_EQ(
      error_text([&] { SubwordModel::train({"a b c"}, options); }),
      "config: tokenizer.vocab_size: must be between 300 (room for 256 byte pieces) and 1000000, got 100");
  EXPECT_EQ(error_text([] {
              SubwordModel::train({"", ""}, {});
            }),
            "invalid input: tokenizer training: no non-empty text to learn from");
}

}  // namespace
}  // namespace sieve::tokenizer
