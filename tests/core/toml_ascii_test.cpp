#include "sieve/core/toml_ascii.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "error_text.h"
#include "sieve/core/config_file.h"
#include "sieve/core/utf8.h"

namespace sieve {
namespace {

using sieve::testing::error_text;

std::string utf8_of(char32_t cp) {
  std::string out;
  utf8::append(out, cp);
  return out;
}

bool is_ascii(const std::string& text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

TEST(TomlAscii, StringsAndCommentsKeepTheirMeaningInAscii) {
  EXPECT_EQ(toml_as_ascii("a = \"été\" # café\n", "f"), "a = \"\\u00E9t\\u00E9\" # caf\\u00E9\n");
  EXPECT_EQ(toml_as_ascii("a = 'x \"é\" \\ y'\n", "f"), "a = \"x \\\"\\u00E9\\\" \\\\ y\"\n");
  EXPECT_EQ(toml_as_ascii("a = 'plain \\ ascii'\n", "f"), "a = 'plain \\ ascii'\n");
  EXPECT_EQ(toml_as_ascii("a = \"\\\"é\" \n", "f"), "a = \"\\\"\\u00E9\" \n");
  EXPECT_EQ(toml_as_ascii("a = \"\"\"x\né\"\"\"\"\n", "f"), "a = \"\"\"x\n\\u00E9\"\"\"\"\n");
  EXPECT_EQ(toml_as_ascii("a = \"\xF0\x9F\x98\x80\"", "f"), "a = \"\\U0001F600\"");
  EXPECT_EQ(toml_as_ascii("\xEF\xBB\xBF"
                          "a = 1",
                          "f"),
            "a = 1");
}

TEST(TomlAscii, WhatCannotBeWrittenInAsciiIsRefusedByLine) {
  EXPECT_EQ(error_text([] { toml_as_ascii("a = 1\nb\xC3\xA9 = 2\n", "f.toml"); }),
            "format: f.toml:2: a non-ASCII character outside a quoted string or a comment (quote keys that "
            "need one)");
  EXPECT_EQ(error_text([] { toml_as_ascii("a = '''\n\xC3\xA9'''\n", "f.toml"); }),
            "format: f.toml:2: a non-ASCII character in a multi-line literal string (use a basic string)");
  EXPECT_EQ(error_text([] { toml_as_ascii("a = \"\\\xC3\xA9\"", "f.toml"); }),
            "format: f.toml:1: a backslash before a non-ASCII character");
  EXPECT_EQ(error_text([] { toml_as_ascii("a = 1\n\n# \xC3\x28\n", "f.toml"); }),
            "format: f.toml:3: bytes that are not UTF-8");
  // A backslash that ends a line in a basic string does not hide the line break from the count.
  EXPECT_EQ(error_text([] { toml_as_ascii("a = \"x\\\nb\xC3\xA9 = 1", "f.toml"); }),
            "format: f.toml:2: a non-ASCII character outside a quoted string or a comment (quote keys that "
            "need one)");
}

// Found by run_config_fuzzer: "sses = 8x7\"\357\264\277..." made toml++ look past the quote for the end
// of the bare value and test U+FD3F for white space, which is undefined behaviour in toml++ 3.3. Every
// code point of the three ranges where that happens, in every place it can stand, must give ASCII to
// toml++ and either load with its value or be a format error (the sanitizer build runs this too).
TEST(TomlAscii, EveryCodePointWhereTomlPlusPlusMisbehavesLoadsOrIsAnError) {
  struct Place {
    const char* toml;  // X stands for the character
    enum { kValue, kKey, kNeither } holds;
  };
  const std::vector<Place> places = {{"k = \"X\"", Place::kValue},         {"k = 'X'", Place::kValue},
                                     {"\"X\" = 1", Place::kKey},           {"k = 1 # X", Place::kNeither},
                                     {"k = 8x7\"X\"", Place::kNeither},    {"k = 1.'X'", Place::kNeither},
                                     {"k = \"\"\"X\"\"\"", Place::kValue}, {"k = X", Place::kNeither}};
  const std::vector<std::pair<char32_t, char32_t>> ranges = {
      {0xA0, 0x49A}, {0x2C5E, 0x3058}, {0xFB26, 0xFF00}};
  const std::string path = ::testing::TempDir() + "/toml_ascii_test.toml";
  std::size_t loaded = 0, refused = 0;
  for (const auto& [first, end] : ranges) {
    for (char32_t cp = first; cp < end; ++cp) {
      const std::string character = utf8_of(cp);
      for (const Place& place : places) {
        std::string text = std::string("[t]\n") + place.toml;
        text.replace(text.find('X'), 1, character);
        try {
          ASSERT_TRUE(is_ascii(toml_as_ascii(text, "f")));
          std::ofstream(path, std::ios::trunc) << text;
          const ConfigFile config = ConfigFile::load(path);
          ConfigFile::Table table = config.table("t");
          if (place.holds == Place::kKey) {
            EXPECT_EQ(table.keys(), std::vector<std::string>{character}) << text;
          }
          if (place.holds == Place::kValue) {
            std::string value;
            table.read("k", value);
            EXPECT_EQ(value, character) << text;
          }
          ++loaded;
        } catch (const Error& e) {
          EXPECT_EQ(e.kind(), ErrorKind::kFormat) << text;
          ++refused;
        }
      }
    }
  }
  const std::size_t code_points = (0x49A - 0xA0) + (0x3058 - 0x2C5E) + (0xFF00 - 0xFB26);
  // The strings, the quoted key, the comment and the multi-line string load for every code point (some of
  // the quoted keys are white space, which is still a key); the bare value, the character glued to a value
  // and the bare character are errors.
  EXPECT_EQ(loaded, 5 * code_points);
  EXPECT_EQ(refused, 3 * code_points);
}

TEST(TomlAscii, ValuesReadBackAsWritten) {
  const std::string path = ::testing::TempDir() + "/toml_ascii_values.toml";
  std::ofstream(path)
      << "\xEF\xBB\xBF# colonne \xE3\x80\x82 ﴿\n[data]\ntext = \"a、b\"\nlit = 'c \"d\" \\ é'\n"
         "'clé' = \"\"\"\nligne\\\n   é\"\"\"\n";
  ConfigFile config = ConfigFile::load(path);
  ConfigFile::Table data = config.table("data");
  std::string text, lit, key;
  data.read("text", text);
  data.read("lit", lit);
  data.read("clé", key);
  EXPECT_EQ(text, "a、b");
  EXPECT_EQ(lit, "c \"d\" \\ é");
  EXPECT_EQ(key, "ligne\u00e9");
}

}  // namespace
}  // namespace sieve
