#pragma once
// Reads the JSON objects that settings are stored as (in model.sieve, shard manifests): every key must be
// present and no other key may be. A default filled in silently, or a setting the reader does not know,
// could make the server read posts, or build a network, differently from the trainer.

#include <simdjson.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "sieve/core/error.h"

namespace sieve {

// One JSON object being read; errors are Error(kFormat, where) naming the key by its dotted path.
class StrictJsonObject {
 public:
  // prefix is prepended to key names in messages ("cnn." for the cnn section, "" at the top).
  StrictJsonObject(simdjson::dom::object object, std::string where, std::string prefix = "");

  bool get_bool(const char* key);
  std::int64_t get_int(const char* key);
  std::uint64_t get_uint(const char* key);
  double get_number(const char* key);  // an integer or a floating-point number
  std::string get_string(const char* key);
  simdjson::dom::array get_array(const char* key);
  StrictJsonObject get_object(const char* key);
  // For a key added after files were written without it: those files mean `absent`.
  bool get_bool_or(const char* key, bool absent);
  std::int64_t get_int_or(const char* key, std::int64_t absent);

  // Throws on the first key that no get_*() asked for.
  void reject_unknown_keys() const;
  // Ends reading: rejects unknown keys, then validates the settings read, reporting a value out of range
  // as a format error of this document.
  template <class Settings>
  Settings finish(Settings settings) const {
    reject_unknown_keys();
    try {
      settings.validate();
    } catch (const Error& e) {
      throw Error(ErrorKind::kFormat, where_, e.what());
    }
    return settings;
  }
  // Throws Error(kFormat, where, "<prefix><key>: <message>").
  [[noreturn]] void fail(const char* key, const std::string& message) const;

 private:
  simdjson::dom::element require(const char* key);
  bool has(const char* key) const;

  simdjson::dom::object object_;
  std::string where_;
  std::string prefix_;
  std::set<std::string, std::less<>> read_;
};

// A JSON text whose top level must be an object, parsed and read strictly through root().
class StrictJsonDocument {
 public:
  // Throws Error(kFormat, where, "not a JSON object") for anything else.
  StrictJsonDocument(std::string_view json, const std::string& where);
  StrictJsonDocument(const StrictJsonDocument&) = delete;
  StrictJsonDocument& operator=(const StrictJsonDocument&) = delete;

  StrictJsonObject& root() { return root_; }

 private:
  simdjson::dom::parser parser_;  // owns what root_ reads
  StrictJsonObject root_;
};

}  // namespace sieve
