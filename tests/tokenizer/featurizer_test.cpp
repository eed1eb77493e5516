#include "sieve/tokenizer/featurizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include "corpus.h"
#include "error_text.h"
#include "sieve/core/hash.h"
#include "test_models.h"

namespace sieve::tokenizer {
namespace {

using testing::small_model;

Featurizer small_featurizer(FeaturizerSettings settings = {}) {
  return Featurizer(Normalizer(), small_model(), settings);
}

TEST(Featurizer, LaysOutSubwordsThenBigramsThenNgrams) {
  const Featurizer featurizer = small_featurizer();
  const std::string text = "Le PREMIER ministre a volé l'argent";
  const Features f = featurizer.featurize(text);
  std::vector<std::uint32_t> subwords;
  small_model().encode(Normalizer().normalize(text), subwords);
  ASSERT_EQ(f.subword_count, subwords.size());
  EXPECT_EQ(std::vector<std::uint32_t>(f.ids.begin(), f.ids.begin() + f.subword_count), subwords);
  EXPECT_EQ(f.bigram_count, f.subword_count - 1);
  // 6 words of 2, 7, 8, 1, 4, 8 characters plus two markers each: n-grams of 2, 3 and 4 characters.
  std::size_t expected_ngrams = 0;
  for (const int chars : {4, 9, 10, 3, 6, 10})
    expected_ngrams += (chars - 1) + (chars - 2) + (chars - 3 > 0 ? chars - 3 : 0);
  EXPECT_EQ(f.ngram_count(), expected_ngrams);
  const auto vocab = static_cast<std::uint32_t>(small_model().vocab_size());
  for (std::size_t i = f.subword_count; i < f.ids.size(); ++i) {
    EXPECT_GE(f.ids[i], vocab);
    EXPECT_LT(f.ids[i], featurizer.table_size());
  }
}

// Hashed ids are stored in shards and models: they must be the same on every machine and release.
TEST(Featurizer, HashedIdsFollowTheDocumentedScheme) {
  FeaturizerSettings settings;
  settings.hash_buckets = 1000;
  settings.subword_bigrams = false;
  settings.char_ngram_min = settings.char_ngram_max = 2;
  const Featurizer featurizer = small_featurizer(settings);
  const Features f = featurizer.featurize("ab");
  const auto vocab = static_cast<std::uint32_t>(small_model().vocab_size());
  ASSERT_EQ(f.ngram_count(), 3u);
  const std::uint64_t seed = settings.seed ^ 0xC2B2AE3D27D4EB4Full;
  const std::uint32_t* ngrams = f.ids.data() + f.subword_count;
  EXPECT_EQ(ngrams[0], vocab + hash64("\x02"
                                      "a",
                                      seed) %
                                   1000);
  EXPECT_EQ(ngrams[1], vocab + hash64("ab", seed) % 1000);
  EXPECT_EQ(ngrams[2], vocab + hash64("b\x03", seed) % 1000);
  // And the hash itself is pinned to literal values.
  EXPECT_EQ(ngrams[0] - vocab, 996u);
  EXPECT_EQ(ngrams[1] - vocab, 15u);
  EXPECT_EQ(ngrams[2] - vocab, 434u);
}

TEST(Featurizer, PlaceholdersHaveNoCharacterNgrams) {
  const Features f = small_featurizer().featurize("https://t.co/x");
  EXPECT_EQ(f.subword_count, 2u);  // "▁" and "<url>"
  EXPECT_EQ(f.ngram_count(), 0u);
}

TEST(Featurizer, EmptyPostsHaveNoFeaturesAndHugePostsStayInRange) {
  const Featurizer featurizer = small_featurizer();
  const Features empty = featurizer.featurize("  \u200B ");
  EXPECT_TRUE(empty.ids.empty());
  std::string huge;
  while (huge.size() < (1u << 20)) huge += "Trudeau a caché le rapport 總理貪污 ";
  const Features f = featurizer.featurize(huge);
  EXPECT_GT(f.subword_count, 100000u);
  for (const auto id : f.ids) ASSERT_LT(id, featurizer.table_size());
}

// Pieces never cross a space, so encoding word by word (and caching words) matches encoding the whole
// text, except where two segmentations of a word score exactly alike and floating-point rounding of the
// running score picks the other one: then the pieces are the same, in another order.
TEST(Featurizer, CachedWordEncodingEqualsPlainEncodeOnTheWholeCorpus) {
  const SubwordModel* model = testing::corpus_model();
  if (!model) GTEST_SKIP() << sieve::testing::corpus_missing_message("train.jsonl");
  const Featurizer featurizer(Normalizer(), *model);
  FeaturizerWorkspace workspace;  // one workspace: its cache sees every word of the corpus
  Features f;
  std::vector<std::uint32_t> plain;
  std::size_t checked = 0, ties = 0;
  for (const char* file : {"train.jsonl", "dev.jsonl", "test.jsonl"}) {
    for (const std::string& text : sieve::testing::read_corpus_texts(file)) {
      featurizer.featurize(text, f, workspace);
      std::vector<std::uint32_t> cached(f.ids.begin(), f.ids.begin() + f.subword_count);
      plain.clear();
      model->encode(featurizer.normalizer().normalize(text), plain);
      ++checked;
      if (cached == plain) continue;
      ++ties;
      ASSERT_EQ(model->decode(cached), model->decode(plain)) << text;
      std::sort(cached.begin(), cached.end());
      std::sort(plain.begin(), plain.end());
      ASSERT_EQ(cached, plain) << "not a tie between the same pieces: " << text;
    }
  }
  EXPECT_GT(checked, 160000u);
  EXPECT_LE(ties * 1000, checked) << ties << " ties in " << checked << " posts: more than 0.1 %";
  std::cout << "[ encode   ] " << checked << " posts, " << ties << " exact score ties ordered differently\n";
}

TEST(Featurizer, GivesIdenticalIdsAcrossRunsThreadsAndWorkspaces) {
  std::vector<std::string> texts = {"Тrudeau https://x.y 2023 scandal", "這個國家的總理",
                                    "la députée a menti !!!!"};
  if (sieve::testing::corpus_missing_message("test.jsonl").empty())
    texts = sieve::testing::read_corpus_texts("test.jsonl", 4000);
  const Featurizer featurizer = small_featurizer();
  const FeatureBatch batch = featurizer.featurize_batch(texts);  // all cores, shared workspaces per thread
  ASSERT_EQ(batch.size(), texts.size());
  const Featurizer rebuilt(Normalizer(), SubwordModel::from_bytes(small_model().bytes()));
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const Features alone = rebuilt.featurize(texts[i]);  // fresh workspace, fresh model object
    const std::vector<std::uint32_t> from_batch(batch.ids.begin() + batch.offsets[i],
                                                batch.ids.begin() + batch.offsets[i + 1]);
    ASSERT_EQ(from_batch, alone.ids) << texts[i];
    ASSERT_EQ(batch.subword_counts[i], alone.subword_count);
  }
  std::vector<std::uint32_t> from_thread;
  std::thread([&] { from_thread = featurizer.featurize(texts[0]).ids; }).join();
  EXPECT_EQ(from_thread, featurizer.featurize(texts[0]).ids);
}

TEST(Featurizer, BatchCountsPostsWithInvalidUtf8) {
  const FeatureBatch batch = small_featurizer().featurize_batch({"ok", "bad \xFF byte", "", "\xC3"});
  EXPECT_EQ(batch.size(), 4u);
  EXPECT_EQ(batch.invalid_utf8_posts, 2u);
  EXPECT_EQ(batch.offsets.size(), 5u);
  EXPECT_EQ(batch.offsets[3], batch.offsets[2]);  // the empty post has no ids
}

TEST(FeaturizerSettings, RoundTripsThroughJsonAndValidates) {
  FeaturizerSettings s;
  s.hash_buckets = 12345;
  s.char_ngram_min = 3;
  s.char_ngram_max = 5;
  s.seed = 42;
  EXPECT_TRUE(FeaturizerSettings::from_json(s.to_json()) == s);
  s.char_ngram_min = 6;
  EXPECT_EQ(
      sieve::testing::error_text([&] { s.validate(); }),
      "config: featurizer.char_ngram_min/max: need 1 <= min <= max <= 8 (or both 0 for none), got 6..5");
  EXPECT_EQ(sieve::testing::error_text([] { FeaturizerSettings::from_json(R"({"hash_buckets":0})"); }),
            "format: featurizer settings: missing key 'subword_bigrams'");
  std::string zero = FeaturizerSettings().to_json();
  zero.replace(zero.find("262144"), 6, "0");
  EXPECT_EQ(sieve::testing::error_text([&] { FeaturizerSettings::from_json(zero); }),
            "format: featurizer settings: featurizer.hash_buckets: must be between 1 and 67108864, got 0");
}

}  // namespace
}  // namespace sieve::tokenizer
