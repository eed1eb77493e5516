#pragma once
// The paired objective: inside a group that holds both labels of a head (a learner sentence and its
// correction, an MT output and its human translation), the positive must score above the negative. Both
// sides come from one dataset, so this loss can only be lowered by the signal itself, never by telling
// datasets apart.
//
// For P pairs (p_j, n_j) of heads k_j, with x the logits of a batch of 2P posts holding the P positives
// and then their P negatives in the same order:
//   L = (1/P) Σ_j max(0, margin − (x_{k_j}[j] − x_{k_j}[P + j]))
// Only binary heads take pairs.

#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace sieve::models {

// logits: one tensor per head as ClassifierImpl::forward returns them for the 2P posts; pair_heads: the
// head of each pair (P values). Throws Error(kInvalidInput, "pair loss") for an odd batch, a head out of
// range or a multi-class head.
torch::Tensor pair_margin_loss(const std::vector<torch::Tensor>& logits,
                               const std::vector<std::uint32_t>& pair_heads, double margin);

}  // namespace sieve::models
