#pragma once
// The training loss of a multi-task classifier, masked per head: a post contributes to a head's loss only
// when it carries that head's label.
//
// For head k, with S_k the posts of the batch whose label y for k is not -1 and n_k = |S_k|:
//   binary:       L_k = (1/n_k) Σ_{i∈S_k} [ w_k · y_i · softplus(−x_i) + (1 − y_i) · softplus(x_i) ]
//                 (BCE with logits; w_k = pos_weight[k] scales the positive term only, and the mean is
//                 over posts, not over weights, as torch's binary_cross_entropy_with_logits)
//   multi-class:  L_k = (1/n_k) Σ_{i∈S_k} [ logsumexp(x_i) − x_i[y_i] ]         (cross-entropy)
//   n_k = 0:      L_k = 0
//   total = Σ_k L_k
// With per-post weights w_ik (weights, [B, heads]), each post's term above is multiplied by w_ik; the mean
// stays over n_k posts, so weights of mean 1 keep the loss's scale.
// Masked posts are dropped before any arithmetic, so their logits reach neither the loss nor the
// gradient (their gradient is exactly 0, even for a NaN logit), and they count in no denominator.
//
// The total is a sum over heads, not a mean over the heads labelled in the batch: with a mean, a head's
// effective learning rate would change from batch to batch with how many other heads happen to carry
// labels. Each head's own mean keeps its scale independent of how many of its labels a batch holds.

#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace sieve::models {

// One batch's loss: what to minimise and what to log.
struct MultiTaskLoss {
  torch::Tensor total;                  // scalar to minimise; differentiable even when no head has labels
  std::vector<torch::Tensor> per_head;  // scalar L_k per head (for logging), 0 for a head without labels
  std::vector<std::int64_t> labelled;   // n_k per head
};

// logits: one tensor per head as ClassifierImpl::forward returns them ([B] binary, [B, C] multi-class);
// labels: int64 [B, heads] with -1 for missing (FeatureBatch::labels); pos_weight: one per head (ignored
// for multi-class heads), empty for all 1. Throws Error(kConfig, "loss.pos_weight") for a wrong count or
// a weight that is not finite and positive, Error(kInvalidInput, "loss") for shapes that disagree.
// weights: float [B, heads] per-post loss weights, or undefined for all 1.
MultiTaskLoss multi_task_loss(const std::vector<torch::Tensor>& logits, const torch::Tensor& labels,
                              const std::vector<float>& pos_weight = {},
                              const torch::Tensor& weights = {});

}  // namespace sieve::models
