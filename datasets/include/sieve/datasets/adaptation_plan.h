#pragma once
// How `sieve adapt` learns a new campaign from a few hundred labelled posts: which posts it holds back (by
// group, so the accounts it is judged on are ones it never trained on) and the small-data schedule it
// trains with (batch, epochs and a tiny grid of learning rates, all from the number of posts).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sieve/datasets/record.h"

namespace sieve::datasets {

// The labelled posts, parted by group: the held-back part picks the learning rate, stops training early
// and is where the before/after metrics are measured.
struct HeldBackSplit {
  std::vector<Record> train;
  std::vector<Record> held_back;
};

// Holds back about `share` of the posts, whole groups at a time. Groups are visited in an order fixed by
// the seed; a group goes to the held-back part while that part holds less than its share of the group's
// labels (per head and value), so both parts keep both classes whenever the posts allow it. Throws
// Error(kInvalidInput) when fewer than 2 groups hold labels (nothing could be held back by group).
HeldBackSplit hold_back_by_group(std::vector<Record> records, double share = 0.2, std::uint64_t seed = 1);

// One training run of the grid.
struct AdaptationRun {
  double lr = 0;                 // dense parameters (heads, hidden, convolutions)
  double embedding_lr = 0;       // the embedding tables' sparse SGD; 0 when they are frozen
  std::string describe() const;  // "lr/embedding_lr", or "lr" alone
};

// What the trainer is told: every value follows from the number of posts, so a user with 50 posts and
// one with 5,000 get sensible runs without knowing the trainer's settings.
struct AdaptationSchedule {
  std::size_t batch_size = 0;
  std::size_t epochs = 0;
  std::size_t steps_per_epoch = 0;  // of the training posts and the replayed ones together
  std::size_t warmup_steps = 0;
  std::size_t patience = 0;         // evaluations (one per epoch) without a better held-back score
  std::vector<AdaptationRun> grid;  // tried in order; the best on the held-back part is kept

  std::size_t total_steps() const { return epochs * steps_per_epoch; }
  // "--set" words of sieve-train for one run of the grid.
  std::vector<std::string> trainer_settings(const AdaptationRun& run) const;
  std::string describe() const;  // one line for the user: what was chosen and why
};

// The schedule for train_posts labelled posts plus replay_posts replayed from the base model's training
// shards: a batch that gives every epoch several steps, about kTargetSteps steps of new posts in all
// (more epochs for fewer posts, between kMinEpochs and kMaxEpochs), and three learning rates around the
// trainer's defaults. heads_only: only the adapted heads train (the shared layers stay), which takes
// rates ten times higher. Throws Error(kInvalidInput) when train_posts is 0.
AdaptationSchedule choose_schedule(std::size_t train_posts, std::size_t replay_posts,
                                   bool heads_only = false);

}  // namespace sieve::datasets
