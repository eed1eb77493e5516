#include "http_server.h"

#include <sys/socket.h>

#include "connection_pool.h"

namespace sieve::infer {
namespace {

constexpr std::size_t kKeepAliveRequests = 1000;
constexpr time_t kKeepAliveSeconds = 2;  // also bounds how long a drain waits on an idle connection
// Threads beyond --http-threads end after this long without a connection.
constexpr std::chrono::seconds kIdleThreadExit(10);

}  // namespace

HttpServer::HttpServer(const ServerOptions& options)
    : read_timeout_(options.read_timeout_ms), linger_bytes_(options.max_body_bytes) {
  const std::size_t core = static_cast<std::size_t>(options.http_threads);
  const std::size_t max = static_cast<std::size_t>(options.max_connections);
  new_task_queue = [core, max] { return new ConnectionPool(core, max, kIdleThreadExit); };
  set_payload_max_length(options.max_body_bytes);
  set_keep_alive_max_count(kKeepAliveRequests);
  set_keep_alive_timeout(kKeepAliveSeconds);
  set_read_timeout(read_timeout_);
  set_write_timeout(write_timeout_);
  set_tcp_nodelay(true);
}

void HttpServer::widen_backlog(int backlog) { ::listen(svr_sock_, backlog); }

std::string HttpServer::serve_bytes(const std::string& bytes) {
  MemoryConnection connection(bytes);
  serve(connection, false);
  return connection.written();
}

bool HttpServer::process_and_close_socket(int sock) {
  SocketConnection connection(sock, read_timeout_, write_timeout_);
  serve(connection, true);
  connection.close(linger_bytes_);
  return true;
}

void HttpServer::serve(HttpConnection& connection, bool until_stopped) {
  const auto stopping = [this, until_stopped] { return until_stopped && svr_sock_ == INVALID_SOCKET; };
  const std::chrono::milliseconds idle(keep_alive_timeout_sec_ * 1000);
  for (std::size_t left = keep_alive_max_count_; left > 0; --left) {
    if (!connection.wait_for_request(idle, stopping)) return;
    connection.begin_request();
    bool closed_by_client = false;
    const CurrentConnection current(connection);
    // The last request allowed on the connection is answered with Connection: close.
    if (!process_request(connection, left == 1, closed_by_client, nullptr)) return;
    if (closed_by_client || connection.closing()) return;
  }
}

}  // namespace sieve::infer
