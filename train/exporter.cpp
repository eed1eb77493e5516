#include "sieve/train/exporter.h"

#include <simdjson.h>
#include <torch/nn.h>

#include <fstream>
#include <sstream>

#include "sieve/core/error.h"
#include "sieve/core/file_bytes.h"
#include "sieve/core/json_writer.h"
#include "sieve/datasets/familiarity.h"
#include "sieve/format/model_file.h"
#include "sieve/format/model_metadata.h"
#include "sieve/models/parameter_export.h"

namespace sieve::train {
namespace {

// The probabilities of the first records of the training set, whose texts the manifest keeps: a runtime
// featurizes the texts and must reproduce these numbers.
void write_self_test(JsonWriter& w, models::Classifier& model, const models::ModelConfig& config,
                     const ShardSet& set) {
  simdjson::dom::parser parser;
  simdjson::dom::array samples;
  w.begin_array();
  if (parser.parse(set.manifest_json()).get_object()["samples"].get_array().get(samples) ||
      samples.size() == 0) {
    w.end_array();
    return;
  }
  std::vector<std::uint32_t> records;
  for (std::uint32_t i = 0; i < samples.size() && i < set.size(); ++i) records.push_back(i);
  torch::NoGradGuard no_grad;
  model->eval();
  const std::vector<torch::Tensor> logits =
      model->forward(batch_of(set, records.data(), records.size(), config));
  for (std::size_t r = 0; r < records.size(); ++r) {
    w.begin_object().key("text").value(std::string_view(samples.at(r))).key("probabilities").begin_array();
    for (std::size_t h = 0; h < logits.size(); ++h) {
      if (config.heads[h].binary()) {
        w.value(torch::sigmoid(logits[h][r]).item<double>());
      } else {
        w.begin_array();
        const torch::Tensor p = torch::softmax(logits[h][r], 0);
        for (std::int64_t c = 0; c < p.size(0); ++c) w.value(p[c].item<double>());
        w.end_array();
      }
    }
    w.end_array().end_object();
  }
  w.end_array();
  model->train();
}

std::string sieve_metadata(models::Classifier& model, const models::ModelConfig& config, const ShardSet& set,
                           const Evaluation& best, const std::string& config_toml) {
  simdjson::dom::parser parser;
  const simdjson::dom::element manifest = parser.parse(set.manifest_json());
  JsonWriter w;
  w.begin_object();
  w.key("format_version").value(infer::kModelFormatVersion);
  w.key("model").raw(config.to_json());
  w.key("heads").begin_array();
  for (std::size_t h = 0; h < config.heads.size(); ++h) {
    // The kind follows the model, not the schema: a declared head of two classes has one sigmoid logit
    // (for its second class), so the runtime must read it as binary.
    const datasets::LabelHead& head = set.schema().heads[h];
    const bool binary = config.heads[h].binary();
    w.begin_object().key("name").value(head.name).key("kind").value(binary ? "binary" : "multiclass");
    w.key("labels").begin_array();
    if (head.binary()) {
      w.value("0").value("1");
    } else {
      for (const auto& c : head.classes) w.value(c);
    }
    w.end_array();
    w.key("threshold").value(h < best.thresholds.size() ? best.thresholds[h] : 0.5);
    w.key("temperature").value(1.0).end_object();
  }
  w.end_array();
  w.key("normalizer").raw(set.normalizer_json());
  w.key("featurizer").raw(set.featurizer_json());
  w.key("vocab_size").value(set.vocab_size()).key("table_size").value(set.table_size());
  w.key("provenance").begin_object();
  w.key("created_by").value("sieve-train");
  w.key("train_inputs").raw(simdjson::minify(manifest["inputs"]));
  w.key("train_records").value(static_cast<std::uint64_t>(set.size()));
  w.key("config").value(config_toml);
  w.key("dev_metrics").raw(best.slices.empty() ? "null" : best.to_json());
  w.end_object();
  w.key("self_test");
  write_self_test(w, model, config, set);
  w.end_object();
  return w.take();
}

// How familiar each feature row was in the records the model was trained on.
datasets::FeatureFamiliarity training_familiarity(const ShardSet& train_set,
                                                  const std::vector<std::uint32_t>& trained) {
  return datasets::fit_familiarity(train_set.table_size(), [&](const datasets::FamiliarityVisitor& visit) {
    for (const std::uint32_t i : trained) {
      std::size_t index = 0;
      const datasets::ShardReader& shard = train_set.shard_of(i, index);
      visit(shard.ids(index), shard.id_count(index), train_set.langs()[train_set.lang(i)]);
    }
  });
}

}  // namespace

void export_model(const std::string& path, models::Classifier& model, const models::ModelConfig& config,
                  const ShardSet& train_set, const std::vector<std::uint32_t>& trained,
                  const Evaluation& best, const std::string& config_toml) {
  infer::ModelFileWriter writer;
  writer.set_metadata("sieve", sieve_metadata(model, config, train_set, best, config_toml));
  models::add_parameters(writer, *model);
  const datasets::FeatureFamiliarity familiarity = training_familiarity(train_set, trained);
  writer.set_metadata("ood", familiarity.to_json());
  writer.add_tensor("ood.rarity", infer::DType::kF32, {static_cast<std::int64_t>(familiarity.rarity.size())},
                    familiarity.rarity.data(), familiarity.rarity.size() * sizeof(float),
                    infer::kModelFileAlignment);
  const std::string tokenizer =
      read_file(train_set.tokenizer_path(), "a model file the shards' manifest names");
  writer.add_tensor("tokenizer.model", infer::DType::kU8, {static_cast<std::int64_t>(tokenizer.size())},
                    tokenizer.data(), tokenizer.size(), 1);
  if (!train_set.fluency_path().empty()) {
    const std::string fluency =
        read_file(train_set.fluency_path(), "a model file the shards' manifest names");
    writer.add_tensor("fluency.model", infer::DType::kU8, {static_cast<std::int64_t>(fluency.size())},
                      fluency.data(), fluency.size(), 8);
  }
  writer.write(path);
}

}  // namespace sieve::train
