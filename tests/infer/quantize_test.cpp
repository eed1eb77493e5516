#include "sieve/network/quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "error_text.h"
#include "network_fixtures.h"
#include "sieve/network/network.h"

namespace sieve::infer {
namespace {

using sieve::testing::error_text;
using testing::find_spec;
using testing::random_parameters;
using testing::small_config;
using testing::temp_path;
using testing::TensorSpec;
using testing::write_model;

std::string quantize_file(const std::string& in_path, const std::string& name,
                          QuantizeStats* stats = nullptr) {
  const ModelFile in = ModelFile::open(in_path);
  ModelFileWriter writer;
  writer.set_metadata("sieve", in.metadata("sieve"));
  add_quantized_tensors(in, writer, stats);
  const std::string out = temp_path(name);
  writer.write(out);
  return out;
}

// The fp32 file whose weights are exactly what an int8 file stands for: q · scale.
std::string dequantized_file(const ModelFile& q, const std::string& name) {
  std::vector<TensorSpec> tensors;
  for (const Tensor& t : q.tensors()) {
    if (t.name == "tokenizer.model" || (t.name.size() > 6 && t.name.substr(t.name.size() - 6) == ".scale"))
      continue;
    TensorSpec spec{t.name, DType::kF32, t.shape, {}};
    std::vector<float> values(t.elements());
    if (t.dtype == DType::kI8) {
      const float* scale = q.f32(t.name + ".scale", {t.shape[0]});
      const std::size_t cols = values.size() / static_cast<std::size_t>(t.shape[0]);
      for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = scale[i / cols] * static_cast<const std::int8_t*>(t.data)[i];
    } else {
      std::memcpy(values.data(), t.data, t.bytes);
    }
    spec.bytes.resize(t.bytes * (t.dtype == DType::kI8 ? 4 : 1));
    std::memcpy(spec.bytes.data(), values.data(), spec.bytes.size());
    tensors.push_back(std::move(spec));
  }
  const std::string path = temp_path(name);
  write_model(path, tensors);
  return path;
}

std::vector<std::uint32_t> random_post(const ModelConfig& config, std::size_t subwords, std::size_t features,
                                       std::uint32_t seed) {
  std::mt19937 random(seed);
  std::vector<std::uint32_t> ids;
  for (std::size_t i = 0; i < subwords; ++i) ids.push_back(random() % config.vocab_size);
  for (std::size_t i = 0; i < features; ++i) ids.push_back(random() % config.table_size);
  return ids;
}

// How far apart the logits of two networks are over a set of posts (empty, short, long).
struct Difference {
  float largest = 0;        // max |a − b|
  float largest_logit = 0;  // max |a|
};

Difference compare(const Network& a, const Network& b) {
  NetworkWorkspace wa, wb;
  std::vector<float> la(a.output_count()), lb(b.output_count());
  Difference d;
  for (std::uint32_t i = 0; i < 12; ++i) {
    const std::uint32_t subwords = i * 2;
    const std::vector<std::uint32_t> ids = random_post(a.config(), subwords, 10 * i, 100 + i);
    const PostIds post{ids.data(), ids.size(), subwords};
    a.forward(post, wa, la.data());
    b.forward(post, wb, lb.data());
    for (std::size_t k = 0; k < la.size(); ++k) {
      d.largest = std::max(d.largest, std::fabs(la[k] - lb[k]));
      d.largest_logit = std::max(d.largest_logit, std::fabs(la[k]));
    }
  }
  return d;
}

TEST(QuantizeTest, MatricesBecomeInt8WithRowScalesAndTheRestIsCopied) {
  const ModelConfig config = small_config(Architecture::kCnn, 8, true);
  const std::string path = temp_path("fp32.sieve");
  write_model(path, random_parameters(config, 1));
  QuantizeStats stats;
  const std::string q_path = quantize_file(path, "int8.sieve", &stats);
  const ModelFile in = ModelFile::open(path);
  const ModelFile q = ModelFile::open(q_path);
  std::size_t matrices = 0;
  std::uint64_t before = 0, after = 0;
  for (const Tensor& t : in.tensors()) {
    const Tensor& out = q.tensor(t.name);
    EXPECT_EQ(out.shape, t.shape) << t.name;
    before += t.bytes;
    if (t.dtype == DType::kF32 && t.shape.size() >= 2) {  // including the rank-3 convolutions
      ++matrices;
      EXPECT_EQ(out.dtype, DType::kI8) << t.name;
      EXPECT_EQ(q.tensor(t.name + ".scale").shape, Shape{t.shape[0]});
      after += out.bytes + q.tensor(t.name + ".scale").bytes;
    } else {
      EXPECT_EQ(out.dtype, t.dtype) << t.name;
      ASSERT_EQ(out.bytes, t.bytes);
      EXPECT_EQ(std::memcmp(out.data, t.data, t.bytes), 0) << t.name;
      EXPECT_EQ(q.find(t.name + ".scale"), nullptr);
      after += t.bytes;
    }
  }
  EXPECT_EQ(matrices, 2u + 3u + 1u + 2u);  // tables, convolutions, hidden, heads
  EXPECT_EQ(stats.tensors_quantized, matrices);
  EXPECT_EQ(stats.bytes_before, before);
  EXPECT_EQ(stats.bytes_after, after);
  EXPECT_LT(stats.bytes_after * 3, stats.bytes_before);
  EXPECT_EQ(q.metadata("sieve"), in.metadata("sieve"));
  EXPECT_TRUE(Network(q, config).quantized());
}

TEST(QuantizeTest, RowScaleIsLargestMagnitudeOver127AndZeroRowsStayZero) {
  std::vector<TensorSpec> tensors(1);
  tensors[0].name = "w";
  tensors[0].shape = {3, 4};
  const std::vector<float> values = {0.5f,  -1.27f, 0.01f,   1.0f,  //
                                     0.0f,  0.0f,   0.0f,    0.0f,  //
                                     2.54f, 1.27f,  -0.005f, -2.54f};
  tensors[0].bytes.resize(values.size() * 4);
  std::memcpy(tensors[0].bytes.data(), values.data(), tensors[0].bytes.size());
  const std::string path = temp_path("rows.sieve");
  write_model(path, tensors);
  const ModelFile q = ModelFile::open(quantize_file(path, "rows_int8.sieve"));
  const float* scale = q.f32("w.scale", {3});
  const std::int8_t* w = q.i8("w", {3, 4});
  EXPECT_FLOAT_EQ(scale[0], 1.27f / 127);
  EXPECT_EQ(scale[1], 0.0f);
  EXPECT_FLOAT_EQ(scale[2], 2.54f / 127);
  EXPECT_EQ(std::vector<int>(w, w + 12), (std::vector<int>{50, -127, 1, 100, 0, 0, 0, 0, 127, 64, 0, -127}));
}

TEST(QuantizeTest, QuantizingAQuantizedFileCopiesItUnchanged) {
  const ModelConfig config = small_config(Architecture::kTransformer, 0, true);
  const std::string path = temp_path("twice.sieve");
  write_model(path, random_parameters(config, 4));
  const std::string once = quantize_file(path, "once.sieve");
  QuantizeStats stats;
  const std::string twice = quantize_file(once, "twice_int8.sieve", &stats);
  EXPECT_EQ(stats.tensors_quantized, 0u);
  EXPECT_EQ(stats.bytes_after, stats.bytes_before);
  const ModelFile a = ModelFile::open(once);
  const ModelFile b = ModelFile::open(twice);
  ASSERT_EQ(a.names(), b.names());
  for (const Tensor& t : a.tensors()) {
    const Tensor& u = b.tensor(t.name);
    EXPECT_EQ(u.dtype, t.dtype) << t.name;
    ASSERT_EQ(u.bytes, t.bytes) << t.name;
    EXPECT_EQ(std::memcmp(u.data, t.data, t.bytes), 0) << t.name;
  }
}

TEST(QuantizeTest, ATakenScaleNameIsAnError) {
  std::vector<TensorSpec> tensors(2);
  tensors[0] = TensorSpec{"w", DType::kF32, {2, 2}, std::vector<unsigned char>(16, 0)};
  tensors[1] = TensorSpec{"w.scale", DType::kF32, {2}, std::vector<unsigned char>(8, 0)};
  const std::string path = temp_path("taken.sieve");
  write_model(path, tensors);
  EXPECT_EQ(
      error_text([&] { quantize_file(path, "taken_int8.sieve"); }),
      "format: " + path + ": tensor 'w' is F32 but 'w.scale', where its scales would go, already exists");
}

// The int8 kernels compute exactly what the int8 file stands for: the same network on fp32 weights
// q · scale gives the same logits up to float rounding.
TEST(QuantizeTest, Int8KernelsMatchTheDequantizedWeights) {
  for (const Architecture a : {Architecture::kBag, Architecture::kCnn, Architecture::kTransformer}) {
    const ModelConfig config = small_config(a, 8, true);
    const std::string path = temp_path("exact.sieve");
    write_model(path, random_parameters(config, 6));
    const ModelFile q = ModelFile::open(quantize_file(path, "exact_int8.sieve"));
    const ModelFile d = ModelFile::open(dequantized_file(q, "exact_dequantized.sieve"));
    EXPECT_LT(compare(Network(q, config), Network(d, config)).largest, 1e-5f) << architecture_name(a);
  }
}

// Each int8 weight is off by at most half a step, max|row| / 254: 0.4% of its row's largest weight, so a
// product W · x moves by at most 0.4% of the Σ|w||x| it adds up. A logit passes through up to three int8
// products in series (cnn: subword rows, convolution, head) and is a sum with cancellations, smaller than
// the mass it sums; so every logit must stay within 2% of the largest logit magnitude (0.02 where logits
// are small). Observed on these random models: 0.2% (bag) to 1.1% (cnn); a wrong scale or row would be off
// by tens of percent, and Int8KernelsMatchTheDequantizedWeights checks the kernels exactly.
TEST(QuantizeTest, Int8LogitsStayCloseToFp32) {
  for (const Architecture a : {Architecture::kBag, Architecture::kCnn, Architecture::kTransformer}) {
    for (const int hidden : {0, 8}) {
      const ModelConfig config = small_config(a, hidden, true);
      const std::string path = temp_path("close.sieve");
      write_model(path, random_parameters(config, 7));
      const ModelFile f = ModelFile::open(path);
      const ModelFile q = ModelFile::open(quantize_file(path, "close_int8.sieve"));
      const Difference d = compare(Network(f, config), Network(q, config));
      EXPECT_LT(d.largest, 0.02f * std::max(1.0f, d.largest_logit))
          << architecture_name(a) << " hidden " << hidden << ", largest logit " << d.largest_logit;
      EXPECT_GT(d.largest, 0.0f) << architecture_name(a);  // the int8 weights really were used
    }
  }
}

TEST(QuantizeTest, Int8TensorWithoutItsScaleIsNamed) {
  const ModelConfig config = small_config(Architecture::kBag, 0, false);
  const std::string path = temp_path("noscale.sieve");
  write_model(path, random_parameters(config, 1));
  const ModelFile q = ModelFile::open(quantize_file(path, "noscale_int8.sieve"));
  std::vector<TensorSpec> tensors;
  for (const Tensor& t : q.tensors()) {
    if (t.name == "tokenizer.model" || t.name == "bag.weight.scale") continue;
    const auto* bytes = static_cast<const unsigned char*>(t.data);
    tensors.push_back(
        TensorSpec{t.name, t.dtype, t.shape, std::vector<unsigned char>(bytes, bytes + t.bytes)});
  }
  const std::string damaged = temp_path("noscale_damaged.sieve");
  write_model(damaged, tensors);
  const ModelFile file = ModelFile::open(damaged);
  EXPECT_EQ(error_text([&] { Network network(file, config); }),
            "format: " + damaged +
                ": tensor 'bag.weight' is I8 but its scale tensor 'bag.weight.scale' is missing");

  // A scale of the wrong length is named too.
  find_spec(tensors, "heads.0.weight.scale").shape = {2};
  find_spec(tensors, "heads.0.weight.scale").bytes.resize(8);
  tensors.push_back(TensorSpec{"bag.weight.scale", DType::kF32, {300}, std::vector<unsigned char>(1200, 0)});
  write_model(damaged, tensors);
  const ModelFile wrong = ModelFile::open(damaged);
  EXPECT_EQ(error_text([&] { Network network(wrong, config); }),
            "format: " + damaged + ": tensor 'heads.0.weight.scale' has shape [2], expected [1]");
}

}  // namespace
}  // namespace sieve::infer
