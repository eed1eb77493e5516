#include "sieve/serve/server_options.h"

#include "sieve/core/error.h"

namespace sieve::infer {
namespace {

void require(bool ok, const char* option, const std::string& message) {
  if (!ok) throw Error(ErrorKind::kConfig, option, message);
}

}  // namespace

void ServerOptions::validate() const {
  require(!model_path.empty(), "model", "no model file given");
  require(!host.empty(), "--host", "must not be empty");
  require(port >= 0 && port <= 65535, "--port", "must be in [0, 65535], not " + std::to_string(port));
  require(threads >= 0, "--threads", "must be 0 (all cores) or more, not " + std::to_string(threads));
  require(http_threads >= 1, "--http-threads", "must be at least 1");
  require(max_connections >= http_threads, "--max-connections",
          "must be at least --http-threads (" + std::to_string(http_threads) + ")");
  require(read_timeout_ms >= 1, "--read-timeout-ms", "must be at least 1");
  require(max_batch >= 1, "--max-batch", "must be at least 1");
  require(max_delay_us >= 0, "--max-delay-us", "must not be negative");
  require(max_posts >= 1, "--max-posts", "must be at least 1");
  require(queue_capacity >= max_posts, "--queue-capacity",
          "must hold at least one request of --max-posts (" + std::to_string(max_posts) + ") posts");
  require(max_body_bytes >= 64, "--max-body-bytes", "must be at least 64");
  require(max_text_bytes >= 1, "--max-text-bytes", "must be at least 1");
  require(deadline_ms >= 1, "--deadline-ms", "must be at least 1");
  require(!model_name.empty() && model_name.find_first_of("/?#%") == std::string::npos, "--model-name",
          "must be a non-empty name without '/', '?', '#' or '%', not '" + model_name + "'");
}

}  // namespace sieve::infer
