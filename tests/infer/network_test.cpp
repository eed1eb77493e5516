// The Torch-free network on hostile files and hostile posts. That its numbers are LibTorch's is checked
// by tests/models/runtime_parity_test.cpp, on the LibTorch side.

#include "sieve/network/network.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <thread>
#include <vector>

#include "error_text.h"
#include "network_fixtures.h"

namespace sieve::infer {
namespace {

using sieve::testing::error_text;
using testing::find_spec;
using testing::random_parameters;
using testing::small_config;
using testing::temp_path;
using testing::TensorSpec;
using testing::write_model;

// Feature ids of a post: `subwords` subword ids, then `features` hashed ids.
std::vector<std::uint32_t> random_post(const ModelConfig& config, std::size_t subwords, std::size_t features,
                                       std::uint32_t seed) {
  std::mt19937 random(seed);
  std::vector<std::uint32_t> ids;
  for (std::size_t i = 0; i < subwords; ++i) ids.push_back(random() % config.vocab_size);
  for (std::size_t i = 0; i < features; ++i) ids.push_back(random() % config.table_size);
  return ids;
}

PostIds post_of(const std::vector<std::uint32_t>& ids, std::uint32_t subwords) {
  return PostIds{ids.data(), ids.size(), subwords};
}

std::vector<float> logits(const Network& network, const PostIds& post, NetworkWorkspace& workspace) {
  std::vector<float> out(network.output_count());
  network.forward(post, workspace, out.data());
  return out;
}

std::vector<float> floats(const TensorSpec& t) {
  std::vector<float> out(t.bytes.size() / sizeof(float));
  std::memcpy(out.data(), t.bytes.data(), t.bytes.size());
  return out;
}

// Binds a network to the tensors after `damage` changed them; returns what the binding threw.
std::string bind_error(const ModelConfig& config, const std::function<void(std::vector<TensorSpec>&)>& damage,
                       std::string* path_out = nullptr) {
  std::vector<TensorSpec> tensors = random_parameters(config, 3);
  damage(tensors);
  const std::string path = temp_path("damaged.sieve");
  write_model(path, tensors);
  if (path_out) *path_out = path;
  const ModelFile file = ModelFile::open(path);
  return error_text([&] { Network network(file, config); });
}

TEST(NetworkTest, ReportsItsOutputLayout) {
  for (const Architecture a : {Architecture::kBag, Architecture::kCnn, Architecture::kTransformer}) {
    const ModelConfig config = small_config(a, 0, true);
    const std::string path = temp_path("layout.sieve");
    write_model(path, random_parameters(config, 1));
    const ModelFile file = ModelFile::open(path);
    const Network network(file, config);
    EXPECT_EQ(network.output_count(), 4u);
    EXPECT_EQ(network.output_offset(0), 0u);
    EXPECT_EQ(network.output_offset(1), 1u);
    EXPECT_FALSE(network.quantized());
    EXPECT_EQ(network.config(), config);
    const std::size_t pooled = a == Architecture::kBag ? 24 : a == Architecture::kCnn ? 24 + 3 * 8 : 16;
    EXPECT_EQ(network.pooled_dim(), pooled) << architecture_name(a);
  }
}

TEST(NetworkTest, MissingTensorIsNamed) {
  std::string path;
  const std::string text = bind_error(
      small_config(Architecture::kCnn, 0, false),
      [](std::vector<TensorSpec>& t) {
        t.erase(
            std::remove_if(t.begin(), t.end(), [](const TensorSpec& s) { return s.name == "convs.1.bias"; }),
            t.end());
      },
      &path);
  EXPECT_EQ(text, "format: " + path + ": no tensor 'convs.1.bias'");
}

TEST(NetworkTest, WrongShapeIsNamed) {
  std::string path;
  const std::string text = bind_error(
      small_config(Architecture::kBag, 0, false),
      [](std::vector<TensorSpec>& t) {
        TensorSpec& head = find_spec(t, "heads.0.weight");
        head.shape = {2, 12};  // as many values, wrong shape
      },
      &path);
  EXPECT_EQ(text, "format: " + path + ": tensor 'heads.0.weight' has shape [2,12], expected [1,24]");
}

TEST(NetworkTest, WrongLayerCountIsTheMissingLayer) {
  ModelConfig config = small_config(Architecture::kTransformer, 0, false);
  std::string path;
  ModelConfig deeper = config;
  deeper.transformer.layers = 3;
  std::vector<TensorSpec> tensors = random_parameters(config, 3);
  path = temp_path("shallow.sieve");
  write_model(path, tensors);
  const ModelFile file = ModelFile::open(path);
  EXPECT_EQ(error_text([&] { Network network(file, deeper); }),
            "format: " + path + ": no tensor 'layers.2.attention_norm.weight'");
}

TEST(NetworkTest, WrongDtypeIsNamed) {
  std::string path;
  std::string text = bind_error(
      small_config(Architecture::kTransformer, 0, false),
      [](std::vector<TensorSpec>& t) { find_spec(t, "layers.1.ffn_in.weight").dtype = DType::kI32; }, &path);
  EXPECT_EQ(text, "format: " + path + ": tensor 'layers.1.ffn_in.weight' is I32, expected F32 or I8");
  text = bind_error(
      small_config(Architecture::kBag, 16, false),
      [](std::vector<TensorSpec>& t) {
        TensorSpec& bias = find_spec(t, "hidden.bias");
        bias.dtype = DType::kI8;
        bias.bytes.resize(16);
      },
      &path);
  EXPECT_EQ(text, "format: " + path + ": tensor 'hidden.bias' is I8, expected F32");
}

// Found by model_fuzzer: NaN or infinite weights loaded, and every score was NaN.
TEST(NetworkTest, NonFiniteWeightsAreNamed) {
  std::string path;
  const std::string text = bind_error(
      small_config(Architecture::kBag, 0, false),
      [](std::vector<TensorSpec>& t) {
        const float bad = std::numeric_limits<float>::quiet_NaN();
        std::memcpy(find_spec(t, "heads.0.weight").bytes.data() + 2 * sizeof(float), &bad, sizeof bad);
      },
      &path);
  EXPECT_EQ(text, "format: " + path + ": tensor 'heads.0.weight' holds a non-finite value at index 2");
}

TEST(NetworkTest, InvalidConfigIsAFormatErrorOfTheFile) {
  ModelConfig config = small_config(Architecture::kBag, 0, false);
  const std::string path = temp_path("config.sieve");
  write_model(path, random_parameters(config, 1));
  const ModelFile file = ModelFile::open(path);
  config.heads.clear();
  EXPECT_EQ(error_text([&] { Network network(file, config); }),
            "format: " + path + ": model.heads: at least one head is needed");
}

class PostCheckTest : public ::testing::TestWithParam<Architecture> {};

TEST_P(PostCheckTest, RejectsBadPostsWithoutReadingThem) {
  const ModelConfig config = small_config(GetParam(), 8, true);
  const std::string path = temp_path("posts.sieve");
  write_model(path, random_parameters(config, 1));
  const ModelFile file = ModelFile::open(path);
  const Network network(file, config);
  NetworkWorkspace workspace;
  std::vector<float> out(network.output_count());
  const auto forward = [&](std::vector<std::uint32_t> ids, std::uint32_t subwords) {
    return error_text([&] { network.forward(post_of(ids, subwords), workspace, out.data()); });
  };
  EXPECT_EQ(forward({1, 2, 300}, 2), "invalid input: post: feature id 300 at 2 is not below table_size 300");
  EXPECT_EQ(forward({1, 50, 7}, 2), "invalid input: post: subword id 50 at 1 is not below vocab_size 50");
  EXPECT_EQ(forward({1, 4294967295u}, 1),
            "invalid input: post: feature id 4294967295 at 1 is not below table_size 300");
  EXPECT_EQ(forward({1, 2}, 3), "invalid input: post: subword_count 3 exceeds count 2");
  EXPECT_EQ(error_text([&] {
              network.forward(PostIds{nullptr, 3, 0}, workspace, out.data());
            }),
            "invalid input: post: ids is null");
  std::vector<float> pooled(network.pooled_dim());
  EXPECT_EQ(error_text([&] {
              network.embed(PostIds{nullptr, 2, 4}, workspace, pooled.data());
            }),
            "invalid input: post: ids is null");
  // Feature ids may be anything below table_size, subword ids only below vocab_size.
  EXPECT_EQ(forward({1, 2, 299}, 2), "no error");
  // The workspace is still good after the errors.
  EXPECT_EQ(forward({}, 0), "no error");
}

INSTANTIATE_TEST_SUITE_P(Architectures, PostCheckTest,
                         ::testing::Values(Architecture::kBag, Architecture::kCnn,
                                           Architecture::kTransformer));

TEST(NetworkTest, EmptyPostPoolsToZeroForBagAndTransformerAndToReluBiasForCnn) {
  for (const Architecture a : {Architecture::kBag, Architecture::kCnn, Architecture::kTransformer}) {
    const ModelConfig config = small_config(a, 0, true);
    std::vector<TensorSpec> tensors = random_parameters(config, 5);
    const std::string path = temp_path("empty.sieve");
    write_model(path, tensors);
    const ModelFile file = ModelFile::open(path);
    const Network network(file, config);
    NetworkWorkspace workspace;
    std::vector<float> pooled(network.pooled_dim(), 7.0f);
    network.embed(PostIds{}, workspace, pooled.data());
    std::vector<float> expected(network.pooled_dim(), 0.0f);
    if (a == Architecture::kCnn) {
      for (std::size_t j = 0; j < 3; ++j) {
        const std::vector<float> bias = floats(find_spec(tensors, "convs." + std::to_string(j) + ".bias"));
        for (std::size_t f = 0; f < 8; ++f) expected[24 + j * 8 + f] = std::max(bias[f], 0.0f);
      }
    }
    EXPECT_EQ(pooled, expected) << architecture_name(a);
    if (a == Architecture::kCnn) continue;
    // p = 0 and no hidden layer: every logit is its head's bias.
    const std::vector<float> out = logits(network, PostIds{}, workspace);
    std::vector<float> biases = floats(find_spec(tensors, "heads.0.bias"));
    const std::vector<float> lang = floats(find_spec(tensors, "heads.1.bias"));
    biases.insert(biases.end(), lang.begin(), lang.end());
    EXPECT_EQ(out, biases) << architecture_name(a);
  }
}

TEST(NetworkTest, BagIsTheMeanOfItsRowsThroughTheHeads) {
  const ModelConfig config = small_config(Architecture::kBag, 0, false);
  std::vector<TensorSpec> tensors = random_parameters(config, 9);
  const std::string path = temp_path("bag.sieve");
  write_model(path, tensors);
  const ModelFile file = ModelFile::open(path);
  const Network network(file, config);
  NetworkWorkspace workspace;
  const std::vector<std::uint32_t> ids = random_post(config, 7, 30, 4);
  const std::vector<float> table = floats(find_spec(tensors, "bag.weight"));
  const std::vector<float> head = floats(find_spec(tensors, "heads.0.weight"));
  double logit = floats(find_spec(tensors, "heads.0.bias"))[0];
  for (std::size_t e = 0; e < 24; ++e) {
    double sum = 0;
    for (const std::uint32_t id : ids) sum += table[id * 24 + e];
    logit += head[e] * sum / static_cast<double>(ids.size());
  }
  EXPECT_NEAR(logits(network, post_of(ids, 7), workspace)[0], logit, 1e-5);
}

TEST(NetworkTest, WorkspaceKeepsNoStateBetweenPosts) {
  for (const Architecture a : {Architecture::kBag, Architecture::kCnn, Architecture::kTransformer}) {
    const ModelConfig config = small_config(a, 8, true);
    const std::string path = temp_path("workspace.sieve");
    write_model(path, random_parameters(config, 2));
    const ModelFile file = ModelFile::open(path);
    const Network network(file, config);
    const std::vector<std::uint32_t> short_post = random_post(config, 2, 5, 1);
    const std::vector<std::uint32_t> long_post = random_post(config, 40, 200, 2);  // beyond max_subwords
    NetworkWorkspace fresh;
    const std::vector<float> expected = logits(network, post_of(short_post, 2), fresh);
    NetworkWorkspace used;
    logits(network, post_of(long_post, 40), used);
    EXPECT_EQ(logits(network, post_of(short_post, 2), used), expected) << architecture_name(a);
    NetworkWorkspace moved = std::move(used);
    EXPECT_EQ(logits(network, post_of(short_post, 2), moved), expected) << architecture_name(a);
  }
}

TEST(NetworkTest, ThreadsShareOneNetwork) {
  const ModelConfig config = small_config(Architecture::kTransformer, 8, true);
  const std::string path = temp_path("threads.sieve");
  write_model(path, random_parameters(config, 2));
  const ModelFile file = ModelFile::open(path);
  const Network network(file, config);
  std::vector<std::vector<std::uint32_t>> posts;
  std::vector<std::vector<float>> expected;
  NetworkWorkspace workspace;
  for (std::uint32_t i = 0; i < 16; ++i) {
    posts.push_back(random_post(config, i, 3 * i, i));
    expected.push_back(logits(network, post_of(posts.back(), i), workspace));
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      NetworkWorkspace own;
      for (int round = 0; round < 50; ++round) {
        for (std::uint32_t i = 0; i < posts.size(); ++i) {
          if (logits(network, post_of(posts[i], i), own) != expected[i]) ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace sieve::infer
