#include "trained_model.h"

#include <stdexcept>
#include <vector>

#include "corpus.h"
#include "disk_cache.h"
#include "run_sieve.h"

namespace sieve::testing {

const TrainedModel& trained_model() {
  static const TrainedModel trained = [] {
    TrainedModel t;
    t.skip = corpus_missing_message("train.jsonl");
    if (!t.skip.empty()) return t;
    if (!trainer_built()) {
      t.skip = "sieve-train is not built (SIEVE_WITH_TRAINING=OFF): no model to score with";
      return t;
    }
    const std::string corpus = corpus_dir();
    // The commands that train it into a folder; with "{dir}" they spell the cache key.
    const auto steps_into = [&](const std::string& dir) {
      return std::vector<std::string>{
          "tokenizer train --jsonl " + corpus + "/train.jsonl --vocab-size 4000 --max-sentences 40000 -o " +
              dir + "/spm.model",
          "data prepare -t " + dir + "/spm.model " + corpus + "/train.jsonl -o " + dir + "/train",
          "data prepare -t " + dir + "/spm.model " + corpus + "/dev.jsonl -o " + dir + "/dev",
          "train --train " + dir + "/train --dev " + dir + "/dev -o " + dir +
              "/model --set train.epochs=3 --set train.seed=7",
      };
    };
    std::string key = file_identity(SIEVE_BINARY) + " " + file_identity(trainer_path()) + " " +
                      file_identity(corpus + "/train.jsonl") + " " + file_identity(corpus + "/dev.jsonl");
    for (const std::string& step : steps_into("{dir}")) key += "\n" + step;
    try {
      t.dir = cached_dir("trained_model", key, [&](const std::string& dir) {
        for (const std::string& step : steps_into(dir)) {
          const RunResult r = run_sieve(step);
          if (r.exit_code != 0) throw std::runtime_error("sieve " + step + "\n" + r.err);
        }
      });
    } catch (const std::exception& e) {
      t.skip = std::string("setup failed: ") + e.what();
      return t;
    }
    t.model = t.dir + "/model/model.sieve";
    return t;
  }();
  return trained;
}

}  // namespace sieve::testing
