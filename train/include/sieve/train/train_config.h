#pragma once
// The [train] table of a run's TOML file: optimiser, schedule, batches, evaluation, stopping. The whole
// resolved file is saved with every checkpoint and in model.sieve.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sieve/core/config_file.h"
#include "sieve/models/model_config.h"

namespace sieve::train {

struct TrainConfig {
  std::string optimizer = "adamw";  // adamw, or sgd (plain, with momentum; sparse embedding gradients)
  double lr = 0.01;                 // peak learning rate, reached after warmup
  double weight_decay = 1e-5;       // decoupled (adamw) or L2 (sgd)
  double momentum = 0.9;            // sgd only
  double embedding_lr = 5.0;        // peak rate, per post, of the plain SGD that updates sparse embedding
                                    // tables (fastText's -lr); the step uses embedding_lr × batch_size,
                                    // as the loss is a mean over the batch
  std::string decay = "linear";     // after warmup: linear or cosine to 0, or constant
  std::int64_t warmup_steps = 100;  // linear ramp from 0 to lr
  std::int64_t batch_size = 128;    // records per step
  int epochs = 10;                  // passes over the training shards
  std::int64_t max_steps = 0;       // stop after this many steps (0: epochs decide)
  double clip_norm = 1.0;           // gradient norm clipping (0: off)
  std::int64_t eval_every = 0;      // steps between dev evaluations (0: after each epoch)
  double checkpoint_seconds = 600;  // last.ckpt (and best.ckpt) at the first evaluation after this long
  int patience = 3;                 // evaluations without a better mean dev PR-AUC before stopping (0: never)
  std::uint64_t seed = 1;           // data order and initialisation
  int threads = 0;                  // LibTorch intra-op threads (0: all cores)
  std::map<std::string, double> pos_weight;  // head → weight of its positives in the loss (default 1)
  // "source" or "source:lang" → factor on the loss weights of its posts, after balancing (default 1): a
  // source that matters more than its size says, such as one language of a bilingual source. Factors of
  // a source and of one of its languages multiply. The paired objective is not weighted.
  std::map<std::string, double> source_weight;
  // Sources whose records are left out of training and of the dev evaluation (leave-one-source-out runs).
  std::vector<std::string> exclude_sources;
  // Per-post loss weights. "source_label": inside each source holding both labels of a head, its positives
  // and its negatives carry equal weight (the source's total unchanged), so that a source's label mix is no
  // cue for the label; "none": every post weighs 1.
  std::string balance = "source_label";
  double balance_cap = 10;  // the largest weight balancing may give a post
  // Paired objective: each step also draws pair_batch (positive, negative) pairs of one head from groups
  // holding both labels of it (a learner sentence and its correction, an MT output and its human
  // translation) and adds pair_weight × mean hinge(pair_margin − (logit⁺ − logit⁻)). 0: off.
  double pair_weight = 0.5;
  double pair_margin = 1.0;
  std::int64_t pair_batch = 64;
  // Pretrained rows of the feature table (`sieve embed train`): the bag table (and cnn's subword table)
  // starts from them instead of random values. "": random. Refused with --init, which gives every weight.
  std::string init_embeddings;
  double init_embeddings_scale = 1.0;  // the file's rows are multiplied by this: they are tens of times
                                       // longer than the random rows the rates were tuned for

  // Throws Error(kConfig, "train.<field>", ...) for a value out of range.
  void validate() const;
};

// Reads [train] (defaults for what is absent; unknown keys are errors).
TrainConfig read_train_config(const ConfigFile& file);

// Reads [model]: architecture and widths (the table sizes and heads come from the shards).
models::ModelConfig read_model_config(const ConfigFile& file);

// Learning rate at a step: linear warmup to lr, then the decay over the remaining steps to total_steps.
double learning_rate(const TrainConfig& config, std::int64_t step, std::int64_t total_steps);

}  // namespace sieve::train
