#include "settings_json.h"

#include "sieve/core/error.h"

namespace sieve::tokenizer::detail {

SettingsJson::SettingsJson(std::string_view json, std::string where) : where_(std::move(where)) {
  if (parser_.parse(json.data(), json.size()).get_object().get(object_)) {
    throw Error(ErrorKind::kFormat, where_, "not a JSON object");
  }
}

simdjson::dom::element SettingsJson::require(const char* key) {
  simdjson::dom::element value;
  if (object_[key].get(value))
    throw Error(ErrorKind::kFormat, where_, std::string("missing key '") + key + "'");
  read_.insert(key);
  return value;
}

bool SettingsJson::get_bool(const char* key) {
  bool value = false;
  if (require(key).get_bool().get(value))
    throw Error(ErrorKind::kFormat, where_, std::string(key) + ": not a boolean");
  return value;
}

bool SettingsJson::get_bool_or(const char* key, bool absent) {
  simdjson::dom::element element;
  if (object_[key].get(element)) return absent;
  return get_bool(key);
}

std::int64_t SettingsJson::get_int(const char* key) {
  std::int64_t value = 0;
  if (require(key).get_int64().get(value))
    throw Error(ErrorKind::kFormat, where_, std::string(key) + ": not an integer");
  return value;
}

std::uint64_t SettingsJson::get_uint(const char* key) {
  std::uint64_t value = 0;
  if (require(key).get_uint64().get(value)) {
    throw Error(ErrorKind::kFormat, where_, std::string(key) + ": not a non-negative integer");
  }
  return value;
}

void SettingsJson::reject_unknown_keys() const {
  for (const auto field : object_) {
    if (!read_.count(field.key))
      throw Error(ErrorKind::kFormat, where_, "unknown key '" + std::string(field.key) + "'");
  }
}

}  // namespace sieve::tokenizer::detail
