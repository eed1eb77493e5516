#include "style_counts.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <algorithm>

#include "sieve/core/hash.h"
#include "sieve/core/utf8.h"
#include "sieve/tokenizer/normalizer.h"

namespace sieve::tokenizer::detail {
namespace {

// Short fixed lists: the commonest function words of each language, as the normalizer writes them
// (case-folded; "l'", "d'", "qu'" are split at the apostrophe).
constexpr std::array<std::string_view, 16> kEnglishWords = {
    "the", "of", "and", "a", "to", "in", "is", "that", "it", "for", "on", "with", "was", "this", "be", "are"};
constexpr std::array<std::string_view, 18> kFrenchWords = {"le",  "la",  "les",  "de",   "des", "du",
                                                           "et",  "un",  "une",  "est",  "en",  "que",
                                                           "qui", "pas", "pour", "dans", "l",   "d"};
constexpr std::u32string_view kChineseChars = U"的了是在和我也有就不都这他你们着吗呢吧啊把被很个";

template <std::size_t N>
bool in_list(const std::array<std::string_view, N>& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

enum class CharClass : std::uint8_t { kSpace, kLetter, kMark, kDigit, kPunct, kSymbol, kOther };
enum class Script : std::uint8_t { kNone, kLatin, kCjk, kCyrillic, kOther };

// What the features need to know about one code point; ASCII without ICU.
struct CharInfo {
  CharClass cls = CharClass::kOther;
  Script script = Script::kNone;
  std::int16_t script_code = -1;  // ICU script of a letter, for counting the scripts of a post
  bool upper = false;
  bool lower = false;
  bool emoji = false;
};

CharInfo ascii_info(char32_t c) {
  CharInfo info;
  if (c == ' ' || (c >= '\t' && c <= '\r')) {
    info.cls = CharClass::kSpace;
  } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
    info.cls = CharClass::kLetter;
    info.script = Script::kLatin;
    info.script_code = USCRIPT_LATIN;
    info.upper = c <= 'Z';
    info.lower = !info.upper;
  } else if (c >= '0' && c <= '9') {
    info.cls = CharClass::kDigit;
  } else if (c < 0x20 || c == 0x7F) {
    info.cls = CharClass::kOther;
  } else {
    const bool symbol = c == '$' || c == '+' || c == '<' || c == '=' || c == '>' || c == '^' || c == '`' ||
                        c == '|' || c == '~';
    info.cls = symbol ? CharClass::kSymbol : CharClass::kPunct;
  }
  return info;
}

Script script_group(UScriptCode script) {
  switch (script) {
    case USCRIPT_LATIN:
      return Script::kLatin;
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_HANGUL:
    case USCRIPT_BOPOMOFO:
      return Script::kCjk;
    case USCRIPT_CYRILLIC:
      return Script::kCyrillic;
    default:
      return Script::kOther;
  }
}

CharInfo char_info(char32_t c) {
  if (c < 0x80) return ascii_info(c);
  CharInfo info;
  const std::uint32_t mask = U_MASK(u_charType(c));
  if ((mask & U_GC_Z_MASK) || c == 0x85) {
    info.cls = CharClass::kSpace;
  } else if (mask & U_GC_L_MASK) {
    info.cls = CharClass::kLetter;
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(c, &status);
    info.script = U_SUCCESS(status) ? script_group(script) : Script::kOther;
    info.script_code = U_SUCCESS(status) ? static_cast<std::int16_t>(script) : -1;
    info.upper = (mask & (U_GC_LU_MASK | U_GC_LT_MASK)) != 0;
    info.lower = (mask & U_GC_LL_MASK) != 0;
  } else if (mask & U_GC_M_MASK) {
    info.cls = CharClass::kMark;
  } else if (mask & U_GC_N_MASK) {
    info.cls = CharClass::kDigit;
  } else if (mask & U_GC_P_MASK) {
    info.cls = CharClass::kPunct;
  } else if (c != utf8::kReplacement && (mask & (U_GC_S_MASK | U_GC_CN_MASK))) {
    info.emoji = u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) || (c >= 0x1F1E6 && c <= 0x1F1FF);
    info.cls = (mask & U_GC_S_MASK) || info.emoji ? CharClass::kSymbol : CharClass::kOther;
  }
  return info;
}

bool is_word_char(const CharInfo& info) {
  return info.cls == CharClass::kLetter || info.cls == CharClass::kMark || info.cls == CharClass::kDigit;
}

bool is_sentence_end(char32_t c) {
  return c == '.' || c == '!' || c == '?' || c == 0x2026 || c == 0x3002 || c == 0xFF01 || c == 0xFF1F;
}

bool is_cjk_punct(char32_t c) {
  return (c >= 0x3000 && c <= 0x303F) || (c >= 0xFE10 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF65);
}

// The type-token ratio is taken over the first kTypeTokenLimit tokens: bounded work, and a ratio that
// does not fall merely because a post is long.
constexpr std::size_t kTypeTokenLimit = 256;

class TokenTypes {
 public:
  // Returns true the first time a token is seen.
  bool insert(std::string_view token) {
    std::uint64_t h = hash64(token, 0x5DEECE66DULL);
    if (h == 0) h = 1;
    for (std::size_t i = h % slots_.size();; i = (i + 1) % slots_.size()) {
      if (slots_[i] == h) return false;
      if (slots_[i] == 0) {
        slots_[i] = h;
        return true;
      }
    }
  }

 private:
  std::array<std::uint64_t, 2 * kTypeTokenLimit> slots_{};
};

int punct_kind(char32_t c) {  // 2: spaced in French typography, 1: never spaced, 0: other
  if (c == '!' || c == '?' || c == ';' || c == ':') return 2;
  return c == ',' || c == '.' ? 1 : 0;
}

// Exclamation and question marks, ellipses, quotes, apostrophes and punctuation of one character; run is
// the length of the run of equal characters it ends.
void count_marks(char32_t c, const CharInfo& info, int run, RawCounts& n) {
  n.exclamations += c == '!' || c == 0xFF01;
  n.questions += c == '?' || c == 0xFF1F || c == 0xBF;
  n.ellipses += c == 0x2026 || c == 0x22EF || (c == '.' && run == 3);
  n.straight_quotes += c == '"';
  n.curly_quotes += c == 0x201C || c == 0x201D || c == 0x201E;
  n.guillemets += c == 0xAB || c == 0xBB || c == 0x2039 || c == 0x203A;
  n.cjk_quotes += c >= 0x300C && c <= 0x300F;
  n.straight_apostrophes += c == '\'';
  n.curly_apostrophes += c == 0x2018 || c == 0x2019;
  if (info.cls == CharClass::kPunct) {
    n.cjk_punct += is_cjk_punct(c);
    n.ascii_punct += c < 0x80;
  }
}

// The script of one letter.
void count_script(const CharInfo& info, RawCounts& n) {
  n.latin += info.script == Script::kLatin;
  n.cjk += info.script == Script::kCjk;
  n.cyrillic += info.script == Script::kCyrillic;
  n.other_script += info.script == Script::kOther;
  if (info.script_code >= 0 && info.script_code < 256)
    n.scripts[info.script_code / 64] |= std::uint64_t{1} << (info.script_code % 64);
}

}  // namespace

int RawCounts::script_count() const {
  int count = 0;
  for (std::uint64_t word : scripts) {
    for (; word != 0; word &= word - 1) ++count;
  }
  return count;
}

RawCounts count_raw(std::string_view raw) {
  RawCounts n;
  char32_t prev = 0;
  CharInfo prev_info;
  bool at_sentence_start = true, after_sentence_end = false, after_hash = false;
  int run = 0, word_letters = 0, word_upper = 0, word_lower = 0;
  bool word_first_upper = false;
  auto end_word = [&] {
    if (word_upper + word_lower > 0) {
      ++n.cased_words;
      n.capitalised_words += word_first_upper;
      n.all_caps_words += word_upper >= 2 && word_lower == 0;
    }
    word_letters = word_upper = word_lower = 0;
  };
  for (std::size_t pos = 0; pos < raw.size();) {
    bool invalid = false;
    const char32_t c = utf8::decode(raw, pos, &invalid);
    const CharInfo info = char_info(c);
    ++n.chars;
    run = c == prev ? run + 1 : 1;
    if (run == 3 && info.cls != CharClass::kSpace && info.cls != CharClass::kDigit) ++n.runs;
    if (c == utf8::kReplacement) ++n.replacements;
    if (after_hash && (is_word_char(info) || c == '_')) ++n.hashtags;
    after_hash = (c == '#' || c == 0xFF03) && !is_word_char(prev_info);
    switch (info.cls) {
      case CharClass::kSpace:
        ++n.spaces;
        n.line_breaks += c == '\n';
        if (c == ' ' && run == 2) ++n.double_spaces;
        if (after_sentence_end) at_sentence_start = true;
        after_sentence_end = false;
        break;
      case CharClass::kLetter:
        ++n.letters;
        count_script(info, n);
        if (info.upper || info.lower) {
          ++n.cased;
          n.upper += info.upper;
          if (word_letters == 0) word_first_upper = info.upper;
          word_upper += info.upper;
          word_lower += info.lower;
          if (at_sentence_start) {
            ++n.sentence_starts;
            n.lower_starts += info.lower;
          }
        }
        ++word_letters;
        at_sentence_start = after_sentence_end = false;
        break;
      case CharClass::kMark:
        ++n.letters;
        break;
      case CharClass::kDigit:
        ++n.digits;
        at_sentence_start = after_sentence_end = false;
        break;
      case CharClass::kPunct:
        ++n.punct;
        break;
      case CharClass::kSymbol:
        ++n.symbols;
        n.emoji += info.emoji;
        break;
      case CharClass::kOther:
        break;
    }
    if (!is_word_char(info)) end_word();
    if (is_sentence_end(c)) after_sentence_end = true;
    if (c == 0x3002 || c == 0xFF01 || c == 0xFF1F) at_sentence_start = true;  // no space after CJK stops
    count_marks(c, info, run, n);
    prev = c;
    prev_info = info;
  }
  end_word();
  return n;
}

NormalizedCounts count_normalized(std::string_view text) {
  static constexpr std::array<std::string_view, 4> kPlaceholders = {kUrlToken, kUserToken, kNumberToken,
                                                                    kEmailToken};
  NormalizedCounts n;
  TokenTypes types;
  bool sentence_has_tokens = false;
  std::size_t word_start = 0, word_length = 0;
  auto add_token = [&](std::string_view token) {
    ++n.tokens;
    sentence_has_tokens = true;
    if (n.ttr_tokens < kTypeTokenLimit) {
      ++n.ttr_tokens;
      n.types += types.insert(token);
    }
  };
  auto end_word = [&](std::size_t end) {
    if (word_length == 0) return;
    const std::string_view word = text.substr(word_start, end - word_start);
    ++n.words;
    n.word_chars += word_length;
    n.word_chars_sq += static_cast<double>(word_length) * word_length;
    n.en_words += in_list(kEnglishWords, word);
    n.fr_words += in_list(kFrenchWords, word);
    add_token(word);
    word_length = 0;
  };
  char32_t prev = 0;
  int run_kind = 0;  // punct_kind of the punctuation run the previous character belongs to
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t start = pos;
    if (text[pos] == '<') {
      const auto* match = std::find_if(kPlaceholders.begin(), kPlaceholders.end(),
                                       [&](std::string_view p) { return text.substr(pos, p.size()) == p; });
      if (match != kPlaceholders.end()) {
        end_word(pos);
        const std::size_t which = match - kPlaceholders.begin();
        n.urls += which == 0;
        n.mentions += which == 1;
        n.numbers += which == 2;
        add_token(*match);
        pos += match->size();
        prev = '>';
        run_kind = 0;
        continue;
      }
    }
    const char32_t c = utf8::decode(text, pos, nullptr);
    const CharInfo info = char_info(c);
    const int kind = punct_kind(c);
    if (kind != 0 && run_kind == 0) {  // a punctuation run starts: is there a space before it?
      (kind == 2 ? n.high_runs : n.low_runs) += 1;
      (kind == 2 ? n.high_spaced : n.low_spaced) += prev == ' ';
    } else if (kind == 0 && run_kind != 0) {  // it ends: is there a space after it?
      ++n.runs_followed;
      n.missing_space += info.script == Script::kLatin;
    }
    run_kind = kind;
    if (info.cls == CharClass::kLetter && info.script == Script::kCjk) {
      end_word(start);
      ++n.cjk_chars;
      n.zh_chars += kChineseChars.find(c) != std::u32string_view::npos;
      add_token(text.substr(start, pos - start));
    } else if (is_word_char(info)) {
      if (word_length == 0) word_start = start;
      ++word_length;
    } else {
      end_word(start);
    }
    if (is_sentence_end(c)) {
      n.sentences += sentence_has_tokens;
      sentence_has_tokens = false;
    }
    prev = c;
  }
  end_word(text.size());
  n.sentences += sentence_has_tokens;
  return n;
}

}  // namespace sieve::tokenizer::detail
