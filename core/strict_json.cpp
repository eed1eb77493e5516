#include "sieve/core/strict_json.h"

namespace sieve {
namespace {

simdjson::dom::object parse_object(simdjson::dom::parser& parser, std::string_view json,
                                   const std::string& where) {
  simdjson::dom::object object;
  if (parser.parse(json.data(), json.size()).get_object().get(object))
    throw Error(ErrorKind::kFormat, where, "not a JSON object");
  return object;
}

}  // namespace

StrictJsonObject::StrictJsonObject(simdjson::dom::object object, std::string where, std::string prefix)
    : object_(object), where_(std::move(where)), prefix_(std::move(prefix)) {}

void StrictJsonObject::fail(const char* key, const std::string& message) const {
  throw Error(ErrorKind::kFormat, where_, prefix_ + key + ": " + message);
}

bool StrictJsonObject::has(const char* key) const {
  simdjson::dom::element element;
  return !object_[key].get(element);
}

simdjson::dom::element StrictJsonObject::require(const char* key) {
  simdjson::dom::element value;
  if (object_[key].get(value)) throw Error(ErrorKind::kFormat, where_, "missing key '" + prefix_ + key + "'");
  read_.insert(key);
  return value;
}

bool StrictJsonObject::get_bool(const char* key) {
  bool value = false;
  if (require(key).get_bool().get(value)) fail(key, "not a boolean");
  return value;
}

std::int64_t StrictJsonObject::get_int(const char* key) {
  std::int64_t value = 0;
  if (require(key).get_int64().get(value)) fail(key, "not an integer");
  return value;
}

std::uint64_t StrictJsonObject::get_uint(const char* key) {
  std::uint64_t value = 0;
  if (require(key).get_uint64().get(value)) fail(key, "not a non-negative integer");
  return value;
}

double StrictJsonObject::get_number(const char* key) {
  double value = 0;  // simdjson converts integers too
  if (require(key).get_double().get(value)) fail(key, "not a number");
  return value;
}

std::string StrictJsonObject::get_string(const char* key) {
  std::string_view value;
  if (require(key).get_string().get(value)) fail(key, "not a string");
  return std::string(value);
}

simdjson::dom::array StrictJsonObject::get_array(const char* key) {
  simdjson::dom::array value;
  if (require(key).get_array().get(value)) fail(key, "not an array");
  return value;
}

StrictJsonObject StrictJsonObject::get_object(const char* key) {
  simdjson::dom::object value;
  if (require(key).get_object().get(value)) fail(key, "not an object");
  return StrictJsonObject(value, where_, prefix_ + key + ".");
}

bool StrictJsonObject::get_bool_or(const char* key, bool absent) { return has(key) ? get_bool(key) : absent; }

std::int64_t StrictJsonObject::get_int_or(const char* key, std::int64_t absent) {
  return has(key) ? get_int(key) : absent;
}

void StrictJsonObject::reject_unknown_keys() const {
  for (const auto field : object_) {
    if (!read_.count(field.key)) {
      throw Error(ErrorKind::kFormat, where_, "unknown key '" + prefix_ + std::string(field.key) + "'");
    }
  }
}

StrictJsonDocument::StrictJsonDocument(std::string_view json, const std::string& where)
    : root_(parse_object(parser_, json, where), where) {}

}  // namespace sieve
