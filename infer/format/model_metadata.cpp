#include "sieve/format/model_metadata.h"

#include <simdjson.h>

#include <cmath>

#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"

namespace sieve::infer {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// Throws the errors of one document, naming the key.
struct Checker {
  const std::string& where;
  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    throw Error(ErrorKind::kFormat, where, "metadata " + key + ": " + problem);
  }
  element field(object parent, const std::string& key, const std::string& path) const {
    element value;
    if (parent[key].get(value)) fail(path, "missing");
    return value;
  }
  std::string text(element value, const std::string& path) const {
    std::string_view s;
    if (value.get_string().get(s)) fail(path, "not a string");
    return std::string(s);
  }
  double number(element value, const std::string& path) const {
    double x;
    if (value.get_double().get(x)) fail(path, "not a number");
    return x;
  }
  std::uint32_t count(element value, const std::string& path) const {
    std::uint64_t n;
    if (value.get_uint64().get(n) || n > UINT32_MAX) fail(path, "not a count");
    return static_cast<std::uint32_t>(n);
  }
  array list(element value, const std::string& path) const {
    array a;
    if (value.get_array().get(a)) fail(path, "not an array");
    return a;
  }
  object dict(element value, const std::string& path) const {
    object o;
    if (value.get_object().get(o)) fail(path, "not an object");
    return o;
  }
};

OrganicRate read_rate(const Checker& check, element value, const std::string& path) {
  const object o = check.dict(value, path);
  OrganicRate r;
  r.threshold = check.number(check.field(o, "threshold", path + ".threshold"), path + ".threshold");
  r.posts = check.count(check.field(o, "posts", path + ".posts"), path + ".posts");
  r.flagged = check.count(check.field(o, "flagged", path + ".flagged"), path + ".flagged");
  r.fpr = check.number(check.field(o, "fpr", path + ".fpr"), path + ".fpr");
  r.fpr_upper = check.number(check.field(o, "fpr_upper", path + ".fpr_upper"), path + ".fpr_upper");
  if (!(r.threshold >= 0 && r.threshold <= 1)) check.fail(path + ".threshold", "not in [0, 1]");
  if (r.flagged > r.posts) check.fail(path + ".flagged", "more than its posts");
  return r;
}

// The organic calibration of a head: {"max_fpr", "overall": rate, "languages": {lang: rate}}.
void read_organic(const Checker& check, element value, HeadInfo& head, const std::string& path) {
  const object o = check.dict(value, path);
  head.organic_max_fpr = check.number(check.field(o, "max_fpr", path + ".max_fpr"), path + ".max_fpr");
  if (!(head.organic_max_fpr > 0 && head.organic_max_fpr < 1)) check.fail(path + ".max_fpr", "not in (0, 1)");
  head.organic = read_rate(check, check.field(o, "overall", path + ".overall"), path + ".overall");
  for (const auto [lang, rate] :
       check.dict(check.field(o, "languages", path + ".languages"), path + ".languages")) {
    head.language_thresholds[std::string(lang)] =
        read_rate(check, rate, path + ".languages." + std::string(lang));
  }
}

void write_rate(JsonWriter& w, const OrganicRate& r) {
  w.begin_object().key("threshold").value(r.threshold).key("posts").value(r.posts);
  w.key("flagged").value(r.flagged).key("fpr").value(r.fpr).key("fpr_upper").value(r.fpr_upper).end_object();
}

HeadInfo read_head(const Checker& check, element value, const HeadConfig& config, const std::string& path) {
  const object o = check.dict(value, path);
  HeadInfo head;
  head.name = check.text(check.field(o, "name", path + ".name"), path + ".name");
  const std::string kind = check.text(check.field(o, "kind", path + ".kind"), path + ".kind");
  if (kind != "binary" && kind != "multiclass")
    check.fail(path + ".kind", "'" + kind + "' is not binary|multiclass");
  head.binary = kind == "binary";
  for (const element label : check.list(check.field(o, "labels", path + ".labels"), path + ".labels")) {
    head.labels.push_back(check.text(label, path + ".labels"));
  }
  head.threshold = check.number(check.field(o, "threshold", path + ".threshold"), path + ".threshold");
  head.temperature =
      check.number(check.field(o, "temperature", path + ".temperature"), path + ".temperature");

  element organic;
  if (!o["organic"].get(organic)) read_organic(check, organic, head, path + ".organic");

  if (head.name != config.name)
    check.fail(path + ".name", "'" + head.name + "' but the model's head is '" + config.name + "'");
  if (head.binary != config.binary()) check.fail(path + ".kind", "disagrees with the model's head");
  if (static_cast<int>(head.labels.size()) != config.num_classes) {
    check.fail(path + ".labels", std::to_string(head.labels.size()) + " labels for a head of " +
                                     std::to_string(config.num_classes) + " classes");
  }
  if (!(head.threshold >= 0 && head.threshold <= 1)) check.fail(path + ".threshold", "not in [0, 1]");
  if (!(head.temperature > 0 && std::isfinite(head.temperature))) {
    check.fail(path + ".temperature", "not a positive finite number");
  }
  return head;
}

SelfTestSample read_sample(const Checker& check, element value, std::size_t width, const std::string& path) {
  const object o = check.dict(value, path);
  SelfTestSample sample;
  sample.text = check.text(check.field(o, "text", path + ".text"), path + ".text");
  const std::string probs = path + ".probabilities";
  for (const element head : check.list(check.field(o, "probabilities", probs), probs)) {
    array per_class;
    if (head.get_array().get(per_class)) {
      sample.probabilities.push_back(check.number(head, probs));
    } else {
      for (const element p : per_class) sample.probabilities.push_back(check.number(p, probs));
    }
  }
  if (sample.probabilities.size() != width) {
    check.fail(probs, std::to_string(sample.probabilities.size()) + " values, the heads have " +
                          std::to_string(width) + " outputs");
  }
  return sample;
}

}  // namespace

ModelMetadata ModelMetadata::parse(std::string_view json, const std::string& where) {
  const Checker check{where};
  simdjson::dom::parser parser;
  element root;
  if (parser.parse(json.data(), json.size()).get(root)) check.fail("document", "not valid JSON");
  const object top = check.dict(root, "document");

  ModelMetadata meta;
  const double version = check.number(check.field(top, "format_version", "format_version"), "format_version");
  if (version != kModelFormatVersion) {
    check.fail("format_version", "version " + std::to_string(static_cast<long long>(version)) +
                                     ", this build reads version " + std::to_string(kModelFormatVersion));
  }
  try {
    meta.model = ModelConfig::from_json(simdjson::minify(check.field(top, "model", "model")));
    meta.model.validate();
  } catch (const Error& e) {
    check.fail("model", e.what());
  }

  const array heads = check.list(check.field(top, "heads", "heads"), "heads");
  if (heads.size() != meta.model.heads.size()) {
    check.fail("heads", std::to_string(heads.size()) + " heads, the model has " +
                            std::to_string(meta.model.heads.size()));
  }
  std::size_t width = 0;
  for (const element head : heads) {
    const std::size_t k = meta.heads.size();
    meta.heads.push_back(read_head(check, head, meta.model.heads[k], "heads[" + std::to_string(k) + "]"));
    width += static_cast<std::size_t>(meta.heads.back().outputs());
  }

  meta.normalizer_json =
      simdjson::minify(check.dict(check.field(top, "normalizer", "normalizer"), "normalizer"));
  meta.featurizer_json =
      simdjson::minify(check.dict(check.field(top, "featurizer", "featurizer"), "featurizer"));
  meta.vocab_size = check.count(check.field(top, "vocab_size", "vocab_size"), "vocab_size");
  meta.table_size = check.count(check.field(top, "table_size", "table_size"), "table_size");
  if (meta.vocab_size != meta.model.vocab_size || meta.table_size != meta.model.table_size) {
    check.fail("vocab_size", "the sizes disagree with the model config");
  }

  element samples;
  if (!top["self_test"].get(samples)) {
    for (const element sample : check.list(samples, "self_test")) {
      const std::string path = "self_test[" + std::to_string(meta.self_test.size()) + "]";
      meta.self_test.push_back(read_sample(check, sample, width, path));
    }
  }
  return meta;
}

std::string organic_json(const HeadInfo& head) {
  if (head.organic_max_fpr <= 0) return "null";
  JsonWriter w;
  w.begin_object().key("max_fpr").value(head.organic_max_fpr).key("overall");
  write_rate(w, head.organic);
  w.key("languages").begin_object();
  for (const auto& [lang, rate] : head.language_thresholds) {
    w.key(lang);
    write_rate(w, rate);
  }
  w.end_object().end_object();
  return w.take();
}

std::string with_head_settings(std::string_view json, const std::vector<HeadInfo>& heads,
                               const std::string& where) {
  const ModelMetadata current = ModelMetadata::parse(json, where);
  if (current.heads.size() != heads.size()) {
    throw Error(ErrorKind::kFormat, where, "metadata heads: the new settings name other heads");
  }
  simdjson::dom::parser parser;
  const object top = parser.parse(json.data(), json.size()).get_object();
  JsonWriter w;
  w.begin_object();
  for (const auto field : top) {
    w.key(field.key);
    if (field.key != "heads") {
      w.raw(simdjson::minify(field.value));
      continue;
    }
    w.begin_array();
    for (std::size_t k = 0; k < heads.size(); ++k) {
      if (heads[k].name != current.heads[k].name) {
        throw Error(ErrorKind::kFormat, where,
                    "metadata heads[" + std::to_string(k) + "]: '" + heads[k].name +
                        "' is not the model's head '" + current.heads[k].name + "'");
      }
      w.begin_object().key("name").value(heads[k].name);
      w.key("kind").value(heads[k].binary ? "binary" : "multiclass");
      w.key("labels").begin_array();
      for (const std::string& label : heads[k].labels) w.value(label);
      w.end_array();
      w.key("threshold").value(heads[k].threshold).key("temperature").value(heads[k].temperature);
      if (heads[k].organic_max_fpr > 0) w.key("organic").raw(organic_json(heads[k]));
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
  return w.take();
}

}  // namespace sieve::infer
