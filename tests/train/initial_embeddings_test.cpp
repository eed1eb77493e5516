#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "error_text.h"
#include "file_text.h"
#include "prepared_shards.h"
#include "sieve/format/model_file.h"
#include "sieve/models/model_factory.h"
#include "sieve/train/initial_weights.h"
#include "sieve/train/trainer.h"

namespace sieve::train {
namespace {

using sieve::testing::error_text;
namespace fs = std::filesystem;

// A prepared folder whose manifest states every featurizer setting, as `sieve data prepare` writes it.
std::string prepared(const std::string& name) {
  const std::string dir = write_prepared(name, 200, 3);
  std::string manifest = sieve::testing::file_text(dir + "/manifest.json");
  const std::string partial = R"("featurizer":{"hash_buckets":32})";
  manifest.replace(
      manifest.find(partial), partial.size(),
      R"("featurizer":{"hash_buckets":32,"subword_bigrams":true,"char_ngram_min":2,)"
      R"("char_ngram_max":4,"seed":6168190,"style":false,"fluency":false,"fluency_statistics":false})");
  std::ofstream(dir + "/manifest.json") << manifest;
  return dir;
}

// A file of rows for the shards of dir, each value telling its row and column apart.
std::string write_embeddings(const std::string& dir, std::uint32_t dim) {
  datasets::EmbeddingTable table;
  table.identity = datasets::TableIdentity::of_shards(dir);
  table.dim = dim;
  for (std::uint32_t i = 0; i < table.identity.rows * dim; ++i)
    table.rows.push_back(0.001f * static_cast<float>(i % 997) - 0.5f);
  const std::string path = dir + "/embeddings.bin";
  datasets::write_embedding_file(path, table);
  return path;
}

models::ModelConfig small_config(models::Architecture architecture) {
  models::ModelConfig config;
  config.architecture = architecture;
  config.table_size = 64;
  config.vocab_size = 32;
  config.dim = 16;
  config.cnn.filters = 4;
  config.transformer.d_model = 16;
  config.transformer.layers = 1;
  config.heads = {{"coordinated", 2}};
  return config;
}

torch::Tensor parameter(models::Classifier& model, const std::string& name) {
  return model->named_parameters()[name].detach().clone();
}

torch::Tensor file_rows(const std::string& path, std::int64_t rows) {
  const datasets::EmbeddingTable table = datasets::read_embedding_file(path);
  return torch::from_blob(const_cast<float*>(table.rows.data()), {rows, table.dim}).clone();
}

TEST(InitialEmbeddings, FillEveryRowOfTheBagTable) {
  const std::string dir = prepared("sieve_initial_embeddings_bag");
  const std::string path = write_embeddings(dir, 16);
  models::Classifier model = models::make_classifier(small_config(models::Architecture::kBag));
  load_initial_embeddings(model, datasets::TableIdentity::of_shards(dir), path);
  EXPECT_TRUE(torch::equal(parameter(model, "bag.weight"), file_rows(path, 64)));
}

TEST(InitialEmbeddings, AreScaledByTheRunsFactor) {
  const std::string dir = prepared("sieve_initial_embeddings_scale");
  const std::string path = write_embeddings(dir, 16);
  models::Classifier model = models::make_classifier(small_config(models::Architecture::kBag));
  load_initial_embeddings(model, datasets::TableIdentity::of_shards(dir), path, 0.25);
  EXPECT_TRUE(torch::allclose(parameter(model, "bag.weight"), file_rows(path, 64) * 0.25));
}

TEST(InitialEmbeddings, GiveCnnItsSubwordRowsToo) {
  const std::string dir = prepared("sieve_initial_embeddings_cnn");
  const std::string path = write_embeddings(dir, 16);
  models::Classifier model = models::make_classifier(small_config(models::Architecture::kCnn));
  load_initial_embeddings(model, datasets::TableIdentity::of_shards(dir), path);
  EXPECT_TRUE(torch::equal(parameter(model, "bag.weight"), file_rows(path, 64)));
  EXPECT_TRUE(torch::equal(parameter(model, "subword_embedding.weight"), file_rows(path, 32)));
}

TEST(InitialEmbeddings, RefuseAFileOfAnotherWidthOrAModelWithoutABagTable) {
  const std::string dir = prepared("sieve_initial_embeddings_width");
  const std::string path = write_embeddings(dir, 8);
  models::Classifier bag = models::make_classifier(small_config(models::Architecture::kBag));
  EXPECT_EQ(error_text([&] { load_initial_embeddings(bag, datasets::TableIdentity::of_shards(dir), path); }),
            "config: train.init_embeddings: " + path +
                " holds rows of width 8, but model.dim is 16 (train the embeddings with --dim 16)");
  models::Classifier transformer = models::make_classifier(small_config(models::Architecture::kTransformer));
  EXPECT_EQ(
      error_text(
          [&] { load_initial_embeddings(transformer, datasets::TableIdentity::of_shards(dir), path); }),
      "config: train.init_embeddings: the transformer architecture has no bag table to start from " + path);
}

TEST(InitialEmbeddings, RefuseAFileMadeWithAnotherTokenizer) {
  const std::string dir = prepared("sieve_initial_embeddings_tokenizer");
  const std::string path = write_embeddings(dir, 16);
  std::ofstream(dir + "/tokenizer.model") << "another tokenizer";
  models::Classifier model = models::make_classifier(small_config(models::Architecture::kBag));
  const std::string error =
      error_text([&] { load_initial_embeddings(model, datasets::TableIdentity::of_shards(dir), path); });
  EXPECT_EQ(error.rfind("format: " + path +
                            ": made for another feature table than these shards: the "
                            "tokenizer model's XXH3: ",
                        0),
            0u)
      << error;
}

TrainRun embedding_run(const std::string& dir, const std::string& out) {
  TrainRun run;
  run.train_dir = dir;
  run.out_dir = out;
  run.model.dim = 16;
  run.train.max_steps = 1;
  run.train.batch_size = 8;
  run.train.embedding_lr = 1e-6;  // the one step barely moves the rows it touches
  run.train.threads = 1;
  run.train.pair_weight = 0;
  run.train.init_embeddings = write_embeddings(dir, 16);
  return run;
}

TEST(InitialEmbeddings, StartTheTrainersBagTable) {
  const std::string dir = prepared("sieve_initial_embeddings_train");
  const std::string out = (fs::temp_directory_path() / "sieve_initial_embeddings_out").string();
  fs::remove_all(out);
  const TrainRun run = embedding_run(dir, out);
  const TrainResult result = train_model(run);
  const infer::ModelFile file = infer::ModelFile::open(result.model_path);
  const float* exported = file.f32("bag.weight", {64, 16});
  const torch::Tensor rows = file_rows(run.train.init_embeddings, 64);
  EXPECT_TRUE(torch::allclose(torch::from_blob(const_cast<float*>(exported), {64, 16}), rows, 0, 1e-4));
}

TEST(InitialEmbeddings, AreRefusedBesideAnInitialModel) {
  const std::string dir = prepared("sieve_initial_embeddings_init");
  TrainRun run =
      embedding_run(dir, (fs::temp_directory_path() / "sieve_initial_embeddings_init_out").string());
  run.init = dir + "/model.sieve";
  EXPECT_EQ(error_text([&] { train_model(run); }), "config: train.init_embeddings: cannot start from " +
                                                       run.train.init_embeddings + " and from --init " +
                                                       run.init + " at once");
}

}  // namespace
}  // namespace sieve::train
