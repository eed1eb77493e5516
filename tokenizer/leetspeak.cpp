#include "leetspeak.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace sieve::tokenizer::detail {
namespace {

bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }

// What follows a number in ordinary writing: ordinals (English and French), times, sizes and units.
constexpr std::array<std::u32string_view, 44> kNumberSuffixes = {
    U"st", U"nd", U"rd",  U"th",   U"s",  U"am", U"pm",  U"k",   U"m",  U"b",  U"g",
    U"d",  U"h",  U"x",   U"p",    U"v",  U"w",  U"er",  U"re",  U"e",  U"es", U"ère",
    U"ème", U"eme", U"ieme", U"ième", U"mn", U"min", U"mins", U"yr", U"yrs", U"bn", U"hr",
    U"hrs", U"ms", U"km", U"kg",   U"gb", U"mb", U"ml",  U"cm",  U"mm", U"tb", U"ghz"};

bool is_number_suffix(const char32_t* begin, const char32_t* end) {
  const std::u32string_view suffix(begin, static_cast<std::size_t>(end - begin));
  return std::find(kNumberSuffixes.begin(), kNumberSuffixes.end(), suffix) != kNumberSuffixes.end();
}

bool is_hexadecimal(const char32_t* begin, const char32_t* end) {
  return end - begin >= 4 && std::all_of(begin, end, [](char32_t c) { return is_digit(c) || (c >= 'a' && c <= 'f'); });
}

}  // namespace

char32_t leet_letter(char32_t digit) {
  switch (digit) {
    case '0': return 'o';
    case '1': return 'i';
    case '3': return 'e';
    case '4': return 'a';
    case '5': return 's';
    case '7': return 't';
    default: return 0;
  }
}

bool is_leetspeak_word(const char32_t* begin, const char32_t* end) {
  int letters = 0, digits = 0;
  for (const char32_t* p = begin; p < end; ++p) {
    if (!is_digit(*p)) {
      ++letters;
    } else if (leet_letter(*p)) {
      ++digits;
    } else {
      return false;  // a digit no disguise uses: a code, a model number, "2day"
    }
  }
  if (digits == 0 || letters == 0 || is_hexadecimal(begin, end)) return false;
  const char32_t* lead_end = begin;
  while (is_digit(*lead_end)) ++lead_end;
  const char32_t* trail_begin = end;
  while (is_digit(trail_begin[-1])) --trail_begin;
  const auto lead = lead_end - begin, trail = end - trail_begin;
  if (lead > 1 || trail > 1) return false;
  if (lead == 1 && (*begin == '4' || is_number_suffix(lead_end, end))) return false;
  if (trail == 1 && end[-1] == '1') return false;
  // One letter between two digits is "7h3", but "x" there is a size or a hexadecimal prefix ("3x3", "0x7").
  if (letters == 1) return lead == 1 && trail == 1 && begin[1] != 'x';
  const bool inside = lead + trail < digits;
  if (trail == 1 && lead == 0 && !inside && letters < 3) return false;
  return true;
}

}  // namespace sieve::tokenizer::detail
