#pragma once
// A bag model trained on the corpus with `sieve train` (tokenizer, shards, three epochs), shared by every
// test that scores or serves with a real model. It is kept in the test cache (disk_cache.h) until sieve,
// sieve-train or the corpus change.

#include <gtest/gtest.h>

#include <string>

namespace sieve::testing {

struct TrainedModel {
  std::string dir;
  std::string model;  // model.sieve
  std::string skip;   // why the tests cannot run ("setup failed: ..." when training broke), or ""
};

// Trains on first use when the cache has no current model (about 40 s); later calls return the same model.
const TrainedModel& trained_model();

// The base of the fixtures that need the model: a test fails when training broke and is skipped, with the
// reason, when it cannot run here (no corpus, no sieve-train).
class WithTrainedModel : public ::testing::Test {
 protected:
  void SetUp() override {
    const TrainedModel& t = trained_model();
    if (t.skip.rfind("setup failed", 0) == 0) FAIL() << t.skip;
    if (!t.skip.empty()) GTEST_SKIP() << t.skip;
    model_ = t.model;
    model_dir_ = t.dir;
  }

  std::string model_;      // model.sieve
  std::string model_dir_;  // the folder it was trained in
};

}  // namespace sieve::testing
