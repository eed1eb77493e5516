#pragma once
// A classifier's parameters as model.sieve tensors: one F32 tensor per LibTorch named parameter, under its
// name ("bag.weight", "heads.0.weight", ...), which is exactly what the Torch-free infer::Network binds.
// The one place that maps LibTorch parameters to the file, for the exporter and the parity tests alike.

#include "sieve/format/model_file.h"
#include "sieve/models/classifier.h"

namespace sieve::models {

// Adds every named parameter of model to writer, in registration order, as contiguous fp32.
void add_parameters(infer::ModelFileWriter& writer, ClassifierImpl& model);

}  // namespace sieve::models
