#pragma once
// The options of sieve score and sieve serve that say what to do with posts the model does not know.

#include <CLI/CLI.hpp>

#include "sieve/runtime/out_of_domain.h"

namespace sieve::cli {

void add_abstain_options(CLI::App& command, infer::AbstainPolicy& policy);

}  // namespace sieve::cli
