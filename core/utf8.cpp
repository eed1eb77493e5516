#include "sieve/core/utf8.h"

namespace sieve::utf8 {
namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

}  // namespace

char32_t decode(std::string_view text, std::size_t& pos, bool* invalid) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  const unsigned char lead = s[pos];
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  // Length and the allowed range of the second byte (this excludes overlongs and surrogates early).
  int length = 0;
  unsigned char low = 0x80, high = 0xBF;
  char32_t cp = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    cp = lead & 0x0F;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    cp = lead & 0x07;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    ++pos;
    if (invalid) *invalid = true;
    return kReplacement;
  }
  std::size_t i = pos + 1;
  for (int k = 1; k < length; ++k, ++i) {
    const bool in_range = k == 1 ? (i < n && s[i] >= low && s[i] <= high) : (i < n && is_continuation(s[i]));
    if (!in_range) {
      pos = i;  // the maximal invalid prefix ends before the byte that broke the sequence
      if (invalid) *invalid = true;
      return kReplacement;
    }
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  pos = i;
  return cp;
}

std::size_t count_invalid(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t start = pos;
    bool invalid = false;
    decode(text, pos, &invalid);
    if (invalid) count += pos - start;
  }
  return count;
}

std::string sanitize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) append(out, decode(text, pos, nullptr));
  return out;
}

}  // namespace sieve::utf8
