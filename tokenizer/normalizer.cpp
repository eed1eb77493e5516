#include "sieve/tokenizer/normalizer.h"

#include <algorithm>

#include "char_table.h"
#include "leetspeak.h"
#include "sieve/core/utf8.h"
#include "spelled_letters.h"

namespace sieve::tokenizer {
namespace {

using detail::CharTable;

// Pass 1: decode, then map every character through the table. A word (text between white space) that
// holds a character NFKC may combine with its predecessor is redone through ICU as a whole.
void map_characters(const CharTable& table, std::string_view text, std::u32string& mapped,
                    std::u32string& word, NormalizeStats* stats) {
  std::size_t word_begin_in = 0;
  std::size_t word_begin_out = 0;
  bool needs_context = false;
  auto finish_word = [&](std::size_t word_end_in) {
    if (!needs_context) return;
    mapped.resize(word_begin_out);
    word.clear();
    for (std::size_t p = word_begin_in; p < word_end_in;) word.push_back(utf8::decode(text, p, nullptr));
    table.map_word_in_context(word, mapped);
    needs_context = false;
  };
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t start = pos;
    char32_t c = static_cast<unsigned char>(text[pos]);
    if (c < 0x80) {
      ++pos;
    } else {
      bool invalid = false;
      c = utf8::decode(text, pos, &invalid);
      if (invalid && stats) stats->invalid_utf8_bytes += pos - start;
    }
    const std::uint8_t flags = table.flags(c);
    if (flags & detail::kSpace) {
      finish_word(start);
      table.map(c, mapped);
      word_begin_in = pos;
      word_begin_out = mapped.size();
      continue;
    }
    if (flags & detail::kNeedsContext) needs_context = true;
    table.map(c, mapped);
  }
  finish_word(text.size());
}

struct Span {
  const char32_t* begin;
  const char32_t* end;
  std::string_view token;
};

bool is_ascii_alnum(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_handle_char(char32_t c) { return is_ascii_alnum(c) || c == '_'; }

bool is_email_local_char(char32_t c) {
  return is_ascii_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

bool is_closing_punctuation(char32_t c) {
  static constexpr std::string_view kClosing = ".,;:!?)]}'\">";
  return c < 0x80 && kClosing.find(static_cast<char>(c)) != std::string_view::npos;
}

// Case-insensitive ASCII prefix test.
bool starts_with(const char32_t* p, const char32_t* end, std::string_view prefix) {
  if (static_cast<std::size_t>(end - p) < prefix.size()) return false;
  for (const char expected : prefix) {
    char32_t c = *p++;
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    if (c != static_cast<char32_t>(expected)) return false;
  }
  return true;
}

// Writes the mapped characters of one post as UTF-8, applying the steps that need to see words:
// placeholders, hashtag signs, homoglyphs, run squashing and white space.
class Emitter {
 public:
  Emitter(const NormalizerSettings& settings, const CharTable& table, std::string& out)
      : settings_(settings), table_(table), out_(out) {}

  // Writes through a raw cursor into out, sized up front for the longest possible result: a character
  // takes at most 4 bytes plus a separating space, and a placeholder is never longer than 5 bytes per
  // character it replaces ("<num>" for one digit).
  void emit(const std::u32string& mapped) {
    post_ = &mapped;
    out_.resize(5 * mapped.size() + 1);
    begin_ = cursor_ = out_.data();
    emit_chunks(mapped);
    out_.resize(static_cast<std::size_t>(cursor_ - begin_));
  }

 private:
  void emit_chunks(const std::u32string& mapped) {
    const char32_t* p = mapped.data();
    const char32_t* const end = p + mapped.size();
    while (p < end) {
      const char32_t* chunk_end = p;
      while (chunk_end < end && !(table_.flags(*chunk_end) & detail::kSpace)) ++chunk_end;
      if (chunk_end > p) emit_chunk(p, chunk_end);
      const char32_t* space_end = chunk_end;
      while (space_end < end && (table_.flags(*space_end) & detail::kSpace)) ++space_end;
      if (settings_.collapse_whitespace) {
        pending_space_ = cursor_ != begin_;
      } else {
        for (const char32_t* s = chunk_end; s < space_end; ++s) put(*s);
      }
      p = space_end;
    }
  }

  bool is_word_char(char32_t c) const { return detail::is_word_character(table_, c); }

  void emit_chunk(const char32_t* begin, const char32_t* end) {
    chunk_begin_ = begin;
    for (const char32_t* p = begin; p < end;) {
      const Span span = find_special(p, end);
      emit_plain(p, span.begin);
      if (span.begin == end) break;
      put_token(span.token);
      p = span.end;
    }
  }

  // The first URL, e-mail address or mention at or after p (begin == end when there is none).
  Span find_special(const char32_t* p, const char32_t* end) const {
    for (const char32_t* q = p; q < end; ++q) {
      const char32_t c = *q;
      if (c != '@' && c != 'h' && c != 'H' && c != 'w' && c != 'W') continue;  // the common case, cheaply
      const bool at_word_start = q == chunk_begin_ || !is_word_char(q[-1]);
      if (settings_.mask_urls && at_word_start && c != '@' &&
          (starts_with(q, end, "http://") || starts_with(q, end, "https://") ||
           starts_with(q, end, "www."))) {
        const char32_t* url_end = end;
        while (url_end > q && is_closing_punctuation(url_end[-1])) --url_end;
        return {q, url_end, kUrlToken};
      }
      if (c != '@') continue;
      if (settings_.mask_emails) {
        if (const char32_t* email_end = match_email_domain(q + 1, end)) {
          const char32_t* local = q;
          while (local > p && is_email_local_char(local[-1])) --local;
          if (local < q) return {local, email_end, kEmailToken};
        }
      }
      if (settings_.mask_mentions && at_word_start && q + 1 < end && is_handle_char(q[1])) {
        const char32_t* handle_end = q + 1;
        while (handle_end < end && is_handle_char(*handle_end)) ++handle_end;
        return {q, handle_end, kUserToken};
      }
    }
    return {end, end, {}};
  }

  // host.tld after an '@': labels of letters, digits and '-', at least one dot, a final label of two or
  // more letters. Returns the end of the domain or nullptr.
  static const char32_t* match_email_domain(const char32_t* p, const char32_t* end) {
    int labels = 0;
    const char32_t* domain_end = nullptr;
    while (p < end) {
      const char32_t* label = p;
      bool all_letters = true;
      while (p < end && (is_ascii_alnum(*p) || *p == '-')) {
        all_letters = all_letters && !(*p >= '0' && *p <= '9') && *p != '-';
        ++p;
      }
      if (p == label) break;
      ++labels;
      if (labels >= 2 && all_letters && p - label >= 2) domain_end = p;
      if (p < end && *p == '.' && p + 1 < end && is_ascii_alnum(p[1])) {
        ++p;
      } else {
        break;
      }
    }
    return domain_end;
  }

  void emit_plain(const char32_t* p, const char32_t* end) {
    while (p < end) {
      const char32_t c = *p;
      const std::uint8_t flags = table_.flags(c);
      if (c == '#' && settings_.strip_hashtag_sign && (p == chunk_begin_ || !is_word_char(p[-1]))) {
        // "##tag" loses every sign: dropping only the last would leave "#tag" to a second pass.
        const char32_t* signs_end = p;
        while (signs_end < end && *signs_end == '#') ++signs_end;
        if (signs_end < end && is_word_char(*signs_end)) {
          p = signs_end;
        } else {
          for (; p < signs_end; ++p) put('#');
        }
      } else if (const char32_t* leet_end = (flags & detail::kDigit) ? leetspeak_word_end(p, end) : nullptr) {
        p = emit_leetspeak(p, leet_end);
      } else if ((flags & detail::kDigit) && settings_.mask_numbers) {
        p = skip_number(p, end);
        put_token(kNumberToken);
      } else if (flags & detail::kLetter) {
        p = emit_word(p, end);
      } else {
        put(c);
        ++p;
      }
    }
  }

  // Digits, optionally grouped by single '.', ',' or ':' between digits (1,000.50 or 12:30).
  const char32_t* skip_number(const char32_t* p, const char32_t* end) const {
    auto is_digit = [&](const char32_t* q) { return q < end && (table_.flags(*q) & detail::kDigit); };
    while (is_digit(p)) ++p;
    while (p + 1 < end && (*p == '.' || *p == ',' || *p == ':') && is_digit(p + 1)) {
      ++p;
      while (is_digit(p)) ++p;
    }
    return p;
  }

  // The end of the word at p when it is leetspeak ("pr0p4ganda"), else nullptr. Whether the post is written
  // in leetspeak is decided once, and only when a word that needs it turns up.
  const char32_t* leetspeak_word_end(const char32_t* p, const char32_t* end) {
    if (!settings_.fold_leetspeak) return nullptr;
    const char32_t* word_end = detail::leet_candidate_end(table_, chunk_begin_, p, end);
    if (!word_end) return nullptr;
    if (detail::is_leetspeak_word(p, word_end, detail::LeetContext::kOrdinaryPost)) return word_end;
    // A lone digit must be a whole word ("1 am", not "$1" or "1%"), as a letter standing for a word is.
    if (word_end - p == 1 && (p != chunk_begin_ || (word_end < end && !is_closing_punctuation(*word_end))))
      return nullptr;
    if (!detail::is_leetspeak_word(p, word_end, detail::LeetContext::kLeetPost)) return nullptr;
    if (leet_post_ < 0) leet_post_ = detail::has_leetspeak_word(table_, *post_);
    return leet_post_ == 1 ? word_end : nullptr;
  }

  const char32_t* emit_leetspeak(const char32_t* p, const char32_t* leet_end) {
    for (; p < leet_end; ++p) put(detail::leet_letter(*p) ? detail::leet_letter(*p) : *p);
    return leet_end;
  }

  // A run of letters. Homoglyphs are folded in a word that also has genuine Latin letters, and in a word
  // of look-alikes alone ("аѕ" in Cyrillic) when the post has Latin letters and no other Cyrillic or Greek
  // letter; Russian or Greek words are left alone.
  const char32_t* emit_word(const char32_t* p, const char32_t* end) {
    const char32_t* word_end = p;
    bool has_latin = false, has_homoglyph = false, has_other = false;
    while (word_end < end) {
      const std::uint8_t flags = table_.flags(*word_end);
      if (!(flags & detail::kLetter)) break;
      has_latin = has_latin || (flags & detail::kLatin);
      has_homoglyph = has_homoglyph || (flags & detail::kHomoglyph);
      has_other = has_other || !(flags & (detail::kLatin | detail::kHomoglyph));
      ++word_end;
    }
    // Only a word that runs into a digit can be leetspeak; the check stays off the path of every other word.
    if (word_end < end && *word_end >= '0' && *word_end <= '9') {
      if (const char32_t* leet_end = leetspeak_word_end(p, end)) return emit_leetspeak(p, leet_end);
    }
    const bool fold = has_homoglyph && (has_latin || (!has_other && is_lookalike_post()));
    if (!(settings_.fold_homoglyphs && fold)) {
      for (; p < word_end; ++p) put(*p);
      return word_end;
    }
    for (; p < word_end; ++p) {
      if (table_.flags(*p) & detail::kHomoglyph) {
        for (const char32_t latin : table_.homoglyph(*p)) put(latin);
      } else {
        put(*p);
      }
    }
    return word_end;
  }

  // Whether a word of look-alikes alone is a disguise here: the post has Latin letters and no Cyrillic or
  // Greek letter that is not a look-alike. Decided once per post, and only when such a word turns up.
  bool is_lookalike_post() {
    if (!settings_.fold_lookalike_words) return false;
    if (lookalike_post_ < 0) {
      bool latin = false, foreign = false;
      for (const char32_t c : *post_) {
        const std::uint8_t flags = table_.flags(c);
        latin = latin || (flags & detail::kLatin);
        foreign = foreign ||
                  (is_cyrillic_or_greek(c) && (flags & detail::kLetter) && !(flags & detail::kHomoglyph));
      }
      lookalike_post_ = latin && !foreign;
    }
    return lookalike_post_ == 1;
  }

  static bool is_cyrillic_or_greek(char32_t c) {
    return (c >= 0x0370 && c <= 0x052F) || (c >= 0x1C80 && c <= 0x1C8F) || (c >= 0x1F00 && c <= 0x1FFF) ||
           (c >= 0x2DE0 && c <= 0x2DFF) || (c >= 0xA640 && c <= 0xA69F);
  }

  void put(char32_t c) {
    if (pending_space_) {
      *cursor_++ = ' ';
      pending_space_ = false;
      last_ = ' ';
      run_ = 1;
    }
    if (c == last_) {
      if (settings_.max_char_run > 0 && ++run_ > settings_.max_char_run) return;
    } else {
      last_ = c;
      run_ = 1;
    }
    cursor_ = utf8::encode(c, cursor_);
  }

  void put_token(std::string_view token) {
    if (pending_space_) {
      *cursor_++ = ' ';
      pending_space_ = false;
    }
    cursor_ = std::copy(token.begin(), token.end(), cursor_);
    last_ = kNone;
    run_ = 0;
  }

  static constexpr char32_t kNone = 0xFFFFFFFF;

  const NormalizerSettings& settings_;
  const CharTable& table_;
  std::string& out_;
  char* begin_ = nullptr;
  char* cursor_ = nullptr;
  const std::u32string* post_ = nullptr;
  const char32_t* chunk_begin_ = nullptr;
  int lookalike_post_ = -1;  // -1: not decided yet
  int leet_post_ = -1;       // -1: not decided yet
  bool pending_space_ = false;
  char32_t last_ = kNone;
  int run_ = 0;
};

}  // namespace

std::vector<std::string> placeholder_tokens() {
  return {std::string(kUrlToken), std::string(kUserToken), std::string(kEmailToken),
          std::string(kNumberToken)};
}

Normalizer::Normalizer(NormalizerSettings settings) : settings_(settings) {
  settings_.validate();
  table_ = CharTable::get(settings_);
}

std::string Normalizer::normalize(std::string_view text, NormalizeStats* stats) const {
  std::string out;
  normalize(text, out, stats);
  return out;
}

void Normalizer::normalize(std::string_view text, std::string& out, NormalizeStats* stats) const {
  // Scratch per thread: normalize() is const and called from many threads at once.
  thread_local std::u32string mapped;
  thread_local std::u32string word;
  mapped.clear();
  map_characters(*table_, text, mapped, word, stats);
  if (settings_.join_spelled_letters) detail::join_spelled_letters(*table_, mapped);
  Emitter(settings_, *table_, out).emit(mapped);
  if (mapped.capacity() > (1u << 20)) std::u32string().swap(mapped);  // a 1 MB post must not pin 4 MB
}

}  // namespace sieve::tokenizer
