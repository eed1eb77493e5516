#include "sieve/models/multi_task_loss.h"

#include <torch/nn/functional/loss.h>

#include <cmath>
#include <string>

#include "sieve/core/error.h"

namespace sieve::models {
namespace {

namespace F = torch::nn::functional;

void check_inputs(const std::vector<torch::Tensor>& logits, const torch::Tensor& labels,
                  const std::vector<float>& pos_weight) {
  if (logits.empty()) throw Error(ErrorKind::kInvalidInput, "loss", "no heads");
  if (!pos_weight.empty() && pos_weight.size() != logits.size()) {
    throw Error(ErrorKind::kConfig, "loss.pos_weight",
                "need one weight per head (" + std::to_string(logits.size()) + "), got " +
                    std::to_string(pos_weight.size()));
  }
  for (std::size_t k = 0; k < pos_weight.size(); ++k) {
    if (!(std::isfinite(pos_weight[k]) && pos_weight[k] > 0.0f)) {
      throw Error(ErrorKind::kConfig, "loss.pos_weight",
                  "head " + std::to_string(k) + ": must be finite and positive, got " +
                      std::to_string(pos_weight[k]));
    }
  }
  if (labels.dim() != 2 || labels.size(1) != static_cast<std::int64_t>(logits.size())) {
    throw Error(ErrorKind::kInvalidInput, "loss",
                "labels must be [batch, " + std::to_string(logits.size()) + "]");
  }
  for (const torch::Tensor& x : logits) {
    if (x.dim() < 1 || x.dim() > 2 || x.size(0) != labels.size(0)) {
      throw Error(ErrorKind::kInvalidInput, "loss", "logits must be [batch] or [batch, classes] per head");
    }
  }
}

}  // namespace

MultiTaskLoss multi_task_loss(const std::vector<torch::Tensor>& logits, const torch::Tensor& labels,
                              const std::vector<float>& pos_weight, const torch::Tensor& weights) {
  check_inputs(logits, labels, pos_weight);
  if (weights.defined() && (weights.dim() != 2 || weights.size(0) != labels.size(0) ||
                            weights.size(1) != labels.size(1))) {
    throw Error(ErrorKind::kInvalidInput, "loss", "weights must be [batch, heads] like labels");
  }
  MultiTaskLoss out;
  for (std::size_t k = 0; k < logits.size(); ++k) {
    const torch::Tensor y = labels.select(1, static_cast<std::int64_t>(k));
    const torch::Tensor rows = (y >= 0).nonzero().squeeze(1);
    const torch::Tensor x = logits[k].index_select(0, rows);
    const torch::Tensor target = y.index_select(0, rows);
    torch::Tensor loss;
    if (rows.size(0) == 0) {
      loss = x.sum();  // an empty sum: 0, still part of the graph, with a zero gradient
    } else if (logits[k].dim() == 1) {
      const float weight = pos_weight.empty() ? 1.0f : pos_weight[k];
      auto options =
          F::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(torch::full({1}, weight, x.options()));
      if (weights.defined()) options.weight(weights.select(1, static_cast<std::int64_t>(k)).index_select(0, rows));
      loss = F::binary_cross_entropy_with_logits(x, target.to(x.scalar_type()), options);
    } else if (weights.defined()) {
      const torch::Tensor w = weights.select(1, static_cast<std::int64_t>(k)).index_select(0, rows);
      loss = (F::cross_entropy(x, target, F::CrossEntropyFuncOptions().reduction(torch::kNone)) * w).mean();
    } else {
      loss = F::cross_entropy(x, target);
    }
    out.total = k == 0 ? loss : out.total + loss;
    out.per_head.push_back(loss);
    out.labelled.push_back(rows.size(0));
  }
  return out;
}

}  // namespace sieve::models
