#include "config_reader.h"

#include "sieve/core/error.h"

namespace sieve::infer::detail {

ConfigReader::ConfigReader(simdjson::dom::object object, std::string where, std::string prefix)
    : object_(object), where_(std::move(where)), prefix_(std::move(prefix)) {}

void ConfigReader::fail(const char* key, const std::string& message) const {
  throw Error(ErrorKind::kFormat, where_, prefix_ + key + ": " + message);
}

simdjson::dom::element ConfigReader::require(const char* key) {
  simdjson::dom::element value;
  if (object_[key].get(value)) throw Error(ErrorKind::kFormat, where_, "missing key '" + prefix_ + key + "'");
  read_.insert(key);
  return value;
}

bool ConfigReader::get_bool(const char* key) {
  bool value = false;
  if (require(key).get_bool().get(value)) fail(key, "not a boolean");
  return value;
}

std::int64_t ConfigReader::get_int(const char* key) {
  std::int64_t value = 0;
  if (require(key).get_int64().get(value)) fail(key, "not an integer");
  return value;
}

std::int64_t ConfigReader::get_int_or(const char* key, std::int64_t absent) {
  simdjson::dom::element element;
  if (object_[key].get(element)) return absent;
  return get_int(key);
}

double ConfigReader::get_number(const char* key) {
  double value = 0;  // simdjson converts integers too
  if (require(key).get_double().get(value)) fail(key, "not a number");
  return value;
}

std::string ConfigReader::get_string(const char* key) {
  std::string_view value;
  if (require(key).get_string().get(value)) fail(key, "not a string");
  return std::string(value);
}

simdjson::dom::array ConfigReader::get_array(const char* key) {
  simdjson::dom::array value;
  if (require(key).get_array().get(value)) fail(key, "not an array");
  return value;
}

ConfigReader ConfigReader::get_object(const char* key) {
  simdjson::dom::object value;
  if (require(key).get_object().get(value)) fail(key, "not an object");
  return ConfigReader(value, where_, prefix_ + key + ".");
}

void ConfigReader::reject_unknown_keys() const {
  for (const auto field : object_) {
    if (!read_.count(field.key)) {
      throw Error(ErrorKind::kFormat, where_, "unknown key '" + prefix_ + std::string(field.key) + "'");
    }
  }
}

}  // namespace sieve::infer::detail
