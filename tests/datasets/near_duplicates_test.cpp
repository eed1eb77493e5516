#include "sieve/datasets/near_duplicates.h"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <iostream>
#include <set>

#include "corpus.h"
#include "error_text.h"
#include "pair_scores.h"
#include "planted_text.h"
#include "sieve/core/hash.h"
#include "sieve/datasets/record_reader.h"

namespace sieve::datasets {
namespace {

using testing::error_text;
using testing::PairScores;
using testing::PlantedSet;
using testing::score_pairs;

std::vector<std::string_view> texts_of(const PlantedSet& set) {
  std::vector<std::string_view> out;
  for (const auto& post : set.posts) out.emplace_back(post.text);
  return out;
}

NearDuplicateClusters cluster_texts(const std::vector<std::string_view>& texts,
                                    const NearDuplicateOptions& options = {}) {
  return cluster_near_duplicates(MinHasher(options).sign_all(texts), options);
}

// Exact Jaccard of the 5-code-point shingle sets of normalized texts, to check the estimates against.
double exact_jaccard(std::string_view a, std::string_view b) {
  const tokenizer::Normalizer normalizer;
  auto shingles = [&](std::string_view text) {
    const std::string normalized = normalizer.normalize(text);
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i <= normalized.size(); ++i) {
      if (i == normalized.size() || (static_cast<unsigned char>(normalized[i]) & 0xC0) != 0x80)
        starts.push_back(i);
    }
    std::set<std::string> out;
    for (std::size_t i = 0; i + 5 < starts.size(); ++i)
      out.insert(normalized.substr(starts[i], starts[i + 5] - starts[i]));
    return out;
  };
  const auto x = shingles(a), y = shingles(b);
  std::size_t common = 0;
  for (const auto& s : x) common += y.count(s);
  return static_cast<double>(common) / static_cast<double>(x.size() + y.size() - common);
}

// ---- options -------------------------------------------------------------------------------------------

TEST(NearDuplicateOptions, DerivesBandsThatCatchPairsAtTheThreshold) {
  NearDuplicateOptions options;
  EXPECT_EQ(options.lsh_shape().bands, 25);
  EXPECT_EQ(options.lsh_shape().rows, 5);
  options.threshold = 0.9;
  EXPECT_EQ(options.lsh_shape().bands, 11);
  EXPECT_EQ(options.lsh_shape().rows, 11);
  options.threshold = 0.5;
  EXPECT_EQ(options.lsh_shape().bands, 42);
  EXPECT_EQ(options.lsh_shape().rows, 3);
  options.bands = 16;
  options.rows = 8;
  EXPECT_EQ(options.lsh_shape().bands, 16);
  EXPECT_EQ(options.lsh_shape().rows, 8);
}

TEST(NearDuplicateOptions, ValidateNamesTheFieldAndTheValue) {
  NearDuplicateOptions o;
  o.shingle_size = 0;
  EXPECT_EQ(error_text([&] { o.validate(); }),
            "config: near_duplicates.shingle_size: must be between 1 and 32, got 0");
  o = {};
  o.threshold = 1.5;
  EXPECT_EQ(error_text([&] { o.validate(); }),
            "config: near_duplicates.threshold: must be in (0, 1], got 1.500000");
  o = {};
  o.bands = 20;
  EXPECT_EQ(error_text([&] { o.validate(); }), "config: near_duplicates.bands/rows: set both or neither");
  o.rows = 7;
  EXPECT_EQ(error_text([&] { o.validate(); }),
            "config: near_duplicates.bands/rows: bands x rows must be at most num_hashes (128), got 20 x 7");
  o = {};
  o.num_hashes = 0;
  EXPECT_EQ(error_text([&] { MinHasher{o}; }),
            "config: near_duplicates.num_hashes: must be between 1 and 1024, got 0");
  o = {};
  o.min_chars = 0;
  EXPECT_EQ(error_text([&] { NearDuplicateIndex{o}; }),
            "config: near_duplicates.min_chars: must be at least 1, got 0");
}

// ---- signatures ----------------------------------------------------------------------------------------

// Signatures are compared across runs and machines (a live index, stored clusters): pin literal values.
TEST(NearDuplicateSignature, IsPinnedAndTheSameOnEveryThreadCount) {
  const MinHasher hasher;
  const Signature s = hasher.sign("The minister hid the report from parliament");
  ASSERT_TRUE(s.clusterable);
  ASSERT_EQ(s.values.size(), 128u);
  EXPECT_EQ(s.text_hash, hash64("the minister hid the report from parliament",
                                NearDuplicateOptions().seed ^ 0x7E47000000000001ULL));
  EXPECT_EQ(s.values[0], 216486380u);
  EXPECT_EQ(s.values[1], 85602710u);
  EXPECT_EQ(s.values[127], 77548672u);

  const PlantedSet set = testing::planted_families(20, 2, 10, 200, 7);
  const auto all_cores = hasher.sign_all(texts_of(set));
  std::vector<Signature> one_core;
  {
    tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
    one_core = hasher.sign_all(texts_of(set));
  }
  for (std::size_t i = 0; i < set.posts.size(); ++i) {
    ASSERT_EQ(all_cores[i].values, one_core[i].values);
    ASSERT_EQ(all_cores[i].values, hasher.sign(set.posts[i].text).values);
  }
}

TEST(NearDuplicateSignature, DisguisesTheNormalizerUndoesGiveTheSameSignature) {
  const MinHasher hasher;
  const Signature plain = hasher.sign("Trudeau hid the report, see https://t.co/abc @someone");
  for (const char* disguised : {"Тrudeau hid the report, see https://t.co/xyz @other",  // Cyrillic Т
                                "Tru\u200Bdeau hid the re\u200Bport, see https://t.co/abc @someone",
                                "ＴＲＵＤＥＡＵ hid the report,   see http://bit.ly/q @a"}) {
    const Signature s = hasher.sign(disguised);
    EXPECT_EQ(s.text_hash, plain.text_hash) << disguised;
    EXPECT_EQ(s.values, plain.values) << disguised;
  }
}

TEST(NearDuplicateSignature, PostsOfPlaceholdersAndFewCharactersAreNotClusterable) {
  const MinHasher hasher;
  EXPECT_FALSE(hasher.sign("'@someone https://t.co/abc'").clusterable);  // "'<user> <url>'": 2 characters
  EXPECT_FALSE(hasher.sign("lol!!!!!!!!").clusterable);
  EXPECT_FALSE(hasher.sign("").clusterable);
  EXPECT_TRUE(hasher.sign("Just posted a photo https://t.co/x").clusterable);
  EXPECT_TRUE(hasher.sign("总理隐瞒了调查报告的全部内容").clusterable);  // 14 characters
  const auto clusters = cluster_texts({"@a https://t.co/1", "@b https://t.co/2", "@c https://t.co/3"});
  EXPECT_EQ(clusters.count(), 3u);
}

// The mixing that derives 128 permutations from one hash per shingle must behave like independent
// permutations: the estimates must match the exact Jaccard of the shingle sets.
TEST(NearDuplicateSignature, EstimatedJaccardMatchesTheExactJaccard) {
  testing::TestRng rng(11);
  const auto vocabulary = testing::make_vocabulary(300, rng);
  const MinHasher hasher;
  double total_error = 0, worst = 0;
  const int pairs = 300;
  for (int p = 0; p < pairs; ++p) {
    auto words = testing::random_words(vocabulary, 30, rng);
    const std::string a = testing::join_words(words);
    for (std::size_t edits = rng.below(16); edits > 0; --edits)
      words[rng.below(words.size())] = vocabulary[rng.below(300)];
    const std::string b = testing::join_words(words);
    const double exact = exact_jaccard(a, b);
    const double estimate =
        estimated_jaccard(hasher.sign(a).values.data(), hasher.sign(b).values.data(), 128);
    total_error += std::abs(estimate - exact);
    worst = std::max(worst, std::abs(estimate - exact));
  }
  // A binomial estimate of 128 draws errs by sqrt(J(1-J)/128) <= 0.044: mean |error| ~ 0.8 of that.
  EXPECT_LT(total_error / pairs, 0.04);
  EXPECT_LT(worst, 0.16);
  std::cout << "[ minhash  ] mean |estimate - exact| " << total_error / pairs << ", worst " << worst << "\n";
}

// ---- clusters ------------------------------------------------------------------------------------------

TEST(NearDuplicateClusters, RecoverPlantedTemplateFamiliesWithHighPrecisionAndRecall) {
  const PlantedSet set = testing::planted_families(60, 3, 15, 800, 42);  // 1,080 + 800 posts
  const auto clusters = cluster_texts(texts_of(set));
  const PairScores scores = score_pairs(set, clusters.cluster_of);
  std::cout << "[ families ] pair precision " << scores.precision << ", recall " << scores.recall << "\n";
  EXPECT_GE(scores.precision, 0.99);
  EXPECT_GE(scores.recall, 0.95);
  // Every unrelated post stays alone.
  for (std::size_t i = 0; i < set.posts.size(); ++i) {
    if (set.posts[i].family >= 0) continue;
    ASSERT_EQ(clusters.sizes[clusters.cluster_of[i]], 1u) << set.posts[i].text;
  }
  // Verbatim copies differ only in handle and link, and some variants repeat one another: each normalized
  // text seen before is an exact duplicate.
  const tokenizer::Normalizer normalizer;
  std::set<std::string> distinct;
  for (const auto& post : set.posts) distinct.insert(normalizer.normalize(post.text));
  EXPECT_EQ(clusters.exact_duplicates, set.posts.size() - distinct.size());
  EXPECT_GE(clusters.exact_duplicates, 60u * 2);
}

// Tweet-length templates (14 words) never posted verbatim, each variant two word edits away from it:
// two variants are often under 0.7 alike, so at 0.7 a family is only partly near-duplicate by definition.
// Pairs clearly above the threshold (two standard errors of the estimate) must still end up together,
// no family may join another, and a lower threshold recovers the families.
TEST(NearDuplicateClusters, KeepClearPairsTogetherInShortHeavilyEditedFamilies) {
  const PlantedSet set = testing::planted_families(60, 0, 15, 800, 43, 14, 2);
  std::vector<std::pair<std::size_t, std::size_t>> clear_pairs;  // exact Jaccard >= 0.78
  std::size_t family_pairs = 0;
  for (std::size_t i = 0; i < set.posts.size(); ++i) {
    for (std::size_t j = i + 1; j < set.posts.size(); ++j) {
      if (set.posts[i].family < 0 || set.posts[i].family != set.posts[j].family) continue;
      ++family_pairs;
      if (exact_jaccard(set.posts[i].text, set.posts[j].text) >= 0.78) clear_pairs.emplace_back(i, j);
    }
  }
  ASSERT_GT(clear_pairs.size(), 150u);  // enough to measure
  const auto at_07 = cluster_texts(texts_of(set));
  std::size_t together = 0;
  for (const auto& [i, j] : clear_pairs) together += at_07.cluster_of[i] == at_07.cluster_of[j];
  const PairScores families_07 = score_pairs(set, at_07.cluster_of);
  NearDuplicateOptions loose;
  loose.threshold = 0.5;
  const PairScores families_05 = score_pairs(set, cluster_texts(texts_of(set), loose).cluster_of);
  std::cout << "[ hard     ] " << clear_pairs.size() << " of " << family_pairs << " family pairs at >= 0.78, "
            << together
            << " clustered together; family pair precision/recall at 0.7: " << families_07.precision << "/"
            << families_07.recall << ", at 0.5: " << families_05.precision << "/" << families_05.recall
            << "\n";
  EXPECT_GE(static_cast<double>(together) / clear_pairs.size(), 0.98);
  EXPECT_GE(families_07.precision, 0.99);
  EXPECT_GE(families_05.precision, 0.99);
  EXPECT_GE(families_05.recall, 0.9);
}

TEST(NearDuplicateClusters, RecoverChineseFamilies) {
  const PlantedSet set = testing::planted_chinese_families(30, 12, 300, 5);
  const auto clusters = cluster_texts(texts_of(set));
  const PairScores scores = score_pairs(set, clusters.cluster_of);
  std::cout << "[ zh       ] pair precision " << scores.precision << ", recall " << scores.recall << "\n";
  EXPECT_GE(scores.precision, 0.99);
  EXPECT_GE(scores.recall, 0.95);
}

TEST(NearDuplicateClusters, ExactDuplicatesAreClusteredAndCounted) {
  const auto clusters = cluster_texts({"Le ministre a menti sur le budget https://t.co/1",
                                       "Some other post that is long enough",
                                       "LE MINISTRE A MENTI SUR LE BUDGET https://bit.ly/2",
                                       "le ministre a\u200B menti sur le budget   https://t.co/3"});
  EXPECT_EQ(clusters.cluster_of, (std::vector<std::uint32_t>{0, 1, 0, 0}));
  EXPECT_EQ(clusters.sizes, (std::vector<std::uint32_t>{3, 1}));
  EXPECT_EQ(clusters.exact_duplicates, 2u);
  EXPECT_EQ(clusters.clusters_of_at_least(2), 1u);
  EXPECT_EQ(clusters.posts_in_clusters_of_at_least(2), 3u);
}

TEST(NearDuplicateClusters, ThresholdDecidesWhetherAHalfSimilarPairMerges) {
  testing::TestRng rng(3);
  const auto vocabulary = testing::make_vocabulary(400, rng);
  auto words = testing::random_words(vocabulary, 40, rng);
  const std::string a = testing::join_words(words);
  for (std::size_t i = 0; i < words.size(); i += 3)
    words[i] = vocabulary[rng.below(400)];  // every third word
  const std::string b = testing::join_words(words);
  const double exact = exact_jaccard(a, b);
  ASSERT_GT(exact, 0.4);
  ASSERT_LT(exact, 0.6);
  NearDuplicateOptions strict;
  strict.threshold = 0.8;
  EXPECT_EQ(cluster_texts({a, b}, strict).count(), 2u) << "exact Jaccard " << exact;
  NearDuplicateOptions loose;
  loose.threshold = 0.3;
  EXPECT_EQ(cluster_texts({a, b}, loose).count(), 1u) << "exact Jaccard " << exact;
  // And one word changed out of 40 stays together at 0.8.
  const std::string c = a.substr(0, a.rfind(' ')) + " tout";
  EXPECT_EQ(cluster_texts({a, c}, strict).count(), 1u) << "exact Jaccard " << exact_jaccard(a, c);
}

TEST(NearDuplicateClusters, AreTheSameOnEveryRun) {
  const PlantedSet set = testing::planted_families(40, 2, 10, 400, 9);
  const auto first = cluster_texts(texts_of(set));
  for (int run = 0; run < 3; ++run) {
    const auto again = cluster_texts(texts_of(set));
    ASSERT_EQ(again.cluster_of, first.cluster_of);
    ASSERT_EQ(again.sizes, first.sizes);
  }
}

// ---- the index -----------------------------------------------------------------------------------------

TEST(NearDuplicateIndex, StreamsPostsIntoTheSameClustersAsTheBatch) {
  const PlantedSet set = testing::planted_families(30, 2, 8, 200, 13);
  const MinHasher hasher;
  const auto signatures = hasher.sign_all(texts_of(set));
  const auto batch = cluster_near_duplicates(signatures, {});
  NearDuplicateIndex index;
  std::size_t matched = 0;
  for (std::size_t i = 0; i < signatures.size(); ++i) {
    // A post whose family was seen before is found before it is added.
    const auto match = index.find_match(signatures[i]);
    if (match) {
      ++matched;
      EXPECT_EQ(set.posts[match->item].family, set.posts[i].family);
      EXPECT_GE(match->jaccard, 0.7);
    }
    EXPECT_EQ(index.add(signatures[i]), i);
  }
  EXPECT_EQ(index.size(), signatures.size());
  for (std::uint32_t i = 0; i < signatures.size(); ++i) {
    EXPECT_EQ(batch.cluster_of[i], batch.cluster_of[index.cluster_of(i)]);
  }
  // 30 families of 10 posts: at most 9 of each can find an earlier one; nearly all do.
  EXPECT_GE(matched, 260u);
  EXPECT_LE(matched, 270u);
}

TEST(NearDuplicateIndex, RejectsASignatureOfAnotherSize) {
  NearDuplicateOptions small;
  small.num_hashes = 64;
  const Signature s = MinHasher(small).sign("a post long enough to be clustered");
  NearDuplicateIndex index;
  EXPECT_EQ(error_text([&] { index.add(s); }),
            "invalid input: near-duplicate index: signature of 64 values, the index uses 128");
}

TEST(NearDuplicateCross, CountsPostsOfOneSetWithADuplicateInTheOther) {
  const PlantedSet set = testing::planted_families(40, 0, 10, 400, 17);
  const MinHasher hasher;
  // Reference: families 0..19 in full. Queries: one variant of every family and the unrelated posts.
  std::vector<Signature> reference, queries;
  std::set<int> queried;
  for (const auto& post : set.posts) {
    if (post.family >= 0 && post.family < 20) reference.push_back(hasher.sign(post.text));
    if (post.family < 0 || queried.insert(post.family).second) queries.push_back(hasher.sign(post.text));
  }
  queries.push_back(reference.front());  // an exact copy
  const CrossDuplicates cross = count_cross_duplicates(reference, queries, {});
  EXPECT_EQ(cross.queries, 40u + 400u + 1u);
  EXPECT_EQ(cross.exact, 1u + 20u);  // a queried variant of families 0..19 is in the reference itself
  EXPECT_EQ(cross.near, 21u);
}

// ---- summaries and the corpus --------------------------------------------------------------------------

TEST(NearDuplicateSummary, DescribesClustersLargestFirst) {
  std::vector<Record> records;
  const auto add = [&](std::string text, std::string group, std::string lang, std::string source) {
    Record r;
    r.id = std::to_string(records.size());
    r.text = std::move(text);
    r.group = std::move(group);
    r.lang = std::move(lang);
    r.source = std::move(source);
    records.push_back(r);
  };
  add("Le ministre a menti sur le budget", "a", "fr", "ira");
  add("Unrelated but long enough text here", "b", "en", "x");
  add("Le ministre a menti sur le budget !", "b", "fr", "ira");
  add("The minister lied about the budget", "c", "en", "ira");
  add("Le ministre a menti sur le budget !", "c", "fr", "verified");
  add("The minister lied about the budget", "d", "en", "ira");
  const MinHasher hasher;
  const auto signatures = hasher.sign_all(records);
  const auto clusters = cluster_near_duplicates(signatures, {});
  const auto summaries = summarize_clusters(records, signatures, clusters, 2);
  ASSERT_EQ(summaries.size(), 2u);
  EXPECT_EQ(summaries[0].members, (std::vector<std::uint32_t>{0, 2, 4}));
  EXPECT_EQ(summaries[0].groups, 3u);
  EXPECT_EQ(summaries[0].exact_duplicates, 1u);
  EXPECT_EQ(summaries[0].representative, 2u);  // its text is posted twice, first by record 2
  EXPECT_EQ(summaries[0].langs, (std::vector<std::string>{"fr"}));
  EXPECT_EQ(summaries[0].sources, (std::vector<std::string>{"ira", "verified"}));
  EXPECT_EQ(summaries[1].members, (std::vector<std::uint32_t>{3, 5}));
}

TEST(NearDuplicateCorpus, SurfacesTheIraTemplatesInTheWholeCorpus) {
  const std::string missing = testing::corpus_missing_message("train.jsonl");
  if (!missing.empty()) GTEST_SKIP() << missing;
  std::vector<std::string> paths;
  std::size_t lines = 0;
  for (const char* file : {"train.jsonl", "dev.jsonl", "test.jsonl"}) {
    paths.push_back(testing::corpus_dir() + "/" + file);
    lines += testing::count_corpus_lines(file);
  }
  const auto records = read_records(paths, ReaderConfig{});
  ASSERT_EQ(records.size(), lines);
  const MinHasher hasher;
  const auto signatures = hasher.sign_all(records);
  const auto clusters = cluster_near_duplicates(signatures, {});
  const auto top = summarize_clusters(records, signatures, clusters, 2);
  ASSERT_GE(top.size(), 20u);
  std::size_t ira_in_top = 0;
  for (std::size_t i = 0; i < 20; ++i) ira_in_top += top[i].sources == std::vector<std::string>{"ira"};
  EXPECT_GE(ira_in_top, 18u);
  EXPECT_GE(top[0].members.size(), 100u);
  // Templates posted by many accounts: clusters that span 20 or more groups.
  const auto spread =
      std::count_if(top.begin(), top.end(), [](const ClusterSummary& c) { return c.groups >= 20; });
  EXPECT_GE(spread, 30);
  std::cout << "[ corpus   ] " << clusters.exact_duplicates << " exact duplicates, "
            << clusters.clusters_of_at_least(2) << " clusters holding "
            << clusters.posts_in_clusters_of_at_least(2) << " posts, " << spread << " across 20+ groups\n";
}

}  // namespace
}  // namespace sieve::datasets
