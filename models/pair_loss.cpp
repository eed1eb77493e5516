#include "sieve/models/pair_loss.h"

#include <string>

#include "sieve/core/error.h"

namespace sieve::models {

torch::Tensor pair_margin_loss(const std::vector<torch::Tensor>& logits,
                               const std::vector<std::uint32_t>& pair_heads, double margin) {
  const auto pairs = static_cast<std::int64_t>(pair_heads.size());
  if (pairs == 0) throw Error(ErrorKind::kInvalidInput, "pair loss", "no pairs");
  std::vector<std::vector<std::int64_t>> by_head(logits.size());
  for (std::int64_t j = 0; j < pairs; ++j) {
    const std::uint32_t k = pair_heads[static_cast<std::size_t>(j)];
    if (k >= logits.size() || logits[k].dim() != 1 || logits[k].size(0) != 2 * pairs) {
      throw Error(ErrorKind::kInvalidInput, "pair loss",
                  "pair " + std::to_string(j) + ": head " + std::to_string(k) +
                      " is not a binary head with 2 × " + std::to_string(pairs) + " logits");
    }
    by_head[k].push_back(j);
  }
  std::vector<torch::Tensor> differences;
  for (std::size_t k = 0; k < by_head.size(); ++k) {
    if (by_head[k].empty()) continue;
    const torch::Tensor first = torch::tensor(by_head[k], torch::kInt64);
    differences.push_back(logits[k].index_select(0, first) - logits[k].index_select(0, first + pairs));
  }
  return torch::relu(margin - torch::cat(differences)).mean();
}

}  // namespace sieve::models
