#include "trained_model.h"

#include <unistd.h>

#include <filesystem>
#include <vector>

#include "corpus.h"
#include "run_sieve.h"

namespace sieve::testing {

const TrainedModel& trained_model() {
  static const TrainedModel trained = [] {
    TrainedModel t;
    t.skip = corpus_missing_message("train.jsonl");
    if (!t.skip.empty()) return t;
    const std::string trainer = std::filesystem::path(SIEVE_BINARY).parent_path() / "sieve-train";
    if (access(trainer.c_str(), X_OK) != 0) {
      t.skip = "sieve-train is not built (SIEVE_WITH_TRAINING=OFF): no model to score with";
      return t;
    }
    t.dir = scratch_dir("trained_model");
    const std::string corpus = corpus_dir();
    const std::vector<std::string> steps = {
        "tokenizer train --jsonl " + corpus + "/train.jsonl --vocab-size 4000 --max-sentences 40000 -o " +
            t.dir + "/spm.model",
        "data prepare -t " + t.dir + "/spm.model " + corpus + "/train.jsonl -o " + t.dir + "/train",
        "data prepare -t " + t.dir + "/spm.model " + corpus + "/dev.jsonl -o " + t.dir + "/dev",
        "train --train " + t.dir + "/train --dev " + t.dir + "/dev -o " + t.dir +
            "/model --set train.epochs=3 --set train.seed=7",
    };
    for (const std::string& step : steps) {
      const RunResult r = run_sieve(step);
      if (r.exit_code != 0) {
        t.skip = "setup failed: sieve " + step + "\n" + r.err;
        return t;
      }
    }
    t.model = t.dir + "/model/model.sieve";
    return t;
  }();
  return trained;
}

}  // namespace sieve::testing
