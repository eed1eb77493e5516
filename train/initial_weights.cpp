#include "sieve/train/initial_weights.h"

#include <simdjson.h>
#include <torch/nn.h>

#include <cstring>

#include "sieve/core/error.h"
#include "sieve/format/model_file.h"

namespace sieve::train {
namespace {

// "heads.<k>.<rest>" → k, or -1 for any other parameter.
int head_index(const std::string& name) {
  if (name.rfind("heads.", 0) != 0) return -1;
  return std::stoi(name.substr(6));
}

std::string with_head_index(const std::string& name, int k) {
  return "heads." + std::to_string(k) + name.substr(name.find('.', 6));
}

}  // namespace

std::vector<bool> load_initial_weights(models::Classifier& model, const std::string& path) {
  const infer::ModelFile file = infer::ModelFile::open(path);
  simdjson::dom::parser parser;
  simdjson::dom::element meta;
  if (parser.parse(file.metadata("sieve")).get(meta))
    throw Error(ErrorKind::kFormat, path, "metadata 'sieve' is not JSON");
  const models::ModelConfig init = models::ModelConfig::from_json(simdjson::minify(meta["model"]));
  const models::ModelConfig& config = model->config();
  if (init.architecture != config.architecture || init.dim != config.dim || init.hidden != config.hidden ||
      !(init.cnn == config.cnn) || !(init.transformer == config.transformer)) {
    throw Error(ErrorKind::kFormat, path, "its architecture or widths differ from this run's [model]");
  }
  if (init.table_size != config.table_size || init.vocab_size != config.vocab_size ||
      init.dense_inputs != config.dense_inputs) {
    throw Error(ErrorKind::kFormat, path, "made with another tokenizer or featurizer than these shards");
  }
  std::vector<bool> loaded(config.heads.size(), false);
  std::vector<int> source_head(config.heads.size(), -1);
  for (std::size_t k = 0; k < config.heads.size(); ++k) {
    for (std::size_t j = 0; j < init.heads.size(); ++j) {
      if (init.heads[j] == config.heads[k]) source_head[k] = static_cast<int>(j);
    }
    loaded[k] = source_head[k] >= 0;
  }
  torch::NoGradGuard no_grad;
  for (auto& item : model->named_parameters()) {
    const int k = head_index(item.key());
    if (k >= 0 && source_head[static_cast<std::size_t>(k)] < 0) continue;  // a new head
    const std::string name =
        k >= 0 ? with_head_index(item.key(), source_head[static_cast<std::size_t>(k)]) : item.key();
    torch::Tensor& p = item.value();
    const infer::Shape shape(p.sizes().begin(), p.sizes().end());
    const float* data = file.f32(name, shape);
    std::memcpy(p.data_ptr<float>(), data, static_cast<std::size_t>(p.numel()) * sizeof(float));
  }
  return loaded;
}

void load_initial_embeddings(models::Classifier& model, const datasets::TableIdentity& shards,
                             const std::string& path, double scale) {
  const datasets::EmbeddingTable table = datasets::read_embedding_file(path);
  datasets::require_same_table(table, shards, path);
  const models::ModelConfig& config = model->config();
  auto parameters = model->named_parameters();
  torch::Tensor* bag = parameters.find("bag.weight");
  if (bag == nullptr) {
    throw Error(ErrorKind::kConfig, "train.init_embeddings",
                std::string("the ") + models::architecture_name(config.architecture) +
                    " architecture has no bag table to start from " + path);
  }
  if (static_cast<std::int64_t>(table.dim) != config.dim) {
    throw Error(ErrorKind::kConfig, "train.init_embeddings",
                path + " holds rows of width " + std::to_string(table.dim) + ", but model.dim is " +
                    std::to_string(config.dim) + " (train the embeddings with --dim " +
                    std::to_string(config.dim) + ")");
  }
  torch::NoGradGuard no_grad;
  const auto copy_rows = [&](torch::Tensor& weight, std::int64_t rows) {
    TORCH_CHECK(weight.is_contiguous() && weight.size(1) == config.dim && weight.size(0) >= rows);
    float* out = weight.data_ptr<float>();
    const std::size_t values = static_cast<std::size_t>(rows) * table.dim;
    for (std::size_t i = 0; i < values; ++i) out[i] = static_cast<float>(table.rows[i] * scale);
  };
  copy_rows(*bag, static_cast<std::int64_t>(table.identity.rows));
  if (torch::Tensor* subwords = parameters.find("subword_embedding.weight"))
    copy_rows(*subwords, static_cast<std::int64_t>(table.identity.vocab_size));
}

void freeze_all_but(models::Classifier& model, const std::vector<bool>& trainable_heads) {
  for (auto& item : model->named_parameters()) {
    const int k = head_index(item.key());
    item.value().set_requires_grad(k >= 0 && trainable_heads[static_cast<std::size_t>(k)]);
  }
}

}  // namespace sieve::train
