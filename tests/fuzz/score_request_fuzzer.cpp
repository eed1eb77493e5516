// The HTTP score-request parser on arbitrary bodies: a request is parsed within the limits or refused with
// a RequestError naming the key.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sieve/core/error.h"
#include "sieve/serve/score_request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sieve::infer::RequestLimits limits;
  limits.max_posts = 64;
  limits.max_text_bytes = 4096;
  try {
    const sieve::infer::ScoreRequest request = sieve::infer::parse_score_request(
        std::string_view(reinterpret_cast<const char*>(data), size), limits);
    if (request.posts.size() > limits.max_posts) std::abort();
    for (const auto& post : request.posts) {
      if (post.text.size() > limits.max_text_bytes) std::abort();
    }
  } catch (const sieve::Error&) {  // RequestError, naming the key
  }
  return 0;
}
