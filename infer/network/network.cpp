#include "sieve/network/network.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "network_scratch.h"
#include "network_weights.h"
#include "sieve/core/error.h"

namespace sieve::infer {
namespace {

[[noreturn]] void bad_post(const std::string& message) {
  throw Error(ErrorKind::kInvalidInput, "post", message);
}

void pool(const detail::NetworkWeights& weights, const ModelConfig& config, const PostIds& post,
          detail::NetworkScratch& scratch, float* pooled) {
  switch (config.architecture) {
    case Architecture::kBag:
      detail::bag_embed(weights, config, post, scratch, pooled);
      break;
    case Architecture::kCnn:
      detail::cnn_embed(weights, config, post, scratch, pooled);
      break;
    case Architecture::kTransformer:
      detail::transformer_embed(weights, config, post, scratch, pooled);
      break;
  }
  detail::append_dense(weights, post, pooled);
}

}  // namespace

NetworkWorkspace::NetworkWorkspace() : scratch_(std::make_unique<detail::NetworkScratch>()) {}
NetworkWorkspace::~NetworkWorkspace() = default;
NetworkWorkspace::NetworkWorkspace(NetworkWorkspace&& other) noexcept = default;
NetworkWorkspace& NetworkWorkspace::operator=(NetworkWorkspace&& other) noexcept = default;

Network::Network(const ModelFile& file, ModelConfig config) : config_(std::move(config)) {
  try {
    config_.validate();
  } catch (const Error& e) {
    throw Error(ErrorKind::kFormat, file.path(), e.what());
  }
  auto weights = std::make_unique<detail::NetworkWeights>();
  switch (config_.architecture) {
    case Architecture::kBag:
      detail::bind_bag(file, config_, *weights);
      break;
    case Architecture::kCnn:
      detail::bind_cnn(file, config_, *weights);
      break;
    case Architecture::kTransformer:
      detail::bind_transformer(file, config_, *weights);
      break;
  }
  weights->embed_dim = weights->pooled_dim;
  if (config_.dense_inputs > 0) {
    weights->dense_inputs = static_cast<std::size_t>(config_.dense_inputs);
    weights->dense_shift = detail::NetworkWeights::vector(file, "dense_shift", config_.dense_inputs);
    weights->dense_scale = detail::NetworkWeights::vector(file, "dense_scale", config_.dense_inputs);
    weights->pooled_dim += weights->dense_inputs;
  }
  auto head_input = static_cast<std::int64_t>(weights->pooled_dim);
  if (config_.hidden > 0) {
    weights->has_hidden = true;
    weights->hidden = weights->dense(file, "hidden", config_.hidden, head_input);
    head_input = config_.hidden;
  }
  for (std::size_t k = 0; k < config_.heads.size(); ++k) {
    const int outputs = config_.heads[k].outputs();
    weights->heads.push_back(weights->dense(file, "heads." + std::to_string(k), outputs, head_input));
    weights->offsets.push_back(weights->outputs);
    weights->outputs += static_cast<std::size_t>(outputs);
  }
  if (config_.architecture == Architecture::kBag && !weights->has_hidden) detail::fold_bag_heads(*weights);
  weights_ = std::move(weights);
}

Network::~Network() = default;
Network::Network(Network&& other) noexcept = default;
Network& Network::operator=(Network&& other) noexcept = default;

bool Network::quantized() const { return weights_->quantized; }
std::size_t Network::output_count() const { return weights_->outputs; }
std::size_t Network::output_offset(std::size_t head) const { return weights_->offsets.at(head); }
std::size_t Network::pooled_dim() const { return weights_->pooled_dim; }

void Network::check(const PostIds& post) const {
  if (post.count > 0 && post.ids == nullptr) bad_post("ids is null");
  const auto dense = static_cast<std::size_t>(config_.dense_inputs);
  if (dense > 0 && (post.dense == nullptr || post.dense_count != dense)) {
    bad_post(std::to_string(post.dense_count) + " dense values for a model that reads " +
             std::to_string(dense));
  }
  for (std::size_t j = 0; j < dense; ++j) {
    if (!std::isfinite(post.dense[j])) bad_post("dense value " + std::to_string(j) + " is not finite");
  }
  if (post.subword_count > post.count) {
    bad_post("subword_count " + std::to_string(post.subword_count) + " exceeds count " +
             std::to_string(post.count));
  }
  // One pass with no branch per id on the common path; the message is built only for a bad post.
  std::uint32_t worst_subword = 0;
  for (std::size_t i = 0; i < post.subword_count; ++i) worst_subword = std::max(worst_subword, post.ids[i]);
  std::uint32_t worst_feature = 0;
  for (std::size_t i = post.subword_count; i < post.count; ++i)
    worst_feature = std::max(worst_feature, post.ids[i]);
  if (worst_subword < config_.vocab_size && worst_feature < config_.table_size) return;
  for (std::size_t i = 0; i < post.count; ++i) {
    const bool subword = i < post.subword_count;
    const std::uint32_t limit = subword ? config_.vocab_size : config_.table_size;
    if (post.ids[i] >= limit) {
      bad_post(std::string(subword ? "subword" : "feature") + " id " + std::to_string(post.ids[i]) + " at " +
               std::to_string(i) + " is not below " + (subword ? "vocab_size " : "table_size ") +
               std::to_string(limit));
    }
  }
}

void Network::embed(const PostIds& post, NetworkWorkspace& workspace, float* pooled) const {
  check(post);
  pool(*weights_, config_, post, workspace.scratch(), pooled);
}

void Network::forward(const PostIds& post, NetworkWorkspace& workspace, float* logits) const {
  check(post);
  detail::NetworkScratch& scratch = workspace.scratch();
  const detail::NetworkWeights& w = *weights_;
  if (!w.folded_heads.empty()) return detail::folded_bag_logits(w, post, scratch, logits);
  float* p = detail::grow(scratch.pooled, w.pooled_dim);
  pool(w, config_, post, scratch, p);
  const float* z = p;
  if (w.has_hidden) {
    float* h = detail::grow(scratch.hidden, w.hidden.weight.rows);
    detail::matvec(w.hidden.weight, p, w.hidden.bias, h);
    for (std::size_t i = 0; i < w.hidden.weight.rows; ++i) h[i] = std::max(h[i], 0.0f);
    z = h;
  }
  for (std::size_t k = 0; k < w.heads.size(); ++k) {
    detail::matvec(w.heads[k].weight, z, w.heads[k].bias, logits + w.offsets[k]);
  }
}

}  // namespace sieve::infer
