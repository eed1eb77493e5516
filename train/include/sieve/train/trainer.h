#pragma once
// The training loop: shards in, checkpoints, a metrics log and model.sieve out.

#include <cstdint>
#include <string>
#include <vector>

#include "sieve/models/model_config.h"
#include "sieve/train/distributed.h"
#include "sieve/train/evaluation.h"
#include "sieve/train/train_config.h"

namespace sieve::train {

struct TrainRun {
  std::string train_dir;    // prepared by `sieve data prepare`
  std::string dev_dir;      // "" for none: no evaluation, no early stopping, the last weights are exported
  std::string test_dir;     // "" for none: else the exported weights are evaluated on it (test_metrics.json)
  std::string out_dir;      // checkpoints (last.ckpt, best.ckpt), metrics.jsonl, model.sieve
  std::string config_toml;  // the resolved run file, saved with checkpoints and in model.sieve
  models::ModelConfig model;  // architecture and widths; table, vocabulary and heads come from the shards
  TrainConfig train;
  bool resume = false;                // continue exactly where out_dir/last.ckpt stopped
  std::string init;                   // a model.sieve to start from (fine-tuning); "" for fresh weights
  bool train_new_heads_only = false;  // with init: freeze everything but the heads the init model lacks
  // With init: freeze the shared layers and every head but these (and the new ones), so that no other
  // head's output can change; empty: everything trains.
  std::vector<std::string> train_heads_only;
  // End this process after this many steps in all, leaving last.ckpt to resume from (0: run to the end),
  // for jobs on machines that are lent for a fixed time.
  std::int64_t stop_after = 0;
  // This process's place in a data-parallel run (docs/distributed.md); world_size 1 trains alone.
  DistributedOptions distributed;
};

// On ranks other than 0 of a data-parallel run, only steps, seconds and interrupted are set.
struct TrainResult {
  std::int64_t steps = 0;
  double seconds = 0;
  bool stopped_early = false;  // by patience
  bool interrupted = false;    // by stop_after: nothing exported
  Evaluation best;             // the dev evaluation of the exported weights (empty without dev)
  Evaluation test;             // their evaluation on test_dir (empty without)
  std::string model_path;
};

// Trains, evaluates, checkpoints and exports. Throws sieve::Error for bad input (shards, config),
// Error(kIo) for unwritable output and, in a data-parallel run, for ranks that fail to meet or to answer.
TrainResult train_model(const TrainRun& run);

}  // namespace sieve::train
