#pragma once
// Fields a front end adds to each post the server scores, and lines it adds to /metrics: how `sieve serve`
// reports the template window (near-copies of a post seen lately) without the server knowing about it.

#include <string>

#include "sieve/core/json_writer.h"
#include "sieve/serve/score_request.h"

namespace sieve::infer {

class PostAnnotator {
 public:
  virtual ~PostAnnotator() = default;
  // Writes key/value pairs into the post's JSON object, open in w. Called from many connection threads at
  // once: an implementation with state locks it.
  virtual void annotate(const ScorePost& post, JsonWriter& w) = 0;
  // Appends Prometheus text-format samples (with their # HELP and # TYPE lines) to out.
  virtual void render_metrics(std::string& out) const = 0;
};

}  // namespace sieve::infer
