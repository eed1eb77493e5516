#pragma once
// Checkpoints: the model, the optimiser, the position in the data and the RNG state, enough to continue a
// run exactly (private to sieve_train).

#include <cstdint>
#include <string>

#include "optimizers.h"
#include "sieve/models/classifier.h"

namespace sieve::train {

// Where training stands: enough to continue exactly (with the model, optimiser and RNG states).
struct Position {
  std::int64_t step = 0;
  std::int64_t epoch = 0;
  std::int64_t offset = 0;  // records of the current epoch already seen
  std::int64_t evaluations_without_gain = 0;
  double best_score = -1;
};

// Writes path atomically (through path.partial); config_toml is the run file, kept for reference.
void save_checkpoint(const std::string& path, models::Classifier& model, Optimizers& optimizer,
                     const Position& at, const std::string& config_toml);

// From the file at path, or, when bytes is given, from its contents read by rank 0 (path names them).
// Throws Error(kIo) when there is no file and Error(kFormat) when it is not a checkpoint of this model.
Position load_checkpoint(const std::string& path, models::Classifier& model, Optimizers& optimizer,
                         const std::string* bytes = nullptr);

}  // namespace sieve::train
