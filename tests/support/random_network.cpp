#include "random_network.h"

#include <cstring>
#include <random>

namespace sieve::infer::testing {
namespace {

void add(std::vector<TensorSpec>& out, std::string name, Shape shape) {
  out.push_back(TensorSpec{std::move(name), DType::kF32, std::move(shape), {}});
}

std::vector<TensorSpec> shapes(const ModelConfig& c) {
  std::vector<TensorSpec> out;
  const std::int64_t dim = c.dim;
  std::int64_t pooled = dim;
  if (c.architecture != Architecture::kTransformer) add(out, "bag.weight", {c.table_size, dim});
  if (c.architecture == Architecture::kCnn) {
    add(out, "subword_embedding.weight", {c.vocab_size, dim});
    for (std::size_t j = 0; j < c.cnn.widths.size(); ++j) {
      add(out, "convs." + std::to_string(j) + ".weight", {c.cnn.filters, dim, c.cnn.widths[j]});
      add(out, "convs." + std::to_string(j) + ".bias", {c.cnn.filters});
      pooled += c.cnn.filters;
    }
  }
  if (c.architecture == Architecture::kTransformer) {
    const std::int64_t d = c.transformer.d_model;
    const std::int64_t ffn = c.transformer.ffn_dim();
    add(out, "token_embedding.weight", {c.vocab_size, d});
    add(out, "position_embedding.weight", {c.max_subwords, d});
    for (int l = 0; l < c.transformer.layers; ++l) {
      const std::string p = "layers." + std::to_string(l) + ".";
      add(out, p + "attention_norm.weight", {d});
      add(out, p + "attention_norm.bias", {d});
      add(out, p + "attention.in_proj_weight", {3 * d, d});
      add(out, p + "attention.in_proj_bias", {3 * d});
      add(out, p + "attention.out_proj.weight", {d, d});
      add(out, p + "attention.out_proj.bias", {d});
      add(out, p + "ffn_norm.weight", {d});
      add(out, p + "ffn_norm.bias", {d});
      add(out, p + "ffn_in.weight", {ffn, d});
      add(out, p + "ffn_in.bias", {ffn});
      add(out, p + "ffn_out.weight", {d, ffn});
      add(out, p + "ffn_out.bias", {d});
    }
    add(out, "final_norm.weight", {d});
    add(out, "final_norm.bias", {d});
    pooled = d;
  }
  std::int64_t z = pooled;
  if (c.hidden > 0) {
    add(out, "hidden.weight", {c.hidden, pooled});
    add(out, "hidden.bias", {c.hidden});
    z = c.hidden;
  }
  for (std::size_t k = 0; k < c.heads.size(); ++k) {
    add(out, "heads." + std::to_string(k) + ".weight", {c.heads[k].outputs(), z});
    add(out, "heads." + std::to_string(k) + ".bias", {c.heads[k].outputs()});
  }
  return out;
}

}  // namespace

std::vector<TensorSpec> random_parameters(const ModelConfig& config, std::uint32_t seed, float scale) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<float> uniform(-scale, scale);
  std::vector<TensorSpec> out = shapes(config);
  for (TensorSpec& t : out) {
    std::int64_t n = 1;
    for (const std::int64_t d : t.shape) n *= d;
    std::vector<float> values(static_cast<std::size_t>(n));
    for (float& v : values) v = uniform(random);
    t.bytes.resize(values.size() * sizeof(float));
    std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  }
  return out;
}

void write_model(const std::string& path, const std::vector<TensorSpec>& tensors) {
  ModelFileWriter writer;
  writer.set_metadata("sieve", "{}");
  for (const TensorSpec& t : tensors)
    writer.add_tensor(t.name, t.dtype, t.shape, t.bytes.data(), t.bytes.size());
  const std::string blob = "not a real tokenizer";
  writer.add_tensor("tokenizer.model", DType::kU8, {static_cast<std::int64_t>(blob.size())}, blob.data(),
                    blob.size(), 1);
  writer.write(path);
}

}  // namespace sieve::infer::testing
