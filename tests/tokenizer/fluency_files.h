#pragma once
// Fluency model files as older versions of the format held them, for the tests that read them.

#include <string>
#include <vector>

#include "sieve/tokenizer/fluency_model.h"

namespace sieve::tokenizer::testing {

// The file (format 4: exact counts in 16-byte slots, two folds, no contrast models) that training on the
// native examples wrote before the tables were quantized.
std::string exact_fluency_file(const std::vector<FluencyModel::Example>& examples,
                               const FluencyOptions& options);

}  // namespace sieve::tokenizer::testing
