#include "sieve/train/trainer.h"

#include "training_session.h"

namespace sieve::train {

TrainResult train_model(const TrainRun& run) {
  run.train.validate();
  TrainingSession session(run);
  return session.run();
}

}  // namespace sieve::train
