// The fluency model of a model.sieve, used in place in the file's mapping (docs/model-file.md,
// "fluency.model").
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "network_fixtures.h"
#include "runtime_model_files.h"
#include "sieve/format/model_file.h"
#include "sieve/runtime/model.h"
#include "sieve/tokenizer/fluency_model.h"

namespace sieve::infer {
namespace {

using testing::bag_parts;
using testing::metadata;
using testing::ModelParts;
using testing::temp_path;
using testing::TensorSpec;

constexpr std::int64_t kFluencyInputs = 27;  // 9 values per language

std::string fluency_blob() {
  const std::vector<tokenizer::FluencyModel::Example> examples = {{"the cat sat on the mat .", "en", 0},
                                                                  {"the dog sat on the rug .", "en", 0},
                                                                  {"le chat dort sur le tapis .", "fr", 0},
                                                                  {"我们喜欢这个城市。", "zh", 0}};
  return tokenizer::FluencyModel::train(examples, tokenizer::FluencyOptions()).serialize(true);
}

TensorSpec f32_tensor(const std::string& name, const std::vector<float>& values) {
  TensorSpec t;
  t.name = name;
  t.shape = {static_cast<std::int64_t>(values.size())};
  t.bytes.resize(values.size() * sizeof(float));
  std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

// The test bag model with the fluency values as its dense inputs (each head reads them with seeded random
// weights) and the fluency blob at a multiple of 8 bytes, as the exporter writes it.
std::string write_with_fluency(const std::string& blob, const std::string& name) {
  ModelParts parts = bag_parts();
  parts.config.dense_inputs = static_cast<int>(kFluencyInputs);
  std::mt19937 random(3);
  for (TensorSpec& t : parts.tensors) {
    if (t.name.rfind("heads.", 0) != 0 || t.shape.size() != 2) continue;
    const std::size_t rows = t.shape[0], cols = t.shape[1];
    std::vector<unsigned char> wider;
    for (std::size_t r = 0; r < rows; ++r) {
      wider.insert(wider.end(), t.bytes.begin() + r * cols * 4, t.bytes.begin() + (r + 1) * cols * 4);
      for (std::int64_t j = 0; j < kFluencyInputs; ++j) {
        const float w = std::uniform_real_distribution<float>(-0.5f, 0.5f)(random);
        const auto* p = reinterpret_cast<const unsigned char*>(&w);
        wider.insert(wider.end(), p, p + 4);
      }
    }
    t.bytes = wider;
    t.shape[1] += kFluencyInputs;
  }
  parts.tensors.push_back(f32_tensor("dense_shift", std::vector<float>(kFluencyInputs, -1.0f)));
  parts.tensors.push_back(f32_tensor("dense_scale", std::vector<float>(kFluencyInputs, 0.5f)));
  std::string sieve = metadata(parts);
  const std::string off = "\"fluency\":false";
  const std::size_t at = sieve.find(off);
  EXPECT_NE(at, std::string::npos) << sieve;
  if (at != std::string::npos) sieve.replace(at, off.size(), "\"fluency\":true");
  ModelFileWriter writer;
  writer.set_metadata("sieve", sieve);
  for (const TensorSpec& t : parts.tensors)
    writer.add_tensor(t.name, t.dtype, t.shape, t.bytes.data(), t.bytes.size());
  writer.add_tensor("tokenizer.model", DType::kU8, {static_cast<std::int64_t>(parts.tokenizer.size())},
                    parts.tokenizer.data(), parts.tokenizer.size(), 1);
  writer.add_tensor("fluency.model", DType::kU8, {static_cast<std::int64_t>(blob.size())}, blob.data(),
                    blob.size(), 8);
  const std::string path = temp_path(name);
  writer.write(path);
  return path;
}

TEST(FluencyInPlace, AModelFileScoresWithItsFluencyModelAndTheMappingOutlivesTheModel) {
  const std::string blob = fluency_blob();
  const std::string path = write_with_fluency(blob, "fluency.sieve");
  auto model = Model::load(path);
  ASSERT_NE(model->featurizer().fluency(), nullptr);
  EXPECT_EQ(model->featurizer().fluency()->serialize(true), blob);  // read from the file as written
  const std::string text = "The cat sat on the mat.";
  const std::vector<float> dense = model->featurizer().featurize(text).dense;
  ASSERT_EQ(dense.size(), static_cast<std::size_t>(kFluencyInputs));
  float values[tokenizer::kFluencyFeatureCount];
  const tokenizer::FluencyModel copied = tokenizer::FluencyModel::deserialize(blob, "blob");
  const int lang =
      copied.score(model->featurizer().normalizer().normalize(text), "", 0, values);  // en: the first block
  ASSERT_EQ(lang, 0);
  EXPECT_EQ(std::vector<float>(dense.begin(), dense.begin() + tokenizer::kFluencyFeatureCount),
            std::vector<float>(values, values + tokenizer::kFluencyFeatureCount));
  // A copy of the featurizer holds the fluency model, and so the mapping, after the model and its file go.
  const tokenizer::Featurizer featurizer = model->featurizer();
  model.reset();
  ASSERT_EQ(::unlink(path.c_str()), 0);
  EXPECT_EQ(featurizer.featurize(text).dense, dense);
}

TEST(FluencyInPlace, TheMappingOfAModelFileLivesAsLongAsItsKeepAlive) {
  const std::string blob = fluency_blob();
  const std::string path = write_with_fluency(blob, "keep-alive.sieve");
  std::shared_ptr<const void> keep_alive;
  const std::uint8_t* bytes = nullptr;
  {
    const ModelFile file = ModelFile::open(path);
    keep_alive = file.keep_alive();
    bytes = file.u8("fluency.model", {ModelFile::kAnyDim});
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(bytes) % 8, 0u);  // as the exporter aligns it
  }
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(bytes), blob.size()), blob);
}

}  // namespace
}  // namespace sieve::infer
