#pragma once
// The server's httplib::Server, with the connection loop of its own: each accepted connection is served on
// a thread of the ConnectionPool by serve(), which reads through an HttpConnection (a buffer that lasts as
// long as the connection, a read timeout per wait, a close a route can ask for) and hands each request to
// the library's request processing, so that the routes and their limits apply to every byte that arrives.
// The same loop answers connections held in memory (serve_bytes). Private to sieve_server.

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <string>

#include "http_connection.h"
#include "sieve/serve/server_options.h"

namespace sieve::infer {

class HttpServer : public httplib::Server {
 public:
  explicit HttpServer(const ServerOptions& options);

  // The library listens with a backlog of 5: a burst of new connections would see SYNs dropped and
  // retried a second later. Listening again on the bound socket only widens its queue.
  void widen_backlog(int backlog);

  // Serves bytes as one connection's requests and returns what was written back.
  std::string serve_bytes(const std::string& bytes);

 private:
  bool process_and_close_socket(int sock) override;
  // Serves requests until the connection ends, its keep-alive runs out, a route closes it or, with
  // until_stopped, the server stops.
  void serve(HttpConnection& connection, bool until_stopped);

  const std::chrono::milliseconds read_timeout_;
  const std::chrono::milliseconds write_timeout_{5000};
  const std::size_t linger_bytes_;
};

}  // namespace sieve::infer
