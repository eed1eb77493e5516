#include "sieve/models/feature_batch.h"

#include <gtest/gtest.h>

#include <vector>

#include "error_text.h"

namespace sieve::models {
namespace {

using sieve::testing::error_text;

ModelConfig config_for_batches() {
  ModelConfig config;
  config.vocab_size = 10;
  config.table_size = 20;
  config.max_subwords = 3;
  config.heads = {{"machine", 2}, {"lang", 3}};
  return config;
}

std::vector<std::int64_t> values(const torch::Tensor& t) {
  const torch::Tensor flat = t.to(torch::kInt64).contiguous().view({-1});
  return {flat.data_ptr<std::int64_t>(), flat.data_ptr<std::int64_t>() + flat.numel()};
}

TEST(FeatureBatch, LaysOutFlatIdsAndAPaddedTruncatedSubwordMatrix) {
  const std::uint32_t a[] = {1, 2, 15, 19};       // 2 subwords, 2 hashed
  const std::uint32_t c[] = {4, 5, 6, 7, 8, 12};  // 5 subwords: 3 kept in the matrix, all 6 in the bag
  const std::int8_t a_labels[] = {1, -1};
  const std::int8_t c_labels[] = {-1, 2};
  const FeatureBatch batch = make_feature_batch(
      {{a, 4, 2, a_labels}, {nullptr, 0, 0, nullptr}, {c, 6, 5, c_labels}}, config_for_batches());
  EXPECT_EQ(batch.size(), 3);
  EXPECT_EQ(values(batch.ids), (std::vector<std::int64_t>{1, 2, 15, 19, 4, 5, 6, 7, 8, 12}));
  EXPECT_EQ(values(batch.offsets), (std::vector<std::int64_t>{0, 4, 4}));
  EXPECT_EQ(batch.subwords.sizes(), torch::IntArrayRef({3, 3}));
  EXPECT_EQ(values(batch.subwords), (std::vector<std::int64_t>{1, 2, 0, 0, 0, 0, 4, 5, 6}));
  EXPECT_EQ(values(batch.lengths), (std::vector<std::int64_t>{2, 0, 3}));
  EXPECT_EQ(values(batch.mask), (std::vector<std::int64_t>{1, 1, 0, 0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(values(batch.labels), (std::vector<std::int64_t>{1, -1, -1, -1, -1, 2}));
}

TEST(FeatureBatch, AllEmptyPostsStillGiveOneSubwordColumn) {
  const FeatureBatch batch = make_feature_batch({{nullptr, 0, 0, nullptr}}, config_for_batches());
  EXPECT_EQ(batch.ids.numel(), 0);
  EXPECT_EQ(batch.subwords.sizes(), torch::IntArrayRef({1, 1}));
  EXPECT_EQ(values(batch.mask), (std::vector<std::int64_t>{0}));
}

TEST(FeatureBatch, RejectsIdsAndLabelsAModelWouldIndexOutOfRange) {
  const ModelConfig config = config_for_batches();
  const std::uint32_t ok[] = {1, 2};
  const std::uint32_t big_subword[] = {1, 12};
  const std::uint32_t big_feature[] = {1, 20};
  const std::int8_t bad_label[] = {0, 3};
  EXPECT_EQ(error_text([&] {
              make_feature_batch({{ok, 2, 2, nullptr}, {big_subword, 2, 2, nullptr}}, config);
            }),
            "invalid input: batch post 1: subword id 12 at 1 is not below vocab_size 10");
  EXPECT_EQ(error_text([&] {
              make_feature_batch({{big_feature, 2, 1, nullptr}}, config);
            }),
            "invalid input: batch post 0: feature id 20 at 1 is not below table_size 20");
  EXPECT_EQ(error_text([&] {
              make_feature_batch({{ok, 2, 3, nullptr}}, config);
            }),
            "invalid input: batch post 0: subword_count 3 exceeds id_count 2");
  EXPECT_EQ(error_text([&] {
              make_feature_batch({{ok, 2, 2, bad_label}}, config);
            }),
            "invalid input: batch post 0: head lang: label 3 is not in [-1, 3)");
  EXPECT_EQ(error_text([&] { make_feature_batch({}, config); }), "invalid input: batch: no posts");
}

}  // namespace
}  // namespace sieve::models
