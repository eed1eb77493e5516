#include "sieve/models/model_config.h"

#include <gtest/gtest.h>

#include <string>

#include "error_text.h"

namespace sieve::models {
namespace {

using sieve::testing::error_text;

ModelConfig valid_config() {
  ModelConfig config;
  config.vocab_size = 16000;
  config.table_size = 16000 + (1u << 18);
  config.heads = {{"coordinated", 2}, {"lang", 3}};
  return config;
}

// The message validate() gives after edit is applied to a valid config.
template <class Edit>
std::string validation_error(Edit edit) {
  ModelConfig config = valid_config();
  edit(config);
  return error_text([&] { config.validate(); });
}

TEST(ModelConfig, DefaultsAreTheDocumentedArchitectures) {
  const ModelConfig config;
  EXPECT_EQ(config.architecture, Architecture::kBag);
  EXPECT_EQ(config.dim, 100);
  EXPECT_EQ(config.hidden, 0);
  EXPECT_EQ(config.max_subwords, 128);
  EXPECT_EQ(config.cnn.widths, (std::vector<int>{2, 3, 4, 5}));
  EXPECT_EQ(config.transformer.layers, 4);
  EXPECT_EQ(config.transformer.d_model, 256);
  EXPECT_EQ(config.transformer.attention_heads, 4);
  EXPECT_EQ(config.transformer.ffn_dim(), 1024);
  EXPECT_EQ(error_text([&] { valid_config().validate(); }), "no error");
}

TEST(ModelConfig, BinaryHeadsHaveOneOutputAndMultiClassHeadsOnePerClass) {
  EXPECT_TRUE((HeadConfig{"machine", 2}).binary());
  EXPECT_EQ((HeadConfig{"machine", 2}).outputs(), 1);
  EXPECT_FALSE((HeadConfig{"lang", 3}).binary());
  EXPECT_EQ((HeadConfig{"lang", 3}).outputs(), 3);
}

TEST(ModelConfig, ValidationNamesTheFieldAndTheValue) {
  EXPECT_EQ(validation_error([](ModelConfig& c) { c.vocab_size = 0; }),
            "config: model.vocab_size: must be at least 1, got 0");
  EXPECT_EQ(validation_error([](ModelConfig& c) { c.table_size = 100; }),
            "config: model.table_size: must be between vocab_size (16000) and 134217728, got 100");
  EXPECT_EQ(validation_error([](ModelConfig& c) { c.dim = 0; }),
            "config: model.dim: must be between 1 and 4096, got 0");
  EXPECT_EQ(validation_error([](ModelConfig& c) { c.table_size = 1u << 27; }),
            "config: model.dim: table_size × dim must be at most 2^31 floats, got 134217728 × 100");
  EXPECT_EQ(validation_error([](ModelConfig& c) { c.hidden = -1; }),
            "config: model.hidden: must be between 0 and 65536, got -1");
  EXPECT_EQ(validation_error([](ModelConfig& c) { c.dropout = 1.0f; }),
            "config: model.dropout: must be in [0, 1), got 1.000000");
  EXPECT_EQ(validation_error([](ModelConfig& c) { c.max_subwords = 0; }),
            "config: model.max_subwords: must be between 1 and 4096, got 0");
  EXPECT_EQ(validation_error([](ModelConfig& c) { c.heads.clear(); }),
            "config: model.heads: at least one head is needed");
  EXPECT_EQ(validation_error([](ModelConfig& c) { c.heads[1].name = "coordinated"; }),
            "config: model.heads[1].name: duplicate head 'coordinated'");
  EXPECT_EQ(validation_error([](ModelConfig& c) { c.heads[0].name.clear(); }),
            "config: model.heads[0].name: must not be empty");
  EXPECT_EQ(validation_error([](ModelConfig& c) { c.heads[1].num_classes = 1; }),
            "config: model.heads[1].num_classes: must be between 2 and 127, got 1");
  EXPECT_EQ(validation_error([](ModelConfig& c) {
              c.cnn.widths = {2, 0};
            }),
            "config: model.cnn.widths: need 1 to 8 widths, each between 1 and 16, got [2, 0]");
  EXPECT_EQ(validation_error([](ModelConfig& c) { c.cnn.filters = 0; }),
            "config: model.cnn.filters: must be between 1 and 4096, got 0");
  EXPECT_EQ(validation_error([](ModelConfig& c) { c.transformer.layers = 0; }),
            "config: model.transformer.layers: must be between 1 and 64, got 0");
  EXPECT_EQ(validation_error([](ModelConfig& c) { c.transformer.attention_heads = 3; }),
            "config: model.transformer.attention_heads: must divide d_model (256), got 3");
  EXPECT_EQ(validation_error([](ModelConfig& c) { c.transformer.ffn_multiplier = 0; }),
            "config: model.transformer.ffn_multiplier: must be between 1 and 16, got 0");
  EXPECT_EQ(error_text([] { parse_architecture("rnn"); }),
            "config: model.architecture: must be bag, cnn or transformer, got 'rnn'");
}

TEST(ModelConfig, JsonHoldsEveryFieldAndRoundTrips) {
  ModelConfig config = valid_config();
  config.architecture = Architecture::kCnn;
  config.dim = 32;
  config.hidden = 48;
  config.dropout = 0.3f;
  config.max_subwords = 64;
  config.sparse_embeddings = true;
  config.dense_inputs = 12;
  config.cnn = {{3, 5}, 100};
  config.transformer = {2, 128, 8, 2};
  EXPECT_EQ(config.to_json(),
            R"({"architecture":"cnn","table_size":278144,"vocab_size":16000,"dim":32,"hidden":48,)"
            R"("dropout":0.300000012,"max_subwords":64,"sparse_embeddings":true,"dense_inputs":12,)"
            R"("heads":[{"name":"coordinated","num_classes":2},{"name":"lang","num_classes":3}],)"
            R"("cnn":{"widths":[3,5],"filters":100},)"
            R"("transformer":{"layers":2,"d_model":128,"attention_heads":8,"ffn_multiplier":2}})");
  EXPECT_TRUE(ModelConfig::from_json(config.to_json()) == config);
  for (const Architecture a : {Architecture::kBag, Architecture::kTransformer}) {
    config.architecture = a;
    EXPECT_TRUE(ModelConfig::from_json(config.to_json()) == config) << architecture_name(a);
  }
}

TEST(ModelConfig, JsonReaderRequiresEveryKeyAndRejectsOthers) {
  const std::string json = valid_config().to_json();
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string edited = json;
    edited.replace(edited.find(from), from.size(), to);
    return error_text([&] { ModelConfig::from_json(edited); });
  };
  EXPECT_EQ(replaced(R"("hidden":0,)", ""), "format: model config: missing key 'hidden'");
  EXPECT_EQ(replaced(R"("hidden":0,)", R"("hidden":0,"hiden":1,)"),
            "format: model config: unknown key 'hiden'");
  EXPECT_EQ(replaced(R"("filters":64)", R"("filters":64,"pool":"max")"),
            "format: model config: unknown key 'cnn.pool'");
  EXPECT_EQ(replaced(R"("layers":4,)", ""), "format: model config: missing key 'transformer.layers'");
  EXPECT_EQ(replaced(R"("num_classes":3)", R"("num_classes":3,"labels":[])"),
            "format: model config: unknown key 'heads[1].labels'");
  EXPECT_EQ(replaced(R"("dim":100)", R"("dim":"100")"), "format: model config: dim: not an integer");
  EXPECT_EQ(replaced(R"("widths":[2,3,4,5])", R"("widths":[2,3.5])"),
            "format: model config: cnn.widths: not an array of integers");
  EXPECT_EQ(replaced(R"("architecture":"bag")", R"("architecture":"lstm")"),
            "format: model config: model.architecture: must be bag, cnn or transformer, got 'lstm'");
  EXPECT_EQ(replaced(R"("dim":100)", R"("dim":100000000000)"),
            "format: model config: model.dim: must be between 1 and 4096, got 2147483647");
  EXPECT_EQ(error_text([] { ModelConfig::from_json("[1]"); }), "format: model config: not a JSON object");
  EXPECT_EQ(replaced(R"("dense_inputs":0,)", R"("dense_inputs":-1,)"),
            "format: model config: model.dense_inputs: must be between 0 and 4096, got -1");
}

TEST(ModelConfig, FilesWrittenBeforeTheDenseChannelReadAsWithoutIt) {
  std::string json = valid_config().to_json();
  const std::string key = R"("dense_inputs":0,)";
  json.erase(json.find(key), key.size());
  EXPECT_EQ(ModelConfig::from_json(json).dense_inputs, 0);
}

}  // namespace
}  // namespace sieve::models
