#pragma once
// One run of train_model, cut into its steps: what it learns from, the model and its optimiser, where it
// stands, the evaluations and the files it writes (private to sieve_train).

#include <torch/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "checkpoint.h"
#include "communicator.h"
#include "optimizers.h"
#include "sieve/core/progress.h"
#include "sieve/train/shard_set.h"
#include "sieve/train/trainer.h"
#include "sieve/train/training_records.h"

namespace sieve::train {

class TrainingSession {
 public:
  // Reads the shards, decides what the run learns from and builds the model (fresh, from run.init or
  // from last.ckpt with run.resume).
  explicit TrainingSession(const TrainRun& run);
  TrainingSession(const TrainingSession&) = delete;
  TrainingSession& operator=(const TrainingSession&) = delete;

  // Trains to the end (or to patience, or to run.stop_after), then exports and tests on rank 0.
  TrainResult run();

 private:
  using Clock = std::chrono::steady_clock;
  enum class StepOutcome { kGoOn, kStopped, kInterrupted };

  models::ModelConfig resolve_config() const;
  void select_records();
  void build_model();
  void start_or_resume();
  StepOutcome train_step(const std::vector<std::uint32_t>& order);
  void log_step(torch::Tensor loss);
  bool evaluate_and_decide_stop();
  void evaluate_now();
  void write_checkpoints();
  void snapshot_best();
  void swap_in_best();
  void next_epoch_if_done();
  TrainResult finish();
  double seconds_since(Clock::time_point t) const;

  const TrainRun& run_;
  const Clock::time_point start_ = Clock::now();
  const ShardSet train_set_;
  std::unique_ptr<ShardSet> dev_set_;  // null without run.dev_dir
  const models::ModelConfig config_;   // run.model completed by the shards (table, vocabulary, heads)

  // What the run learns from (docs/training.md, "Learning the signal").
  std::vector<float> pos_weight_;           // per head
  std::vector<std::uint32_t> selected_;     // training records outside the excluded sources
  std::vector<std::uint32_t> dev_records_;  // dev records outside them
  std::vector<float> weights_;              // per record × head; empty when every post weighs 1
  std::vector<LabelPair> pairs_;            // of the paired objective; empty without it

  // Data-parallel (docs/distributed.md): every rank builds the same model; rank 0 alone writes.
  std::unique_ptr<Communicator> comm_;
  bool lead_ = true;

  models::Classifier model_;
  Optimizers optimizer_;
  const std::string last_path_, best_path_, log_path_;
  // The best weights live in memory and reach best.ckpt together with last.ckpt: writing 2 × the model
  // at every evaluation would cost more than the training of a small run.
  std::vector<torch::Tensor> best_weights_;
  bool best_unsaved_ = false;

  Position at_;
  std::int64_t total_steps_ = 0;
  std::int64_t eval_every_ = 0;
  Clock::time_point last_write_ = Clock::now();
  Clock::time_point loop_start_ = Clock::now();
  Progress progress_{"train"};
  TrainResult result_;
};

}  // namespace sieve::train
