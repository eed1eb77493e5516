#include <simdjson.h>

#include <algorithm>
#include <set>

#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"
#include "sieve/tokenizer/normalizer.h"

namespace sieve::tokenizer {
namespace {

constexpr const char* kWhere = "normalizer settings";

// One table of the boolean fields keeps to_json, from_json and operator== in step.
struct BoolField {
  const char* name;
  bool NormalizerSettings::*member;
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
};

constexpr int kMaxCharRunLimit = 1000;

}  // namespace

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
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(json.data(), json.size()).get_object().get(object)) {
    throw Error(ErrorKind::kFormat, kWhere, "not a JSON object");
  }
  NormalizerSettings settings;
  std::set<std::string> seen;
  for (const auto field : object) {
    const std::string key(field.key);
    seen.insert(key);
    if (key == "max_char_run") {
      int64_t value = 0;
      if (field.value.get_int64().get(value)) throw Error(ErrorKind::kFormat, kWhere, "max_char_run: not an integer");
      settings.max_char_run = static_cast<int>(std::clamp<int64_t>(value, -1, kMaxCharRunLimit + 1));
      continue;
    }
    const BoolField* match = nullptr;
    for (const BoolField& candidate : kBoolFields) {
      if (key == candidate.name) match = &candidate;
    }
    if (!match) throw Error(ErrorKind::kFormat, kWhere, "unknown key '" + key + "'");
    bool value = false;
    if (field.value.get_bool().get(value)) throw Error(ErrorKind::kFormat, kWhere, key + ": not a boolean");
    settings.*(match->member) = value;
  }
  // Every key must be present: a default filled in silently could normalize differently from training.
  for (const BoolField& field : kBoolFields) {
    if (!seen.count(field.name)) throw Error(ErrorKind::kFormat, kWhere, std::string("missing key '") + field.name + "'");
  }
  if (!seen.count("max_char_run")) throw Error(ErrorKind::kFormat, kWhere, "missing key 'max_char_run'");
  try {
    settings.validate();
  } catch (const Error& e) {
    throw Error(ErrorKind::kFormat, kWhere, e.what());
  }
  return settings;
}

bool NormalizerSettings::operator==(const NormalizerSettings& other) const {
  for (const BoolField& field : kBoolFields) {
    if (this->*field.member != other.*field.member) return false;
  }
  return max_char_run == other.max_char_run;
}

}  // namespace sieve::tokenizer
