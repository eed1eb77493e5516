// The quantized tables of the fluency model (format 5): how far they are from exact counts, and their use
// in place in bytes that someone else owns.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "error_text.h"
#include "fluency_files.h"
#include "kneser_ney.h"
#include "ngram_counts.h"
#include "sieve/core/hash.h"
#include "sieve/tokenizer/fluency_model.h"

namespace sieve::tokenizer {
namespace {

using detail::KneserNeyModel;
using detail::NgramCounter;
using sieve::testing::error_text;
using testing::exact_fluency_file;

// Each of the two terms of P_j is within a factor 2^(1/4096) of the exact one, so P_N is within
// 2^(N/4096): for N = 8, 5.9e-4 in log10. Measured on the models below: at most 2.8e-4.
constexpr double kLog10Of2 = 0.30102999566398120;  // std::log10 is not constexpr under clang
constexpr double kTolerance = 8 * kLog10Of2 / 4096;

// Sentences over a vocabulary of 300 words with a Zipf-like spread and some fixed phrases, so that the
// tables hold n-grams seen once, often, and as contexts only.
std::vector<std::vector<std::uint64_t>> sentences(unsigned seed, int count) {
  std::mt19937 random(seed);
  std::vector<std::vector<std::uint64_t>> out;
  for (int s = 0; s < count; ++s) {
    std::vector<std::uint64_t> tokens;
    const int length = 3 + static_cast<int>(random() % 12);
    for (int t = 0; t < length; ++t) {
      if (random() % 5 == 0) {
        for (std::uint64_t w : {1000u, 1001u, 1002u}) tokens.push_back(w);
      } else {
        const double u = std::uniform_real_distribution<double>(0, 1)(random);
        tokens.push_back(100 + static_cast<std::uint64_t>(std::pow(300.0, u)));
      }
    }
    out.push_back(tokens);
  }
  return out;
}

KneserNeyModel build(int order, NgramCounter::Tables tables, unsigned max_log2) {
  NgramCounter counter(order);
  for (const auto& sentence : sentences(1, 3000)) {
    counter.begin();
    for (std::uint64_t token : sentence) counter.add(token);
    counter.end();
  }
  return counter.build(max_log2, tables);
}

std::vector<KneserNeyModel::TokenScore> score_all(const KneserNeyModel& model,
                                                  const std::vector<std::vector<std::uint64_t>>& texts) {
  std::vector<KneserNeyModel::TokenScore> out;
  for (const auto& text : texts) {
    KneserNeyModel::State state;
    model.start(state);
    std::vector<std::uint64_t> tokens = text;
    tokens.push_back(detail::kEndToken);
    for (std::size_t at = 0; at < tokens.size(); at += KneserNeyModel::kBatch) {
      const std::size_t n = std::min(KneserNeyModel::kBatch, tokens.size() - at);
      KneserNeyModel::TokenScore scores[KneserNeyModel::kBatch];
      model.next(state, tokens.data() + at, n, scores);
      out.insert(out.end(), scores, scores + n);
    }
  }
  return out;
}

TEST(FluencyQuantized, TokenScoresAreWithinToleranceOfTheExactCountsAndSeeTheSameNgrams) {
  // Seen sentences, unseen ones of the same words, and a budget that drops n-grams (buckets_log2 9).
  std::vector<std::vector<std::uint64_t>> texts = sentences(1, 200);
  for (const auto& text : sentences(2, 200)) texts.push_back(text);
  texts.push_back({5, 6, 7});  // never seen at all
  for (const unsigned max_log2 : {20u, 9u}) {
    for (const int order : {1, 3, 5, 8}) {
      const auto exact = score_all(build(order, NgramCounter::Tables::kExact, max_log2), texts);
      const auto quantized = score_all(build(order, NgramCounter::Tables::kQuantized, max_log2), texts);
      ASSERT_EQ(exact.size(), quantized.size());
      double worst = 0;
      int top_seen = 0;
      for (std::size_t i = 0; i < exact.size(); ++i) {
        worst = std::max(worst, std::abs(exact[i].log10_prob - quantized[i].log10_prob));
        ASSERT_EQ(exact[i].seen_order, quantized[i].seen_order) << i;
        ASSERT_EQ(exact[i].unigram_seen, quantized[i].unigram_seen) << i;
        ASSERT_EQ(exact[i].top_seen, quantized[i].top_seen) << i;
        top_seen += exact[i].top_seen;
      }
      EXPECT_LE(worst, kTolerance) << "order " << order << ", 2^" << max_log2 << " slots";
      std::cout << "[ quantized] order " << order << ", at most 2^" << max_log2
                << " slots: largest |log10 p - exact| " << worst << "\n";
      EXPECT_GT(top_seen, 0);
    }
  }
}

// The grammar of fluency_model_test.cpp, smaller: every combination of the parts.
std::vector<FluencyModel::Example> grammar(std::vector<std::string>& texts) {
  const std::vector<std::vector<std::string>> parts = {
      {"the cat", "my brother", "a young woman", "our teacher"},
      {"sat on", "looked at", "walked to"},
      {"the mat", "the house", "the new car"},
      {"", "yesterday", "after lunch"}};
  for (const auto& a : parts[0])
    for (const auto& b : parts[1])
      for (const auto& c : parts[2])
        for (const auto& d : parts[3])
          texts.push_back(a + " " + b + " " + c + (d.empty() ? "" : " " + d) + " .");
  texts.push_back("le chat regarde la maison ce matin .");
  texts.push_back("我们喜欢这个城市。");
  std::vector<FluencyModel::Example> examples;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const char* lang = i + 2 < texts.size() ? "en" : i + 1 < texts.size() ? "fr" : "zh";
    examples.push_back({texts[i], lang, static_cast<int>(i % 2)});
  }
  return examples;
}

TEST(FluencyQuantized, ValuesAndStatisticsAreWithinToleranceOfTheExactModel) {
  std::vector<std::string> texts;
  const std::vector<FluencyModel::Example> examples = grammar(texts);
  const FluencyModel quantized = FluencyModel::train(examples, FluencyOptions());
  const FluencyModel exact =
      FluencyModel::deserialize(exact_fluency_file(examples, FluencyOptions()), "exact");
  std::vector<std::string> probes = texts;
  probes.push_back("the house sat on my brother after the mat .");
  probes.push_back("walked walked the the cat");
  for (const std::string& text : probes) {
    for (int fold : {0, 1}) {
      float a[kFluencyFeatureCount], b[kFluencyFeatureCount];
      float sa[kFluencyStatisticCount], sb[kFluencyStatisticCount];
      ASSERT_EQ(exact.score(text, "", fold, a, sa), quantized.score(text, "", fold, b, sb)) << text;
      for (std::size_t i = 0; i < kFluencyFeatureCount; ++i)
        ASSERT_NEAR(a[i], b[i], kTolerance) << text << ": " << fluency_feature_name(i);
      // Shares above a probability bound may move by a token where a token sits at the bound; none does here.
      for (std::size_t i = 0; i < kFluencyStatisticCount; ++i)
        ASSERT_NEAR(sa[i], sb[i], kTolerance) << text << ": " << fluency_statistic_name(i);
    }
  }
}

std::vector<float> values(const FluencyModel& model, const std::string& text) {
  std::vector<float> out(kFluencyFeatureCount + kFluencyStatisticCount);
  model.score(text, "", 0, out.data(), out.data() + kFluencyFeatureCount);
  return out;
}

const std::vector<std::string>& probe_texts() {
  static const std::vector<std::string> texts = {"the cat sat on the mat .",
                                                 "my brother walked to the house .",
                                                 "mat the on",
                                                 "le chat regarde la maison",
                                                 "我们喜欢",
                                                 ""};
  return texts;
}

const std::string& model_bytes() {
  static const std::string bytes = [] {
    std::vector<std::string> texts;
    return FluencyModel::train(grammar(texts), FluencyOptions()).serialize();
  }();
  return bytes;
}

TEST(FluencyQuantized, RoundTripsGiveIdenticalBytesAndValues) {
  std::vector<std::string> texts;
  const FluencyModel trained = FluencyModel::train(grammar(texts), FluencyOptions());
  const std::string bytes = trained.serialize();
  EXPECT_EQ(bytes, model_bytes());
  const FluencyModel copied = FluencyModel::deserialize(bytes, "copy");
  const FluencyModel viewed = FluencyModel::view(bytes, "view", std::make_shared<int>(0));
  EXPECT_EQ(copied.serialize(), bytes);
  EXPECT_EQ(viewed.serialize(), bytes);
  const FluencyModel half = FluencyModel::deserialize(trained.serialize(true), "half");
  EXPECT_EQ(half.serialize(), trained.serialize(true));
  for (const std::string& text : probe_texts()) {
    EXPECT_EQ(values(copied, text), values(trained, text)) << text;
    EXPECT_EQ(values(viewed, text), values(trained, text)) << text;
    EXPECT_EQ(values(half, text), values(trained, text)) << text;
  }
}

TEST(FluencyQuantized, AViewUsesTheBytesInPlaceAndKeepsTheirOwnerAlive) {
  auto owner = std::make_shared<std::string>(model_bytes());
  const std::weak_ptr<std::string> watch = owner;
  std::optional<FluencyModel> viewed;
  viewed.emplace(FluencyModel::view(*owner, "view", owner));
  const FluencyModel copied = FluencyModel::deserialize(*owner, "copy");
  const std::string text = "the cat sat on the mat .";
  const std::vector<float> known = values(*viewed, text);
  // Zeroing the tables in the bytes changes what the view scores, not what the copy scores.
  const std::string saved = *owner;
  std::memset(&(*owner)[64], 0, owner->size() - 64 - 8);
  EXPECT_NE(values(*viewed, text), known);
  EXPECT_EQ(values(copied, text), known);
  std::memcpy(&(*owner)[0], saved.data(), saved.size());
  EXPECT_EQ(values(*viewed, text), known);
  owner.reset();
  EXPECT_FALSE(watch.expired());  // the model holds the bytes
  EXPECT_EQ(values(*viewed, text), known);
  const FluencyModel copy = *viewed;
  viewed.reset();
  EXPECT_FALSE(watch.expired());  // and so does every copy of it
  EXPECT_EQ(values(copy, text), known);
}

TEST(FluencyQuantized, AViewOfMisalignedBytesCopiesThem) {
  auto owner = std::make_shared<std::string>(" " + model_bytes());
  const std::string_view misaligned = std::string_view(*owner).substr(1);
  const FluencyModel viewed = FluencyModel::view(misaligned, "view", owner);
  const std::string text = "the cat sat on the mat .";
  const std::vector<float> known = values(viewed, text);
  std::memset(&(*owner)[65], 0, owner->size() - 65 - 8);
  EXPECT_EQ(values(viewed, text), known);
}

TEST(FluencyQuantized, LoadingAFileMapsItAndScoresAsTheBytesDo) {
  const std::string path = ::testing::TempDir() + "/fluency-load.model";
  std::ofstream(path, std::ios::binary) << model_bytes();
  const FluencyModel loaded = FluencyModel::load(path);
  const FluencyModel copied = FluencyModel::deserialize(model_bytes(), "copy");
  for (const std::string& text : probe_texts()) EXPECT_EQ(values(loaded, text), values(copied, text)) << text;
  const std::string cut = path + ".cut";  // not the mapped file: cutting that would fault its pages
  std::ofstream(cut, std::ios::binary) << model_bytes().substr(0, 100);
  EXPECT_EQ(error_text([&] { FluencyModel::load(cut); }), "format: " + cut + ": truncated: the header says " +
                                                              std::to_string(model_bytes().size()) +
                                                              " bytes, the input has 100");
  EXPECT_EQ(error_text([&] { FluencyModel::load(path + ".absent"); }).rfind("i/o: " + path + ".absent: ", 0),
            0u);
}

// Rewrites the checksum so a test can reach the checks behind it, as a hostile file would.
std::string with_checksum(std::string bytes) {
  const std::uint64_t sum =
      hash64(std::string_view(bytes).substr(0, bytes.size() - 8), 0x666C75656E637921ULL);
  for (int i = 0; i < 8; ++i) bytes[bytes.size() - 8 + i] = static_cast<char>(sum >> (8 * i));
  return bytes;
}

TEST(FluencyQuantized, CorruptPaddingAndOverfullTablesAreRejectedWithTheReason) {
  FluencyOptions options;
  options.buckets_log2 = 4;
  const std::string bytes =
      FluencyModel::train({{"the cat sat on the mat", "en", 0}, {"le chat dort", "fr", 1}}, options)
          .serialize();
  auto load = [](const std::string& b) {
    return error_text([&] { FluencyModel::view(b, "tiny.bin", std::make_shared<int>(0)); });
  };
  // The first word model: header 20, options 20, folds 4, contrast 4, order 4, three discounts 12, unigram
  // total and types 8, three table sizes 12, so zero bytes from 84 to 128, where its unigram table starts.
  std::string padding = bytes;
  padding[100] = 1;
  EXPECT_EQ(load(with_checksum(padding)),
            "format: tiny.bin: nonzero byte in the padding before the tables (at byte 100)");
  // Its unigram table with every slot used: a lookup of an absent key would never end at an empty slot.
  std::string table = bytes;
  const std::size_t slots = std::size_t{1} << static_cast<unsigned char>(bytes[72]);
  for (std::size_t slot = 0; slot < slots; ++slot) table[128 + 8 * slot] |= 1;
  EXPECT_EQ(load(with_checksum(table)),
            "format: tiny.bin: table has " + std::to_string(slots) + " used slots of " +
                std::to_string(slots) + ", more than 3/4 (at byte " + std::to_string(128 + 8 * slots) + ")");
  EXPECT_EQ(error_text([&] { FluencyModel::view(bytes.substr(0, 150), "tiny.bin", nullptr); }),
            "format: tiny.bin: truncated: the header says " + std::to_string(bytes.size()) +
                " bytes, the input has 150");
}

}  // namespace
}  // namespace sieve::tokenizer
