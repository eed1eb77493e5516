#include "leetspeak.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "char_table.h"

namespace sieve::tokenizer::detail {
namespace {

bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }

// What follows a number in ordinary writing: ordinals (English and French), times, sizes and units. The
// English ordinals go with their own digits: "1st" and "3rd" are ordinals, "4nd" is "and".
constexpr std::array<std::u32string_view, 41> kNumberSuffixes = {
    U"th",   U"s",  U"am",  U"pm",   U"k",  U"m",   U"b",  U"g",   U"d",   U"h",   U"x",
    U"p",    U"v",  U"w",   U"er",   U"re", U"e",   U"es", U"ère", U"ème", U"eme", U"ieme",
    U"ième", U"mn", U"min", U"mins", U"yr", U"yrs", U"bn", U"hr",  U"hrs", U"ms",  U"km",
    U"kg",   U"gb", U"mb",  U"ml",   U"cm", U"mm",  U"tb", U"ghz"};

bool is_number_suffix(char32_t digit, const char32_t* begin, const char32_t* end) {
  const std::u32string_view suffix(begin, static_cast<std::size_t>(end - begin));
  if (suffix == U"st") return digit == '1';
  if (suffix == U"rd") return digit == '3';
  return std::find(kNumberSuffixes.begin(), kNumberSuffixes.end(), suffix) != kNumberSuffixes.end();
}

bool is_link_or_handle(const char32_t* begin, const char32_t* end) {
  const std::u32string_view chunk(begin, static_cast<std::size_t>(end - begin));
  return chunk.find(U"://") != std::u32string_view::npos ||
         chunk.find(U"www.") != std::u32string_view::npos || chunk.find(U'@') != std::u32string_view::npos;
}

bool is_hexadecimal(const char32_t* begin, const char32_t* end) {
  return end - begin >= 4 &&
         std::all_of(begin, end, [](char32_t c) { return is_digit(c) || (c >= 'a' && c <= 'f'); });
}

}  // namespace

char32_t leet_letter(char32_t digit) {
  switch (digit) {
    case '0':
      return 'o';
    case '1':
      return 'i';
    case '3':
      return 'e';
    case '4':
      return 'a';
    case '5':
      return 's';
    case '7':
      return 't';
    default:
      return 0;
  }
}

bool is_leetspeak_word(const char32_t* begin, const char32_t* end, LeetContext context) {
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
  const bool leet_post = context == LeetContext::kLeetPost;
  if (digits == 0 || is_hexadecimal(begin, end)) return false;
  if (letters == 0) return leet_post && digits == 1;  // "1" for "i", "4" for "a"
  const char32_t* lead_end = begin;
  while (is_digit(*lead_end)) ++lead_end;
  const char32_t* trail_begin = end;
  while (is_digit(trail_begin[-1])) --trail_begin;
  const auto lead = lead_end - begin, trail = end - trail_begin;
  if (lead > 1 || trail > 1 || (lead == 1 && is_number_suffix(*begin, lead_end, end))) return false;
  if (leet_post) return true;
  if ((lead == 1 && *begin == '4') || (trail == 1 && end[-1] == '1')) return false;
  // One letter between two digits is "7h3", but "x" there is a size or a hexadecimal prefix ("3x3", "0x7").
  if (letters == 1) return lead == 1 && trail == 1 && begin[1] != 'x';
  const bool inside = lead + trail < digits;
  return !(trail == 1 && lead == 0 && !inside && letters < 3);
}

const char32_t* leet_candidate_end(const CharTable& table, const char32_t* chunk_begin, const char32_t* p,
                                   const char32_t* end) {
  auto in_word = [&](char32_t c) { return is_digit(c) || (table.flags(c) & kLatin); };
  if (!in_word(*p)) return nullptr;
  if (p != chunk_begin && (is_word_character(table, p[-1]) || p[-1] == '#' || p[-1] == '@')) return nullptr;
  const char32_t* word_end = p;
  while (word_end < end && in_word(*word_end)) ++word_end;
  if (word_end < end && is_word_character(table, *word_end)) return nullptr;
  const bool number_follows = word_end + 1 < end &&
                              (*word_end == '.' || *word_end == ',' || *word_end == ':') &&
                              is_digit(word_end[1]);
  return number_follows ? nullptr : word_end;
}

bool has_leetspeak_word(const CharTable& table, const std::u32string& post) {
  const char32_t* p = post.data();
  const char32_t* const end = p + post.size();
  while (p < end) {
    while (p < end && (table.flags(*p) & kSpace)) ++p;
    const char32_t* chunk_end = p;
    while (chunk_end < end && !(table.flags(*chunk_end) & kSpace)) ++chunk_end;
    // Most runs have no digit at all: that test is cheaper than the word boundaries.
    if (std::any_of(p, chunk_end, is_digit) && !is_link_or_handle(p, chunk_end)) {
      for (const char32_t* q = p; q < chunk_end; ++q) {
        const char32_t* word_end = leet_candidate_end(table, p, q, chunk_end);
        if (!word_end) continue;
        if (is_leetspeak_word(q, word_end, LeetContext::kOrdinaryPost)) return true;
        q = word_end - 1;
      }
    }
    p = chunk_end;
  }
  return false;
}

}  // namespace sieve::tokenizer::detail
