// The Torch-free runtime (infer::Network) against LibTorch's eval-mode forward of the same model: the
// parameters go through a model file exactly as the exporter writes them, and every logit must agree
// within 1e-4 on the same feature ids (int8 weights: within the bound of tests/infer/quantize_test.cpp).

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "sieve/format/model_file.h"
#include "sieve/models/model_factory.h"
#include "sieve/models/parameter_export.h"
#include "sieve/network/network.h"
#include "sieve/network/quantize.h"

namespace sieve::models {
namespace {

constexpr float kTolerance = 1e-4f;

std::string temp_path(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("sieve_runtime_parity_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

ModelConfig config_of(Architecture architecture, int hidden, bool multiclass, int dense = 0) {
  ModelConfig c;
  c.dense_inputs = dense;
  c.architecture = architecture;
  c.vocab_size = 60;
  c.table_size = 700;
  c.dim = 20;
  c.hidden = hidden;
  c.max_subwords = 9;
  c.heads = {{"coordinated", 2}, {"machine", 2}};
  if (multiclass) c.heads.push_back({"lang", 4});
  c.cnn.widths = {1, 2, 4, 6};
  c.cnn.filters = 12;
  c.transformer.layers = 3;
  c.transformer.d_model = 24;
  c.transformer.attention_heads = 3;
  c.transformer.ffn_multiplier = 2;
  return c;
}

// Seeded weights, with everything that starts at a special value (zero heads, unit LayerNorms) moved away
// from it: a runtime that ignored a head's weights or a norm's gain would otherwise still pass.
Classifier perturbed_model(const ModelConfig& config, std::uint64_t seed) {
  torch::manual_seed(seed);
  Classifier model = make_classifier(config);
  torch::NoGradGuard no_grad;
  for (auto& item : model->named_parameters()) {
    const std::string& name = item.key();
    if (name.rfind("heads.", 0) == 0) item.value().uniform_(-0.8, 0.8);
    if (name.find("norm.") != std::string::npos)
      item.value().add_(torch::rand_like(item.value()) * 0.4 - 0.2);
  }
  if (config.dense_inputs > 0) {
    model->set_dense_standardization(torch::rand({config.dense_inputs}) - 0.5,
                                     torch::rand({config.dense_inputs}) + 0.5);
  }
  model->eval();
  return model;
}

struct Post {
  std::vector<std::uint32_t> ids;
  std::uint32_t subwords = 0;
  std::vector<float> dense;

  PostFeatures features() const { return {ids.data(), ids.size(), subwords, nullptr, dense.data()}; }
  infer::PostIds runtime() const { return {ids.data(), ids.size(), subwords, dense.data(), dense.size()}; }
};

// Empty, features only, one subword, shorter than the widest convolution, and longer than max_subwords.
std::vector<Post> random_posts(const ModelConfig& config) {
  std::mt19937 random(17);
  std::vector<Post> posts;
  for (const auto& [subwords, features] : std::vector<std::pair<std::uint32_t, std::uint32_t>>{
           {0, 0}, {0, 25}, {1, 0}, {1, 6}, {3, 20}, {5, 40}, {9, 60}, {20, 150}, {64, 400}}) {
    Post post;
    post.subwords = subwords;
    for (std::uint32_t i = 0; i < subwords; ++i) post.ids.push_back(random() % config.vocab_size);
    for (std::uint32_t i = 0; i < features; ++i) post.ids.push_back(random() % config.table_size);
    for (int j = 0; j < config.dense_inputs; ++j)
      post.dense.push_back(static_cast<float>(random() % 1000) / 250.0f - 2.0f);
    posts.push_back(std::move(post));
  }
  return posts;
}

// LibTorch's logits of one batch, post by post, laid out as a runtime row (heads concatenated).
std::vector<std::vector<float>> torch_logits(Classifier& model, const ModelConfig& config,
                                             const std::vector<Post>& posts) {
  std::vector<PostFeatures> features;
  for (const Post& post : posts) features.push_back(post.features());
  torch::NoGradGuard no_grad;
  const std::vector<torch::Tensor> logits = model->forward(make_feature_batch(features, config));
  std::vector<std::vector<float>> rows(posts.size());
  for (std::size_t h = 0; h < logits.size(); ++h) {
    const torch::Tensor x = logits[h].reshape({static_cast<std::int64_t>(posts.size()), -1}).contiguous();
    for (std::size_t b = 0; b < posts.size(); ++b) {
      const float* row = x[static_cast<std::int64_t>(b)].data_ptr<float>();
      rows[b].insert(rows[b].end(), row, row + x.size(1));
    }
  }
  return rows;
}

std::string write_model(Classifier& model, const std::string& name) {
  infer::ModelFileWriter writer;
  add_parameters(writer, *model);
  const std::string path = temp_path(name);
  writer.write(path);
  return path;
}

std::string quantize(const std::string& path, const std::string& name) {
  const infer::ModelFile in = infer::ModelFile::open(path);
  infer::ModelFileWriter writer;
  infer::add_quantized_tensors(in, writer);
  const std::string out = temp_path(name);
  writer.write(out);
  return out;
}

struct ParityCase {
  Architecture architecture;
  int hidden;
  bool multiclass;
  int dense = 0;  // values of the dense channel
};

std::string case_name(const ::testing::TestParamInfo<ParityCase>& info) {
  return std::string(architecture_name(info.param.architecture)) + (info.param.hidden ? "_hidden" : "") +
         (info.param.multiclass ? "_multiclass" : "_binary") + (info.param.dense ? "_dense" : "");
}

class RuntimeParityTest : public ::testing::TestWithParam<ParityCase> {};

TEST_P(RuntimeParityTest, RuntimeLogitsEqualLibTorchEvalForward) {
  const ModelConfig config =
      config_of(GetParam().architecture, GetParam().hidden, GetParam().multiclass, GetParam().dense);
  Classifier model = perturbed_model(config, 5);
  const std::vector<Post> posts = random_posts(config);
  const infer::ModelFile file = infer::ModelFile::open(write_model(model, "parity.sieve"));
  const infer::Network network(file, config);
  ASSERT_FALSE(network.quantized());

  // One post per batch, and all posts in one padded batch: LibTorch must agree with itself, and the
  // runtime with both.
  const std::vector<std::vector<float>> batched = torch_logits(model, config, posts);
  infer::NetworkWorkspace workspace;
  float largest = 0;
  for (std::size_t i = 0; i < posts.size(); ++i) {
    const std::vector<float> expected = torch_logits(model, config, {posts[i]})[0];
    ASSERT_EQ(expected.size(), network.output_count());
    std::vector<float> actual(network.output_count());
    network.forward(posts[i].runtime(), workspace, actual.data());
    for (std::size_t k = 0; k < actual.size(); ++k) {
      EXPECT_NEAR(actual[k], expected[k], kTolerance) << "post " << i << " output " << k;
      EXPECT_NEAR(actual[k], batched[i][k], kTolerance) << "post " << i << " output " << k << " (batched)";
      largest = std::max(largest, std::fabs(expected[k]));
    }
  }
  EXPECT_GT(largest, 0.1f);  // the heads really do something, so a wrong runtime could not pass
}

TEST_P(RuntimeParityTest, RuntimePooledVectorEqualsLibTorchEmbed) {
  const ModelConfig config =
      config_of(GetParam().architecture, GetParam().hidden, GetParam().multiclass, GetParam().dense);
  Classifier model = perturbed_model(config, 6);
  const std::vector<Post> posts = random_posts(config);
  const infer::ModelFile file = infer::ModelFile::open(write_model(model, "embed.sieve"));
  const infer::Network network(file, config);
  ASSERT_EQ(network.pooled_dim(), static_cast<std::size_t>(model->pooled_dim()));
  infer::NetworkWorkspace workspace;
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < posts.size(); ++i) {
    const torch::Tensor expected =
        model->pooled(make_feature_batch({posts[i].features()}, config))[0].contiguous();
    std::vector<float> actual(network.pooled_dim());
    network.embed(posts[i].runtime(), workspace, actual.data());
    for (std::size_t k = 0; k < actual.size(); ++k) {
      EXPECT_NEAR(actual[k], expected[static_cast<std::int64_t>(k)].item<float>(), kTolerance)
          << "post " << i << " value " << k;
    }
  }
}

// int8 weights: within 2% of the largest logit magnitude (0.02 for small logits), the bound argued in
// tests/infer/quantize_test.cpp.
TEST_P(RuntimeParityTest, Int8RuntimeStaysCloseToLibTorch) {
  const ModelConfig config =
      config_of(GetParam().architecture, GetParam().hidden, GetParam().multiclass, GetParam().dense);
  Classifier model = perturbed_model(config, 7);
  const std::vector<Post> posts = random_posts(config);
  const infer::ModelFile file = infer::ModelFile::open(quantize(write_model(model, "int8.sieve"), "q.sieve"));
  const infer::Network network(file, config);
  ASSERT_TRUE(network.quantized());
  const std::vector<std::vector<float>> expected = torch_logits(model, config, posts);
  infer::NetworkWorkspace workspace;
  float largest_logit = 0, largest_difference = 0;
  for (std::size_t i = 0; i < posts.size(); ++i) {
    std::vector<float> actual(network.output_count());
    network.forward(posts[i].runtime(), workspace, actual.data());
    for (std::size_t k = 0; k < actual.size(); ++k) {
      largest_logit = std::max(largest_logit, std::fabs(expected[i][k]));
      largest_difference = std::max(largest_difference, std::fabs(actual[k] - expected[i][k]));
    }
  }
  EXPECT_LT(largest_difference, 0.02f * std::max(1.0f, largest_logit)) << "largest logit " << largest_logit;
}

INSTANTIATE_TEST_SUITE_P(Architectures, RuntimeParityTest,
                         ::testing::Values(ParityCase{Architecture::kBag, 0, false},
                                           ParityCase{Architecture::kBag, 16, true},
                                           ParityCase{Architecture::kCnn, 0, true},
                                           ParityCase{Architecture::kCnn, 16, false},
                                           ParityCase{Architecture::kTransformer, 0, false},
                                           ParityCase{Architecture::kTransformer, 16, true},
                                           ParityCase{Architecture::kBag, 0, false, 5},
                                           ParityCase{Architecture::kBag, 16, true, 5},
                                           ParityCase{Architecture::kCnn, 0, false, 5}),
                         case_name);

}  // namespace
}  // namespace sieve::models
