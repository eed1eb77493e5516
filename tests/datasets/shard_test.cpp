#include "sieve/datasets/shard.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>

#include "error_text.h"
#include "file_text.h"
#include "sieve/core/hash.h"

namespace sieve::datasets {
namespace {

using sieve::testing::error_text;

class ShardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / "sieve_shard_test";
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "shard.bin").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Three records with different languages, sources, labels and feature counts (one has none).
  std::uint32_t write_sample() {
    ShardWriter writer(LabelSchema::defaults(), 1000);
    const std::vector<std::uint32_t> a = {5, 7, 900, 901}, c = {1};
    writer.add({"a", "t", "en", "u1", "x", 0, {1, 0, kMissingLabel, 1}}, a.data(), a.size(), 2);
    writer.add({"b", "t", "zh", "u2", "weibo", 0, {0, kMissingLabel, kMissingLabel, kMissingLabel}}, nullptr,
               0, 0);
    writer.add({"c", "t", "en", "u1", "x", 0, {kMissingLabel, 1, 1, 0}}, c.data(), c.size(), 1);
    return writer.write(path_);
  }

  std::string bytes() const { return testing::file_text(path_); }
  void overwrite(const std::string& content) const {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << content;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(ShardTest, RoundTripsDenseValuesAndRejectsNonFiniteOnes) {
  ShardWriter writer(LabelSchema::defaults(), 100, 3);
  const std::vector<std::uint32_t> ids = {5};
  const float first[3] = {0.5f, -2.0f, 7.0f}, second[3] = {0.0f, 1e-3f, 3.0f};
  writer.add({"a", "t", "en", "u1", "x", 0, {1, 0, 0, 0}}, ids.data(), 1, 1, first);
  writer.add({"b", "t", "fr", "u2", "x", 0, {0, 0, 0, 0}}, ids.data(), 1, 1, second);
  const float broken[3] = {0.0f, std::numeric_limits<float>::quiet_NaN(), 0.0f};
  EXPECT_EQ(error_text([&] {
              writer.add({"c", "t", "en", "u3", "x", 0, {}}, ids.data(), 1, 1, broken);
            }),
            "invalid input: record c: dense value 1 is not finite");
  EXPECT_EQ(error_text([&] {
              writer.add({"d", "t", "en", "u3", "x", 0, {}}, ids.data(), 1, 1);
            }),
            "invalid input: record d: no dense values for a shard of them");
  writer.write(path_);
  const ShardReader shard(path_);
  ASSERT_EQ(shard.info().dense_width, 3u);
  EXPECT_EQ(std::vector<float>(shard.dense(0), shard.dense(0) + 3), std::vector<float>(first, first + 3));
  EXPECT_EQ(std::vector<float>(shard.dense(1), shard.dense(1) + 3), std::vector<float>(second, second + 3));
  write_sample();
  EXPECT_EQ(ShardReader(path_).dense(0), nullptr);
}

TEST_F(ShardTest, RoundTripsFeaturesLabelsAndTables) {
  const std::uint32_t crc = write_sample();
  const ShardReader shard(path_);
  EXPECT_EQ(shard.crc32(), crc);
  ASSERT_EQ(shard.size(), 3u);
  EXPECT_EQ(shard.info().table_size, 1000u);
  EXPECT_EQ(shard.info().langs, (std::vector<std::string>{"en", "zh"}));
  EXPECT_EQ(shard.info().sources, (std::vector<std::string>{"x", "weibo"}));
  EXPECT_TRUE(shard.info().schema == LabelSchema::defaults());
  ASSERT_EQ(shard.id_count(0), 4u);
  EXPECT_EQ(std::vector<std::uint32_t>(shard.ids(0), shard.ids(0) + 4),
            (std::vector<std::uint32_t>{5, 7, 900, 901}));
  EXPECT_EQ(shard.subword_count(0), 2u);
  EXPECT_EQ(shard.id_count(1), 0u);
  EXPECT_EQ(shard.ids(2)[0], 1u);
  EXPECT_EQ(shard.label(0, 0), 1);
  EXPECT_EQ(shard.label(0, 2), kMissingLabel);
  EXPECT_EQ(shard.label(2, 2), 1);
  EXPECT_EQ(shard.lang(1), 1);
  EXPECT_EQ(shard.source(1), 1);
  EXPECT_EQ(shard.group(0), hash64("u1", 0));
  EXPECT_EQ(shard.group(2), shard.group(0));
  EXPECT_EQ(std::filesystem::file_size(path_) % 8, 0u);
  EXPECT_FALSE(std::filesystem::exists(path_ + ".partial"));
}

TEST_F(ShardTest, DetectsTruncationAtEveryLength) {
  write_sample();
  const std::string whole = bytes();
  for (std::size_t size = 0; size < whole.size(); size += 3) {
    overwrite(whole.substr(0, size));
    const std::string error = error_text([&] { ShardReader{path_}; });
    EXPECT_EQ(error.rfind("format: " + path_ + ": ", 0), 0u) << size << ": " << error;
  }
  overwrite(whole.substr(0, 20));
  EXPECT_EQ(error_text([&] { ShardReader{path_}; }),
            "format: " + path_ + ": truncated: 20 bytes is smaller than any shard");
  overwrite(whole.substr(0, whole.size() - 8));
  EXPECT_EQ(error_text([&] { ShardReader{path_}; }),
            "format: " + path_ + ": truncated or padded: " + std::to_string(whole.size() - 8) +
                " bytes, the header says " + std::to_string(whole.size()));
}

TEST_F(ShardTest, DetectsFlippedBytesAnywhere) {
  write_sample();
  const std::string whole = bytes();
  for (std::size_t i = 0; i < whole.size(); ++i) {
    std::string corrupt = whole;
    corrupt[i] = static_cast<char>(corrupt[i] ^ 0x10);
    overwrite(corrupt);
    EXPECT_EQ(error_text([&] { ShardReader{path_}; }).rfind("format: " + path_ + ": ", 0), 0u)
        << "byte " << i;
  }
  std::string corrupt = whole;
  corrupt[whole.size() / 2] ^= 1;
  overwrite(corrupt);
  EXPECT_EQ(error_text([&] { ShardReader{path_}; }),
            "format: " + path_ + ": checksum mismatch: the file is corrupt");
}

TEST_F(ShardTest, RejectsOtherFilesVersionsAndAbsurdCounts) {
  write_sample();
  const std::string whole = bytes();
  overwrite("PK\x03\x04" + whole.substr(4));
  EXPECT_EQ(error_text([&] { ShardReader{path_}; }),
            "format: " + path_ + ": not a sieve shard (no SIEVESH1 magic)");
  std::string version = whole;
  version[8] = 9;
  overwrite(version);
  EXPECT_EQ(error_text([&] { ShardReader{path_}; }),
            "format: " + path_ + ": shard format version 9; this build reads versions 1 to 2");
  std::string huge = whole;
  for (int i = 16; i < 24; ++i) huge[i] = '\xFF';
  overwrite(huge);
  EXPECT_EQ(error_text([&] { ShardReader{path_}; }),
            "format: " + path_ + ": corrupt header: counts larger than the file");
  EXPECT_EQ(error_text([&] { ShardReader{(dir_ / "none.bin").string()}; }),
            "i/o: " + (dir_ / "none.bin").string() + ": cannot open: No such file or directory");
}

TEST_F(ShardTest, WriterRefusesIdsOutsideTheTable) {
  ShardWriter writer(LabelSchema::defaults(), 10);
  const std::vector<std::uint32_t> ids = {3, 10};
  EXPECT_EQ(error_text([&] {
              writer.add({"r1", "t", "en", "g", "s", 0, {}}, ids.data(), ids.size(), 1);
            }),
            "invalid input: record r1: feature id 10 is outside the table of 10");
}

}  // namespace
}  // namespace sieve::datasets
