#pragma once
// The network description belongs to the model file format, so the Torch-free runtime reads it too.

#include "sieve/format/model_config.h"

namespace sieve::models {

using infer::Architecture;
using infer::architecture_name;
using infer::CnnConfig;
using infer::HeadConfig;
using infer::ModelConfig;
using infer::parse_architecture;
using infer::TransformerConfig;

}  // namespace sieve::models
