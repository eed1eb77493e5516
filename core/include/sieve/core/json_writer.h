#pragma once
// A small streaming JSON writer: the project parses JSON with simdjson and writes it with this.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sieve {

// Appends s to out as a quoted JSON string; control characters are escaped, UTF-8 passes through.
void append_json_string(std::string& out, std::string_view s);

// Builds one JSON document into a string. Commas are placed automatically:
//   JsonWriter w; w.begin_object(); w.key("n"); w.value(3); w.end_object(); w.str() == R"({"n":3})"
class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(std::int64_t n);
  JsonWriter& value(std::uint64_t n);
  JsonWriter& value(int n) { return value(static_cast<std::int64_t>(n)); }
  JsonWriter& value(unsigned n) { return value(static_cast<std::uint64_t>(n)); }
  JsonWriter& value(double x);
  JsonWriter& null();
  // Inserts an already serialised JSON value.
  JsonWriter& raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void before_value();

  std::string out_;
  std::vector<bool> first_in_scope_;  // one entry per open object or array
  bool after_key_ = false;
};

}  // namespace sieve
