#pragma once
// Private to tokenizer/: the token streams FluencyModel's n-gram models read, the same at training and
// scoring time. Both call back per token, so that scoring a post allocates nothing.

#include <unicode/uchar.h>

#include <array>
#include <cstdint>
#include <string_view>

#include "sieve/core/hash.h"
#include "sieve/core/utf8.h"
#include "sieve/tokenizer/normalizer.h"

namespace sieve::tokenizer::detail {

inline constexpr std::array<std::string_view, 4> kFluencyPlaceholders = {kUrlToken, kUserToken, kEmailToken,
                                                                         kNumberToken};

// The placeholder starting at text[pos], or -1.
inline int placeholder_at(std::string_view text, std::size_t pos) {
  if (text[pos] != '<') return -1;
  for (std::size_t i = 0; i < kFluencyPlaceholders.size(); ++i) {
    if (text.compare(pos, kFluencyPlaceholders[i].size(), kFluencyPlaceholders[i]) == 0)
      return static_cast<int>(i);
  }
  return -1;
}

// Han, kana, Hangul syllables and CJK punctuation: each character is a word of its own.
inline bool is_cjk_char(char32_t c) {
  return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0x20000 && c <= 0x3FFFF);
}

inline bool is_word_char(char32_t c) {
  if (c < 0x80) return (c | 0x20) - 'a' < 26 || c - '0' < 10;
  return (U_MASK(u_charType(c)) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK)) != 0;
}

inline bool is_space(char32_t c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x80 && u_isUWhiteSpace(c));
}

inline std::uint64_t word_id(std::string_view word) {
  constexpr std::uint64_t kWordSeed = 0x776F72647365656DULL;  // "wordseem"
  const std::uint64_t id = hash64(word, kWordSeed);
  return id < 4 ? id + 4 : id;  // never a sentence marker
}

// Words of a normalized text: runs of letters, marks and digits (an apostrophe ends the word it follows:
// "l'" "état", "don'" "t"), each placeholder, each CJK character and each other non-space character.
template <class Emit>
void for_each_word(std::string_view text, Emit&& emit) {
  std::size_t word_start = 0;
  bool in_word = false;
  auto flush = [&](std::size_t end) {
    if (in_word) emit(word_id(text.substr(word_start, end - word_start)));
    in_word = false;
  };
  for (std::size_t pos = 0; pos < text.size();) {
    if (const int p = placeholder_at(text, pos); p >= 0) {
      flush(pos);
      emit(word_id(kFluencyPlaceholders[p]));
      pos += kFluencyPlaceholders[p].size();
      continue;
    }
    const std::size_t start = pos;
    const char32_t c = utf8::decode(text, pos, nullptr);
    if ((c == '\'' || c == 0x2019) && in_word) {
      flush(pos);
    } else if (!is_cjk_char(c) && is_word_char(c)) {
      if (!in_word) word_start = start;
      in_word = true;
    } else {
      flush(start);
      if (!is_space(c)) emit(word_id(text.substr(start, pos - start)));
    }
  }
  flush(text.size());
}

// Characters of a normalized text, white space included, with each placeholder as one private-use
// character (so "<url>" is one unit, not five predictable ones). Ids are code points.
template <class Emit>
void for_each_char(std::string_view text, Emit&& emit) {
  for (std::size_t pos = 0; pos < text.size();) {
    if (const int p = placeholder_at(text, pos); p >= 0) {
      emit(std::uint64_t{0xE000} + static_cast<std::uint64_t>(p));
      pos += kFluencyPlaceholders[p].size();
      continue;
    }
    emit(std::uint64_t{utf8::decode(text, pos, nullptr)});
  }
}

}  // namespace sieve::tokenizer::detail
