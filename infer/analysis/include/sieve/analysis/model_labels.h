#pragma once
// The label schema a model's heads read from a labelled file, so `sieve eval`, `sieve calibrate` and `sieve adapt` map
// columns exactly as the training data was mapped.

#include "sieve/datasets/record.h"
#include "sieve/runtime/model.h"

namespace sieve::analysis {

// One LabelHead per model head, in the model's order: binary heads labelled "0"/"1" read 0/1 values, any
// other head reads its class names.
datasets::LabelSchema label_schema_of(const infer::Model& model);

}  // namespace sieve::analysis
