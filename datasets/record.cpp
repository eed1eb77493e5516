#include "sieve/datasets/record.h"

#include <simdjson.h>

#include <set>

#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"

namespace sieve::datasets {
namespace {

constexpr std::size_t kMaxClasses = 127;  // label values are stored as int8

}  // namespace

LabelSchema LabelSchema::defaults() {
  return LabelSchema{{{"coordinated", {}}, {"machine", {}}, {"nonnative", {}}, {"abusive", {}}}};
}

int LabelSchema::index_of(std::string_view name) const {
  for (std::size_t i = 0; i < heads.size(); ++i) {
    if (heads[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

void LabelSchema::validate() const {
  std::set<std::string> seen;
  for (const LabelHead& head : heads) {
    if (head.name.empty()) throw Error(ErrorKind::kConfig, "label heads", "a head has an empty name");
    if (!seen.insert(head.name).second) {
      throw Error(ErrorKind::kConfig, "label heads", "head '" + head.name + "' is declared twice");
    }
    if (head.classes.size() == 1 || head.classes.size() > kMaxClasses) {
      throw Error(ErrorKind::kConfig, "label head '" + head.name + "'",
                  "a multi-class head needs 2 to 127 classes, got " + std::to_string(head.classes.size()));
    }
  }
}

std::string LabelSchema::to_json() const {
  JsonWriter w;
  w.begin_array();
  for (const LabelHead& head : heads) {
    w.begin_object().key("name").value(head.name).key("classes").begin_array();
    for (const auto& c : head.classes) w.value(c);
    w.end_array().end_object();
  }
  w.end_array();
  return w.take();
}

LabelSchema LabelSchema::from_json(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::array heads;
  if (parser.parse(json.data(), json.size()).get_array().get(heads)) {
    throw Error(ErrorKind::kFormat, "label heads", "not a JSON array");
  }
  LabelSchema schema;
  for (const auto item : heads) {
    LabelHead head;
    std::string_view name;
    simdjson::dom::array classes;
    if (item["name"].get_string().get(name) || item["classes"].get_array().get(classes)) {
      throw Error(ErrorKind::kFormat, "label heads",
                  "each head needs a string 'name' and an array 'classes'");
    }
    head.name = std::string(name);
    for (const auto c : classes) {
      std::string_view class_name;
      if (c.get_string().get(class_name)) {
        throw Error(ErrorKind::kFormat, "label head '" + head.name + "'", "class names must be strings");
      }
      head.classes.emplace_back(class_name);
    }
    schema.heads.push_back(std::move(head));
  }
  try {
    schema.validate();
  } catch (const Error& e) {
    throw Error(ErrorKind::kFormat, "label heads", e.what());
  }
  return schema;
}

bool LabelSchema::operator==(const LabelSchema& other) const {
  if (heads.size() != other.heads.size()) return false;
  for (std::size_t i = 0; i < heads.size(); ++i) {
    if (heads[i].name != other.heads[i].name || heads[i].classes != other.heads[i].classes) return false;
  }
  return true;
}

void append_jsonl(const Record& record, const LabelSchema& schema, std::string& out) {
  JsonWriter w;
  w.begin_object();
  w.key("id").value(record.id);
  w.key("text").value(record.text);
  if (!record.lang.empty()) w.key("lang").value(record.lang);
  if (!record.source.empty()) w.key("source").value(record.source);
  if (!record.group.empty()) w.key("group").value(record.group);
  if (!record.unreadable_time.empty()) {
    w.key("time").value(record.unreadable_time);
  } else if (record.time != 0) {
    w.key("time").value(static_cast<std::int64_t>(record.time));
  }
  for (std::size_t i = 0; i < schema.heads.size() && i < record.labels.size(); ++i) {
    const std::int8_t value = record.labels[i];
    if (value == kMissingLabel) continue;
    const LabelHead& head = schema.heads[i];
    w.key(head.name);
    if (head.binary()) {
      w.value(static_cast<int>(value));
    } else {
      w.value(head.classes.at(static_cast<std::size_t>(value)));
    }
  }
  w.end_object();
  out += w.str();
}

}  // namespace sieve::datasets
