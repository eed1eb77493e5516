#include "sieve/runtime/checked_model.h"

#include "sieve/core/error.h"

namespace sieve::infer {

std::unique_ptr<const Model> load_checked_model(const std::string& path) {
  auto model = Model::load(path);
  const SelfTestResult check = model->self_test();
  if (!check.passed()) {
    throw Error(ErrorKind::kFormat, path,
                "self-test failed: sample " + std::to_string(check.worst_sample) + " scores " +
                    std::to_string(check.max_difference) +
                    " away from the trainer's probability (tolerance " + std::to_string(check.tolerance) +
                    "): this runtime does not compute what was trained");
  }
  return model;
}

}  // namespace sieve::infer
