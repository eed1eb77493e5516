#pragma once
// A bag model trained once per test process on the corpus with `sieve train` (tokenizer, shards, three
// epochs), shared by every test that scores or serves with a real model.

#include <string>

namespace sieve::testing {

struct TrainedModel {
  std::string dir;
  std::string model;  // model.sieve
  std::string skip;   // why the tests cannot run ("setup failed: ..." when training broke), or ""
};

// Trains on first use (about 40 s); later calls return the same model.
const TrainedModel& trained_model();

}  // namespace sieve::testing
