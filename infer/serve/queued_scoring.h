#pragma once
// The one way a scoring route gets its posts scored: into the batching queue, then a wait bounded by the
// request's deadline. /v1/score and the Open Inference Protocol's infer both go through it, so they share
// the queue, its capacity and the deadline. Private to sieve_server.

#include <httplib.h>

#include <chrono>
#include <memory>

#include "server_state.h"

namespace sieve::infer {

// Queues job (its texts and langs filled) and waits until it is scored or the deadline (--deadline-ms
// from arrived) passes. True when scored; else res holds the refusal: 429 with Retry-After when the
// queue cannot take the posts, 503 while shutting down, 504 past the deadline, 500 when scoring threw.
bool score_queued(ServerState& state, const std::shared_ptr<ScoreJob>& job,
                  std::chrono::steady_clock::time_point arrived, httplib::Response& res);

}  // namespace sieve::infer
