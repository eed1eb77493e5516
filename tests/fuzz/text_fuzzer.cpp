// The normalizer and the featurizer on arbitrary bytes: never a crash, always valid UTF-8 out, feature ids
// inside the table, finite dense values.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sieve/core/utf8.h"
#include "sieve/tokenizer/featurizer.h"
#include "test_models.h"

namespace {

const sieve::tokenizer::Featurizer& featurizer() {
  static const sieve::tokenizer::Featurizer instance = [] {
    sieve::tokenizer::FeaturizerSettings settings;
    settings.hash_buckets = 4096;
    settings.style = true;            // the dense style values read the raw bytes too
    settings.style_by_script = true;  // and the script of the normalized text chooses their block
    return sieve::tokenizer::Featurizer(sieve::tokenizer::Normalizer(),
                                        sieve::tokenizer::testing::small_model(), settings);
  }();
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const sieve::tokenizer::Featurizer& f = featurizer();
  const std::string normalized = f.normalizer().normalize(text);
  if (sieve::utf8::count_invalid(normalized) != 0) std::abort();
  static sieve::tokenizer::FeaturizerWorkspace workspace;
  sieve::tokenizer::Features features;
  f.featurize(text, features, workspace);
  if (features.subword_count > features.ids.size()) std::abort();
  for (const std::uint32_t id : features.ids) {
    if (id >= f.table_size()) std::abort();
  }
  if (features.dense.size() != f.settings().dense_width()) std::abort();
  for (const float value : features.dense) {
    if (!std::isfinite(value)) std::abort();
  }
  return 0;
}
