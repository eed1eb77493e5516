// bag (models/include/sieve/models/bag_model.h): p = the mean of the bag rows of every feature id.

#include "network_weights.h"

namespace sieve::infer::detail {

void bind_bag(const ModelFile& file, const ModelConfig& config, NetworkWeights& weights) {
  weights.bag = weights.matrix(file, "bag.weight", {config.table_size, config.dim});
  weights.pooled_dim = static_cast<std::size_t>(config.dim);
}

void bag_embed(const NetworkWeights& weights, const ModelConfig&, const PostIds& post, NetworkScratch&,
               float* pooled) {
  mean_rows(weights.bag, post.ids, post.count, pooled);
}

}  // namespace sieve::infer::detail
