#pragma once
// `sieve serve`: an HTTP/JSON inference server over one model (docs/serving.md). Requests are checked,
// queued and scored in dynamic micro-batches on a oneTBB arena; the model can be reloaded without
// downtime; SIGTERM drains. The HTTP library stays behind this header.

#include <memory>
#include <string>

#include "sieve/serve/server_options.h"

namespace sieve::infer {

class Server {
 public:
  // Validates the options, loads and self-tests the model and binds the port. With handle_signals it
  // first blocks SIGTERM, SIGINT and SIGHUP in the calling thread, so every thread started later leaves
  // them to the server's signal thread. Throws Error (kConfig, kFormat, kIo) when any step fails.
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The port bound (the chosen one when options.port was 0).
  int port() const;

  // Serves until stop() (or SIGTERM/SIGINT), then drains: no new connection is accepted, queued and
  // in-flight requests are answered, the workers stop. Returns once all of that is done.
  void run();

  // Thread-safe, any number of times, before or during run().
  void stop();

  // Loads path (empty: the model path of the options) beside the current model and swaps it in; returns
  // the new version. Throws Error, and the current model keeps serving, when the new one is bad.
  std::string reload(const std::string& path = "");

  // Answers bytes as the requests of one connection (pipelined, read from memory until they end) and returns
  // every byte the server wrote, as if a socket had carried them: for fuzzing and tests. Thread-safe;
  // /v1/score needs run() to be running.
  std::string serve_bytes(const std::string& bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sieve::infer
