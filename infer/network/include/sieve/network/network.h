#pragma once
// The Torch-free forward pass of a classifier on feature ids: bag, cnn or transformer, then the heads,
// computed exactly as the model headers in models/include/sieve/models/ state it (eval mode). The weights
// stay in the mapped model file, fp32 or int8 with per-row scales; nothing here knows about text.

#include <cstddef>
#include <cstdint>
#include <memory>

#include "sieve/format/model_config.h"
#include "sieve/format/model_file.h"

namespace sieve::infer {

namespace detail {
struct NetworkScratch;
struct NetworkWeights;
}  // namespace detail

// The feature ids of one post, as the featurizer and the shards lay them out: the first subword_count are
// subword ids in text order, then hashed bigram and character n-gram ids.
// With a dense channel (ModelConfig::dense_inputs = D > 0), also its D values, as the featurizer computes
// them.
struct PostIds {
  const std::uint32_t* ids = nullptr;
  std::size_t count = 0;
  std::uint32_t subword_count = 0;
  const float* dense = nullptr;
  std::size_t dense_count = 0;
};

// Per-thread scratch of Network: grows to the largest post seen, then the forward pass allocates nothing.
class NetworkWorkspace {
 public:
  NetworkWorkspace();
  ~NetworkWorkspace();
  NetworkWorkspace(NetworkWorkspace&& other) noexcept;
  NetworkWorkspace& operator=(NetworkWorkspace&& other) noexcept;
  NetworkWorkspace(const NetworkWorkspace&) = delete;
  NetworkWorkspace& operator=(const NetworkWorkspace&) = delete;

  detail::NetworkScratch& scratch() { return *scratch_; }

 private:
  std::unique_ptr<detail::NetworkScratch> scratch_;
};

// One model's network, bound to the tensors of an open model file (fp32, or int8 with per-row scales).
// Immutable; forward() is const and safe from any number of threads, each with its own workspace.
class Network {
 public:
  // Checks every tensor the config needs (name, dtype, shape) and throws Error(kFormat, file.path(), ...)
  // naming the tensor. The file must outlive the Network.
  Network(const ModelFile& file, ModelConfig config);
  ~Network();
  Network(Network&& other) noexcept;
  Network& operator=(Network&& other) noexcept;
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  const ModelConfig& config() const { return config_; }
  bool quantized() const;                             // any weight stored as int8
  std::size_t output_count() const;                   // Σ over heads of 1 (binary) or num_classes
  std::size_t output_offset(std::size_t head) const;  // where head k's logits start in a row
  std::size_t pooled_dim() const;

  // The logits of one post into logits[0, output_count()). Throws Error(kInvalidInput, "post", ...) when an
  // id is out of range, subword_count > count, or the dense values are missing, miscounted or not finite;
  // never reads out of bounds.
  void forward(const PostIds& post, NetworkWorkspace& workspace, float* logits) const;
  // The pooled vector p (before the hidden layer, dense values included) into pooled[0, pooled_dim()).
  void embed(const PostIds& post, NetworkWorkspace& workspace, float* pooled) const;

 private:
  void check(const PostIds& post) const;

  ModelConfig config_;
  std::unique_ptr<const detail::NetworkWeights> weights_;
};

}  // namespace sieve::infer
