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

// Appends the UTF-8 form of cp (kReplacement for values that are not scalar values).
void append(std::string& out, char32_t cp);

// Number of bytes that are part of invalid sequences.
std::size_t count_invalid(std::string_view text);

// Returns text with every invalid sequence replaced by U+FFFD.
std::string sanitize(std::string_view text);

}  // namespace sieve::utf8
