#pragma once
// Everything `sieve serve` can be told, with its default: where to listen, how to batch, the limits that
// keep a hostile or overloaded client from hurting the others, and the admin token for reloads.

#include <cstddef>
#include <memory>
#include <string>

#include "sieve/runtime/out_of_domain.h"
#include "sieve/serve/batch_queue.h"
#include "sieve/serve/score_request.h"

namespace sieve::infer {

class PostAnnotator;

struct ServerOptions {
  std::string model_path;          // model.sieve to load at start and on reload
  std::string host = "127.0.0.1";  // loopback unless told otherwise: exposing a port is a decision
  int port = 8080;                 // 0: any free port (the one chosen is printed and in Server::port())
  int threads = 0;                 // scoring threads (one oneTBB arena); 0: all cores
  int http_threads = 32;           // threads kept for connections, which wait on batches, not cores
  int max_connections = 256;       // connections served at once (threads beyond http_threads up to it)
  long read_timeout_ms = 2000;     // longest wait for a request's next bytes; longer is 408
  std::size_t max_batch = BatchQueueOptions().max_batch;  // posts scored as one batch; a bigger request is
                                                          // one batch of its own
  long max_delay_us = static_cast<long>(BatchQueueOptions().max_delay.count());  // how long the first
                                                                                 // request of a batch waits
  std::size_t queue_capacity = BatchQueueOptions().capacity;    // posts waiting; more is 429 with Retry-After
  std::size_t max_body_bytes = 4 << 20;                         // request body; more is 413
  std::size_t max_posts = RequestLimits().max_posts;            // posts per request; more is 400
  std::size_t max_text_bytes = RequestLimits().max_text_bytes;  // UTF-8 bytes of one post's text; more is 400
  long deadline_ms = 5000;        // from arrival to answer; a request not scored by then is 504
  std::size_t explain_spans = 5;  // spans per head that ?explain=1 adds
  std::string admin_token_file;   // bearer token of POST /admin/reload; empty: the admin endpoint is off
  std::string access_log = "-";   // JSON lines, one per request: a file, "-" for standard error, "" for none
  std::string model_name = "sieve";  // the model's name in the Open Inference Protocol's /v2/models/{name}
  bool handle_signals = true;  // SIGTERM/SIGINT drain and exit, SIGHUP reloads (off when embedded in tests)
  std::shared_ptr<PostAnnotator> annotator;  // adds fields to each post and lines to /metrics; none: off

  // Throws Error(kConfig, "--option", "...") naming the first option out of range or inconsistent.
  void validate() const;
};

}  // namespace sieve::infer
