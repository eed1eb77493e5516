#pragma once
// Loading a model for scoring: Model::load, then its self-test, so that a runtime that does not compute
// what was trained refuses the file instead of writing wrong scores. `sieve score` and `sieve serve`.

#include <memory>
#include <string>

#include "sieve/runtime/model.h"

namespace sieve::infer {

// Throws what Model::load throws, and Error(kFormat, path, "self-test failed: ...") when the model's
// probabilities for its stored samples differ from the trainer's by more than the tolerance.
std::unique_ptr<const Model> load_checked_model(const std::string& path);

}  // namespace sieve::infer
