#include "run_config.h"

#include "sieve/core/config_file.h"
#include "sieve/core/error.h"

namespace sieve::cli {
namespace {

ConfigFile load(const RunConfigSource& source) { return ConfigFile::load(source.path, source.overrides); }

datasets::LabelSchema read_heads(const ConfigFile& config) {
  const auto heads = config.array("heads");
  if (heads.empty()) return datasets::LabelSchema::defaults();
  datasets::LabelSchema schema;
  for (ConfigFile::Table head : heads) {
    datasets::LabelHead h;
    head.read("name", h.name);
    head.read("classes", h.classes);
    head.reject_unknown_keys();
    schema.heads.push_back(std::move(h));
  }
  schema.validate();
  return schema;
}

datasets::OnError on_error_from_name(const std::string& name) {
  if (name == "skip") return datasets::OnError::kSkip;
  if (name == "fail") return datasets::OnError::kFail;
  throw Error(ErrorKind::kConfig, "data.on_error", "'" + name + "' is not skip or fail");
}

}  // namespace

datasets::ReaderConfig load_reader_config(const RunConfigSource& source) {
  const ConfigFile file = load(source);
  ConfigFile::Table data = file.table("data");
  std::string preset, format, on_error;
  data.read("preset", preset);
  datasets::ReaderConfig config =
      preset.empty() ? datasets::ReaderConfig() : datasets::ReaderConfig::preset(preset);
  config.schema = read_heads(file);
  data.read("format", format);
  data.read("on_error", on_error);
  if (!format.empty()) config.format = datasets::format_from_name(format);
  if (!on_error.empty()) config.on_error = on_error_from_name(on_error);
  std::uint64_t max_text_bytes = config.max_text_bytes;
  data.read("max_text_bytes", max_text_bytes);
  config.max_text_bytes = max_text_bytes;
  data.read("default_source", config.default_source);
  data.read("default_lang", config.default_lang);
  datasets::ColumnMapping& columns = config.columns;
  data.read("id", columns.id);
  data.read("text", columns.text);
  data.read("lang", columns.lang);
  data.read("group", columns.group);
  data.read("source", columns.source);
  data.read("time", columns.time);
  for (const auto& [head, column] : data.read_strings("label")) columns.labels[head] = column;
  data.read_ints("fixed").swap(columns.fixed_labels);
  ConfigFile::Table values = data.table("values");
  for (const std::string& head : values.keys()) columns.values[head] = values.read_ints(head.c_str());
  ConfigFile::Table relabel = data.table("relabel");
  for (const std::string& source : relabel.keys())
    columns.relabel[source] = relabel.read_strings(source.c_str());
  data.reject_unknown_keys();
  config.validate();
  return config;
}

PrepareConfig load_prepare_config(const RunConfigSource& source) {
  const ConfigFile file = load(source);
  PrepareConfig config;
  ConfigFile::Table normalizer = file.table("normalizer");
  for (const auto& step : tokenizer::NormalizerSettings::step_names()) {
    bool on = true;
    normalizer.read(step.c_str(), on);
    config.normalizer.set_step(step, on);
  }
  normalizer.read("max_char_run", config.normalizer.max_char_run);
  normalizer.reject_unknown_keys();
  ConfigFile::Table featurizer = file.table("featurizer");
  featurizer.read("hash_buckets", config.featurizer.hash_buckets);
  featurizer.read("subword_bigrams", config.featurizer.subword_bigrams);
  featurizer.read("char_ngram_min", config.featurizer.char_ngram_min);
  featurizer.read("char_ngram_max", config.featurizer.char_ngram_max);
  featurizer.read("seed", config.featurizer.seed);
  featurizer.read("style", config.featurizer.style);
  featurizer.read("style_by_script", config.featurizer.style_by_script);
  featurizer.read("fluency_statistics", config.featurizer.fluency_statistics);
  featurizer.reject_unknown_keys();
  ConfigFile::Table shards = file.table("shards");
  std::uint64_t records_per_shard = config.records_per_shard;
  shards.read("records_per_shard", records_per_shard);
  config.records_per_shard = records_per_shard;
  shards.reject_unknown_keys();
  config.normalizer.validate();
  config.featurizer.validate();
  if (config.records_per_shard == 0)
    throw Error(ErrorKind::kConfig, "shards.records_per_shard", "must be positive");
  return config;
}

}  // namespace sieve::cli
