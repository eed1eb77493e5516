#pragma once
// What a model file says about how its network was trained (the run configuration the trainer stored in
// its provenance), for the adaptations that build on it.

#include <string>
#include <vector>

#include "sieve/runtime/model.h"

namespace sieve::adapt {

// The trainer's run configuration as TOML, or "" when the file has none.
std::string training_config_toml(const infer::Model& model);

// The sources the network was trained without (train.exclude_sources; leave-one-source-out): what an
// adaptation replays must not show them. Throws Error(kFormat) when the stored configuration is not TOML.
std::vector<std::string> excluded_sources(const infer::Model& model);

}  // namespace sieve::adapt
