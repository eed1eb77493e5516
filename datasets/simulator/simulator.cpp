// The campaign simulator: its accounts, when they post, and which of them writes each record.

#include "sieve/simulator/simulator.h"

#include <algorithm>
#include <array>
#include <sstream>

#include "posts.h"
#include "rng.h"
#include "sieve/core/error.h"
#include "text.h"

namespace sieve::datasets {
namespace {

namespace text = simulator_text;
using simulator_engine::Account;
using simulator_engine::kAccountStream;
using simulator_engine::kGroupStream;
using simulator_engine::kRecordStream;
using simulator_engine::kWindowStream;
using simulator_engine::mix;
using simulator_engine::Post;
using simulator_engine::Rng;
using simulator_engine::Style;
using simulator_engine::write_campaign_post;
using simulator_engine::write_organic_post;
using text::Lang;

constexpr std::int64_t kStart = 1709510400;  // Monday 4 March 2024, 00:00 UTC: the first simulated day
constexpr std::uint64_t kDays = 56;          // organic posts spread over eight weeks
constexpr std::size_t kCoordinated = 0, kMachine = 1, kNonnative = 2, kAbusive = 3;  // defaults() order

// ---------------------------------------------------------------------------------------------------------
// Accounts.

// Account ids are opaque: a readable "campaign 3" in the group would leak the label.
std::string group_id(std::uint64_t seed, std::uint64_t key) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t bits = mix(mix(seed, kGroupStream), key);
  std::string id = "sim:acct:";
  for (int i = 0; i < 12; ++i, bits >>= 4) id += kHex[bits & 15];
  return id;
}

// An account's traits are a function of the seed and its key alone, so no account is ever stored.
Account make_account(std::uint64_t seed, int campaign, std::uint64_t index) {
  const std::uint64_t key = (static_cast<std::uint64_t>(campaign + 1) << 40) | index;
  Rng rng(mix(mix(seed, kAccountStream), key));
  Account a;
  a.group = group_id(seed, key);
  static constexpr std::array<std::string_view, 3> kPlatforms = {"x", "facebook", "youtube"};
  a.source = kPlatforms[rng.weighted(std::array<int, 3>{50, 30, 20})];
  const int draw = static_cast<int>(rng.below(100));
  if (campaign < 0) {
    a.lang = static_cast<Lang>(rng.weighted(std::array<int, 3>{50, 20, 30}));
    // Learners, machine-translating and LLM-assisted writers among ordinary users, per language.
    static constexpr std::array<std::array<int, 3>, 3> kStyleEnds = {
        {{10, 16, 19}, {14, 20, 23}, {5, 9, 12}}};
    const auto& ends = kStyleEnds[a.lang];
    a.style = draw < ends[0]   ? Style::kNonnative
              : draw < ends[1] ? Style::kMachine
              : draw < ends[2] ? Style::kLlm
                               : Style::kPlain;
    a.style_pct = 85;
    a.abuse_pct = rng.percent(12) ? 35 : 3;
    a.typo_pct = 5 + static_cast<int>(rng.below(25));
    a.emoji_pct = 10 + static_cast<int>(rng.below(50));
    a.obfuscate_pct = 10;
    a.traditional = a.lang == text::kZh && rng.percent(20);
  } else {
    const text::Campaign& c = text::campaigns()[campaign];
    a.lang = static_cast<Lang>(rng.weighted(c.lang_weight));
    const bool learner_possible = a.lang != text::kZh;
    a.style = draw < c.machine_pct ? (rng.percent(35) ? Style::kLlm : Style::kMachine)
              : learner_possible && draw < c.machine_pct + c.nonnative_pct ? Style::kNonnative
                                                                           : Style::kPlain;
    a.style_pct = 95;
    a.typo_pct = 3;
    a.emoji_pct = 30 + static_cast<int>(rng.below(50));
    a.obfuscate_pct = rng.percent(35) ? 2 * c.obfuscate_pct : c.obfuscate_pct / 2;
    a.mixes_script = a.lang == text::kZh && rng.percent(60);
  }
  a.half_width = a.lang == text::kZh && rng.percent(20);
  return a;
}

// ---------------------------------------------------------------------------------------------------------
// Time.

// Organic posts follow the day of people in Eastern time (UTC-5) over eight weeks.
std::int64_t organic_time(Rng& rng) {
  static constexpr std::array<int, 24> kLocalHourWeights = {2, 1, 1, 1, 1, 2, 4, 6,  7,  6, 6, 7,
                                                            8, 7, 6, 6, 7, 8, 9, 10, 10, 9, 6, 4};
  const auto day = static_cast<std::int64_t>(rng.below(kDays));
  const std::int64_t hour = rng.weighted(kLocalHourWeights) + 5;
  const auto second = static_cast<std::int64_t>(rng.below(3600));
  return kStart + day * 86400 + hour * 3600 + second;
}

// A campaign posts in three or four bursts of two to five hours, inside its operators' office hours
// (00:00-10:00 UTC). The windows depend on the seed and the campaign only.
std::int64_t campaign_time(std::uint64_t seed, int campaign, Rng& rng) {
  Rng windows(mix(mix(seed, kWindowStream), static_cast<std::uint64_t>(campaign)));
  const std::uint64_t count = 3 + windows.below(2);
  const std::uint64_t chosen = rng.below(count);
  std::int64_t start = 0, length = 0;
  for (std::uint64_t w = 0; w <= chosen; ++w) {
    const auto day = static_cast<std::int64_t>(windows.below(kDays));
    const auto hour = static_cast<std::int64_t>(windows.below(10));
    start = kStart + day * 86400 + hour * 3600;
    length = static_cast<std::int64_t>(2 + windows.below(4)) * 3600;
  }
  return start + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(length)));
}

int pick_campaign(Rng& rng) {
  const auto& campaigns = text::campaigns();
  int total = 0;
  for (const auto& c : campaigns) total += c.weight;
  int r = static_cast<int>(rng.below(static_cast<std::uint64_t>(total)));
  for (std::size_t i = 0; i < campaigns.size(); ++i) {
    if (r < campaigns[i].weight) return static_cast<int>(i);
    r -= campaigns[i].weight;
  }
  return static_cast<int>(campaigns.size()) - 1;
}

// "a, b, c": the campaigns' names, for an error message.
std::string campaign_list() {
  std::string out;
  for (const auto& c : text::campaigns()) (out += out.empty() ? "" : ", ") += c.name;
  return out;
}

std::string format_number(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

}  // namespace

void SimulatorOptions::validate() const {
  if (posts == 0) throw Error(ErrorKind::kConfig, "simulate.posts", "must be at least 1, got 0");
  if (!(campaign_share >= 0.0 && campaign_share <= 1.0)) {
    throw Error(ErrorKind::kConfig, "simulate.campaign_share",
                "must be between 0 and 1, got " + format_number(campaign_share));
  }
  if (!(label_dropout >= 0.0 && label_dropout < 1.0)) {
    throw Error(ErrorKind::kConfig, "simulate.label_dropout",
                "must be at least 0 and below 1, got " + format_number(label_dropout));
  }
  for (const std::string& name : campaigns_as_source) {
    const auto& all = text::campaigns();
    if (std::none_of(all.begin(), all.end(), [&](const text::Campaign& c) { return c.name == name; })) {
      throw Error(ErrorKind::kConfig, "simulate.campaign_as_source",
                  "no campaign '" + name + "'; the campaigns are: " + campaign_list());
    }
  }
}

CampaignSimulator::CampaignSimulator(const SimulatorOptions& options)
    : options_(options), schema_(LabelSchema::defaults()) {
  options_.validate();
  int total_weight = 0;
  for (const auto& c : text::campaigns()) total_weight += c.weight;
  const double posts = static_cast<double>(options_.posts);
  const double campaign_posts = posts * options_.campaign_share;
  // About five posts per organic account (the busiest post more) and seven per campaign account.
  accounts_.push_back(std::max<std::uint64_t>(20, static_cast<std::uint64_t>((posts - campaign_posts) / 5)));
  for (const auto& c : text::campaigns()) {
    accounts_.push_back(
        std::max<std::uint64_t>(6, static_cast<std::uint64_t>(campaign_posts * c.weight / total_weight / 7)));
    const auto& named = options_.campaigns_as_source;
    campaign_as_source_.push_back(std::find(named.begin(), named.end(), c.name) != named.end());
  }
}

bool CampaignSimulator::next(Record& record) {
  if (produced_ >= options_.posts) return false;
  const std::uint64_t n = produced_++;
  const std::uint64_t seed = options_.seed;
  Rng rng(mix(mix(seed, kRecordStream), n));
  Post post;
  Account account;
  int campaign = -1;
  std::int64_t time = 0;
  if (rng.chance(options_.campaign_share)) {
    campaign = pick_campaign(rng);
    account = make_account(seed, campaign, rng.below(accounts_[1 + campaign]));
    post = write_campaign_post(seed, campaign, account, rng);
    time = campaign_time(seed, campaign, rng);
  } else {
    // The lower of two draws: a few accounts post much more than most, as on every platform.
    const std::uint64_t first = rng.below(accounts_[0]);
    const std::uint64_t second = rng.below(accounts_[0]);
    account = make_account(seed, -1, std::min(first, second));
    post = write_organic_post(account, rng);
    time = organic_time(rng);
  }
  truth_.campaign = campaign;
  truth_.template_index = post.template_index;
  truth_.obfuscated = post.obfuscated;
  truth_.labels.assign(schema_.heads.size(), 0);
  truth_.labels[kCoordinated] = campaign >= 0;
  truth_.labels[kMachine] = post.machine;
  truth_.labels[kNonnative] = post.nonnative;
  truth_.labels[kAbusive] = post.abusive;

  record.id = "sim:" + std::to_string(n);
  record.text = std::move(post.text);
  record.lang = text::kLangCodes[account.lang];
  record.group = std::move(account.group);
  // The platform is drawn for every account all the same, so naming a campaign changes no other byte.
  record.source =
      campaign >= 0 && campaign_as_source_[campaign] ? text::campaigns()[campaign].name : account.source;
  record.time = time;
  record.labels = truth_.labels;
  for (std::int8_t& label : record.labels) {
    if (rng.chance(options_.label_dropout)) label = kMissingLabel;
  }
  return true;
}

std::vector<std::string> CampaignSimulator::campaign_names() {
  std::vector<std::string> names;
  for (const auto& c : text::campaigns()) names.emplace_back(c.name);
  return names;
}

}  // namespace sieve::datasets
