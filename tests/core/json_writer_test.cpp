#include "sieve/core/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sieve {
namespace {

TEST(JsonWriter, PlacesCommasAndNests) {
  JsonWriter w;
  w.begin_object();
  w.key("ids").begin_array().value(1).value(2).end_array();
  w.key("ok").value(true);
  w.key("inner").begin_object().key("x").value(0.5).end_object();
  w.key("none").null();
  w.end_object();
  EXPECT_EQ(w.str(), R"({"ids":[1,2],"ok":true,"inner":{"x":0.5},"none":null})");
}

TEST(JsonWriter, EscapesControlCharactersAndQuotes) {
  std::string out;
  append_json_string(out, "a\"b\\c\n\x01 é");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001 é\"");
}

TEST(JsonWriter, WritesNonFiniteNumbersAsNull) {
  JsonWriter w;
  w.begin_array().value(std::nan("")).value(1e300 * 1e300).end_array();
  EXPECT_EQ(w.str(), "[null,null]");
}

}  // namespace
}  // namespace sieve
