#include "sieve/core/utf8.h"

#include <gtest/gtest.h>

namespace sieve::utf8 {
namespace {

TEST(Utf8, DecodesEveryLengthOfSequence) {
  const std::string text = "a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x82";  // a é 中 😂
  std::size_t pos = 0;
  bool invalid = false;
  EXPECT_EQ(decode(text, pos, &invalid), U'a');
  EXPECT_EQ(decode(text, pos, &invalid), U'\u00E9');
  EXPECT_EQ(decode(text, pos, &invalid), U'\u4E2D');
  EXPECT_EQ(decode(text, pos, &invalid), U'\U0001F602');
  EXPECT_EQ(pos, text.size());
  EXPECT_FALSE(invalid);
}

TEST(Utf8, ReplacesTheMaximalInvalidPrefixWithOneReplacementCharacter) {
  EXPECT_EQ(sanitize("\xE4\xB8"
                     "x"),
            "\uFFFDx");                                       // truncated 3-byte sequence: one U+FFFD
  EXPECT_EQ(sanitize("\xC0\x80"), "\uFFFD\uFFFD");            // overlong NUL: C0 is never valid
  EXPECT_EQ(sanitize("\xED\xA0\x80"), "\uFFFD\uFFFD\uFFFD");  // surrogate D800
  EXPECT_EQ(sanitize("\xF4\x90\x80\x80"), "\uFFFD\uFFFD\uFFFD\uFFFD");  // above U+10FFFF
  EXPECT_EQ(sanitize("\x80"), "\uFFFD");
  EXPECT_EQ(sanitize("ok"), "ok");
}

TEST(Utf8, CountsInvalidBytes) {
  EXPECT_EQ(count_invalid("abc"), 0u);
  EXPECT_EQ(count_invalid("a\xFF"
                          "b\xE4\xB8"),
            3u);
}

TEST(Utf8, AppendEncodesAndRefusesNonScalarValues) {
  std::string out;
  append(out, U'\u00E9');
  append(out, U'\U0001F602');
  append(out, 0xD800);
  append(out, 0x110000);
  EXPECT_EQ(out, "\xC3\xA9\xF0\x9F\x98\x82\uFFFD\uFFFD");
}

}  // namespace
}  // namespace sieve::utf8
