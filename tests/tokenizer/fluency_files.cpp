#include "fluency_files.h"

#include "byte_reader.h"
#include "fluency_model_impl.h"
#include "fluency_tokens.h"
#include "ngram_counts.h"
#include "sieve/core/hash.h"

namespace sieve::tokenizer::testing {

std::string exact_fluency_file(const std::vector<FluencyModel::Example>& examples,
                               const FluencyOptions& options) {
  using detail::put_u32;
  using detail::put_u64;
  std::string out = "SIEVEFLM";
  put_u32(out, 4);
  put_u64(out, 0);  // the length, below
  put_u32(out, static_cast<std::uint32_t>(options.word_order));
  put_u32(out, static_cast<std::uint32_t>(options.char_order));
  put_u32(out, options.buckets_log2);
  put_u64(out, options.max_ngrams);
  put_u32(out, 2);  // folds
  put_u32(out, 0);  // no contrast models
  for (int fold = 0; fold < 2; ++fold) {
    for (int lang = 0; lang < detail::kLanguageCount; ++lang) {
      for (int kind = 0; kind < detail::kKindCount; ++kind) {
        detail::NgramCounter counter(kind == detail::kWords ? options.word_order : options.char_order);
        for (const FluencyModel::Example& example : examples) {
          if (example.fold != fold || example.lang != detail::kLanguages[lang] ||
              example.kind != FluencyText::kNative)
            continue;
          counter.begin();
          const auto add = [&](std::uint64_t token) { counter.add(token); };
          if (kind == detail::kWords) {
            detail::for_each_word(example.text, add);
          } else {
            detail::for_each_char(example.text, add);
          }
          counter.end();
        }
        counter.build(options.buckets_log2, detail::NgramCounter::Tables::kExact).write(out);
      }
    }
  }
  std::string length;
  put_u64(length, out.size() + 8);
  out.replace(12, 8, length);
  put_u64(out, hash64(out, 0x666C75656E637921ULL));
  return out;
}

}  // namespace sieve::tokenizer::testing
