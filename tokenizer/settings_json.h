#pragma once
// Private to tokenizer/: reads the flat JSON objects that settings structs are stored as in model.sieve.
// Every key must be present and no other key may be: a default filled in silently, or a setting the
// reader does not know, could make the server read posts differently from the trainer.

#include <simdjson.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "sieve/core/error.h"

namespace sieve::tokenizer::detail {

class SettingsJson {
 public:
  // Throws Error(kFormat, where) when json is not an object.
  SettingsJson(std::string_view json, std::string where);

  bool get_bool(const char* key);
  // For a key added after files were written without it: those files mean `absent`.
  bool get_bool_or(const char* key, bool absent);
  std::int64_t get_int(const char* key);
  std::uint64_t get_uint(const char* key);
  // Ends reading: throws on the first key that no get_*() asked for, then validates the settings read,
  // reporting a value out of range as a format error of this document.
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

 private:
  simdjson::dom::element require(const char* key);
  void reject_unknown_keys() const;

  simdjson::dom::parser parser_;
  simdjson::dom::object object_;
  std::string where_;
  std::set<std::string, std::less<>> read_;
};

}  // namespace sieve::tokenizer::detail
