// The Torch-free runtime re-implements each forward from the math in the model headers and must match
// within 1e-4. These tests compute that math literally, one post at a time with explicit loops over windows,
// heads and tokens, and compare it with the modules, so the headers cannot drift from the code.

#include <gtest/gtest.h>
#include <torch/utils.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "sieve/models/model_factory.h"
#include "tiny_task.h"

namespace sieve::models {
namespace {

using Params = torch::OrderedDict<std::string, torch::Tensor>;

// A model after a few training steps, so that no parameter is still at its special starting value.
Classifier trained_model(const ModelConfig& config) {
  torch::manual_seed(11);
  const Classifier model = make_classifier(config);
  const testing::TinyTask task = testing::make_tiny_task();
  testing::train_steps(*model, make_feature_batch(task.posts(), config), 1e-2, 5);
  model->eval();
  return model;
}

torch::Tensor rows(const torch::Tensor& table, const std::vector<std::uint32_t>& ids, std::size_t count) {
  std::vector<torch::Tensor> out;
  for (std::size_t i = 0; i < count; ++i) out.push_back(table[static_cast<std::int64_t>(ids[i])]);
  return torch::stack(out);
}

torch::Tensor bag_vector(const Params& p, const std::vector<std::uint32_t>& ids, std::int64_t dim) {
  if (ids.empty()) return torch::zeros({dim});
  return rows(p["bag.weight"], ids, ids.size()).mean(0);
}

torch::Tensor layer_norm(const torch::Tensor& v, const torch::Tensor& g, const torch::Tensor& b) {
  const torch::Tensor mean = v.mean(-1, true);
  const torch::Tensor var = (v - mean).pow(2).mean(-1, true);  // biased
  return g * (v - mean) / torch::sqrt(var + 1e-5) + b;
}

torch::Tensor linear(const torch::Tensor& x, const Params& p, const std::string& name) {
  return x.matmul(p[name + ".weight"].t()) + p[name + ".bias"];
}

torch::Tensor cnn_reference(const ModelConfig& config, const Params& p, const std::vector<std::uint32_t>& ids,
                            std::uint32_t subword_count) {
  const std::size_t m = std::min<std::size_t>(subword_count, config.max_subwords);
  std::vector<torch::Tensor> parts{bag_vector(p, ids, config.dim)};
  for (std::size_t j = 0; j < config.cnn.widths.size(); ++j) {
    const auto w = static_cast<std::size_t>(config.cnn.widths[j]);
    const torch::Tensor weight = p["convs." + std::to_string(j) + ".weight"];  // [F, dim, w]
    const torch::Tensor bias = p["convs." + std::to_string(j) + ".bias"];
    const std::size_t padded = std::max(m, w);
    torch::Tensor g = torch::full({config.cnn.filters}, -INFINITY);
    for (std::size_t t = 0; t + w <= padded; ++t) {
      torch::Tensor c = bias.clone();
      for (std::size_t k = 0; k < w; ++k) {
        if (t + k >= m) continue;  // x = 0 beyond the post
        c = c + weight.select(2, static_cast<std::int64_t>(k))
                    .matmul(p["subword_embedding.weight"][static_cast<std::int64_t>(ids[t + k])]);
      }
      g = torch::maximum(g, torch::relu(c));
    }
    parts.push_back(g);
  }
  return torch::cat(parts);
}

torch::Tensor transformer_reference(const ModelConfig& config, const Params& p,
                                    const std::vector<std::uint32_t>& ids, std::uint32_t subword_count) {
  const std::int64_t d = config.transformer.d_model;
  const std::int64_t heads = config.transformer.attention_heads;
  const std::int64_t e = d / heads;
  const auto m = static_cast<std::int64_t>(std::min<std::size_t>(subword_count, config.max_subwords));
  if (m == 0) return torch::zeros({d});
  torch::Tensor x = rows(p["token_embedding.weight"], ids, static_cast<std::size_t>(m)) +
                    p["position_embedding.weight"].slice(0, 0, m);
  for (int l = 0; l < config.transformer.layers; ++l) {
    const std::string layer = "layers." + std::to_string(l) + ".";
    const torch::Tensor a =
        layer_norm(x, p[layer + "attention_norm.weight"], p[layer + "attention_norm.bias"]);
    const torch::Tensor qkv =
        a.matmul(p[layer + "attention.in_proj_weight"].t()) + p[layer + "attention.in_proj_bias"];
    std::vector<torch::Tensor> outputs;
    for (std::int64_t h = 0; h < heads; ++h) {
      const torch::Tensor q = qkv.slice(1, h * e, (h + 1) * e);
      const torch::Tensor k = qkv.slice(1, d + h * e, d + (h + 1) * e);
      const torch::Tensor v = qkv.slice(1, 2 * d + h * e, 2 * d + (h + 1) * e);
      const torch::Tensor alpha = torch::softmax(q.matmul(k.t()) / std::sqrt(static_cast<double>(e)), 1);
      outputs.push_back(alpha.matmul(v));
    }
    x = x + linear(torch::cat(outputs, 1), p, layer + "attention.out_proj");
    const torch::Tensor f = layer_norm(x, p[layer + "ffn_norm.weight"], p[layer + "ffn_norm.bias"]);
    x = x + linear(torch::relu(linear(f, p, layer + "ffn_in")), p, layer + "ffn_out");
  }
  return layer_norm(x, p["final_norm.weight"], p["final_norm.bias"]).mean(0);
}

void expect_embed_matches(
    ClassifierImpl& model,
    const std::function<torch::Tensor(const std::vector<std::uint32_t>&, std::uint32_t)>& reference) {
  torch::NoGradGuard no_grad;
  const testing::TinyTask task = testing::make_tiny_task();
  const torch::Tensor pooled = model.embed(make_feature_batch(task.posts(), model.config()));
  for (std::size_t i = 0; i < task.ids.size(); ++i) {
    const torch::Tensor expected = reference(task.ids[i], task.subword_counts[i]);
    const float error = (pooled[static_cast<std::int64_t>(i)] - expected).abs().max().item<float>();
    EXPECT_LT(error, 1e-5f) << "post " << i;
  }
}

TEST(ForwardMath, CnnIsTheDocumentedWindowsMaxPoolAndBagVector) {
  ModelConfig config = testing::tiny_config(Architecture::kCnn);
  config.max_subwords = 6;  // some posts are truncated, one is empty, several are shorter than 5
  const Classifier model = trained_model(config);
  const Params p = model->named_parameters();
  expect_embed_matches(*model, [&](const std::vector<std::uint32_t>& ids, std::uint32_t subwords) {
    return cnn_reference(config, p, ids, subwords);
  });
}

TEST(ForwardMath, TransformerIsTheDocumentedPreLnEncoderAndMeanPool) {
  ModelConfig config = testing::tiny_config(Architecture::kTransformer);
  config.max_subwords = 6;
  const Classifier model = trained_model(config);
  const Params p = model->named_parameters();
  expect_embed_matches(*model, [&](const std::vector<std::uint32_t>& ids, std::uint32_t subwords) {
    return transformer_reference(config, p, ids, subwords);
  });
}

TEST(ForwardMath, BagIsTheMeanOfAllFeatureRowsIgnoringMaxSubwords) {
  ModelConfig config = testing::tiny_config(Architecture::kBag);
  config.max_subwords = 2;
  const Classifier model = trained_model(config);
  const Params p = model->named_parameters();
  expect_embed_matches(*model, [&](const std::vector<std::uint32_t>& ids, std::uint32_t) {
    return bag_vector(p, ids, config.dim);
  });
}

}  // namespace
}  // namespace sieve::models
