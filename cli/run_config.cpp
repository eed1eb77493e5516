#include "run_config.h"

#include <toml++/toml.h>

#include <set>

#include "sieve/core/error.h"

namespace sieve::cli {
namespace {

// "a.b.c=value" set into the table; the value is read as TOML (3, true, "x", [..]) or else as a string.
void apply_override(toml::table& root, const std::string& assignment) {
  const auto equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw Error(ErrorKind::kConfig, "--set " + assignment, "expected key=value");
  }
  const std::string key = assignment.substr(0, equals);
  const std::string raw = assignment.substr(equals + 1);
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + raw);
  } catch (const toml::parse_error&) {
    parsed = toml::table{{"v", raw}};
  }
  toml::table* table = &root;
  std::size_t begin = 0;
  for (std::size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', begin)) {
    const std::string part = key.substr(begin, dot - begin);
    if (!table->contains(part)) table->insert(part, toml::table{});
    table = (*table)[part].as_table();
    if (!table) throw Error(ErrorKind::kConfig, "--set " + assignment, "'" + part + "' is not a table");
    begin = dot + 1;
  }
  table->insert_or_assign(key.substr(begin), *parsed["v"].node());
}

toml::table load(const RunConfigSource& source) {
  toml::table root;
  if (!source.path.empty()) {
    try {
      root = toml::parse_file(source.path);
    } catch (const toml::parse_error& e) {
      const auto& where = e.source().begin;
      throw Error(ErrorKind::kFormat, source.path + ":" + std::to_string(where.line),
                  std::string(e.description()));
    } catch (const std::exception& e) {
      throw Error(ErrorKind::kIo, source.path, "cannot read: " + std::string(e.what()));
    }
  }
  for (const auto& assignment : source.overrides) apply_override(root, assignment);
  return root;
}

// Reads the keys of one table, so that a misspelt key is an error rather than silently ignored.
class TableReader {
 public:
  TableReader(const toml::table& root, std::string name) : name_(std::move(name)) {
    if (const auto* node = root.get(name_)) {
      table_ = node->as_table();
      if (!table_) throw Error(ErrorKind::kConfig, name_, "must be a table");
    }
  }

  template <class T>
  void read(const char* key, T& out) {
    read_.insert(key);
    if (!table_) return;
    const toml::node* node = table_->get(key);
    if (!node) return;
    if constexpr (std::is_same_v<T, std::string>) {
      if (const auto value = node->value<std::string>()) {
        out = *value;
        return;
      }
    } else if constexpr (std::is_same_v<T, bool>) {
      if (const auto value = node->value<bool>()) {
        out = *value;
        return;
      }
    } else {
      if (const auto value = node->value<std::int64_t>(); value && *value >= 0) {
        out = static_cast<T>(*value);
        return;
      }
    }
    throw Error(ErrorKind::kConfig, name_ + "." + key, "has the wrong type");
  }

  const toml::table* sub_table(const char* key) {
    read_.insert(key);
    if (!table_ || !table_->get(key)) return nullptr;
    const toml::table* sub = table_->get(key)->as_table();
    if (!sub) throw Error(ErrorKind::kConfig, name_ + "." + key, "must be a table");
    return sub;
  }

  void reject_unknown_keys() const {
    if (!table_) return;
    for (const auto& [key, value] : *table_) {
      if (!read_.count(std::string(key.str()))) {
        throw Error(ErrorKind::kConfig, name_ + "." + std::string(key.str()), "unknown key");
      }
    }
  }

 private:
  std::string name_;
  const toml::table* table_ = nullptr;
  std::set<std::string> read_;
};

datasets::LabelSchema read_heads(const toml::table& root) {
  const toml::node* node = root.get("heads");
  if (!node) return datasets::LabelSchema::defaults();
  const toml::array* heads = node->as_array();
  if (!heads) throw Error(ErrorKind::kConfig, "heads", "must be an array of tables ([[heads]])");
  datasets::LabelSchema schema;
  for (const toml::node& item : *heads) {
    const toml::table* table = item.as_table();
    const auto name = table ? table->get_as<std::string>("name") : nullptr;
    if (!name) throw Error(ErrorKind::kConfig, "heads", "every [[heads]] entry needs a name");
    datasets::LabelHead head{name->get(), {}};
    if (const auto* classes = table->get_as<toml::array>("classes")) {
      for (const toml::node& c : *classes) {
        const auto class_name = c.value<std::string>();
        if (!class_name) throw Error(ErrorKind::kConfig, "heads." + head.name, "classes must be strings");
        head.classes.push_back(*class_name);
      }
    }
    schema.heads.push_back(std::move(head));
  }
  schema.validate();
  return schema;
}

std::map<std::string, int> read_int_map(const toml::table& table, const std::string& name) {
  std::map<std::string, int> out;
  for (const auto& [key, value] : table) {
    const auto number = value.value<std::int64_t>();
    if (!number) throw Error(ErrorKind::kConfig, name + "." + std::string(key.str()), "must be an integer");
    out[std::string(key.str())] = static_cast<int>(*number);
  }
  return out;
}

}  // namespace

datasets::ReaderConfig load_reader_config(const RunConfigSource& source) {
  const toml::table root = load(source);
  TableReader data(root, "data");
  std::string preset;
  data.read("preset", preset);
  datasets::ReaderConfig config =
      preset.empty() ? datasets::ReaderConfig() : datasets::ReaderConfig::preset(preset);
  config.schema = read_heads(root);
  std::string format, on_error;
  data.read("format", format);
  data.read("on_error", on_error);
  if (!format.empty()) config.format = datasets::format_from_name(format);
  if (!on_error.empty()) {
    if (on_error != "skip" && on_error != "fail") {
      throw Error(ErrorKind::kConfig, "data.on_error", "'" + on_error + "' is not skip or fail");
    }
    config.on_error = on_error == "fail" ? datasets::OnError::kFail : datasets::OnError::kSkip;
  }
  data.read("max_text_bytes", config.max_text_bytes);
  data.read("default_source", config.default_source);
  data.read("default_lang", config.default_lang);
  datasets::ColumnMapping& columns = config.columns;
  for (auto [key, field] : {std::pair{"id", &columns.id},
                            {"text", &columns.text},
                            {"lang", &columns.lang},
                            {"group", &columns.group},
                            {"source", &columns.source},
                            {"time", &columns.time}}) {
    data.read(key, *field);
  }
  if (const toml::table* labels = data.sub_table("label")) {
    for (const auto& [head, column] : *labels) {
      const auto name = column.value<std::string>();
      if (!name)
        throw Error(ErrorKind::kConfig, "data.label." + std::string(head.str()), "must be a column name");
      columns.labels[std::string(head.str())] = *name;
    }
  }
  if (const toml::table* values = data.sub_table("values")) {
    for (const auto& [head, map] : *values) {
      const std::string where = "data.values." + std::string(head.str());
      if (!map.as_table()) throw Error(ErrorKind::kConfig, where, "must be a table of value = label");
      columns.values[std::string(head.str())] = read_int_map(*map.as_table(), where);
    }
  }
  if (const toml::table* fixed = data.sub_table("fixed"))
    columns.fixed_labels = read_int_map(*fixed, "data.fixed");
  data.reject_unknown_keys();
  config.validate();
  return config;
}

PrepareConfig load_prepare_config(const RunConfigSource& source) {
  const toml::table root = load(source);
  PrepareConfig config;
  TableReader normalizer(root, "normalizer");
  for (const auto& step : tokenizer::NormalizerSettings::step_names()) {
    bool on = true;
    normalizer.read(step.c_str(), on);
    config.normalizer.set_step(step, on);
  }
  normalizer.read("max_char_run", config.normalizer.max_char_run);
  normalizer.reject_unknown_keys();
  TableReader featurizer(root, "featurizer");
  featurizer.read("hash_buckets", config.featurizer.hash_buckets);
  featurizer.read("subword_bigrams", config.featurizer.subword_bigrams);
  featurizer.read("char_ngram_min", config.featurizer.char_ngram_min);
  featurizer.read("char_ngram_max", config.featurizer.char_ngram_max);
  featurizer.read("seed", config.featurizer.seed);
  featurizer.reject_unknown_keys();
  TableReader shards(root, "shards");
  shards.read("records_per_shard", config.records_per_shard);
  shards.reject_unknown_keys();
  config.normalizer.validate();
  config.featurizer.validate();
  if (config.records_per_shard == 0)
    throw Error(ErrorKind::kConfig, "shards.records_per_shard", "must be positive");
  return config;
}

}  // namespace sieve::cli
