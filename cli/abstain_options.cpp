#include "abstain_options.h"

namespace sieve::cli {

void add_abstain_options(CLI::App& command, infer::AbstainPolicy& policy) {
  command.add_flag_function(
      "--no-abstain", [&policy](std::int64_t) { policy.abstain = false; },
      "decide every post, also those unlike the training posts (\"ood\" above the limit) or too short");
  command
      .add_option_function<double>(
          "--ood-limit", [&policy](const double& limit) { policy.ood_limit = limit; },
          "abstain above this \"ood\" (default: the model's stored limit)")
      ->check(CLI::Range(0.0, 1.0));
}

}  // namespace sieve::cli
