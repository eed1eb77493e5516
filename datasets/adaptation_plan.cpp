#include "sieve/datasets/adaptation_plan.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <unordered_map>

#include "sieve/core/error.h"
#include "sieve/core/hash.h"

namespace sieve::datasets {
namespace {

// About this many steps of the new posts in a run: enough for the heads to move from the base model's
// answer, few enough that 200 posts train in seconds and are not learned by heart.
constexpr std::size_t kTargetSteps = 150;
constexpr std::size_t kMinEpochs = 4;
constexpr std::size_t kMaxEpochs = 60;
constexpr std::size_t kMinBatch = 8;
constexpr std::size_t kMaxBatch = 64;
constexpr std::size_t kMaxReplayBatch = 256;

// Posts of each (head, value) in records.
using LabelCounts = std::map<std::pair<std::size_t, int>, std::size_t>;

void count_labels(const Record& record, LabelCounts& counts) {
  for (std::size_t h = 0; h < record.labels.size(); ++h) {
    if (record.labels[h] != kMissingLabel) ++counts[{h, record.labels[h]}];
  }
}

std::string format_rate(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", x);
  return buffer;
}

}  // namespace

HeldBackSplit hold_back_by_group(std::vector<Record> records, double share, std::uint64_t seed) {
  if (!(share > 0 && share < 1)) {
    throw Error(ErrorKind::kConfig, "held-back share", "must be between 0 and 1, got " + format_rate(share));
  }
  std::unordered_map<std::string, std::vector<std::size_t>> members;
  std::vector<std::string> groups;  // in order of first appearance, then shuffled by hash
  LabelCounts total;
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto [it, added] = members.try_emplace(records[i].group);
    if (added) groups.push_back(records[i].group);
    it->second.push_back(i);
    count_labels(records[i], total);
  }
  if (total.empty()) throw Error(ErrorKind::kInvalidInput, "labelled posts", "no post carries a label");
  if (groups.size() < 2) {
    throw Error(ErrorKind::kInvalidInput, "labelled posts",
                "all posts are in one group: nothing can be held back without training on the same "
                "account (give each post a group, the account or thread it comes from)");
  }
  std::sort(groups.begin(), groups.end(), [seed](const std::string& a, const std::string& b) {
    const std::uint64_t ha = hash64(a, seed), hb = hash64(b, seed);
    return ha != hb ? ha < hb : a < b;
  });
  LabelCounts held;
  std::vector<bool> is_held(records.size(), false);
  for (const std::string& group : groups) {
    // The group is held back when no label it carries would pass its share there; the first group of a
    // label may pass it (a label of few large groups is held back at all), though never by half.
    LabelCounts mine;
    for (std::size_t i : members[group]) count_labels(records[i], mine);
    bool fits = !mine.empty();
    for (const auto& [key, n] : mine) {
      const double limit = static_cast<double>(total[key]) * (held[key] == 0 ? 0.5 : share) + 0.5;
      if (static_cast<double>(held[key] + n) > limit) fits = false;
    }
    if (!fits) continue;
    for (const auto& [key, n] : mine) held[key] += n;
    for (std::size_t i : members[group]) is_held[i] = true;
  }
  HeldBackSplit split;
  for (std::size_t i = 0; i < records.size(); ++i) {
    (is_held[i] ? split.held_back : split.train).push_back(std::move(records[i]));
  }
  if (split.train.empty()) {
    throw Error(ErrorKind::kInvalidInput, "labelled posts",
                "every group was held back: give more groups (accounts or threads)");
  }
  return split;
}

std::vector<std::string> AdaptationSchedule::trainer_settings(const AdaptationRun& run) const {
  std::vector<std::string> settings = {"train.batch_size=" + std::to_string(batch_size),
                                       "train.epochs=" + std::to_string(epochs),
                                       "train.max_steps=0",
                                       "train.eval_every=" + std::to_string(steps_per_epoch),
                                       "train.warmup_steps=" + std::to_string(warmup_steps),
                                       "train.patience=" + std::to_string(patience),
                                       "train.lr=" + format_rate(run.lr)};
  if (run.embedding_lr > 0) settings.push_back("train.embedding_lr=" + format_rate(run.embedding_lr));
  return settings;
}

std::string AdaptationRun::describe() const {
  return embedding_lr > 0 ? format_rate(lr) + "/" + format_rate(embedding_lr) : format_rate(lr);
}

std::string AdaptationSchedule::describe() const {
  std::string rates;
  for (const AdaptationRun& run : grid) {
    rates += (rates.empty() ? "" : ", ") + run.describe();
  }
  return "batch " + std::to_string(batch_size) + ", up to " + std::to_string(epochs) + " epochs of " +
         std::to_string(steps_per_epoch) + " steps (" + std::to_string(total_steps()) + " steps, warmup " +
         std::to_string(warmup_steps) + ", stop after " + std::to_string(patience) +
         " epochs without a better held-back score), learning rates tried: " + rates;
}

AdaptationSchedule choose_schedule(std::size_t train_posts, std::size_t replay_posts, bool heads_only) {
  if (train_posts == 0) throw Error(ErrorKind::kInvalidInput, "labelled posts", "none left to train on");
  AdaptationSchedule s;
  // Eight steps an epoch at least, so that early stopping has epochs to compare; replayed posts widen the
  // batch rather than lengthen the epoch, so each step holds as many new posts and the run costs the same
  // number of steps.
  const std::size_t new_per_batch = std::clamp<std::size_t>(train_posts / 8, kMinBatch, kMaxBatch);
  const std::size_t new_steps = (train_posts + new_per_batch - 1) / new_per_batch;
  s.batch_size = std::min(kMaxReplayBatch, new_per_batch * (train_posts + replay_posts) / train_posts);
  s.epochs = std::clamp<std::size_t>((kTargetSteps + new_steps - 1) / new_steps, kMinEpochs, kMaxEpochs);
  s.steps_per_epoch = (train_posts + replay_posts + s.batch_size - 1) / s.batch_size;
  s.warmup_steps = std::max<std::size_t>(1, s.total_steps() / 10);
  s.patience = std::max<std::size_t>(3, s.epochs / 4);
  // Around the trainer's defaults (0.01 / 5, for a corpus of 250k posts): higher rates learn a few
  // hundred posts faster but make the model forget the rest (measured: 0.1 / 10 cost another source's
  // ROC-AUC 0.3); which is best depends on how far the campaign is from the base data.
  s.grid = {{0.003, 1.0}, {0.01, 2.0}, {0.03, 5.0}};
  // A head alone is a linear model on fixed pooled vectors: it moves slowly at the rates that keep shared
  // embeddings in place (measured on a left-out source: 0.03 to 0.3 all beat the full model's best run).
  if (heads_only) s.grid = {{0.03, 0.0}, {0.1, 0.0}, {0.3, 0.0}};  // no embedding rate: frozen
  return s;
}

}  // namespace sieve::datasets
