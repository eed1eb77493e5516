#pragma once
// What the parts of a running server share: the options, the model, the queue, the metrics and the logs.
// Owned by Server; the routes and the scoring workers hold a reference.

#include <atomic>
#include <functional>
#include <string>

#include "access_log.h"
#include "sieve/serve/batch_queue.h"
#include "sieve/serve/drift_metrics.h"
#include "sieve/serve/model_holder.h"
#include "sieve/serve/server_metrics.h"
#include "sieve/serve/server_options.h"

namespace sieve::infer {

struct ServerState {
  explicit ServerState(const ServerOptions& server_options)
      : options(server_options),
        queue(BatchQueueOptions{server_options.max_batch,
                                std::chrono::microseconds(server_options.max_delay_us),
                                server_options.queue_capacity}),
        access_log(server_options.access_log),
        events("-") {}

  const ServerOptions options;
  ModelHolder models;
  BatchQueue queue;
  ServerMetrics metrics;
  DriftMetrics drift;       // the scored posts' ood and scores, by language
  JsonLineLog access_log;   // one line per request
  JsonLineLog events;       // start, reloads, drain, stop: always on standard error
  std::string admin_token;  // empty: POST /admin/reload is refused
  std::atomic<bool> draining{false};
  // Loads a model (empty path: the one served now) and swaps it in; returns the new version or throws.
  std::function<std::string(const std::string& path)> reload;
};

}  // namespace sieve::infer
