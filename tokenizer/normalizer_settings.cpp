#include <algorithm>

#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"
#include "sieve/core/strict_json.h"
#include "sieve/tokenizer/normalizer.h"

namespace sieve::tokenizer {
namespace {

constexpr const char* kWhere = "normalizer settings";

// One table of the boolean fields keeps to_json, from_json and operator== in step. A step added after
// models were first written is optional when read: its absence means the file predates it, so it is off.
struct BoolField {
  const char* name;
  bool NormalizerSettings::*member;
  bool optional = false;
};

constexpr BoolField kBoolFields[] = {
    {"remove_invisible", &NormalizerSettings::remove_invisible},
    {"nfkc", &NormalizerSettings::nfkc},
    {"case_fold", &NormalizerSettings::case_fold},
    {"traditional_to_simplified", &NormalizerSettings::traditional_to_simplified},
    {"mask_urls", &NormalizerSettings::mask_urls},
    {"mask_mentions", &NormalizerSettings::mask_mentions},
    {"mask_emails", &NormalizerSettings::mask_emails},
    {"mask_numbers", &NormalizerSettings::mask_numbers},
    {"strip_hashtag_sign", &NormalizerSettings::strip_hashtag_sign},
    {"fold_homoglyphs", &NormalizerSettings::fold_homoglyphs},
    {"collapse_whitespace", &NormalizerSettings::collapse_whitespace},
    {"fold_lookalike_words", &NormalizerSettings::fold_lookalike_words, true},
    {"fold_leetspeak", &NormalizerSettings::fold_leetspeak, true},
    {"join_spelled_letters", &NormalizerSettings::join_spelled_letters, true},
};

constexpr int kMaxCharRunLimit = 1000;

}  // namespace

std::vector<std::string> NormalizerSettings::step_names() {
  std::vector<std::string> names;
  for (const BoolField& field : kBoolFields) names.emplace_back(field.name);
  return names;
}

void NormalizerSettings::set_step(std::string_view name, bool on) {
  for (const BoolField& field : kBoolFields) {
    if (name == field.name) {
      this->*field.member = on;
      return;
    }
  }
  std::string known;
  for (const BoolField& field : kBoolFields) known += (known.empty() ? "" : ", ") + std::string(field.name);
  throw Error(ErrorKind::kConfig, "normalizer step '" + std::string(name) + "'",
              "unknown; the steps are " + known);
}

void NormalizerSettings::validate() const {
  if (max_char_run < 0 || max_char_run > kMaxCharRunLimit) {
    throw Error(ErrorKind::kConfig, "normalizer.max_char_run",
                "must be between 0 (keep runs) and " + std::to_string(kMaxCharRunLimit) + ", got " +
                    std::to_string(max_char_run));
  }
}

std::string NormalizerSettings::to_json() const {
  JsonWriter w;
  w.begin_object();
  for (const BoolField& field : kBoolFields) w.key(field.name).value(this->*field.member);
  w.key("max_char_run").value(max_char_run);
  w.end_object();
  return w.take();
}

NormalizerSettings NormalizerSettings::from_json(std::string_view json) {
  StrictJsonDocument document(json, kWhere);
  StrictJsonObject& fields = document.root();
  NormalizerSettings settings;
  for (const BoolField& field : kBoolFields) {
    settings.*(field.member) =
        field.optional ? fields.get_bool_or(field.name, false) : fields.get_bool(field.name);
  }
  settings.max_char_run =
      static_cast<int>(std::clamp<std::int64_t>(fields.get_int("max_char_run"), -1, kMaxCharRunLimit + 1));
  return fields.finish(settings);
}

bool NormalizerSettings::operator==(const NormalizerSettings& other) const {
  for (const BoolField& field : kBoolFields) {
    if (this->*field.member != other.*field.member) return false;
  }
  return max_char_run == other.max_char_run;
}

}  // namespace sieve::tokenizer
