#include "sieve/datasets/template_window.h"

#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <set>

#include "planted_text.h"
#include "sieve/core/error.h"

namespace sieve::datasets {
namespace {

using testing::PlantedSet;

TemplateWindowOptions window_of(std::int64_t seconds, std::size_t max_posts = 100000) {
  TemplateWindowOptions options;
  options.window_seconds = seconds;
  options.max_posts = max_posts;
  return options;
}

// Families of edits, insertions, look-alike letters and zero-width characters, all in one window: each
// family should be one template whose count and accounts the window reports exactly.
// Measured (seed 11): every family post gets its family's first template (recall 1.0) and no template
// mixes families or takes an unrelated post (precision 1.0).
TEST(TemplateWindow, CountsCopiesAndAccountsOfPlantedFamilies) {
  const PlantedSet set = testing::planted_families(40, 3, 15, 600, 11);
  TemplateWindow window(window_of(86400));
  std::map<std::uint64_t, std::map<int, std::size_t>> families_of_template;  // id → family → posts
  std::map<std::uint64_t, std::size_t> count;                                // id → posts so far
  std::map<std::uint64_t, std::set<std::string>> accounts;                   // id → groups so far
  std::map<int, std::map<std::uint64_t, std::size_t>> templates_of_family;
  std::map<int, std::size_t> posted;  // family → posts so far, each family posting from 5 accounts in turn
  for (std::size_t i = 0; i < set.posts.size(); ++i) {
    const int family = set.posts[i].family;
    const std::string group =
        family >= 0 ? "acct" + std::to_string(posted[family]++ % 5) : "solo" + std::to_string(i);
    const TemplateObservation o =
        window.observe(set.posts[i].text, group, 1000 + static_cast<std::int64_t>(i));
    ++count[o.template_id];
    accounts[o.template_id].insert(group);
    ASSERT_EQ(o.count, count[o.template_id]) << i;
    ASSERT_EQ(o.accounts, accounts[o.template_id].size()) << i;
    ++families_of_template[o.template_id][family];
    if (family >= 0) ++templates_of_family[family][o.template_id];
  }
  std::size_t family_posts = 0, in_main_template = 0, mixed = 0;
  for (const auto& [family, templates] : templates_of_family) {
    std::size_t most = 0;
    for (const auto& [id, n] : templates) {
      most = std::max(most, n);
      family_posts += n;
    }
    in_main_template += most;
  }
  for (const auto& [id, families] : families_of_template) mixed += families.size() > 1;
  const double recall = static_cast<double>(in_main_template) / family_posts;
  std::cout << "[ window   ] " << in_main_template << " of " << family_posts
            << " family posts in their family's main template, " << mixed << " mixed templates\n";
  EXPECT_GE(recall, 0.97);
  EXPECT_EQ(mixed, 0u);
  EXPECT_EQ(window.posts(), set.posts.size());
  EXPECT_EQ(window.rotations(), 0u);
  // The largest templates are whole families of 18 posts from their 5 accounts.
  const auto top = window.largest(3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_GE(top[0].count, top[1].count);
  EXPECT_EQ(top[0].count, 18u);  // 3 copies and 15 variants
  EXPECT_EQ(top[0].accounts, 5u);
}

TEST(TemplateWindow, ForgetsPostsOlderThanTheWindow) {
  TemplateWindow window(window_of(100));  // periods of 50 seconds
  const std::string text = "The minister hid the money in an offshore fund, share before they delete it";
  const TemplateObservation first = window.observe(text + " #1", "a", 0);
  EXPECT_EQ(first.count, 1u);
  EXPECT_EQ(window.observe(text + " #2", "b", 10).count, 2u);
  // A new period: the first one is now the previous one and still counts.
  const TemplateObservation third = window.observe(text + " #3", "b", 60);
  EXPECT_EQ(third.count, 3u);
  EXPECT_EQ(third.accounts, 2u);
  EXPECT_EQ(third.template_id, first.template_id);
  // The posts at 0 and 10 are over 100 seconds old when the period of 50..100 ends: they go.
  const TemplateObservation fourth = window.observe(text + " #4", "c", 120);
  EXPECT_EQ(fourth.count, 2u);  // the post at 60 and this one
  EXPECT_EQ(fourth.accounts, 2u);
  EXPECT_EQ(fourth.template_id, first.template_id);  // the template kept its id through the previous period
  EXPECT_EQ(window.posts(), 2u);
  // Long after, nothing is left: the post starts a template of its own.
  const TemplateObservation late = window.observe(text + " #5", "d", 1000);
  EXPECT_EQ(late.count, 1u);
  EXPECT_EQ(window.posts(), 1u);
  EXPECT_EQ(window.templates(), 1u);
  EXPECT_EQ(window.early_rotations(), 0u);
  // A time before the current period (a late record) counts as now.
  EXPECT_EQ(window.observe(text + " #6", "e", 5).count, 2u);
}

TEST(TemplateWindow, StaysWithinItsPostBoundByEndingFullPeriodsEarly) {
  const PlantedSet set = testing::planted_families(10, 5, 40, 2000, 3);
  TemplateWindow window(window_of(86400, 300));
  std::size_t most_held = 0;
  for (std::size_t i = 0; i < set.posts.size(); ++i) {
    window.observe(set.posts[i].text, "g" + std::to_string(i % 50), 0);  // one instant: time never rotates
    most_held = std::max(most_held, window.posts());
    ASSERT_LE(window.posts(), 300u) << i;
    ASSERT_LE(window.templates(), window.posts());
  }
  EXPECT_EQ(most_held, 300u);
  // 2,450 posts through periods of at most 150: every rotation was early.
  EXPECT_GE(window.early_rotations(), set.posts.size() / 150 - 1);
  EXPECT_EQ(window.early_rotations(), window.rotations());
  // Counts never exceed what is held.
  for (const auto& entry : window.largest(5)) EXPECT_LE(entry.count, 300u);
}

TEST(TemplateWindow, ShortPostsAreTheirOwnTemplateAndAreNotHeld) {
  TemplateWindow window;
  const TemplateObservation a = window.observe("lol!!!", "a", 5);
  const TemplateObservation b = window.observe("lol!!!", "b", 6);
  EXPECT_EQ(a.count, 1u);
  EXPECT_EQ(b.count, 1u);
  EXPECT_EQ(b.accounts, 1u);
  EXPECT_EQ(a.template_id, b.template_id);  // the hash of the same normalized text
  EXPECT_EQ(window.posts(), 0u);
}

TEST(TemplateWindow, ValidateNamesTheFieldAndTheValue) {
  const auto error_of = [](TemplateWindowOptions options) {
    try {
      TemplateWindow window(options);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error_of(window_of(1)), "template_window.window_seconds: must be at least 2 seconds, got 1");
  EXPECT_EQ(error_of(window_of(100, 1)), "template_window.max_posts: must be at least 2, got 1");
  TemplateWindowOptions bad = window_of(100);
  bad.near_duplicates.threshold = 2;
  EXPECT_NE(error_of(bad).find("near_duplicates.threshold"), std::string::npos);
}

}  // namespace
}  // namespace sieve::datasets
