#include "sieve/simulator/simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>

#include "error_text.h"
#include "sieve/core/hash.h"
#include "sieve/core/utf8.h"
#include "sieve/datasets/near_duplicates.h"

namespace sieve::datasets {
namespace {

using testing::error_text;

constexpr std::size_t kCoordinated = 0, kMachine = 1, kNonnative = 2, kAbusive = 3;
constexpr std::int64_t kFirstDay = 1709510400;  // 2024-03-04 00:00 UTC

struct Simulated {
  Record record;
  SimulatedTruth truth;
};

std::vector<Simulated> simulate(const SimulatorOptions& options) {
  CampaignSimulator simulator(options);
  std::vector<Simulated> out;
  for (Simulated s; simulator.next(s.record);) {
    s.truth = simulator.truth();
    out.push_back(s);
  }
  return out;
}

// The default corpus (20,000 posts, seed 1), built once for the tests that only read it.
const std::vector<Simulated>& corpus() {
  static const std::vector<Simulated> posts = simulate(SimulatorOptions{});
  return posts;
}

std::string jsonl(const SimulatorOptions& options) {
  CampaignSimulator simulator(options);
  std::string out;
  for (Record record; simulator.next(record);) {
    append_jsonl(record, simulator.schema(), out);
    out += '\n';
  }
  return out;
}

bool coordinated(const Simulated& s) { return s.truth.labels[kCoordinated] == 1; }

double share(std::size_t part, std::size_t whole) { return whole == 0 ? 0.0 : double(part) / double(whole); }

std::vector<char32_t> code_points(const std::string& text) {
  std::vector<char32_t> out;
  for (std::size_t pos = 0; pos < text.size();) out.push_back(utf8::decode(text, pos, nullptr));
  return out;
}

TEST(Simulator, SameSeedGivesByteIdenticalJsonl) {
  SimulatorOptions options;
  options.posts = 3000;
  options.seed = 7;
  const std::string first = jsonl(options);
  EXPECT_EQ(first, jsonl(options));
  EXPECT_GT(first.size(), 3000u * 150);
}

TEST(Simulator, DifferentSeedsGiveDifferentPosts) {
  SimulatorOptions a, b;
  a.posts = b.posts = 2000;
  b.seed = 2;
  const auto first = simulate(a), second = simulate(b);
  std::size_t same_text = 0;
  for (std::size_t i = 0; i < first.size(); ++i) same_text += first[i].record.text == second[i].record.text;
  EXPECT_LT(same_text, 40u);  // a few very short organic posts may coincide
}

// Pins the exact bytes: a compiler, standard library or platform that changed any random choice would
// change this hash. Update it only after changing the phrase banks or the engine on purpose.
TEST(Simulator, FirstPostsMatchTheRecordedFingerprint) {
  SimulatorOptions options;
  options.posts = 300;
  const std::string text = jsonl(options);
  EXPECT_EQ(hash64(text, 0), 0xea666c64b637987full) << "first line: " << text.substr(0, text.find('\n'));
}

TEST(Simulator, ProducesExactlyTheRequestedNumberOfPosts) {
  SimulatorOptions options;
  options.posts = 1234;
  CampaignSimulator simulator(options);
  std::set<std::string> ids;
  Record record;
  while (simulator.next(record)) ids.insert(record.id);
  EXPECT_EQ(ids.size(), 1234u);
  EXPECT_EQ(simulator.produced(), 1234u);
  EXPECT_TRUE(ids.count("sim:0") && ids.count("sim:1233"));
  EXPECT_FALSE(simulator.next(record));
}

TEST(Simulator, LanguagesAreAboutHalfEnglishAFifthFrenchAndAThirdChinese) {
  std::map<std::string, std::size_t> all, organic;
  std::size_t organic_posts = 0;
  for (const auto& s : corpus()) {
    ++all[s.record.lang];
    if (!coordinated(s)) ++organic[s.record.lang], ++organic_posts;
  }
  EXPECT_EQ(all.size(), 3u);
  const double n = double(corpus().size());
  EXPECT_NEAR(all["en"] / n, 0.46, 0.04);
  EXPECT_NEAR(all["fr"] / n, 0.21, 0.03);
  EXPECT_NEAR(all["zh"] / n, 0.33, 0.04);
  // Organic accounts are drawn 50/20/30.
  EXPECT_NEAR(share(organic["en"], organic_posts), 0.50, 0.03);
  EXPECT_NEAR(share(organic["fr"], organic_posts), 0.20, 0.03);
  EXPECT_NEAR(share(organic["zh"], organic_posts), 0.30, 0.03);
}

TEST(Simulator, LabelPrevalencesStayWithinRealisticBounds) {
  std::array<std::size_t, 4> positive{};
  for (const auto& s : corpus()) {
    for (std::size_t i = 0; i < 4; ++i) positive[i] += s.truth.labels[i] == 1;
  }
  const double n = double(corpus().size());
  EXPECT_NEAR(positive[kCoordinated] / n, 0.30, 0.015);
  EXPECT_NEAR(positive[kMachine] / n, 0.16, 0.05);
  EXPECT_NEAR(positive[kNonnative] / n, 0.11, 0.05);
  EXPECT_NEAR(positive[kAbusive] / n, 0.16, 0.05);
}

TEST(Simulator, CampaignShareSetsTheShareOfCoordinatedPosts) {
  for (const double campaign_share : {0.0, 0.5, 1.0}) {
    SimulatorOptions options;
    options.posts = 4000;
    options.campaign_share = campaign_share;
    std::size_t coordinated_posts = 0;
    for (const auto& s : simulate(options)) coordinated_posts += coordinated(s);
    EXPECT_NEAR(coordinated_posts / 4000.0, campaign_share, 0.03) << "campaign_share " << campaign_share;
  }
}

TEST(Simulator, MissingLabelRateMatchesLabelDropoutAndKnownLabelsAreTrue) {
  std::array<std::size_t, 4> missing{};
  for (const auto& s : corpus()) {
    ASSERT_EQ(s.record.labels.size(), 4u);
    for (std::size_t i = 0; i < 4; ++i) {
      if (s.record.labels[i] == kMissingLabel) {
        ++missing[i];
      } else {
        ASSERT_EQ(s.record.labels[i], s.truth.labels[i]) << s.record.id;
      }
    }
  }
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(missing[i] / double(corpus().size()), 0.15, 0.012) << i;

  SimulatorOptions none;
  none.posts = 2000;
  none.label_dropout = 0;
  for (const auto& s : simulate(none)) EXPECT_EQ(s.record.labels, s.truth.labels);
}

// Abusive, machine and nonnative posts exist on both sides, so no head can learn one label from another.
TEST(Simulator, NoLabelIsAProxyForAnother) {
  std::array<std::size_t, 4> organic{}, campaign{};
  std::size_t organic_posts = 0, campaign_posts = 0, plain_campaign = 0, abusive_machine = 0;
  for (const auto& s : corpus()) {
    auto& counts = coordinated(s) ? campaign : organic;
    (coordinated(s) ? campaign_posts : organic_posts)++;
    for (std::size_t i = 1; i < 4; ++i) counts[i] += s.truth.labels[i] == 1;
    plain_campaign += coordinated(s) && s.truth.labels[kMachine] == 0 && s.truth.labels[kNonnative] == 0;
    abusive_machine += s.truth.labels[kAbusive] == 1 && s.truth.labels[kMachine] == 1;
  }
  EXPECT_GT(share(organic[kAbusive], organic_posts), 0.05);
  EXPECT_GT(share(organic[kMachine], organic_posts), 0.05);
  EXPECT_GT(share(organic[kNonnative], organic_posts), 0.05);
  EXPECT_LT(share(campaign[kAbusive], campaign_posts), 0.60);  // most campaign posts accuse, not insult
  EXPECT_GT(share(campaign[kAbusive], campaign_posts), 0.25);
  EXPECT_GT(share(campaign[kMachine], campaign_posts), 0.30);
  EXPECT_GT(share(campaign[kNonnative], campaign_posts), 0.10);
  EXPECT_GT(share(plain_campaign, campaign_posts), 0.20);
  EXPECT_GT(abusive_machine, 200u);
}

TEST(Simulator, EachCampaignTemplateIsPostedByManyAccountsAndEachAccountStaysInOneCampaign) {
  std::map<std::tuple<int, std::string, int>, std::set<std::string>> groups_per_template;
  std::unordered_map<std::string, int> campaign_of_group;
  std::map<int, std::size_t> posts_per_campaign;
  for (const auto& s : corpus()) {
    const auto [it, inserted] = campaign_of_group.emplace(s.record.group, s.truth.campaign);
    ASSERT_EQ(it->second, s.truth.campaign) << s.record.group << " posts for two campaigns";
    ASSERT_EQ(s.truth.campaign >= 0, coordinated(s));
    if (s.truth.campaign < 0) continue;
    ++posts_per_campaign[s.truth.campaign];
    groups_per_template[{s.truth.campaign, s.record.lang, s.truth.template_index}].insert(s.record.group);
  }
  EXPECT_EQ(posts_per_campaign.size(), CampaignSimulator::campaign_names().size());
  EXPECT_GE(groups_per_template.size(), 50u);
  for (const auto& [key, groups] : groups_per_template) {
    EXPECT_GE(groups.size(), 5u) << "campaign " << std::get<0>(key) << " " << std::get<1>(key) << " template "
                                 << std::get<2>(key);
  }
  std::size_t campaign_accounts = 0, campaign_posts = 0;
  for (const auto& [group, campaign] : campaign_of_group) campaign_accounts += campaign >= 0;
  for (const auto& [campaign, posts] : posts_per_campaign) campaign_posts += posts;
  EXPECT_GT(share(campaign_posts, campaign_accounts), 4.0);  // each account posts several times
  EXPECT_GT(campaign_of_group.size() - campaign_accounts, 1500u);
}

// A post is a near-copy when another account posted a text holding at least half of its 5-word
// sequences (8-character sequences in Chinese, about five words). Case is ignored.
TEST(Simulator, CampaignPostsAreNearCopiesFarMoreOftenThanOrganicPosts) {
  const auto& posts = corpus();
  std::vector<std::vector<std::uint64_t>> shingles(posts.size());
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> posting;
  for (std::size_t i = 0; i < posts.size(); ++i) {
    std::vector<std::string> tokens;
    std::string word;
    for (const char32_t c : code_points(posts[i].record.text)) {
      const bool han = c >= 0x3400 && c <= 0x9FFF;
      const bool space = c == ' ' || c == '\n';
      if (space || han) {
        if (!word.empty()) tokens.push_back(word), word.clear();
        if (han) utf8::append(word, c), tokens.push_back(word), word.clear();
      } else if (!(c < 0x80 && std::ispunct(static_cast<int>(c)))) {
        utf8::append(word, c < 0x80 ? static_cast<char32_t>(std::tolower(static_cast<int>(c))) : c);
      }
    }
    if (!word.empty()) tokens.push_back(word);
    const std::size_t k = posts[i].record.lang == "zh" ? 8 : 5;
    std::set<std::uint64_t> unique;
    for (std::size_t t = 0; t + k <= tokens.size(); ++t) {
      std::string joined;
      for (std::size_t j = t; j < t + k; ++j) (joined += tokens[j]) += '\x1F';
      unique.insert(hash64(joined, 0));
    }
    shingles[i].assign(unique.begin(), unique.end());
    for (const std::uint64_t h : shingles[i]) posting[h].push_back(static_cast<std::uint32_t>(i));
  }
  std::size_t near_copies[2] = {0, 0}, counted[2] = {0, 0};
  for (std::size_t i = 0; i < posts.size(); i += 5) {  // every fifth post asks; all posts answer
    const int side = coordinated(posts[i]) ? 1 : 0;
    ++counted[side];
    std::unordered_map<std::uint32_t, std::size_t> overlap;
    for (const std::uint64_t h : shingles[i]) {
      for (const std::uint32_t j : posting[h]) {
        if (posts[j].record.group != posts[i].record.group) ++overlap[j];
      }
    }
    std::size_t best = 0;
    for (const auto& [j, common] : overlap) best = std::max(best, common);
    near_copies[side] += !shingles[i].empty() && 2 * best >= shingles[i].size();
  }
  const double campaign = share(near_copies[1], counted[1]), organic = share(near_copies[0], counted[0]);
  EXPECT_GT(campaign, 0.50);
  EXPECT_LT(organic, 0.20);
  EXPECT_GT(campaign, 4 * organic);
}

TEST(Simulator, CampaignsPostInShortBurstsWhileOrganicPostsSpreadOverWeeks) {
  std::map<int, std::set<std::int64_t>> campaign_hours;
  std::set<std::int64_t> organic_days, organic_hours;
  for (const auto& s : corpus()) {
    const std::int64_t t = s.record.time;
    ASSERT_GE(t, kFirstDay);
    ASSERT_LT(t, kFirstDay + 58 * 86400);
    if (s.truth.campaign >= 0) {
      campaign_hours[s.truth.campaign].insert(t / 3600);
    } else {
      organic_days.insert(t / 86400);
      organic_hours.insert(t / 3600);
    }
  }
  for (const auto& [campaign, hours] : campaign_hours) {
    EXPECT_LE(hours.size(), 20u) << "campaign " << campaign;  // at most 4 bursts of at most 5 hours
  }
  EXPECT_GE(organic_days.size(), 56u);
  EXPECT_GT(organic_hours.size(), 1000u);
}

TEST(Simulator, RecordsAreWellFormedAndNothingButTheLabelsNamesTheCampaign) {
  std::set<std::string> ids;
  std::map<std::string, std::array<std::size_t, 2>> sources;  // organic, campaign
  for (const auto& s : corpus()) {
    const Record& r = s.record;
    ASSERT_FALSE(r.text.empty()) << r.id;
    ASSERT_EQ(utf8::count_invalid(r.text), 0u) << r.id;
    ASSERT_TRUE(r.lang == "en" || r.lang == "fr" || r.lang == "zh") << r.id;
    ASSERT_TRUE(ids.insert(r.id).second) << r.id;
    ASSERT_EQ(r.group.rfind("sim:acct:", 0), 0u) << r.group;
    ASSERT_EQ(r.group.size(), 21u) << r.group;  // an opaque 12-hex-digit account id
    ++sources[r.source][coordinated(s) ? 1 : 0];
  }
  ASSERT_EQ(sources.size(), 3u);
  for (const auto& [source, counts] : sources) {
    ASSERT_TRUE(source == "x" || source == "facebook" || source == "youtube") << source;
    EXPECT_NEAR(share(counts[1], counts[0] + counts[1]), 0.30, 0.04) << source;  // platforms do not leak
  }
}

int campaign_index(const std::string& name) {
  const auto names = CampaignSimulator::campaign_names();
  return static_cast<int>(std::find(names.begin(), names.end(), name) - names.begin());
}

TEST(Simulator, CampaignAsSourceNamesOnlyThatCampaignsSourceAndChangesNoOtherByte) {
  SimulatorOptions plain;
  plain.posts = 3000;
  SimulatorOptions named = plain;
  named.campaigns_as_source = {"vote_fraud"};
  const auto before = simulate(plain), after = simulate(named);
  ASSERT_EQ(after.size(), before.size());
  const int vote_fraud = campaign_index("vote_fraud");
  std::size_t renamed = 0;
  for (std::size_t i = 0; i < after.size(); ++i) {
    const Record &a = after[i].record, &b = before[i].record;
    ASSERT_EQ(std::tie(a.id, a.text, a.lang, a.group, a.time, a.labels),
              std::tie(b.id, b.text, b.lang, b.group, b.time, b.labels))
        << a.id;
    const bool in_campaign = after[i].truth.campaign == vote_fraud;
    EXPECT_EQ(a.source, in_campaign ? "vote_fraud" : b.source) << a.id;
    renamed += in_campaign;
  }
  EXPECT_GT(renamed, 0u);
  EXPECT_EQ(jsonl(named), jsonl(named));  // still the same bytes for a seed
}

bool is_disguise(char32_t c) {
  return c == 0x200B || c == 0x200C || c == 0x2060 || (c >= 0x0400 && c <= 0x04FF) ||
         (c >= 0xFF21 && c <= 0xFF5A) || (c >= 0x1D400 && c <= 0x1D433);
}

TEST(Simulator, ObfuscatedPostsHideWordsWithLookAlikeZeroWidthAndFullWidthCharacters) {
  std::size_t obfuscated = 0, campaign_obfuscated = 0, zero_width = 0, cyrillic_in_latin = 0, full_width = 0;
  for (const auto& s : corpus()) {
    const auto cps = code_points(s.record.text);
    bool disguised = false;
    for (std::size_t i = 0; i < cps.size(); ++i) {
      disguised = disguised || is_disguise(cps[i]);
      zero_width += cps[i] == 0x200B || cps[i] == 0x200C || cps[i] == 0x2060;
      full_width += cps[i] >= 0xFF21 && cps[i] <= 0xFF5A;
      const bool latin_next =
          i + 1 < cps.size() && cps[i + 1] < 0x80 && std::isalpha(static_cast<int>(cps[i + 1]));
      cyrillic_in_latin += cps[i] >= 0x0400 && cps[i] <= 0x04FF && latin_next;
    }
    EXPECT_EQ(disguised, s.truth.obfuscated) << s.record.id << ": " << s.record.text;
    obfuscated += s.truth.obfuscated;
    campaign_obfuscated += s.truth.obfuscated && coordinated(s);
  }
  EXPECT_GT(obfuscated, 400u);
  EXPECT_GT(obfuscated - campaign_obfuscated, 20u);  // trolls dodge filters too
  EXPECT_GT(zero_width, 150u);
  EXPECT_GT(cyrillic_in_latin, 100u);
  EXPECT_GT(full_width, 300u);
}

bool contains_any(const std::string& text, std::initializer_list<std::string_view> pieces) {
  for (std::string_view piece : pieces) {
    if (text.find(piece) != std::string::npos) return true;
  }
  return false;
}

TEST(Simulator, ChineseCampaignPostsMixTraditionalCharactersLatinWordsAndHalfWidthPunctuation) {
  std::size_t zh_campaign = 0, traditional = 0, latin = 0, mixed_punctuation = 0;
  for (const auto& s : corpus()) {
    if (!coordinated(s) || s.record.lang != "zh") continue;
    ++zh_campaign;
    const std::string& t = s.record.text;
    traditional +=
        contains_any(t, {"這", "個", "們", "錢", "總", "說", "國", "會", "為", "對", "時", "選", "議",
                         "員", "讓", "發", "實", "問", "題", "還", "沒", "萬", "買", "賣", "開", "報"});
    latin += contains_any(t, {"Canada", "fubai", "tanwu", "pianzi", "pantu", "truth", "investigation",
                              "media", "votes", "vaccine", "contract"});
    mixed_punctuation += contains_any(t, {"，", "。", "！", "？"}) && contains_any(t, {",", "!", "?"});
  }
  ASSERT_GT(zh_campaign, 1000u);
  EXPECT_GT(share(traditional, zh_campaign), 0.30);
  EXPECT_GT(share(latin, zh_campaign), 0.05);
  EXPECT_GT(share(mixed_punctuation, zh_campaign), 0.25);
}

TEST(Simulator, ValidateNamesTheFieldAndTheBadValue) {
  SimulatorOptions options;
  options.posts = 0;
  EXPECT_EQ(error_text([&] { options.validate(); }), "config: simulate.posts: must be at least 1, got 0");
  options = {};
  options.campaign_share = 1.5;
  EXPECT_EQ(error_text([&] { CampaignSimulator{options}; }),
            "config: simulate.campaign_share: must be between 0 and 1, got 1.5");
  options.campaign_share = -0.1;
  EXPECT_EQ(error_text([&] { options.validate(); }),
            "config: simulate.campaign_share: must be between 0 and 1, got -0.1");
  options = {};
  options.label_dropout = 1;
  EXPECT_EQ(error_text([&] { options.validate(); }),
            "config: simulate.label_dropout: must be at least 0 and below 1, got 1");
  options.label_dropout = std::nan("");
  EXPECT_EQ(error_text([&] { options.validate(); }).rfind("config: simulate.label_dropout: must be", 0), 0u);
  options = {};
  options.campaigns_as_source = {"vote_fraud", "fund"};
  EXPECT_EQ(error_text([&] { CampaignSimulator{options}; }),
            "config: simulate.campaign_as_source: no campaign 'fund'; the campaigns are: offshore_fund, "
            "mining_deal, health_lies, traitor_tsang, brassard_land, liang_harass, vote_fraud, family_villa");
  EXPECT_EQ(error_text([] { SimulatorOptions{}.validate(); }), "no error");
}

// Copy-pasted campaign posts are what near-duplicate clustering finds; organic posts rarely cluster.
TEST(Simulator, NearDuplicateClustersHoldCampaignPostsNotOrganicOnes) {
  SimulatorOptions options;
  options.posts = 6000;
  CampaignSimulator simulator(options);
  std::vector<Record> records;
  std::vector<bool> campaign;
  for (Record r; simulator.next(r);) {
    records.push_back(r);
    campaign.push_back(simulator.truth().campaign >= 0);
  }
  const NearDuplicateOptions near;
  const auto clusters = cluster_near_duplicates(MinHasher(near).sign_all(records), near);
  std::size_t campaign_posts = 0, campaign_clustered = 0, organic_posts = 0, organic_clustered = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const bool clustered = clusters.sizes[clusters.cluster_of[i]] >= 3;
    (campaign[i] ? campaign_posts : organic_posts) += 1;
    (campaign[i] ? campaign_clustered : organic_clustered) += clustered;
  }
  const double campaign_rate = static_cast<double>(campaign_clustered) / campaign_posts;
  const double organic_rate = static_cast<double>(organic_clustered) / organic_posts;
  EXPECT_GT(campaign_rate, 0.35);
  EXPECT_LT(organic_rate, 0.05);
  std::cout << "[ clusters ] in clusters of 3+: campaign " << campaign_rate << ", organic " << organic_rate
            << "\n";
}

}  // namespace
}  // namespace sieve::datasets
