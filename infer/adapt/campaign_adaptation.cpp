#include "sieve/adapt/campaign_adaptation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <optional>

#include "sieve/adapt/base_training.h"
#include "sieve/analysis/adaptation_checks.h"
#include "sieve/analysis/model_labels.h"
#include "sieve/core/error.h"
#include "sieve/core/hash.h"
#include "sieve/core/json_writer.h"
#include "sieve/core/metrics.h"
#include "sieve/datasets/adaptation_plan.h"
#include "sieve/datasets/record_reader.h"
#include "sieve/datasets/replay_sample.h"
#include "sieve/runtime/model.h"

namespace sieve::adapt {
namespace {

std::size_t head_index(const infer::Model& base, const std::string& head) {
  for (std::size_t h = 0; h < base.heads().size(); ++h) {
    if (base.heads()[h].name != head) continue;
    if (!base.heads()[h].binary) throw Error(ErrorKind::kConfig, "--head " + head, "not a binary head");
    return h;
  }
  std::string names;
  for (const infer::HeadInfo& h : base.heads()) names += (names.empty() ? "" : ", ") + h.name;
  throw Error(ErrorKind::kConfig, "--head " + head,
              "the base model has no such head (it has " + names +
                  "); a campaign model adapts one of them (a new head needs `sieve adapt --fine-tune`)");
}

// The labelled posts as the campaign model reads them, with the base head's network logit of each.
CampaignPosts featurize(const infer::Model& base, std::size_t head,
                        const std::vector<datasets::Record>& records) {
  CampaignPosts posts;
  posts.dense_width = base.featurizer().settings().dense_width();
  infer::ScoreWorkspace workspace;
  std::vector<float> logits(base.output_count());
  for (const datasets::Record& r : records) {
    base.featurizer().featurize(r.text, workspace.features, workspace.featurizer);
    base.network_logits(workspace.features, workspace, logits.data());
    const tokenizer::Features& f = workspace.features;
    const std::string& group = r.group.empty() ? r.id : r.group;
    posts.add(f.ids.data(), f.ids.size(), f.subword_count, f.bigram_count, f.dense.data(),
              logits[base.output_offset(head)], r.labels[head], hash64(group, 0));
  }
  return posts;
}

// Check posts: drawn from kCheckDraws times as many posts of the shards, at most kCheckPostsPerSource a
// source.
constexpr std::size_t kCheckDraws = 6;
constexpr std::size_t kCheckPostsPerSource = 400;

// Posts of the base model's training shards, with the base head's network logit of each: the background
// the campaign learns against, and check posts that say what an adapted head forgot. Labels of the head;
// missing ones are 0 in the background (ordinary traffic) and -1 in the check posts.
struct ReplayPosts {
  CampaignPosts background, check;
  std::vector<std::uint32_t> background_sources, check_sources;  // each post's source, as an index
};

ReplayPosts replay_posts(const infer::Model& base, std::size_t head, const CampaignAdaptOptions& options,
                         const datasets::LabelSchema& schema) {
  ReplayPosts replay;
  replay.background.dense_width = replay.check.dense_width = base.featurizer().settings().dense_width();
  if (options.replay.empty() || options.background_posts == 0) return replay;
  // The check posts are drawn from many more, at most kCheckPostsPerSource of each source, so that the
  // small sources the head knows are checked too.
  const datasets::ReplayCheckPosts drawn = datasets::sample_replay_posts(
      options.replay, options.background_posts + kCheckDraws * options.check_posts, options.seed,
      excluded_sources(base), base.featurizer(), schema);
  std::map<std::string, std::size_t> checked;
  const bool bigrams = base.featurizer().settings().subword_bigrams;
  std::vector<std::string> names;
  infer::ScoreWorkspace workspace;
  std::vector<float> logits(base.output_count());
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    const bool is_background = i < options.background_posts;
    if (!is_background &&
        (replay.check.size() >= options.check_posts || checked[drawn.sources[i]]++ >= kCheckPostsPerSource)) {
      continue;
    }
    const auto known = std::find(names.begin(), names.end(), drawn.sources[i]);
    const auto source = static_cast<std::uint32_t>(known - names.begin());
    if (known == names.end()) names.push_back(drawn.sources[i]);
    tokenizer::Features& f = workspace.features;
    f.ids.assign(drawn.ids.begin() + static_cast<std::ptrdiff_t>(drawn.offsets[i]),
                 drawn.ids.begin() + static_cast<std::ptrdiff_t>(drawn.offsets[i + 1]));
    f.subword_count = drawn.subword_counts[i];
    f.bigram_count = bigrams && f.subword_count > 1 ? f.subword_count - 1 : 0;
    f.dense.assign(drawn.dense.begin() + static_cast<std::ptrdiff_t>(i * drawn.dense_width),
                   drawn.dense.begin() + static_cast<std::ptrdiff_t>((i + 1) * drawn.dense_width));
    base.network_logits(f, workspace, logits.data());
    const std::int8_t label = drawn.labels[i * schema.heads.size() + head];
    CampaignPosts& posts = is_background ? replay.background : replay.check;
    posts.add(f.ids.data(), f.ids.size(), f.subword_count, f.bigram_count, f.dense.data(),
              logits[base.output_offset(head)],
              label == 1                    ? 1
              : label == 0 || is_background ? 0
                                            : -1,
              /*group=*/i);
    (is_background ? replay.background_sources : replay.check_sources).push_back(source);
    if (is_background) posts.sources.push_back(source);
  }
  return replay;
}

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// The head's output with the campaign beside it (as infer::Model computes it for one campaign).
float adapted_logit(const infer::CampaignModel& campaign, const infer::CampaignPost& post, float base) {
  return base + campaign.gate(post) * (campaign.logit(post, base) - base);
}

// The base model's decision threshold of a binary head as a network logit.
float threshold_logit(const infer::HeadInfo& head) {
  const double t = std::clamp(head.threshold, 1e-9, 1 - 1e-9);
  return static_cast<float>(head.temperature * std::log(t / (1 - t)));
}

// How the gate was opened: the labelled posts' quantile that opens it, the forgetting it causes on the
// check posts, and the shift of the campaign's level that keeps the false-positive rates.
struct GateChoice {
  double quantile = 0, forgetting = 0;
  float level_shift = 0;
};

// An opening from this quantile of the labelled posts up leaves most of the campaign to the base head.
constexpr double kNarrowOpening = 0.75;

// The largest drop of a head's within-source ROC-AUC on the check posts an adaptation may cause.
constexpr double kMaxForgetting = 0.005;

// Lowers the campaign's level (its score bias) until, in every source of the background with
// kMinSourceNegatives posts that are not positives of the head, no more of them cross the head's threshold
// than under the base head alone: the threshold keeps its promise about false positives on each kind of
// traffic the base model knows, whatever their mix. Never raises it; returns the shift.
constexpr std::size_t kMinSourceNegatives = 30;

float keep_false_positive_rate(infer::CampaignModel& campaign, const CampaignPosts& background,
                               const std::vector<std::uint32_t>& sources, float threshold) {
  std::vector<std::size_t> negatives, base_crossings;
  for (std::size_t i = 0; i < background.size(); ++i) {
    if (background.labels[i] == 1) continue;
    if (sources[i] >= negatives.size()) {
      negatives.resize(sources[i] + 1);
      base_crossings.resize(sources[i] + 1);
    }
    ++negatives[sources[i]];
    if (background.base_logits[i] >= threshold) ++base_crossings[sources[i]];
  }
  // The gate and the campaign's logit of each negative that counts, computed once for every shift tried.
  std::vector<std::size_t> counted;
  std::vector<float> gates, logits;
  for (std::size_t i = 0; i < background.size(); ++i) {
    if (background.labels[i] == 1 || negatives[sources[i]] < kMinSourceNegatives) continue;
    const infer::CampaignPost post = background.post(i);
    counted.push_back(i);
    gates.push_back(campaign.gate(post));
    logits.push_back(campaign.logit(post, background.base_logits[i]));
  }
  const auto holds = [&](float shift) {
    std::vector<std::size_t> crossings(negatives.size());
    for (std::size_t k = 0; k < counted.size(); ++k) {
      const float base = background.base_logits[counted[k]];
      if (base + gates[k] * (logits[k] + shift - base) >= threshold) ++crossings[sources[counted[k]]];
    }
    for (std::size_t s = 0; s < crossings.size(); ++s) {
      if (crossings[s] > base_crossings[s]) return false;
    }
    return true;
  };
  if (background.size() == 0 || holds(0)) return 0;
  float low = -64, high = 0;  // holds(low), not holds(high)
  for (int step = 0; step < 30; ++step) {
    const float middle = (low + high) / 2;
    (holds(middle) ? low : high) = middle;
  }
  campaign.score_bias += low;
  return low;
}

// The held-back posts under the base head and under the base head with the campaign beside it.
infer::PairedAucInterval evaluate(const infer::CampaignModel& campaign, const CampaignPosts& held_back,
                                  const std::vector<datasets::Record>& records,
                                  const CampaignAdaptOptions& options) {
  std::vector<double> before, after;
  std::vector<std::string> groups;
  for (std::size_t i = 0; i < held_back.size(); ++i) {
    const float base = held_back.base_logits[i];
    const infer::CampaignPost post = held_back.post(i);
    before.push_back(sigmoid(base));
    after.push_back(sigmoid(adapted_logit(campaign, post, base)));
    groups.push_back(records[i].group.empty() ? records[i].id : records[i].group);
  }
  return infer::paired_auc_bootstrap(held_back.labels, before, after, groups, options.bootstrap_resamples,
                                     0.95, options.seed);
}

// The largest drop, over the check posts' sources holding kCheckMinPerClass posts of each class of the
// head, of the head's ROC-AUC from the base head to the adapted one (0 when nothing dropped).
double largest_drop(const infer::CampaignModel& campaign, const ReplayPosts& replay) {
  std::map<std::uint32_t, std::pair<std::vector<metrics::Scored>, std::vector<metrics::Scored>>> cells;
  const CampaignPosts& check = replay.check;
  for (std::size_t i = 0; i < check.size(); ++i) {
    if (check.labels[i] != 0 && check.labels[i] != 1) continue;
    auto& [before, after] = cells[replay.check_sources[i]];
    const float base = check.base_logits[i];
    before.push_back({base, check.labels[i] == 1});
    after.push_back({adapted_logit(campaign, check.post(i), base), check.labels[i] == 1});
  }
  double drop = 0;
  for (const auto& [source, scores] : cells) {
    const auto positives = static_cast<std::size_t>(std::count_if(
        scores.first.begin(), scores.first.end(), [](const metrics::Scored& s) { return s.positive; }));
    if (positives < analysis::kCheckMinPerClass ||
        scores.first.size() - positives < analysis::kCheckMinPerClass)
      continue;
    drop = std::max(drop, metrics::roc_auc(scores.first) - metrics::roc_auc(scores.second));
  }
  return drop;
}

// The campaign with its gate opened as far as it can be without lowering the head's ROC-AUC on any
// source of the check posts by more than kMaxForgetting (open_everywhere: a gate open for every post), and
// its level kept to the head's false-positive rates (keep_false_positive_rate). When no opening keeps the
// other sources, the one that forgets least; when none can open at all, the base head alone.
infer::CampaignModel open_gate(const TrainedCampaign& trained, const ReplayPosts& replay, float threshold,
                               bool open_everywhere, GateChoice& choice) {
  static constexpr double kOpenings[] = {0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 0.95};
  std::optional<infer::CampaignModel> kept;
  const auto consider = [&](infer::CampaignModel campaign, double quantile) {
    const float shift =
        keep_false_positive_rate(campaign, replay.background, replay.background_sources, threshold);
    const double drop = largest_drop(campaign, replay);
    if (!kept || drop < choice.forgetting) {
      choice = {quantile, drop, shift};
      kept = std::move(campaign);
    }
    return drop <= kMaxForgetting;
  };
  if (open_everywhere) {
    consider(with_fixed_gate(trained.model, true), 0);
    return *kept;
  }
  for (const double quantile : kOpenings) {
    std::optional<infer::CampaignModel> opened = with_gate_opened(trained, quantile);
    if (opened && consider(std::move(*opened), quantile)) break;
  }
  if (!kept) {
    choice = {1.0, 0.0, 0.0f};
    kept = with_fixed_gate(trained.model, false);
  }
  return *kept;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string campaign_name(const CampaignAdaptOptions& options) {
  if (!options.name.empty()) return options.name;
  std::string stem = std::filesystem::path(options.labelled).filename().string();
  return stem.substr(0, stem.find('.'));
}

// The labelled posts that carry a 0/1 label of the head; how many did not.
std::vector<datasets::Record> labelled_for(std::vector<datasets::Record> records, std::size_t head,
                                           std::size_t& unlabelled) {
  const auto keep = std::stable_partition(records.begin(), records.end(), [&](const datasets::Record& r) {
    return r.labels[head] == 0 || r.labels[head] == 1;
  });
  unlabelled = static_cast<std::size_t>(records.end() - keep);
  records.erase(keep, records.end());
  return records;
}

}  // namespace

std::string CampaignAdaptResult::to_json() const {
  JsonWriter w;
  w.begin_object().key("campaign").value(campaign);
  w.key("posts").begin_object().key("train").value(static_cast<std::uint64_t>(train_posts));
  w.key("held_back").value(static_cast<std::uint64_t>(held_back_posts));
  w.key("background").value(static_cast<std::uint64_t>(background_posts));
  w.key("rejected_rows").value(static_cast<std::uint64_t>(rejected_rows)).end_object();
  w.key("held_back").raw(held_back.to_json()).key("gate_quantile").value(gate_quantile);
  w.key("forgetting").value(forgetting).key("level_shift").value(static_cast<double>(level_shift));
  w.key("seconds").value(seconds);
  w.end_object();
  return w.take();
}

std::string CampaignAdaptResult::to_text() const {
  char line[256];
  std::snprintf(line, sizeof line,
                "held-back ROC-AUC (%zu posts, %zu groups): base %.4f, adapted %.4f, difference %+.4f, "
                "%.0f%% interval [%+.4f, %+.4f]: %s\n",
                held_back_posts, held_back.groups, held_back.before, held_back.after,
                held_back.after - held_back.before, held_back.level * 100, held_back.low, held_back.high,
                held_back.better()               ? "better"
                : held_back.verdict() == "worse" ? "worse"
                                                 : "not shown better");
  return line;
}

CampaignAdaptResult adapt_campaign(const CampaignAdaptOptions& options,
                                   const std::function<void(const std::string&)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  const auto say = [&](const std::string& line) {
    if (progress) progress(line);
  };
  options.training.validate();
  if (options.out.empty()) throw Error(ErrorKind::kConfig, "--out", "the adapted model's path is required");
  const auto base = infer::Model::load(options.base);
  const std::size_t head = head_index(*base, options.head);
  CampaignAdaptResult result;
  result.campaign = campaign_name(options);
  for (const infer::CampaignModel& c : base->campaigns()) {
    if (c.info().name == result.campaign) {
      throw Error(
          ErrorKind::kConfig, "--name " + result.campaign,
          "the model already holds a campaign of that name: remove it first (sieve campaigns --remove)");
    }
  }
  datasets::ReaderConfig config = options.reader;
  config.schema = analysis::label_schema_of(*base);
  datasets::ReadStats stats;
  std::size_t unlabelled = 0;
  std::vector<datasets::Record> records =
      labelled_for(datasets::read_records({options.labelled}, config, &stats), head, unlabelled);
  result.rejected_rows = stats.rejected;
  datasets::HeldBackSplit split =
      datasets::hold_back_by_group(records, options.held_back_share, options.seed);
  result.train_posts = split.train.size();
  result.held_back_posts = split.held_back.size();
  say(std::to_string(split.train.size()) + " posts to learn from, " + std::to_string(split.held_back.size()) +
      " held back by group" +
      (unlabelled ? ", " + std::to_string(unlabelled) + " without a '" + options.head + "' label left out"
                  : ""));

  const ReplayPosts replay = replay_posts(*base, head, options, config.schema);
  const CampaignPosts& background = replay.background;
  result.background_posts = background.size();
  say(background.size() ? std::to_string(background.size()) + " posts of " + options.replay +
                              " teach the gate what is not the campaign, " +
                              std::to_string(replay.check.size()) + " more check what the head forgets"
                        : "no --replay: the campaign model decides every post of '" + options.head + "'");
  const std::size_t table_size = base->featurizer().table_size();
  infer::CampaignInfo info{result.campaign, options.head, 0, 0, 0, utc_now(), ""};
  const float threshold = threshold_logit(base->heads()[head]);
  GateChoice choice;
  const infer::CampaignModel trial = open_gate(
      train_campaign(info, featurize(*base, head, split.train), background, table_size, options.training),
      replay, threshold, options.open_gate, choice);
  result.held_back = evaluate(trial, featurize(*base, head, split.held_back), split.held_back, options);

  info.held_back_json = result.held_back.to_json();
  std::vector<infer::CampaignModel> campaigns = base->campaigns();
  campaigns.push_back(open_gate(
      train_campaign(info, featurize(*base, head, records), background, table_size, options.training), replay,
      threshold, options.open_gate, choice));
  result.gate_quantile = choice.quantile;
  result.forgetting = choice.forgetting;
  result.level_shift = choice.level_shift;
  char line[320];
  std::snprintf(line, sizeof line,
                "gate open from the labelled posts' %.0fth percentile of the gate; largest within-source "
                "ROC-AUC drop of '%s' on the check posts %.4f; campaign logit lowered by %.2f to keep the "
                "false-positive rates",
                choice.quantile * 100, options.head.c_str(), choice.forgetting,
                std::max(0.0f, -choice.level_shift));
  say(line);
  if (!options.open_gate && choice.quantile >= kNarrowOpening) {
    say("warning: the campaign's posts could hardly be told from the head's other sources, so the gate lets "
        "few of them in; if your traffic is mostly of the campaign's kind, --open-gate lets the campaign "
        "model score every post (and reports what the other sources lose)");
  }
  infer::write_with_campaigns(base->file(), campaigns, options.out);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace sieve::adapt
