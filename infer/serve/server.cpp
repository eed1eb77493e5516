#include "sieve/serve/server.h"

#include <sys/socket.h>
#include <tbb/info.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>

#include "batch_scorer.h"
#include "http_routes.h"
#include "http_server.h"
#include "sieve/core/error.h"
#include "sieve/core/file_bytes.h"
#include "sieve/core/json_writer.h"
#include "signal_watcher.h"

namespace sieve::infer {
namespace {

std::string read_admin_token(const std::string& path) {
  if (path.empty()) return "";
  std::string token = read_file(path, "the admin token");
  const auto last = token.find_last_not_of(" \t\r\n");
  token.erase(last == std::string::npos ? 0 : last + 1);
  if (token.size() < 16)
    throw Error(ErrorKind::kConfig, path, "the admin token must have at least 16 characters");
  return token;
}

}  // namespace

struct Server::Impl {
  explicit Impl(const ServerOptions& options) : state(options), http(options) {}

  // One event line; detail, when given, is written by the caller after the event's name.
  void log_event(const std::string& event, const std::function<void(JsonWriter&)>& detail = nullptr) {
    JsonWriter w;
    w.begin_object().key("time").value(utc_timestamp()).key("event").value(event);
    if (detail) detail(w);
    const std::shared_ptr<const LoadedModel> loaded = state.models.current();
    if (loaded) w.key("model_version").value(loaded->version);
    w.end_object();
    state.events.write(w.str());
  }

  std::string reload(const std::string& path) {
    const std::string target = path.empty() ? state.models.current()->path : path;
    try {
      const std::shared_ptr<const LoadedModel> loaded = state.models.load(target);
      state.metrics.count_reload(true);
      log_event("reloaded", [&](JsonWriter& w) { w.key("path").value(target); });
      return loaded->version;
    } catch (const std::exception& e) {
      state.metrics.count_reload(false);
      log_event("reload_rejected", [&](JsonWriter& w) { w.key("error").value(e.what()); });
      throw;
    }
  }

  // Once only: the library's stop() must not run twice (a second SIGTERM during the drain).
  void stop() {
    if (state.draining.exchange(true)) return;
    http.stop();
  }

  ServerState state;
  HttpServer http;
  int port = 0;
  int threads = 1;
};

Server::Server(ServerOptions options) {
  options.validate();
  if (options.handle_signals) SignalWatcher::block_signals();
  impl_ = std::make_unique<Impl>(options);
  ServerState& state = impl_->state;
  state.admin_token = read_admin_token(options.admin_token_file);
  state.reload = [this](const std::string& path) { return impl_->reload(path); };
  state.models.load(options.model_path);
  impl_->threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();

  HttpServer& http = impl_->http;
  install_routes(http, state);
  if (options.port == 0) {
    impl_->port = http.bind_to_any_port(options.host);
  } else {
    impl_->port = http.bind_to_port(options.host, options.port) ? options.port : -1;
  }
  if (impl_->port <= 0) {
    throw Error(ErrorKind::kIo, options.host + ":" + std::to_string(options.port),
                std::string("cannot listen: ") + std::strerror(errno));
  }
  http.widen_backlog(SOMAXCONN);
}

Server::~Server() = default;

int Server::port() const { return impl_->port; }

void Server::stop() { impl_->stop(); }

std::string Server::reload(const std::string& path) { return impl_->reload(path); }

std::string Server::serve_bytes(const std::string& bytes) { return impl_->http.serve_bytes(bytes); }

void Server::run() {
  ServerState& state = impl_->state;
  BatchScorer scorer(state, impl_->threads, impl_->threads);
  std::unique_ptr<SignalWatcher> signals;
  if (state.options.handle_signals) {
    signals = std::make_unique<SignalWatcher>(
        [this] {
          impl_->log_event("draining");
          impl_->stop();
        },
        [this] {
          try {
            impl_->reload("");
          } catch (const std::exception&) {
            // Logged and counted by reload(); the current model keeps serving.
          }
        });
  }
  impl_->log_event("serving", [&](JsonWriter& w) {
    w.key("address").value(state.options.host + ":" + std::to_string(impl_->port));
  });
  // Returns after stop(), once every connection it accepted has been answered and closed.
  impl_->http.listen_after_bind();
  state.draining = true;
  state.queue.close();
  scorer.join();
  signals.reset();
  impl_->log_event("stopped",
                   [&](JsonWriter& w) { w.key("posts_scored").value(state.metrics.posts_scored()); });
}

}  // namespace sieve::infer
