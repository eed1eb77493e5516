#pragma once
// Private to infer/: reads the nested JSON object a ModelConfig is stored as. Every key must be present
// and no other key may be: a default filled in silently, or a key the reader does not know, could make the
// runtime build a different network from the one that was trained. (tokenizer/ has the flat equivalent,
// but the model format, which the LibTorch side links too, must not link tokenizer/.)

#include <simdjson.h>

#include <cstdint>
#include <set>
#include <string>

namespace sieve::infer::detail {

// One JSON object being read; errors are Error(kFormat, where) naming the key by its dotted path.
class ConfigReader {
 public:
  // prefix is prepended to key names in messages ("cnn." for the cnn section, "" at the top).
  ConfigReader(simdjson::dom::object object, std::string where, std::string prefix);

  bool get_bool(const char* key);
  std::int64_t get_int(const char* key);
  // For a key added after files were written without it: those files mean `absent`.
  std::int64_t get_int_or(const char* key, std::int64_t absent);
  double get_number(const char* key);  // an integer or a floating-point number
  std::string get_string(const char* key);
  simdjson::dom::array get_array(const char* key);
  ConfigReader get_object(const char* key);
  // Throws on the first key that no get_*() asked for.
  void reject_unknown_keys() const;
  // Throws Error(kFormat, where, "<prefix><key>: <message>").
  [[noreturn]] void fail(const char* key, const std::string& message) const;

 private:
  simdjson::dom::element require(const char* key);

  simdjson::dom::object object_;
  std::string where_;
  std::string prefix_;
  std::set<std::string, std::less<>> read_;
};

}  // namespace sieve::infer::detail
