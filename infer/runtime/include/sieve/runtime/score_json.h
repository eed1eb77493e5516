#pragma once
// The JSON of one scored post, shared by `sieve score` and `sieve serve` so that both speak the same
// language: "scores" (per head a probability, or class → probability), "decisions" (threshold or best
// class) and, when asked, "explain" with the "normalized" text its offsets point into.

#include <cstddef>
#include <string_view>

#include "sieve/core/json_writer.h"
#include "sieve/runtime/model.h"

namespace sieve::infer {

// Writes the keys "scores" and "decisions" into the open object of w, from one row of probabilities
// (model.output_count() values, as Model::score writes them) of a post in language lang: a binary head
// decides with that language's threshold when `sieve calibrate --organic` gave it one. When the model has
// out-of-domain statistics and familiarity is given, "ood" too (a value to read: every post is decided).
void write_scores(JsonWriter& w, const Model& model, const float* probabilities, std::string_view lang,
                  const PostFamiliarity* familiarity = nullptr);

// Writes the keys "explain" (per head, the top_k spans that moved its logit most) and "normalized".
// Costs one forward pass per span of the post.
void write_explanation(JsonWriter& w, const Model& model, std::string_view text, std::size_t top_k,
                       ScoreWorkspace& workspace);

}  // namespace sieve::infer
