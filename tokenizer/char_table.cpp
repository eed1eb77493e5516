#include "char_table.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>

#include <map>
#include <mutex>

#include "sieve/core/error.h"

namespace sieve::tokenizer::detail {
namespace {

const icu::Normalizer2* nfkc_of(const void* p) { return static_cast<const icu::Normalizer2*>(p); }

bool is_invisible(char32_t c) {
  const auto type = u_charType(c);
  return u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) || type == U_FORMAT_CHAR ||
         (type == U_CONTROL_CHAR && !u_isUWhiteSpace(c));
}

UScriptCode script_of(char32_t c) {
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &status);
  return U_SUCCESS(status) ? script : USCRIPT_INVALID_CODE;
}

std::u32string to_u32(const icu::UnicodeString& s) {
  std::u32string out;
  for (int32_t i = 0; i < s.length();) {
    const UChar32 c = s.char32At(i);
    out.push_back(static_cast<char32_t>(c));
    i += U16_LENGTH(c);
  }
  return out;
}

// The key of the table cache: only the per-character steps shape the table.
unsigned table_key(const NormalizerSettings& s) {
  return (s.remove_invisible ? 1u : 0u) | (s.nfkc ? 2u : 0u) | (s.case_fold ? 4u : 0u) |
         (s.traditional_to_simplified ? 8u : 0u) | (s.fold_homoglyphs ? 16u : 0u);
}

// The ASCII letter whose confusable skeleton c shares, or 0. The case-folded form of a look-alike may not
// look alike any more (Cyrillic 'Т' is confusable with 'T', its folded 'т' is not), so the other cases
// of c are tried too.
char16_t latin_skeleton(USpoofChecker* checker, char32_t c) {
  for (const UChar32 candidate : {static_cast<UChar32>(c), u_toupper(c), u_tolower(c)}) {
    icu::UnicodeString skeleton;
    UErrorCode status = U_ZERO_ERROR;
    uspoof_getSkeletonUnicodeString(checker, 0, icu::UnicodeString(candidate), skeleton, &status);
    if (U_FAILURE(status) || skeleton.length() != 1) continue;
    const char16_t latin = skeleton.charAt(0);
    if ((latin >= 'a' && latin <= 'z') || (latin >= 'A' && latin <= 'Z')) return latin;
  }
  return 0;
}

}  // namespace

std::shared_ptr<const CharTable> CharTable::get(const NormalizerSettings& settings) {
  static std::mutex mutex;
  static std::map<unsigned, std::shared_ptr<const CharTable>> cache;
  const std::lock_guard<std::mutex> lock(mutex);
  auto& slot = cache[table_key(settings)];
  if (!slot) slot.reset(new CharTable(settings));
  return slot;
}

CharTable::CharTable(const NormalizerSettings& settings) : settings_(settings) {
  if (settings_.nfkc) {
    UErrorCode status = U_ZERO_ERROR;
    nfkc_ = icu::Normalizer2::getNFKCInstance(status);
    if (U_FAILURE(status)) throw Error(ErrorKind::kConfig, "normalizer", "ICU has no NFKC data");
  }
  if (settings_.traditional_to_simplified) build_traditional_to_simplified();

  entries_.resize(kTableSize);
  for (char32_t c = 0; c < kTableSize; ++c) {
    CharEntry& e = entries_[c];
    e.flags = compute_flags(c);
    const bool unassigned = u_charType(c) == U_UNASSIGNED && !is_invisible(c);
    const std::u32string mapped =
        unassigned || (c >= 0xD800 && c <= 0xDFFF) ? std::u32string(1, c) : map_one(c);
    e.length = static_cast<std::uint8_t>(mapped.size());
    if (mapped.size() == 1) {
      e.value = mapped[0];
    } else if (mapped.size() > 1) {
      e.value = static_cast<std::uint32_t>(pool_.size());
      pool_ += mapped;
    }
  }
  if (settings_.fold_homoglyphs) build_homoglyphs();
  flags_.resize(kTableSize);
  for (char32_t c = 0; c < kTableSize; ++c) flags_[c] = entries_[c].flags;
}

std::uint8_t CharTable::compute_flags(char32_t c) const {
  std::uint8_t flags = 0;
  if (u_isUWhiteSpace(c)) flags |= kSpace;
  if (nfkc_ && !nfkc_of(nfkc_)->hasBoundaryBefore(c)) flags |= kNeedsContext;
  const auto type = u_charType(c);
  if (u_isUAlphabetic(c) || type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK ||
      type == U_ENCLOSING_MARK) {
    flags |= kLetter;
    if (script_of(c) == USCRIPT_LATIN) flags |= kLatin;
  }
  if (type == U_DECIMAL_DIGIT_NUMBER) flags |= kDigit;
  return flags;
}

// Applies the per-character steps until nothing changes, so that the table is idempotent by construction:
// a folded character may have a compatibility form, a simplified character is itself simplified.
std::u32string CharTable::map_one(char32_t c) const {
  std::u32string current(1, c);
  for (int round = 0; round < 4; ++round) {
    icu::UnicodeString s;
    for (const char32_t x : current) {
      if (settings_.remove_invisible && is_invisible(x)) continue;
      s.append(static_cast<UChar32>(x));
    }
    UErrorCode status = U_ZERO_ERROR;
    if (nfkc_) s = nfkc_of(nfkc_)->normalize(s, status);
    if (settings_.case_fold) s.foldCase();
    if (nfkc_ && settings_.case_fold) s = nfkc_of(nfkc_)->normalize(s, status);
    std::u32string next;
    for (const char32_t x : to_u32(s)) {
      if (settings_.remove_invisible && is_invisible(x)) continue;
      const auto simplified = traditional_to_simplified_.find(x);
      next.push_back(simplified == traditional_to_simplified_.end() ? x : simplified->second);
    }
    if (U_FAILURE(status) || next == current) return current;
    current = std::move(next);
  }
  return current;
}

void CharTable::build_traditional_to_simplified() {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> converter(
      icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD, status));
  if (U_FAILURE(status) || !converter) {
    throw Error(ErrorKind::kConfig, "normalizer", "ICU has no Traditional-Simplified transliterator");
  }
  for (char32_t c = 0; c < kTableSize; ++c) {
    if (script_of(c) != USCRIPT_HAN) continue;
    icu::UnicodeString s(static_cast<UChar32>(c));
    converter->transliterate(s);
    const std::u32string simplified = to_u32(s);
    if (simplified.size() == 1 && simplified[0] != c) traditional_to_simplified_[c] = simplified[0];
  }
}

// A non-Latin letter is a homoglyph when ICU's confusable skeleton of it alone is one ASCII letter
// (Cyrillic 'а' → 'a', Greek 'ο' → 'o'). The replacement is stored already mapped (case-folded).
void CharTable::build_homoglyphs() {
  UErrorCode status = U_ZERO_ERROR;
  USpoofChecker* checker = uspoof_open(&status);
  if (U_FAILURE(status)) throw Error(ErrorKind::kConfig, "normalizer", "ICU spoof checker unavailable");
  for (char32_t c = 0x80; c < kTableSize; ++c) {
    const std::uint8_t flags = entries_[c].flags;
    if (!(flags & kLetter) || (flags & kLatin)) continue;
    const UScriptCode script = script_of(c);
    if (script == USCRIPT_COMMON || script == USCRIPT_INHERITED || script == USCRIPT_HAN) continue;
    const char16_t latin = latin_skeleton(checker, c);
    if (!latin) continue;
    std::u32string replacement;
    map(latin, replacement);
    homoglyphs_[c] = replacement;
    entries_[c].flags |= kHomoglyph;
  }
  uspoof_close(checker);
}

std::uint8_t CharTable::map_rare(char32_t c, std::u32string& out) const {
  out += map_one(c);
  return compute_flags(c);
}

std::uint8_t CharTable::rare_flags(char32_t c) const { return compute_flags(c); }

void CharTable::map_word_in_context(const std::u32string& word, std::u32string& out) const {
  icu::UnicodeString s;
  for (const char32_t c : word) {
    if (settings_.remove_invisible && is_invisible(c)) continue;
    s.append(static_cast<UChar32>(c));
  }
  UErrorCode status = U_ZERO_ERROR;
  if (nfkc_) s = nfkc_of(nfkc_)->normalize(s, status);
  for (const char32_t c : to_u32(s)) map(c, out);
}

}  // namespace sieve::tokenizer::detail
