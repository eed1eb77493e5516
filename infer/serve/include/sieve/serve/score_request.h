#pragma once
// The body of POST /v1/score, parsed and checked before any of it reaches the queue:
//   {"posts": [{"id": "a", "text": "...", "lang": "en"}, ...]}
// "text" is required; "id" (a string or an integer, echoed back as given) and "lang" are optional, and a
// missing lang is guessed from the script and words as `sieve score` guesses it. Other keys are ignored.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sieve/core/error.h"
#include "sieve/core/text_limits.h"

namespace sieve::infer {

// One post of a request.
struct ScorePost {
  std::string id_json = "null";  // the id as it was written (a JSON string or integer), null when absent
  std::string text;
  std::string lang;       // as given, or guessed
  std::string group;      // the account, when given (the template window counts distinct ones)
  std::int64_t time = 0;  // seconds since 1970 when given, else 0
};

struct ScoreRequest {
  std::vector<ScorePost> posts;
};

// What a request may hold (from ServerOptions).
struct RequestLimits {
  std::size_t max_posts = 256;
  std::size_t max_text_bytes = kMaxTextBytes;  // as `sieve score` and the Python module
};

// A request the server refuses with 400. where() is the part of the body at fault ("body", "posts",
// "posts[3].text"); post_index() is the offending post, or -1 when the fault is not in one post.
class RequestError : public Error {
 public:
  RequestError(std::string where, std::string message, long post_index = -1)
      : Error(ErrorKind::kInvalidInput, std::move(where), std::move(message)), post_index_(post_index) {}
  long post_index() const { return post_index_; }

 private:
  long post_index_;
};

// Throws RequestError for a body that is not JSON (or not UTF-8), has the wrong shape or types, or breaks
// a limit; the message names the key and, for a post, its index.
ScoreRequest parse_score_request(std::string_view body, const RequestLimits& limits);

}  // namespace sieve::infer
