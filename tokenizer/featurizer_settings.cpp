#include <algorithm>

#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"
#include "sieve/core/strict_json.h"
#include "sieve/tokenizer/featurizer.h"
#include "sieve/tokenizer/style_features.h"

namespace sieve::tokenizer {
namespace {

constexpr const char* kWhere = "featurizer settings";
constexpr std::uint32_t kMaxBuckets = 1u << 26;  // 64 M rows: beyond this the table outgrows any host
constexpr int kMaxNgram = 8;

}  // namespace

void FeaturizerSettings::validate() const {
  if (hash_buckets < 1 || hash_buckets > kMaxBuckets) {
    throw Error(
        ErrorKind::kConfig, "featurizer.hash_buckets",
        "must be between 1 and " + std::to_string(kMaxBuckets) + ", got " + std::to_string(hash_buckets));
  }
  const bool off = char_ngram_min == 0 && char_ngram_max == 0;
  const bool valid_range =
      char_ngram_min >= 1 && char_ngram_min <= char_ngram_max && char_ngram_max <= kMaxNgram;
  if (!off && !valid_range) {
    throw Error(ErrorKind::kConfig, "featurizer.char_ngram_min/max",
                "need 1 <= min <= max <= " + std::to_string(kMaxNgram) + " (or both 0 for none), got " +
                    std::to_string(char_ngram_min) + ".." + std::to_string(char_ngram_max));
  }
  if (style_by_script && !style)
    throw Error(ErrorKind::kConfig, "featurizer.style_by_script", "needs the style values (style)");
  if (fluency_statistics && !fluency)
    throw Error(ErrorKind::kConfig, "featurizer.fluency_statistics", "needs the fluency values (fluency)");
}

std::string FeaturizerSettings::to_json() const {
  JsonWriter w;
  w.begin_object();
  w.key("hash_buckets").value(hash_buckets);
  w.key("subword_bigrams").value(subword_bigrams);
  w.key("char_ngram_min").value(char_ngram_min);
  w.key("char_ngram_max").value(char_ngram_max);
  w.key("seed").value(seed);
  w.key("style").value(style);
  w.key("style_by_script").value(style_by_script);
  w.key("fluency").value(fluency);
  w.key("fluency_statistics").value(fluency_statistics);
  w.end_object();
  return w.take();
}

FeaturizerSettings FeaturizerSettings::from_json(std::string_view json) {
  StrictJsonDocument document(json, kWhere);
  StrictJsonObject& fields = document.root();
  FeaturizerSettings settings;
  const std::uint64_t buckets = fields.get_uint("hash_buckets");
  settings.hash_buckets = static_cast<std::uint32_t>(std::min<std::uint64_t>(buckets, kMaxBuckets + 1ull));
  settings.subword_bigrams = fields.get_bool("subword_bigrams");
  settings.char_ngram_min =
      static_cast<int>(std::clamp<std::int64_t>(fields.get_int("char_ngram_min"), -1, 99));
  settings.char_ngram_max =
      static_cast<int>(std::clamp<std::int64_t>(fields.get_int("char_ngram_max"), -1, 99));
  settings.seed = fields.get_uint("seed");
  settings.style = fields.get_bool_or("style", false);  // absent in files written before the dense channel
  settings.style_by_script = fields.get_bool_or("style_by_script", false);  // absent before the blocks
  settings.fluency = fields.get_bool_or("fluency", false);
  settings.fluency_statistics = fields.get_bool_or("fluency_statistics", false);  // absent before them
  return fields.finish(settings);
}

bool FeaturizerSettings::operator==(const FeaturizerSettings& other) const {
  return hash_buckets == other.hash_buckets && subword_bigrams == other.subword_bigrams &&
         char_ngram_min == other.char_ngram_min && char_ngram_max == other.char_ngram_max &&
         seed == other.seed && style == other.style && style_by_script == other.style_by_script &&
         fluency == other.fluency && fluency_statistics == other.fluency_statistics;
}

std::size_t FeaturizerSettings::style_width() const {
  return style ? kStyleFeatureCount * (style_by_script ? 2 : 1) : 0;
}

std::size_t FeaturizerSettings::dense_width() const {
  const std::size_t fluency_block = kFluencyFeatureCount + (fluency_statistics ? kFluencyStatisticCount : 0);
  return style_width() + (fluency ? fluency_block * kFluencyLanguageCount : 0);
}

}  // namespace sieve::tokenizer
