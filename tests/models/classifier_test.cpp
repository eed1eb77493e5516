#include "sieve/models/classifier.h"

#include <gtest/gtest.h>
#include <torch/utils.h>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "error_text.h"
#include "sieve/models/model_factory.h"
#include "sieve/models/multi_task_loss.h"
#include "tiny_task.h"

namespace sieve::models {
namespace {

using testing::make_tiny_task;
using testing::tiny_config;

// "name [d0, d1]" per parameter, in registration order: the names and shapes the exporter maps.
std::string parameter_layout(const ClassifierImpl& model) {
  std::ostringstream out;
  for (const auto& p : model.named_parameters()) out << p.key() << " " << p.value().sizes() << "\n";
  return out.str();
}

std::vector<torch::Tensor> all_parameters(const ClassifierImpl& model) {
  std::vector<torch::Tensor> out;
  for (const torch::Tensor& p : model.parameters()) out.push_back(p.detach().clone());
  return out;
}

class EveryArchitecture : public ::testing::TestWithParam<Architecture> {};

INSTANTIATE_TEST_SUITE_P(Models, EveryArchitecture,
                         ::testing::Values(Architecture::kBag, Architecture::kCnn,
                                           Architecture::kTransformer),
                         [](const auto& info) { return std::string(architecture_name(info.param)); });

TEST_P(EveryArchitecture, OverfitsTheTinyTaskOnEveryLabelledPostAndHead) {
  torch::manual_seed(1);
  const Classifier model = make_classifier(tiny_config(GetParam()));
  const testing::TinyTask task = make_tiny_task();
  const FeatureBatch batch = make_feature_batch(task.posts(), model->config());
  EXPECT_LT(testing::accuracy(*model, batch), 0.75);  // zero heads: every binary logit is 0, kind uniform
  const int steps = testing::steps_to_fit(*model, batch, /*lr=*/1e-2, /*max_steps=*/300);
  EXPECT_GT(steps, 0) << "not fitted in 300 steps";
  RecordProperty("steps", steps);
  std::cout << "  " << architecture_name(GetParam()) << ": 100% after " << steps << " steps\n";
}

TEST(TransformerModel, OverfitsTheTinyTaskAtTheDefaultSizes) {
  ModelConfig config = tiny_config(Architecture::kTransformer);
  config.max_subwords = ModelConfig().max_subwords;
  config.transformer = TransformerConfig();  // 4 layers, d_model 256, 4 heads, ffn 1024
  torch::manual_seed(1);
  const Classifier model = make_classifier(config);
  const testing::TinyTask task = make_tiny_task();
  const int steps = testing::steps_to_fit(*model, make_feature_batch(task.posts(), config), 1e-3, 200);
  EXPECT_GT(steps, 0) << "not fitted in 200 steps";
  std::cout << "  transformer 4 x 256: 100% after " << steps << " steps\n";
}

TEST_P(EveryArchitecture, GivesOneLogitPerBinaryHeadAndOnePerClassOtherwise) {
  torch::manual_seed(2);
  const Classifier model = make_classifier(tiny_config(GetParam()));
  const testing::TinyTask task = make_tiny_task();
  const std::vector<torch::Tensor> logits = model->forward(make_feature_batch(task.posts(), model->config()));
  ASSERT_EQ(logits.size(), 3u);
  EXPECT_EQ(logits[0].sizes(), torch::IntArrayRef({32}));
  EXPECT_EQ(logits[1].sizes(), torch::IntArrayRef({32}));
  EXPECT_EQ(logits[2].sizes(), torch::IntArrayRef({32, 3}));
}

TEST_P(EveryArchitecture, EmptyPostsGiveFiniteLogitsAndFiniteGradients) {
  torch::manual_seed(3);
  const Classifier model = make_classifier(tiny_config(GetParam()));
  const testing::TinyTask task = make_tiny_task();
  testing::train_steps(*model, make_feature_batch(task.posts(), model->config()), 1e-2, 3);  // non-zero heads

  const std::int8_t labels[3] = {1, 0, 2};
  const std::vector<PostFeatures> empty(3, PostFeatures{nullptr, 0, 0, labels});
  const FeatureBatch batch = make_feature_batch(empty, model->config());
  EXPECT_EQ(batch.ids.numel(), 0);
  model->zero_grad();
  const std::vector<torch::Tensor> logits = model->forward(batch);
  for (const torch::Tensor& x : logits) EXPECT_TRUE(torch::isfinite(x).all().item<bool>()) << x;
  multi_task_loss(logits, batch.labels).total.backward();
  for (const auto& p : model->named_parameters()) {
    if (!p.value().grad().defined()) continue;
    EXPECT_TRUE(torch::isfinite(p.value().grad()).all().item<bool>()) << p.key();
  }

  model->eval();
  const torch::Tensor pooled = model->embed(batch);
  if (GetParam() == Architecture::kCnn) {
    // [bag = 0 ; relu(conv bias) per width]: a post shorter than a filter is zero-padded to its width.
    EXPECT_TRUE(torch::equal(pooled.slice(1, 0, 16), torch::zeros({3, 16})));
    const torch::Tensor bias = model->named_parameters()["convs.0.bias"];
    EXPECT_TRUE(torch::allclose(pooled.slice(1, 16, 24), torch::relu(bias).expand({3, 8})));
  } else {
    EXPECT_TRUE(torch::equal(pooled, torch::zeros_like(pooled))) << pooled;
  }
}

TEST_P(EveryArchitecture, PaddingInABatchDoesNotChangeAPostsVector) {
  // The runtime scores one post at a time; batching with longer posts must not change its result.
  torch::manual_seed(4);
  const Classifier model = make_classifier(tiny_config(GetParam()));
  model->eval();
  const testing::TinyTask task = make_tiny_task();
  const std::vector<PostFeatures> posts = task.posts();
  const torch::Tensor together = model->embed(make_feature_batch(posts, model->config()));
  for (std::size_t i = 0; i < posts.size(); ++i) {
    const torch::Tensor alone = model->embed(make_feature_batch({posts[i]}, model->config()));
    EXPECT_TRUE(torch::allclose(alone[0], together[static_cast<std::int64_t>(i)], 1e-5, 1e-6))
        << "post " << i;
  }
}

TEST_P(EveryArchitecture, SameSeedGivesBitIdenticalWeightsAfterTraining) {
  const testing::TinyTask task = make_tiny_task();
  auto run = [&](std::uint64_t seed) {
    torch::manual_seed(seed);
    const Classifier model = make_classifier(tiny_config(GetParam()));  // dropout 0.1 draws from the seed too
    testing::train_steps(*model, make_feature_batch(task.posts(), model->config()), 1e-2, 8);
    return all_parameters(*model);
  };
  const std::vector<torch::Tensor> first = run(7);
  const std::vector<torch::Tensor> second = run(7);
  const std::vector<torch::Tensor> other = run(8);
  ASSERT_EQ(first.size(), second.size());
  bool any_different = false;
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_TRUE(torch::equal(first[i], second[i])) << "parameter " << i;
    any_different = any_different || !torch::equal(first[i], other[i]);
  }
  EXPECT_TRUE(any_different) << "another seed should give other weights";
}

TEST(BagModel, EmbedsAPostAsTheMeanOfItsFeatureRows) {
  torch::manual_seed(5);
  const Classifier model = make_classifier(tiny_config(Architecture::kBag));
  const torch::Tensor table = model->named_parameters()["bag.weight"];
  const std::uint32_t ids[] = {3, 70, 70, 191};
  const torch::Tensor pooled = model->embed(make_feature_batch({{ids, 4, 1, nullptr}}, model->config()));
  const torch::Tensor expected = (table[3] + 2 * table[70] + table[191]) / 4;
  EXPECT_TRUE(torch::allclose(pooled[0], expected, 1e-6, 1e-7));
  EXPECT_LE(table.abs().max().item<float>(), 1.0f / 16);  // fastText's ±1/dim start
}

TEST(BagModel, SparseEmbeddingsGiveSparseTableGradients) {
  ModelConfig config = tiny_config(Architecture::kBag);
  config.sparse_embeddings = true;
  const Classifier model = make_classifier(config);
  const testing::TinyTask task = make_tiny_task();
  const FeatureBatch batch = make_feature_batch(task.posts(), config);
  multi_task_loss(model->forward(batch), batch.labels).total.backward();
  ASSERT_EQ(model->embedding_weights().size(), 1u);
  EXPECT_TRUE(model->embedding_weights()[0].grad().is_sparse());
  EXPECT_FALSE(model->named_parameters()["heads.0.weight"].grad().is_sparse());
}

TEST(Classifier, HiddenLayerSitsBetweenThePooledVectorAndTheHeads) {
  torch::manual_seed(6);
  ModelConfig config = tiny_config(Architecture::kBag);
  config.hidden = 12;
  const Classifier model = make_classifier(config);
  model->eval();
  torch::NoGradGuard no_grad;
  for (auto& p : model->named_parameters()) {
    if (p.key().rfind("heads.", 0) == 0) p.value().uniform_(-1, 1);  // zero at the start
  }
  const torch::Tensor pooled = torch::randn({2, 16});
  const std::vector<torch::Tensor> logits = model->classify(pooled);
  auto params = model->named_parameters();
  const torch::Tensor z = torch::relu(pooled.matmul(params["hidden.weight"].t()) + params["hidden.bias"]);
  EXPECT_TRUE(
      torch::allclose(logits[0], z.matmul(params["heads.0.weight"].t()).squeeze(1) + params["heads.0.bias"]));
  EXPECT_TRUE(torch::allclose(logits[2], z.matmul(params["heads.2.weight"].t()) + params["heads.2.bias"]));
}

TEST(Classifier, ParameterNamesAndShapesAreTheOnesTheHeadersDocument) {
  torch::manual_seed(7);
  EXPECT_EQ(parameter_layout(*make_classifier(tiny_config(Architecture::kBag))),
            "heads.0.weight [1, 16]\nheads.0.bias [1]\nheads.1.weight [1, 16]\nheads.1.bias [1]\n"
            "heads.2.weight [3, 16]\nheads.2.bias [3]\nbag.weight [192, 16]\n");
  EXPECT_EQ(
      parameter_layout(*make_classifier(tiny_config(Architecture::kCnn))),
      "heads.0.weight [1, 48]\nheads.0.bias [1]\nheads.1.weight [1, 48]\nheads.1.bias [1]\n"
      "heads.2.weight [3, 48]\nheads.2.bias [3]\nbag.weight [192, 16]\nsubword_embedding.weight [64, 16]\n"
      "convs.0.weight [8, 16, 2]\nconvs.0.bias [8]\nconvs.1.weight [8, 16, 3]\nconvs.1.bias [8]\n"
      "convs.2.weight [8, 16, 4]\nconvs.2.bias [8]\nconvs.3.weight [8, 16, 5]\nconvs.3.bias [8]\n");
  ModelConfig transformer = tiny_config(Architecture::kTransformer);
  transformer.transformer.layers = 1;
  EXPECT_EQ(
      parameter_layout(*make_classifier(transformer)),
      "heads.0.weight [1, 32]\nheads.0.bias [1]\nheads.1.weight [1, 32]\nheads.1.bias [1]\n"
      "heads.2.weight [3, 32]\nheads.2.bias [3]\ntoken_embedding.weight [64, 32]\n"
      "position_embedding.weight [16, 32]\nlayers.0.attention_norm.weight [32]\n"
      "layers.0.attention_norm.bias [32]\nlayers.0.attention.in_proj_weight [96, 32]\n"
      "layers.0.attention.in_proj_bias [96]\nlayers.0.attention.out_proj.weight [32, 32]\n"
      "layers.0.attention.out_proj.bias [32]\nlayers.0.ffn_norm.weight [32]\nlayers.0.ffn_norm.bias [32]\n"
      "layers.0.ffn_in.weight [64, 32]\nlayers.0.ffn_in.bias [64]\nlayers.0.ffn_out.weight [32, 64]\n"
      "layers.0.ffn_out.bias [32]\nfinal_norm.weight [32]\nfinal_norm.bias [32]\n");
}

TEST(Classifier, FactoryRejectsAnInvalidConfigByField) {
  ModelConfig config = tiny_config(Architecture::kTransformer);
  config.transformer.attention_heads = 5;
  EXPECT_EQ(sieve::testing::error_text([&] { make_classifier(config); }),
            "config: model.transformer.attention_heads: must divide d_model (32), got 5");
}

}  // namespace
}  // namespace sieve::models
