#include "sieve/format/model_config.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"
#include "sieve/core/strict_json.h"

namespace sieve::infer {
namespace {

constexpr const char* kWhere = "model config";
constexpr std::uint32_t kMaxTableSize = 1u << 27;      // vocabularies of 2^16 + the featurizer's 2^26 buckets
constexpr std::uint64_t kMaxTableFloats = 1ull << 31;  // 8 GiB of fp32: beyond any host we train on
constexpr int kMaxWidth = 4096;                        // dim, d_model, filters, max_subwords
constexpr int kMaxHidden = 65536;
constexpr int kMaxClasses = 127;  // labels are int8 in shards
constexpr int kMaxConvWidth = 16;
constexpr int kMaxLayers = 64;
constexpr int kMaxFfnMultiplier = 16;

[[noreturn]] void fail(const std::string& field, const std::string& message) {
  throw Error(ErrorKind::kConfig, "model." + field, message);
}

void check_range(const std::string& field, std::int64_t value, std::int64_t low, std::int64_t high) {
  if (value < low || value > high) {
    fail(field, "must be between " + std::to_string(low) + " and " + std::to_string(high) + ", got " +
                    std::to_string(value));
  }
}

std::string join(const std::vector<int>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + std::to_string(values[i]);
  return out + "]";
}

void validate_heads(const std::vector<HeadConfig>& heads) {
  if (heads.empty()) fail("heads", "at least one head is needed");
  std::set<std::string> names;
  for (std::size_t i = 0; i < heads.size(); ++i) {
    const std::string field = "heads[" + std::to_string(i) + "]";
    if (heads[i].name.empty()) fail(field + ".name", "must not be empty");
    if (!names.insert(heads[i].name).second) fail(field + ".name", "duplicate head '" + heads[i].name + "'");
    check_range(field + ".num_classes", heads[i].num_classes, 2, kMaxClasses);
  }
}

void validate_cnn(const CnnConfig& cnn) {
  const bool widths_ok =
      !cnn.widths.empty() && cnn.widths.size() <= 8 &&
      std::all_of(cnn.widths.begin(), cnn.widths.end(), [](int w) { return w >= 1 && w <= kMaxConvWidth; });
  if (!widths_ok) {
    fail("cnn.widths", "need 1 to 8 widths, each between 1 and " + std::to_string(kMaxConvWidth) + ", got " +
                           join(cnn.widths));
  }
  check_range("cnn.filters", cnn.filters, 1, kMaxWidth);
}

void validate_transformer(const TransformerConfig& t) {
  check_range("transformer.layers", t.layers, 1, kMaxLayers);
  check_range("transformer.d_model", t.d_model, 1, kMaxWidth);
  check_range("transformer.attention_heads", t.attention_heads, 1, t.d_model);
  if (t.d_model % t.attention_heads != 0) {
    fail("transformer.attention_heads",
         "must divide d_model (" + std::to_string(t.d_model) + "), got " + std::to_string(t.attention_heads));
  }
  check_range("transformer.ffn_multiplier", t.ffn_multiplier, 1, kMaxFfnMultiplier);
}

// JSON integers are clamped into the field's type before validate() judges them, so 1e12 is reported as
// out of range instead of wrapping around.
int to_int(std::int64_t value) {
  return static_cast<int>(
      std::clamp<std::int64_t>(value, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

std::uint32_t to_uint32(StrictJsonObject& reader, const char* key) {
  const std::int64_t value = reader.get_int(key);
  if (value < 0) reader.fail(key, "must not be negative");
  return static_cast<std::uint32_t>(std::min<std::int64_t>(value, std::numeric_limits<std::uint32_t>::max()));
}

std::vector<HeadConfig> read_heads(StrictJsonObject& reader) {
  std::vector<HeadConfig> heads;
  for (const simdjson::dom::element element : reader.get_array("heads")) {
    simdjson::dom::object object;
    if (element.get_object().get(object)) reader.fail("heads", "every head must be an object");
    StrictJsonObject head(object, kWhere, "heads[" + std::to_string(heads.size()) + "].");
    HeadConfig config;
    config.name = head.get_string("name");
    config.num_classes = to_int(head.get_int("num_classes"));
    head.reject_unknown_keys();
    heads.push_back(std::move(config));
  }
  return heads;
}

CnnConfig read_cnn(StrictJsonObject reader) {
  CnnConfig cnn;
  cnn.widths.clear();
  for (const simdjson::dom::element element : reader.get_array("widths")) {
    std::int64_t width = 0;
    if (element.get_int64().get(width)) reader.fail("widths", "not an array of integers");
    cnn.widths.push_back(to_int(width));
  }
  cnn.filters = to_int(reader.get_int("filters"));
  reader.reject_unknown_keys();
  return cnn;
}

TransformerConfig read_transformer(StrictJsonObject reader) {
  TransformerConfig t;
  t.layers = to_int(reader.get_int("layers"));
  t.d_model = to_int(reader.get_int("d_model"));
  t.attention_heads = to_int(reader.get_int("attention_heads"));
  t.ffn_multiplier = to_int(reader.get_int("ffn_multiplier"));
  reader.reject_unknown_keys();
  return t;
}

}  // namespace

const char* architecture_name(Architecture architecture) {
  switch (architecture) {
    case Architecture::kBag:
      return "bag";
    case Architecture::kCnn:
      return "cnn";
    case Architecture::kTransformer:
      return "transformer";
  }
  return "unknown";
}

Architecture parse_architecture(std::string_view name) {
  for (const Architecture a : {Architecture::kBag, Architecture::kCnn, Architecture::kTransformer}) {
    if (name == architecture_name(a)) return a;
  }
  fail("architecture", "must be bag, cnn or transformer, got '" + std::string(name) + "'");
}

bool HeadConfig::operator==(const HeadConfig& other) const {
  return name == other.name && num_classes == other.num_classes;
}

bool CnnConfig::operator==(const CnnConfig& other) const {
  return widths == other.widths && filters == other.filters;
}

bool TransformerConfig::operator==(const TransformerConfig& other) const {
  return layers == other.layers && d_model == other.d_model && attention_heads == other.attention_heads &&
         ffn_multiplier == other.ffn_multiplier;
}

bool ModelConfig::operator==(const ModelConfig& other) const {
  return architecture == other.architecture && table_size == other.table_size &&
         vocab_size == other.vocab_size && dim == other.dim && hidden == other.hidden &&
         dropout == other.dropout && max_subwords == other.max_subwords &&
         sparse_embeddings == other.sparse_embeddings && dense_inputs == other.dense_inputs &&
         heads == other.heads && cnn == other.cnn && transformer == other.transformer;
}

void ModelConfig::validate() const {
  if (vocab_size < 1) fail("vocab_size", "must be at least 1, got 0");
  if (table_size < vocab_size || table_size > kMaxTableSize) {
    fail("table_size", "must be between vocab_size (" + std::to_string(vocab_size) + ") and " +
                           std::to_string(kMaxTableSize) + ", got " + std::to_string(table_size));
  }
  check_range("dim", dim, 1, kMaxWidth);
  if (static_cast<std::uint64_t>(table_size) * static_cast<std::uint64_t>(dim) > kMaxTableFloats) {
    fail("dim", "table_size × dim must be at most 2^31 floats, got " + std::to_string(table_size) + " × " +
                    std::to_string(dim));
  }
  check_range("hidden", hidden, 0, kMaxHidden);
  if (!(dropout >= 0.0f && dropout < 1.0f))
    fail("dropout", "must be in [0, 1), got " + std::to_string(dropout));
  check_range("max_subwords", max_subwords, 1, kMaxWidth);
  check_range("dense_inputs", dense_inputs, 0, kMaxWidth);
  validate_heads(heads);
  validate_cnn(cnn);
  validate_transformer(transformer);
}

std::string ModelConfig::to_json() const {
  JsonWriter w;
  w.begin_object();
  w.key("architecture").value(architecture_name(architecture));
  w.key("table_size").value(table_size);
  w.key("vocab_size").value(vocab_size);
  w.key("dim").value(dim);
  w.key("hidden").value(hidden);
  w.key("dropout").value(static_cast<double>(dropout));  // %.9g: a float survives the round trip
  w.key("max_subwords").value(max_subwords);
  w.key("sparse_embeddings").value(sparse_embeddings);
  w.key("dense_inputs").value(dense_inputs);
  w.key("heads").begin_array();
  for (const HeadConfig& head : heads) {
    w.begin_object().key("name").value(head.name).key("num_classes").value(head.num_classes).end_object();
  }
  w.end_array();
  w.key("cnn").begin_object().key("widths").begin_array();
  for (const int width : cnn.widths) w.value(width);
  w.end_array().key("filters").value(cnn.filters).end_object();
  w.key("transformer").begin_object();
  w.key("layers").value(transformer.layers);
  w.key("d_model").value(transformer.d_model);
  w.key("attention_heads").value(transformer.attention_heads);
  w.key("ffn_multiplier").value(transformer.ffn_multiplier);
  w.end_object();
  w.end_object();
  return w.take();
}

ModelConfig ModelConfig::from_json(std::string_view json) {
  StrictJsonDocument document(json, kWhere);
  StrictJsonObject& reader = document.root();
  ModelConfig config;
  try {
    config.architecture = parse_architecture(reader.get_string("architecture"));
  } catch (const Error& e) {
    throw Error(ErrorKind::kFormat, kWhere, e.what());
  }
  config.table_size = to_uint32(reader, "table_size");
  config.vocab_size = to_uint32(reader, "vocab_size");
  config.dim = to_int(reader.get_int("dim"));
  config.hidden = to_int(reader.get_int("hidden"));
  config.dropout = static_cast<float>(reader.get_number("dropout"));
  config.max_subwords = to_int(reader.get_int("max_subwords"));
  config.sparse_embeddings = reader.get_bool("sparse_embeddings");
  config.dense_inputs = to_int(reader.get_int_or("dense_inputs", 0));  // absent in older model files
  config.heads = read_heads(reader);
  config.cnn = read_cnn(reader.get_object("cnn"));
  config.transformer = read_transformer(reader.get_object("transformer"));
  return reader.finish(config);
}

}  // namespace sieve::infer
