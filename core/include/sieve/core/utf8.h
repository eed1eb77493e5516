#pragma once
// UTF-8 decoding and encoding that never throws: invalid bytes become U+FFFD and are counted.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sieve::utf8 {

inline constexpr char32_t kReplacement = 0xFFFD;

// Decodes one code point starting at text[pos] and advances pos. A malformed or truncated sequence,
// an overlong form, a surrogate or a value above U+10FFFF yields kReplacement and advances by the
// maximal invalid prefix (one byte at least), as the Unicode standard recommends; *invalid is set then.
char32_t decode(std::string_view text, std::size_t& pos, bool* invalid);

// Writes the UTF-8 form of cp (kReplacement for values that are not scalar values) at dst, which must
// have room for 4 bytes, and returns the end. Inline: the normalizer calls it for every character.
inline char* encode(char32_t cp, char* dst) {
  if (cp < 0x80) {
    *dst = static_cast<char>(cp);
    return dst + 1;
  }
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacement;
  if (cp < 0x800) {
    dst[0] = static_cast<char>(0xC0 | (cp >> 6));
    dst[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return dst + 2;
  }
  if (cp < 0x10000) {
    dst[0] = static_cast<char>(0xE0 | (cp >> 12));
    dst[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    dst[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return dst + 3;
  }
  dst[0] = static_cast<char>(0xF0 | (cp >> 18));
  dst[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  dst[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  dst[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return dst + 4;
}

// Appends the UTF-8 form of cp to out.
inline void append(std::string& out, char32_t cp) {
  char bytes[4];
  out.append(bytes, encode(cp, bytes) - bytes);
}

// Number of bytes that are part of invalid sequences.
std::size_t count_invalid(std::string_view text);

// Returns text with every invalid sequence replaced by U+FFFD.
std::string sanitize(std::string_view text);

}  // namespace sieve::utf8
