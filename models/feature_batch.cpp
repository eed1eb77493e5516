#include "sieve/models/feature_batch.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "sieve/core/error.h"

namespace sieve::models {
namespace {

[[noreturn]] void fail(std::size_t post, const std::string& message) {
  throw Error(ErrorKind::kInvalidInput, "batch post " + std::to_string(post), message);
}

void check_post(const PostFeatures& post, std::size_t index, const ModelConfig& config) {
  if (post.id_count > 0 && post.ids == nullptr) fail(index, "ids is null");
  if (post.subword_count > post.id_count) {
    fail(index, "subword_count " + std::to_string(post.subword_count) + " exceeds id_count " +
                    std::to_string(post.id_count));
  }
  for (std::size_t i = 0; i < post.id_count; ++i) {
    const std::uint32_t limit = i < post.subword_count ? config.vocab_size : config.table_size;
    if (post.ids[i] >= limit) {
      fail(index, std::string(i < post.subword_count ? "subword" : "feature") + " id " +
                      std::to_string(post.ids[i]) + " at " + std::to_string(i) + " is not below " +
                      (i < post.subword_count ? "vocab_size " : "table_size ") + std::to_string(limit));
    }
  }
  if (config.dense_inputs > 0) {
    if (post.dense == nullptr) fail(index, "no dense values for a model with " + std::to_string(config.dense_inputs));
    for (int j = 0; j < config.dense_inputs; ++j) {
      if (!std::isfinite(post.dense[j])) fail(index, "dense value " + std::to_string(j) + " is not finite");
    }
  }
  if (post.labels == nullptr) return;
  for (std::size_t h = 0; h < config.heads.size(); ++h) {
    const int label = post.labels[h];
    if (label < kMissingLabel || label >= config.heads[h].num_classes) {
      fail(index, "head " + config.heads[h].name + ": label " + std::to_string(label) + " is not in [-1, " +
                      std::to_string(config.heads[h].num_classes) + ")");
    }
  }
}

}  // namespace

FeatureBatch make_feature_batch(const std::vector<PostFeatures>& posts, const ModelConfig& config) {
  if (posts.empty()) throw Error(ErrorKind::kInvalidInput, "batch", "no posts");
  const auto batch = static_cast<std::int64_t>(posts.size());
  const auto heads = static_cast<std::int64_t>(config.heads.size());
  std::int64_t total_ids = 0;
  std::int64_t longest = 1;  // at least one column, so that every tensor op sees a non-empty row
  for (std::size_t p = 0; p < posts.size(); ++p) {
    check_post(posts[p], p, config);
    total_ids += static_cast<std::int64_t>(posts[p].id_count);
    longest =
        std::max<std::int64_t>(longest, std::min<std::int64_t>(posts[p].subword_count, config.max_subwords));
  }

  FeatureBatch out;
  out.ids = torch::empty({total_ids}, torch::kInt64);
  out.offsets = torch::empty({batch}, torch::kInt64);
  out.subwords = torch::zeros({batch, longest}, torch::kInt64);
  out.lengths = torch::empty({batch}, torch::kInt64);
  out.mask = torch::zeros({batch, longest}, torch::kBool);
  out.labels = torch::full({batch, heads}, static_cast<std::int64_t>(kMissingLabel), torch::kInt64);
  const std::int64_t dense_width = config.dense_inputs;
  if (dense_width > 0) out.dense = torch::empty({batch, dense_width}, torch::kFloat32);

  std::int64_t* ids = out.ids.data_ptr<std::int64_t>();
  std::int64_t* offsets = out.offsets.data_ptr<std::int64_t>();
  std::int64_t* subwords = out.subwords.data_ptr<std::int64_t>();
  std::int64_t* lengths = out.lengths.data_ptr<std::int64_t>();
  bool* mask = out.mask.data_ptr<bool>();
  std::int64_t* labels = out.labels.data_ptr<std::int64_t>();
  std::int64_t next = 0;
  for (std::int64_t b = 0; b < batch; ++b) {
    const PostFeatures& post = posts[static_cast<std::size_t>(b)];
    offsets[b] = next;
    std::copy(post.ids, post.ids + post.id_count, ids + next);
    next += static_cast<std::int64_t>(post.id_count);
    const std::int64_t length = std::min<std::int64_t>(post.subword_count, config.max_subwords);
    lengths[b] = length;
    std::copy(post.ids, post.ids + length, subwords + b * longest);
    std::fill(mask + b * longest, mask + b * longest + length, true);
    if (post.labels != nullptr) std::copy(post.labels, post.labels + heads, labels + b * heads);
    if (dense_width > 0) std::copy_n(post.dense, dense_width, out.dense.data_ptr<float>() + b * dense_width);
  }
  return out;
}

}  // namespace sieve::models
