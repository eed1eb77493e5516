#include "sieve/datasets/embedding_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "error_text.h"
#include "file_text.h"

namespace sieve::datasets {
namespace {

using sieve::testing::error_text;
namespace fs = std::filesystem;

EmbeddingTable small_table() {
  EmbeddingTable table;
  table.identity = TableIdentity::of_settings(
      8, "tokenizer bytes", R"({"lowercase": true})",
      R"({"hash_buckets":4,"subword_bigrams":true,"char_ngram_min":2,"char_ngram_max":4,"seed":7})");
  table.dim = 3;
  table.note_json = R"({"trainer":"test"})";
  for (std::uint32_t i = 0; i < table.identity.rows * table.dim; ++i) table.rows.push_back(0.25f * i - 1.0f);
  return table;
}

class EmbeddingFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() / "sieve_embedding_file_test.bin").string();
    fs::remove(path_);
  }
  void TearDown() override { fs::remove(path_); }

  std::string bytes() const { return sieve::testing::file_text(path_); }
  void rewrite(const std::string& bytes) const { std::ofstream(path_, std::ios::binary) << bytes; }

  std::string path_;
};

TEST_F(EmbeddingFileTest, ReadsBackWhatWasWritten) {
  const EmbeddingTable table = small_table();
  write_embedding_file(path_, table);
  const EmbeddingTable read = read_embedding_file(path_);
  EXPECT_TRUE(read.identity == table.identity);
  EXPECT_EQ(read.dim, 3u);
  EXPECT_EQ(read.note_json, table.note_json);
  EXPECT_EQ(read.rows, table.rows);
  EXPECT_FALSE(fs::exists(path_ + ".partial"));
}

TEST_F(EmbeddingFileTest, EqualSettingsWrittenDifferentlyGiveOneIdentity) {
  const TableIdentity a = small_table().identity;
  const TableIdentity b = TableIdentity::of_settings(
      8, "tokenizer bytes", "{ \"lowercase\" : true }",
      R"({"seed":7,"char_ngram_max":4,"char_ngram_min":2,"subword_bigrams":true,"hash_buckets":4,"style":true})");
  EXPECT_EQ(a.difference(b), "");
  EXPECT_EQ(a.rows, 12u);
}

TEST_F(EmbeddingFileTest, RefusesATruncatedFile) {
  write_embedding_file(path_, small_table());
  const std::string whole = bytes();
  rewrite(whole.substr(0, whole.size() - 5));
  EXPECT_EQ(error_text([&] { read_embedding_file(path_); }),
            "format: " + path_ + ": truncated: " + std::to_string(whole.size() - 5) +
                " bytes, 12 rows of width 3 take " + std::to_string(whole.size()));
  rewrite(whole.substr(0, 20));
  EXPECT_EQ(error_text([&] { read_embedding_file(path_); }),
            "format: " + path_ + ": truncated: 20 bytes, less than the 80 of a header and checksum");
}

TEST_F(EmbeddingFileTest, RefusesAFlippedByte) {
  write_embedding_file(path_, small_table());
  std::string corrupt = bytes();
  corrupt[corrupt.size() - 20] ^= 0x10;
  rewrite(corrupt);
  EXPECT_EQ(error_text([&] { read_embedding_file(path_); }),
            "format: " + path_ + ": checksum mismatch: the file is corrupt");
}

TEST_F(EmbeddingFileTest, RefusesAnotherFormatOrVersion) {
  write_embedding_file(path_, small_table());
  std::string other = bytes();
  other[8] = 9;  // the version
  rewrite(other);
  EXPECT_EQ(error_text([&] { read_embedding_file(path_); }),
            "format: " + path_ + ": version 9; this build reads version 1");
  other.replace(0, 8, "SIEVESH1");
  rewrite(other);
  EXPECT_EQ(error_text([&] { read_embedding_file(path_); }),
            "format: " + path_ + ": not an embeddings file of 'sieve embed train' (no SIEVEEMB magic)");
}

TEST_F(EmbeddingFileTest, NamesTheFirstDifferenceFromTheShards) {
  const EmbeddingTable table = small_table();
  TableIdentity shards = table.identity;
  EXPECT_NO_THROW(require_same_table(table, shards, path_));
  shards.hash_seed = 8;
  EXPECT_EQ(
      error_text([&] { require_same_table(table, shards, path_); }),
      "format: " + path_ +
          ": made for another feature table than these shards: featurizer.seed: 7 in the file, 8 in the "
          "shards (train the embeddings with the shards' tokenizer.model and the run file they were "
          "prepared with)");
  shards = TableIdentity::of_settings(8, "other tokenizer", R"({"lowercase": true})",
                                      R"({"hash_buckets":4,"subword_bigrams":true,"char_ngram_min":2,)"
                                      R"("char_ngram_max":4,"seed":7})");
  EXPECT_NE(
      error_text([&] { require_same_table(table, shards, path_); }).find("the tokenizer model's XXH3: "),
      std::string::npos);
  shards.vocab_size = 9;
  shards.rows = 13;
  EXPECT_NE(error_text([&] {
              require_same_table(table, shards, path_);
            }).find("the number of rows: 12 in the file, 13 in the shards"),
            std::string::npos);
}

TEST_F(EmbeddingFileTest, RefusesToWriteRowsThatDoNotFillTheTable) {
  EmbeddingTable table = small_table();
  table.rows.pop_back();
  EXPECT_EQ(error_text([&] { write_embedding_file(path_, table); }),
            "config: " + path_ + ": an embedding table of 12 rows of width 3 cannot hold 35 values");
  EXPECT_FALSE(fs::exists(path_));
}

}  // namespace
}  // namespace sieve::datasets
