#include "sieve/datasets/label_suggestions.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace sieve::datasets {
namespace {

SuggestionCandidate candidate(double margin, std::uint32_t cluster, std::string group, std::size_t size = 1) {
  SuggestionCandidate c;
  c.margin = margin;
  c.cluster = cluster;
  c.cluster_size = size;
  c.group = std::move(group);
  return c;
}

TEST(ChooseSuggestions, TheLeastSurePostsComeFirst) {
  const std::vector<SuggestionCandidate> c = {candidate(2.0, 0, "a"), candidate(0.1, 1, "b"),
                                              candidate(0.5, 2, "c"), candidate(3.0, 3, "d")};
  EXPECT_EQ(choose_suggestions(c, 3), (std::vector<std::size_t>{1, 2, 0}));
}

TEST(ChooseSuggestions, NeverTwoPostsOfOneTemplate) {
  // Three near-copies of one template are the least sure; only the first of them is chosen.
  const std::vector<SuggestionCandidate> c = {candidate(0.1, 7, "a", 3), candidate(0.2, 7, "b", 3),
                                              candidate(0.3, 7, "c", 3), candidate(1.0, 8, "d"),
                                              candidate(2.0, 9, "e")};
  EXPECT_EQ(choose_suggestions(c, 5), (std::vector<std::size_t>{0, 3, 4}));  // fewer: 3 templates
}

TEST(ChooseSuggestions, AccountsTakeTurnsBeforeOneGivesMore) {
  // Account "a" holds the 6 least sure posts; with 3 accounts and 6 suggestions, each gives 2 first.
  std::vector<SuggestionCandidate> c;
  for (std::uint32_t i = 0; i < 6; ++i) c.push_back(candidate(0.1 * i, i, "a"));
  for (std::uint32_t i = 0; i < 3; ++i) c.push_back(candidate(5 + i, 10 + i, "b"));
  for (std::uint32_t i = 0; i < 3; ++i) c.push_back(candidate(9 + i, 20 + i, "c"));
  const std::vector<std::size_t> chosen = choose_suggestions(c, 6);
  std::map<std::string, int> per_account;
  for (std::size_t i : chosen) ++per_account[c[i].group];
  EXPECT_EQ(per_account, (std::map<std::string, int>{{"a", 2}, {"b", 2}, {"c", 2}}));
  EXPECT_EQ(chosen.front(), 0u);
}

TEST(ChooseSuggestions, AnAccountGivesMoreOnceTheOthersAreExhausted) {
  std::vector<SuggestionCandidate> c;
  for (std::uint32_t i = 0; i < 5; ++i) c.push_back(candidate(0.1 * i, i, "a"));
  c.push_back(candidate(1, 10, "b"));
  EXPECT_EQ(choose_suggestions(c, 6).size(), 6u);
}

TEST(ChooseSuggestions, EquallySurePostsOfLargerTemplatesComeFirst) {
  // No scores (a head the model lacks): a label on a template of 40 posts tells about 40 posts.
  const std::vector<SuggestionCandidate> c = {candidate(0, 0, "a", 1), candidate(0, 1, "b", 40),
                                              candidate(0, 2, "c", 5)};
  EXPECT_EQ(choose_suggestions(c, 3), (std::vector<std::size_t>{1, 2, 0}));
}

}  // namespace
}  // namespace sieve::datasets
