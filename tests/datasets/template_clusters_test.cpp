#include "sieve/datasets/template_clusters.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "pair_scores.h"
#include "planted_text.h"
#include "sieve/core/error.h"
#include "sieve/datasets/record_reader.h"

namespace sieve::datasets {
namespace {

using testing::PlantedSet;

// Planted posts as records: a family's posts come in turn from a pool of 9 accounts of its own, unrelated
// posts each from an account of their own; post i is at time 1000 + i.
std::vector<Record> records_of(const PlantedSet& set) {
  std::vector<Record> records;
  std::map<int, std::size_t> posted;  // family → posts so far
  for (std::size_t i = 0; i < set.posts.size(); ++i) {
    Record r;
    r.id = "p" + std::to_string(i);
    r.text = set.posts[i].text;
    const int family = set.posts[i].family;
    r.group = family >= 0 ? "f" + std::to_string(family) + "-a" + std::to_string(posted[family]++ % 9)
                          : "u" + std::to_string(i);
    r.lang = i % 2 ? "en" : "fr";
    r.source = family >= 0 ? "campaign" : "organic";
    r.time = 1000 + static_cast<std::int64_t>(i);
    records.push_back(std::move(r));
  }
  return records;
}

TemplateClusters cluster_in_chunks(const std::vector<Record>& records, std::size_t chunk,
                                   std::size_t min_size) {
  TemplateClusterer clusterer;
  for (std::size_t begin = 0; begin < records.size(); begin += chunk) {
    const std::size_t end = std::min(records.size(), begin + chunk);
    clusterer.add(std::vector<Record>(records.begin() + begin, records.begin() + end));
  }
  EXPECT_EQ(clusterer.size(), records.size());
  return clusterer.finish(min_size);
}

// Families of a 24-word template: 3 verbatim copies and 15 variants each, a variant being one word
// replaced, inserted or dropped, then Cyrillic look-alike letters, zero-width spaces, full-width letters
// and capitals in some words, a fresh handle and link; 800 unrelated posts of the same vocabulary.
// Measured: pair precision 1.0 and recall 1.0 with one edit, 1.0 / 0.99 with two; the bounds leave room
// for a different hash seed's luck (the recall of a pair at the threshold is 0.98 by construction).
TEST(TemplateClusterer, RecoversPlantedFamiliesOfEditsInsertionsHomoglyphsAndZeroWidthCharacters) {
  for (const int edits : {1, 2}) {
    const PlantedSet set = testing::planted_families(60, 3, 15, 800, 42 + edits, 24, edits);
    const auto records = records_of(set);
    const TemplateClusters result = cluster_in_chunks(records, 100, 2);
    const auto [precision, recall] = testing::score_pairs(set, result.clusters.cluster_of);
    std::cout << "[ stream   ] " << edits << " edit(s): pair precision " << precision << ", recall " << recall
              << ", " << result.summaries.size() << " clusters of 2+ for 60 families\n";
    EXPECT_GE(precision, 0.99);
    EXPECT_GE(recall, edits == 1 ? 0.97 : 0.95);
    // Streaming in chunks gives what the batch gives.
    const NearDuplicateOptions options;
    const auto batch = cluster_near_duplicates(MinHasher(options).sign_all(records), options);
    EXPECT_EQ(result.clusters.cluster_of, batch.cluster_of);
    EXPECT_EQ(result.clusters.sizes, batch.sizes);
    EXPECT_EQ(result.clusters.exact_duplicates, batch.exact_duplicates);
    // Each family's largest cluster is one summary holding its 9 accounts and only campaign posts.
    for (const TemplateCluster& c : result.summaries) {
      EXPECT_EQ(c.sources, std::vector<std::string>{"campaign"});
      EXPECT_LE(c.groups, 9u);
    }
    ASSERT_GE(result.summaries.size(), 60u);
    EXPECT_EQ(result.summaries[0].groups, 9u);
  }
}

TEST(TemplateClusterer, SummariesMatchTheBatchSummariesAndCarryTheTimeRange) {
  std::vector<Record> records;
  const auto add = [&](std::string text, std::string group, std::string lang, std::string source,
                       std::int64_t time) {
    Record r;
    r.id = std::to_string(records.size());
    r.text = std::move(text);
    r.group = std::move(group);
    r.lang = std::move(lang);
    r.source = std::move(source);
    r.time = time;
    records.push_back(r);
  };
  add("Le ministre a menti sur le budget", "a", "fr", "ira", 500);
  add("Unrelated but long enough text here", "b", "en", "x", 100);
  add("Le ministre a menti sur le budget !", "b", "fr", "ira", 0);  // no time
  add("The minister lied about the budget", "c", "en", "ira", 300);
  add("Le ministre a menti sur le budget !", "c", "fr", "verified", 200);
  add("The minister lied about the budget", "d", "en", "ira", 0);
  const TemplateClusters result = cluster_in_chunks(records, 4, 2);
  const MinHasher hasher;
  const auto signatures = hasher.sign_all(records);
  const auto batch = summarize_clusters(records, signatures, cluster_near_duplicates(signatures, {}), 2);
  ASSERT_EQ(result.summaries.size(), batch.size());
  for (std::size_t s = 0; s < batch.size(); ++s) {
    const TemplateCluster& c = result.summaries[s];
    EXPECT_EQ(c.cluster, batch[s].cluster);
    EXPECT_EQ(c.size, batch[s].members.size());
    EXPECT_EQ(c.first_post, batch[s].members.front());
    EXPECT_EQ(c.groups, batch[s].groups);
    EXPECT_EQ(c.exact_duplicates, batch[s].exact_duplicates);
    EXPECT_EQ(c.langs, batch[s].langs);
    EXPECT_EQ(c.sources, batch[s].sources);
    EXPECT_EQ(c.representative, batch[s].representative);
  }
  EXPECT_EQ(result.summaries[0].first_time, 200);  // the post without a time is left out
  EXPECT_EQ(result.summaries[0].last_time, 500);
  EXPECT_EQ(result.summaries[1].first_time, 300);
  EXPECT_EQ(result.summaries[1].last_time, 300);
  // Posts are looked up by number; the singleton has no summary.
  EXPECT_EQ(result.summary_of(4), 0u);
  EXPECT_EQ(result.summary_of(5), 1u);
  EXPECT_EQ(result.summary_of(1), TemplateClusters::kNone);
}

TEST(TemplateClusterer, ReadingAFileGivesWhatAddingTheRecordsGives) {
  const PlantedSet set = testing::planted_families(20, 2, 10, 300, 7);
  const auto records = records_of(set);
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("sieve_template_clusters_" + std::to_string(::getpid()) + ".jsonl"))
                               .string();
  {
    std::ofstream out(path, std::ios::binary);
    const LabelSchema schema;
    for (const Record& r : records) {
      std::string line;
      append_jsonl(r, schema, line);
      out << line << "\n";
    }
  }
  RecordReader reader(path, ReaderConfig{});
  TemplateClusterer clusterer;
  clusterer.add_all(reader, 64);
  const TemplateClusters streamed = clusterer.finish(3);
  std::filesystem::remove(path);
  const TemplateClusters added = cluster_in_chunks(records, records.size(), 3);
  EXPECT_EQ(streamed.clusters.cluster_of, added.clusters.cluster_of);
  ASSERT_EQ(streamed.summaries.size(), added.summaries.size());
  for (std::size_t s = 0; s < added.summaries.size(); ++s) {
    EXPECT_EQ(streamed.summaries[s].representative, added.summaries[s].representative);
    EXPECT_EQ(streamed.summaries[s].groups, added.summaries[s].groups);
    EXPECT_EQ(streamed.summaries[s].first_time, added.summaries[s].first_time);
    EXPECT_EQ(streamed.summaries[s].last_time, added.summaries[s].last_time);
  }
  // The clusterer is empty after finishing and can be used again.
  EXPECT_EQ(clusterer.size(), 0u);
}

TEST(ClusterLinks, LinkCloseClustersOfDifferentLanguagesIntoFamilies) {
  // Clusters 0 (en) and 1 (fr) point the same way, 2 (zh) nearly so; 3 (en) is orthogonal; 4 (en) is
  // parallel to 0 but of the same language, so it is not linked to it.
  const std::vector<std::string> langs = {"en", "fr", "zh", "en", "en"};
  const std::vector<float> embeddings = {1, 0, 0, 2, 0, 0, 1, 0.2f, 0, 0, 0, 1, 3, 0, 0};
  const ClusterLinks links = link_clusters_across_languages(langs, embeddings, 3, 0.95);
  EXPECT_EQ(links.linked[0], (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(links.linked[1], (std::vector<std::uint32_t>{0, 2, 4}));
  EXPECT_TRUE(links.linked[3].empty());
  EXPECT_EQ(links.family, (std::vector<std::uint32_t>{0, 0, 0, 3, 0}));
  EXPECT_NEAR(links.best_cosine[3], 0.0, 1e-9);
  EXPECT_NEAR(links.best_cosine[0], 1.0, 1e-6);
  const ClusterLinks strict = link_clusters_across_languages(langs, embeddings, 3, 0.999);
  EXPECT_EQ(strict.linked[2], std::vector<std::uint32_t>{});
  try {
    link_clusters_across_languages(langs, embeddings, 2, 0.9);
    FAIL() << "sizes disagree";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "cluster links: 15 embedding values for 5 clusters of dimension 2");
  }
}

// Clusters keep time ranges: a time that cannot be read is reported with its place, and the post is still
// clustered, untimed, so that a second pass over the file (profiles, accounts) sees the same posts.
TEST(TemplateClusterer, ReportsAnUnreadableTimeAndKeepsThePost) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("sieve_template_times_" + std::to_string(::getpid()) + ".jsonl"))
                               .string();
  std::ofstream(path, std::ios::binary)
      << "{\"text\":\"the minister hid the report from us all\",\"time\":100}\n"
         "{\"text\":\"the minister hid the report from us all\",\"time\":\"soon\"}\n";
  std::vector<std::string> reported;
  RecordReader reader(path, ReaderConfig{}, [&](const std::string& where, const std::string& reason) {
    reported.push_back(where + ": " + reason);
  });
  TemplateClusterer clusterer;
  clusterer.add_all(reader);
  const TemplateClusters result = clusterer.finish(2);
  std::filesystem::remove(path);
  EXPECT_EQ(reported,
            std::vector<std::string>{path + ":2: unreadable time 'soon': the post is read without a time"});
  ASSERT_EQ(result.summaries.size(), 1u);
  EXPECT_EQ(result.summaries[0].size, 2u);
  EXPECT_EQ(result.summaries[0].first_time, 100);
  EXPECT_EQ(result.summaries[0].last_time, 100);
}

}  // namespace
}  // namespace sieve::datasets
