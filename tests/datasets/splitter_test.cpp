#include "sieve/datasets/splitter.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <array>
#include <cmath>
#include <iostream>
#include <map>
#include <set>

#include "corpus.h"
#include "error_text.h"
#include "planted_text.h"
#include "sieve/datasets/record_reader.h"
#include "sieve/simulator/simulator.h"

namespace sieve::datasets {
namespace {

using testing::error_text;

const LabelSchema kSchema = LabelSchema::defaults();  // coordinated, machine, nonnative, abusive

// Authors of 1 to 8 posts in en (60 %), fr (25 %) or zh (15 %), coordinated at a rate that differs by
// language. A third of the authors are accounts of one of `networks` campaigns, and half their posts are
// variants of their campaign's templates (`families` in all): near-duplicates across groups, which a
// group split alone would leak. With networks = 0, any author may post any template, which chains most
// authors into one component.
std::vector<Record> make_records(int authors, int families, int networks, std::uint64_t seed) {
  testing::TestRng rng(seed);
  const auto vocabulary = testing::make_vocabulary(800, rng);
  std::vector<std::vector<std::string>> templates;
  for (int f = 0; f < families; ++f) templates.push_back(testing::random_words(vocabulary, 22, rng));
  const auto pick_template = [&](int network) -> const std::vector<std::string>& {
    if (networks == 0) return templates[rng.below(templates.size())];
    const std::size_t per_network = templates.size() / static_cast<std::size_t>(networks);
    return templates[static_cast<std::size_t>(network) * per_network + rng.below(per_network)];
  };
  std::vector<Record> out;
  const auto lang_of = [](std::size_t percentile) {
    return percentile < 60 ? "en" : percentile < 85 ? "fr" : "zh";
  };
  for (int a = 0; a < authors; ++a) {
    const bool campaign = families > 0 && (networks == 0 ? rng.chance(0.5) : rng.chance(0.33));
    const int network = networks > 0 ? static_cast<int>(rng.below(static_cast<std::size_t>(networks))) : 0;
    // A campaign writes in one language; other authors in the language of their draw.
    const std::string lang = lang_of(campaign && networks > 0 ? network * 100 / networks : rng.below(100));
    const double coordinated_rate = campaign ? 0.9 : lang == "en" ? 0.3 : lang == "fr" ? 0.1 : 0.5;
    const int label = rng.chance(0.2) ? kMissingLabel : rng.chance(coordinated_rate) ? 1 : 0;
    for (std::size_t p = 1 + rng.below(8); p > 0; --p) {
      Record r;
      r.id = "post" + std::to_string(out.size());
      r.group = "author" + std::to_string(a);
      r.lang = lang;
      r.source = "synthetic";
      r.labels = {static_cast<std::int8_t>(label), kMissingLabel, kMissingLabel,
                  static_cast<std::int8_t>(rng.below(2))};
      r.text = campaign && rng.chance(networks == 0 ? 0.3 : 0.5)
                   ? testing::make_variant(pick_template(network), vocabulary, rng)
                   : testing::join_words(testing::random_words(vocabulary, 22, rng));
      out.push_back(std::move(r));
    }
  }
  return out;
}

double share(std::size_t part, std::size_t whole) { return whole ? static_cast<double>(part) / whole : 0; }

// Every group and every near-duplicate cluster must sit in one split: checked here from the records.
template <typename KeyOf>
std::size_t keys_across_splits(const std::vector<Record>& records, const std::vector<Split>& split_of,
                               KeyOf key_of) {
  std::map<std::string, std::set<Split>> seen;
  for (std::size_t i = 0; i < records.size(); ++i) seen[key_of(i)].insert(split_of[i]);
  std::size_t across = 0;
  for (const auto& [key, splits] : seen) across += splits.size() > 1;
  return across;
}

TEST(SplitOptions, ValidateNamesTheField) {
  SplitOptions o;
  o.dev = -0.1;
  EXPECT_EQ(error_text([&] { o.validate(); }), "config: split.dev: must be in [0, 1), got -0.100000");
  o = {};
  o.test = 1;
  EXPECT_EQ(error_text([&] { o.validate(); }), "config: split.test: must be in [0, 1), got 1.000000");
  o = {};
  o.dev = 0.5;
  o.test = 0.5;
  EXPECT_EQ(error_text([&] { o.validate(); }),
            "config: split.dev/test: dev + test must leave records for train, got 1.000000");
  o = {};
  o.max_component_share = 0;
  EXPECT_EQ(error_text([&] { o.validate(); }),
            "config: split.max_component_share: must be in (0, 1], got 0.000000");
  o = {};
  o.near_duplicates.threshold = 0;
  EXPECT_EQ(error_text([&] { o.validate(); }),
            "config: near_duplicates.threshold: must be in (0, 1], got 0.000000");
  EXPECT_EQ(error_text([&] { assign_splits(make_records(3, 0, 0, 1), nullptr, SplitOptions{}); }),
            "invalid input: assign_splits: near-duplicate clusters are needed to keep them together");
}

TEST(Split, NoGroupAndNoNearDuplicateClusterCrossesSplits) {
  const auto records = make_records(3000, 80, 40, 1);
  const SplitResult result = split_records(records, kSchema, {});
  const auto& split_of = result.split_of;
  EXPECT_EQ(keys_across_splits(records, split_of, [&](std::size_t i) { return records[i].group; }), 0u);
  const SplitOptions options;
  const MinHasher hasher(options.near_duplicates);
  const auto clusters = cluster_near_duplicates(hasher.sign_all(records), options.near_duplicates);
  ASSERT_GE(clusters.posts_in_clusters_of_at_least(2), records.size() / 10);  // the planted families
  EXPECT_EQ(keys_across_splits(records, split_of,
                               [&](std::size_t i) { return std::to_string(clusters.cluster_of[i]); }),
            0u);
  EXPECT_EQ(result.report.oversized_components, 0u);
  EXPECT_EQ(result.report.groups_across_splits, 0u);
  EXPECT_EQ(result.report.clusters_across_splits, 0u);
  // Leakage is recomputed from the texts of each split, not read off the clusters: it is zero as well.
  EXPECT_EQ(result.report.test_in_train.near, 0u);
  EXPECT_EQ(result.report.dev_in_train.near, 0u);
  EXPECT_EQ(result.report.test_in_train.queries, result.report.splits[2].records);
}

TEST(Split, LeaksTemplatesAcrossSplitsWhenOnlyGroupsAreKeptTogether) {
  const auto records = make_records(3000, 80, 40, 1);
  SplitOptions options;
  options.keep_near_duplicates_together = false;
  const SplitResult result = split_records(records, kSchema, options);
  EXPECT_EQ(result.report.groups_across_splits, 0u);
  EXPECT_GT(result.report.clusters_across_splits, 20u);
  EXPECT_GT(result.report.test_in_train.near, 50u);
  EXPECT_GT(result.report.dev_in_train.near, 50u);
  EXPECT_GT(result.report.test_in_train.exact, 0u);
  std::cout << "[ leakage  ] groups only: " << result.report.test_in_train.near << " of "
            << result.report.test_in_train.queries << " test texts have a near-duplicate in train\n";
}

// When any account may post any template, most accounts chain into one component: kept whole, it would
// be one split. It is placed by group instead, and each cluster the cuts go through is moved whole.
TEST(Split, BreaksAnOversizedComponentByGroupAndMovesCutClustersWhole) {
  const auto records = make_records(3000, 60, 0, 6);
  const SplitResult result = split_records(records, kSchema, {});
  const SplitReport& r = result.report;
  ASSERT_EQ(r.oversized_components, 1u);
  EXPECT_GT(r.records_in_oversized, records.size() / 3);
  EXPECT_EQ(r.clusters_across_splits, 0u);
  EXPECT_EQ(r.test_in_train.near, 0u);
  EXPECT_EQ(r.dev_in_train.near, 0u);
  // Only groups of moved records cross splits, and the moves are a small part of the component.
  EXPECT_GT(r.records_moved_to_cluster, 0u);
  EXPECT_LE(r.groups_across_splits, r.records_moved_to_cluster);
  EXPECT_LT(r.records_moved_to_cluster, r.records_in_oversized / 4);
  const std::size_t n = records.size();
  EXPECT_NEAR(share(r.splits[0].records, n), 0.8, 0.02);
  EXPECT_NEAR(share(r.splits[1].records, n), 0.1, 0.02);
  EXPECT_NEAR(share(r.splits[2].records, n), 0.1, 0.02);
  std::cout << "[ oversize ] component of " << r.records_in_oversized << " of " << n
            << " records: " << r.records_moved_to_cluster << " moved to their cluster, "
            << r.groups_across_splits << " groups across splits\n";
  // Kept whole instead (share 1), nothing is moved and no group crosses.
  SplitOptions whole;
  whole.max_component_share = 1;
  const SplitReport w = split_records(records, kSchema, whole).report;
  EXPECT_EQ(w.oversized_components, 0u);
  EXPECT_EQ(w.groups_across_splits, 0u);
  EXPECT_EQ(w.clusters_across_splits, 0u);
}

TEST(Split, FractionsAreWithinTwoPointsOfTheTargets) {
  const auto records = make_records(3000, 80, 40, 2);
  for (const auto& [dev, test] : {std::pair{0.1, 0.1}, std::pair{0.05, 0.2}, std::pair{0.0, 0.3}}) {
    SplitOptions options;
    options.dev = dev;
    options.test = test;
    const auto& splits = split_records(records, kSchema, options).report.splits;
    const std::size_t n = records.size();
    EXPECT_NEAR(share(splits[0].records, n), 1 - dev - test, 0.02) << dev << " " << test;
    EXPECT_NEAR(share(splits[1].records, n), dev, 0.02) << dev << " " << test;
    EXPECT_NEAR(share(splits[2].records, n), test, 0.02) << dev << " " << test;
  }
}

// How far the splits stray from the whole: the largest gap between a language's share of a split and of
// all records, and the mean gap between a language's coordinated rate in a split and overall.
struct MixGaps {
  double lang_share = 0;
  double coordinated_rate = 0;
};

MixGaps mix_gaps(const std::vector<Record>& records, const std::vector<Split>& split_of) {
  std::map<std::string, std::array<double, 4>> lang;  // per lang: records per split, then all
  std::map<std::string, std::array<std::pair<double, double>, 4>> coordinated;  // (labelled, positive)
  std::array<double, 4> total{};
  for (std::size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    for (const std::size_t s : {static_cast<std::size_t>(split_of[i]), std::size_t{3}}) {
      ++lang[r.lang][s];
      ++total[s];
      if (r.labels[0] == kMissingLabel) continue;
      ++coordinated[r.lang][s].first;
      coordinated[r.lang][s].second += r.labels[0];
    }
  }
  MixGaps gaps;
  for (std::size_t s = 0; s < kSplitCount; ++s) {
    for (const auto& [name, counts] : lang) {
      gaps.lang_share = std::max(gaps.lang_share, std::abs(counts[s] / total[s] - counts[3] / total[3]));
      const auto& c = coordinated[name];
      gaps.coordinated_rate +=
          std::abs(c[s].second / c[s].first - c[3].second / c[3].first) / (3.0 * lang.size());
    }
  }
  return gaps;
}

TEST(Split, KeepsTheLanguageAndLabelMixInEverySplit) {
  const auto records = make_records(4000, 240, 120, 3);
  const MixGaps stratified = mix_gaps(records, split_records(records, kSchema, {}).split_of);
  // The same records with language and labels hidden from the splitter: only the sizes are balanced.
  std::vector<Record> blind = records;
  for (Record& r : blind) r.lang.clear(), r.labels.assign(r.labels.size(), kMissingLabel);
  const MixGaps unstratified = mix_gaps(records, split_records(blind, kSchema, {}).split_of);
  std::cout << "[ strata   ] language share gap " << stratified.lang_share << " (blind "
            << unstratified.lang_share << "), coordinated rate gap " << stratified.coordinated_rate
            << " (blind " << unstratified.coordinated_rate << ")\n";
  EXPECT_LT(stratified.lang_share, 0.03);
  EXPECT_LT(stratified.lang_share, unstratified.lang_share / 2);
  // Campaign components of ~50 records, 90 % coordinated, are a third of a language's coordinated share
  // of dev or test: the rates can only be matched to about that grain.
  EXPECT_LT(stratified.coordinated_rate, 0.04);
  EXPECT_LT(stratified.coordinated_rate, unstratified.coordinated_rate);
}

TEST(Split, IsTheSameForASeedAndChangesWithTheSeed) {
  const auto records = make_records(2000, 40, 20, 4);
  SplitOptions options;
  const auto first = split_records(records, kSchema, options).split_of;
  EXPECT_EQ(split_records(records, kSchema, options).split_of, first);
  options.seed = 2;
  const auto other = split_records(records, kSchema, options).split_of;
  std::size_t moved = 0;
  for (std::size_t i = 0; i < records.size(); ++i) moved += other[i] != first[i];
  // Two independent 80/10/10 draws put a record in different splits 34 % of the time.
  EXPECT_GT(share(moved, records.size()), 0.2);
}

TEST(Split, DoesNotDependOnTheOrderOfTheRecords) {
  const auto records = make_records(1500, 40, 20, 5);
  const auto split_of = split_records(records, kSchema, {}).split_of;
  std::vector<Record> reversed(records.rbegin(), records.rend());
  const auto reversed_split = split_records(reversed, kSchema, {}).split_of;
  for (std::size_t i = 0; i < records.size(); ++i)
    ASSERT_EQ(reversed_split[records.size() - 1 - i], split_of[i]);
}

TEST(Split, ReportCountsAndSerialisesToJson) {
  std::vector<Record> records;
  const auto add = [&](std::string group, std::string lang, int coordinated, std::string text) {
    Record r;
    r.id = std::to_string(records.size());
    r.group = std::move(group);
    r.lang = std::move(lang);
    r.text = std::move(text);
    r.labels = {static_cast<std::int8_t>(coordinated), kMissingLabel, kMissingLabel, kMissingLabel};
    records.push_back(r);
  };
  add("a", "en", 1, "The minister hid the report from parliament https://t.co/a");
  add("b", "en", 0, "The minister hid the report from parliament https://t.co/b");
  add("a", "en", 1, "Something else entirely, long enough");
  add("c", "fr", kMissingLabel, "Le ministre a caché le rapport au parlement");
  const SplitOptions options;
  const MinHasher hasher(options.near_duplicates);
  const auto signatures = hasher.sign_all(records);
  const auto clusters = cluster_near_duplicates(signatures, options.near_duplicates);
  // A hand-made split that puts the two copies of the template in train and test.
  SplitAssignment assignment;
  assignment.split_of = {Split::kTrain, Split::kTest, Split::kTrain, Split::kDev};
  const SplitReport report = report_split(records, signatures, clusters, assignment, kSchema, options);
  EXPECT_EQ(report.splits[0].records, 2u);
  EXPECT_EQ(report.splits[0].groups, 1u);
  EXPECT_EQ(report.splits[0].clusters, 1u);
  EXPECT_EQ(report.splits[2].clusters, 1u);
  EXPECT_EQ(report.clusters_across_splits, 1u);
  EXPECT_EQ(report.groups_across_splits, 0u);
  EXPECT_EQ(report.test_in_train.queries, 1u);
  EXPECT_EQ(report.test_in_train.exact, 1u);  // the links differ, the normalized texts do not
  EXPECT_EQ(report.test_in_train.near, 1u);
  EXPECT_EQ(report.dev_in_train.near, 0u);

  simdjson::dom::parser parser;
  const std::string json = report.to_json();
  const simdjson::dom::element doc = parser.parse(json);
  EXPECT_EQ(std::uint64_t(doc["splits"]["train"]["records"]), 2u);
  EXPECT_EQ(std::uint64_t(doc["leakage"]["test_in_train"]["near"]), 1u);
  EXPECT_EQ(std::uint64_t(doc["clusters_across_splits"]), 1u);
  EXPECT_EQ(std::uint64_t(doc["prevalence"]["coordinated"]["en"]["train"]["labelled"]), 2u);
  EXPECT_DOUBLE_EQ(double(doc["prevalence"]["coordinated"]["en"]["train"]["rate"]), 1.0);
  EXPECT_DOUBLE_EQ(double(doc["prevalence"]["coordinated"]["en"]["test"]["rate"]), 0.0);
  EXPECT_TRUE(doc["prevalence"]["coordinated"]["fr"].error());  // no labelled fr record
}

// The simulated corpus with one campaign's posts under their own source, as `make demo` splits it.
std::vector<Record> simulate_with_named_campaign(const std::string& campaign, std::uint64_t posts) {
  SimulatorOptions options;
  options.posts = posts;
  options.campaigns_as_source = {campaign};
  CampaignSimulator simulator(options);
  std::vector<Record> out;
  for (Record r; simulator.next(r);) out.push_back(std::move(r));
  return out;
}

TEST(SplitHoldout, AHeldOutCampaignIsWhollyInTestAndNoAccountOrTemplateCrossesSplits) {
  const auto records = simulate_with_named_campaign("vote_fraud", 6000);
  SplitOptions options;
  options.holdout_sources = {"vote_fraud"};
  const SplitResult result = split_records(records, kSchema, options);
  const auto& split_of = result.split_of;
  std::array<std::size_t, kSplitCount> campaign{}, other{};
  for (std::size_t i = 0; i < records.size(); ++i) {
    (records[i].source == "vote_fraud" ? campaign : other)[static_cast<std::size_t>(split_of[i])]++;
  }
  const std::size_t held = campaign[0] + campaign[1] + campaign[2];
  ASSERT_GT(held, 0u);
  EXPECT_EQ(campaign[0], 0u);
  EXPECT_EQ(campaign[1], 0u);
  const SplitReport& r = result.report;
  ASSERT_EQ(r.held_out.size(), 1u);
  EXPECT_EQ(r.held_out[0].source, "vote_fraud");
  EXPECT_EQ(r.held_out[0].records, held);
  EXPECT_GT(r.held_out[0].groups, 1u);
  // The other records are split as usual: test also holds campaigns seen in training, and organic posts.
  const std::size_t rest = records.size() - held - r.held_out_tied;
  EXPECT_NEAR(share(r.splits[1].records, rest), 0.1, 0.02);
  EXPECT_NEAR(share(r.splits[2].records - held - r.held_out_tied, rest), 0.1, 0.02);
  EXPECT_GT(other[2], 0u);
  // Every account of the campaign posts only in test.
  std::set<std::string> accounts;
  for (const Record& record : records) {
    if (record.source == "vote_fraud") accounts.insert(record.group);
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (accounts.count(records[i].group) == 0) continue;
    ASSERT_EQ(split_of[i], Split::kTest) << records[i].id;
  }
  // No template crosses splits, and no test text has a near-duplicate in train.
  const MinHasher hasher(options.near_duplicates);
  const auto clusters = cluster_near_duplicates(hasher.sign_all(records), options.near_duplicates);
  EXPECT_EQ(keys_across_splits(records, split_of,
                               [&](std::size_t i) { return std::to_string(clusters.cluster_of[i]); }),
            0u);
  EXPECT_EQ(r.test_in_train.near, 0u);
  EXPECT_EQ(r.dev_in_train.near, 0u);
  // As without a held-out source, the other campaigns are components over max_component_share, placed by
  // account: the only accounts across splits are those of the few posts moved to their template's split.
  EXPECT_EQ(keys_across_splits(records, split_of, [&](std::size_t i) { return records[i].group; }),
            r.groups_across_splits);
  EXPECT_LE(r.groups_across_splits, r.records_moved_to_cluster);
  EXPECT_EQ(split_records(records, kSchema, options).split_of, split_of);  // the same for a seed
  std::cout << "[ holdout  ] vote_fraud: " << held << " records, " << r.held_out[0].groups << " accounts, "
            << r.held_out_tied << " others tied; test " << r.splits[2].records << " of " << records.size()
            << "\n";
}

TEST(SplitHoldout, RecordsTiedToAHeldOutSourceByGroupOrClusterGoToTestWithIt) {
  std::vector<Record> records;
  const auto add = [&](std::string source, std::string group, std::string text) {
    Record r;
    r.id = std::to_string(records.size());
    r.source = std::move(source);
    r.group = std::move(group);
    r.lang = "en";
    r.text = std::move(text);
    r.labels = {1, kMissingLabel, kMissingLabel, kMissingLabel};
    records.push_back(r);
  };
  add("takedown", "a", "The minister hid the report from parliament, share before they delete it");
  add("platform", "a", "Another post by the same account, about the weather today");  // tied by group
  add("platform", "b",
      "The minister hid the report from parliament, share before they delete it!");  // by text
  for (int i = 0; i < 40; ++i)
    add("platform", "user" + std::to_string(i),
        "post number " + std::to_string(i) + " about nothing much at all");
  SplitOptions options;
  options.holdout_sources = {"takedown"};
  const SplitResult result = split_records(records, kSchema, options);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(result.split_of[i], Split::kTest) << i;
  const SplitReport& r = result.report;
  ASSERT_EQ(r.held_out.size(), 1u);
  EXPECT_EQ(r.held_out[0].records, 1u);
  EXPECT_EQ(r.held_out[0].groups, 1u);
  EXPECT_EQ(r.held_out_tied, 2u);
  EXPECT_GT(r.splits[0].records, 0u);
  simdjson::dom::parser parser;
  const std::string json = r.to_json();
  const simdjson::dom::element doc = parser.parse(json);
  EXPECT_EQ(std::uint64_t(doc["held_out"]["sources"]["takedown"]["records"]), 1u);
  EXPECT_EQ(std::uint64_t(doc["held_out"]["tied_records"]), 2u);
}

TEST(SplitHoldout, ASourceThatMatchesNoRecordIsAnErrorThatListsTheSources) {
  auto records = make_records(20, 0, 0, 1);
  for (std::size_t i = 0; i < records.size(); ++i) records[i].source = i % 2 ? "x" : "facebook";
  SplitOptions options;
  options.holdout_sources = {"x", "vote_frau"};
  EXPECT_EQ(
      error_text([&] { split_records(records, kSchema, options); }),
      "invalid input: split.holdout_sources: no record has source 'vote_frau'; the sources are: facebook, "
      "x");
  options.holdout_sources = {"x", "facebook"};
  EXPECT_EQ(
      error_text([&] { split_records(records, kSchema, options); }),
      "invalid input: split.holdout_sources: the held-out sources and the records tied to them by group "
      "or near-duplicate cluster are all " +
          std::to_string(records.size()) + " records: none is left for train");
}

TEST(SplitCorpus, SplitsTheTrainingFileWithoutLeakage) {
  const std::string missing = testing::corpus_missing_message("train.jsonl");
  if (!missing.empty()) GTEST_SKIP() << missing;
  const auto records = read_records({testing::corpus_dir() + "/train.jsonl"}, ReaderConfig{});
  const SplitResult result = split_records(records, kSchema, {});
  const SplitReport& r = result.report;
  EXPECT_NEAR(share(r.splits[1].records, records.size()), 0.1, 0.01);
  EXPECT_NEAR(share(r.splits[2].records, records.size()), 0.1, 0.01);
  // IRA accounts retweet one another: most of them chain into one component, which is placed by group.
  EXPECT_GE(r.oversized_components, 1u);
  EXPECT_LE(r.groups_across_splits, r.records_moved_to_cluster);
  EXPECT_EQ(r.clusters_across_splits, 0u);
  EXPECT_EQ(r.test_in_train.near, 0u);
  EXPECT_EQ(r.dev_in_train.near, 0u);
  std::cout << "[ corpus   ] train " << r.splits[0].records << ", dev " << r.splits[1].records << ", test "
            << r.splits[2].records << "; test texts with a near-duplicate in train: " << r.test_in_train.near
            << ", dev: " << r.dev_in_train.near << "\n";
}

}  // namespace
}  // namespace sieve::datasets
