#pragma once
// Style features: a fixed vector of per-post numbers (function words, punctuation, casing, scripts,
// word and sentence lengths, placeholders) that a classifier reads beside its pooled embedding, so that it
// can tell a learner sentence from its correction, or an MT output from a human one, inside one source.

#include <cstddef>
#include <string_view>

namespace sieve::tokenizer {

// The length of the vector style_features() writes. Changing it (or the order of the features) changes
// the meaning of every model that reads them.
inline constexpr std::size_t kStyleFeatureCount = 44;

// The snake_case name of feature i (for docs and reports); "" for i >= kStyleFeatureCount.
const char* style_feature_name(std::size_t i);

// Writes kStyleFeatureCount values to out: shares in [0, 1], counts and lengths as log1p. `raw` is the
// post as published (casing, quotes, full-width punctuation, emoji); `normalized` is the Normalizer's
// output for it (case-folded, with <url>, <user>, <num> placeholders). A pure function of the two strings:
// deterministic, allocation-free, thread-safe; invalid UTF-8 reads as U+FFFD and never throws.
void style_features(std::string_view raw, std::string_view normalized, float* out);

}  // namespace sieve::tokenizer
