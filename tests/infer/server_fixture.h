#pragma once
// The whole server in the test process: sieve::infer::Server on a free loopback port, serving a small model
// of random weights that the test writes (runtime_model_files.h), run on a thread of its own; and a raw HTTP
// client on a socket, for what ordinary clients never send: chunked, partial, slow or malformed requests.

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "sieve/serve/server.h"

namespace sieve::infer::testing {

// A small model file (written once per process) that loads and passes its self-test.
const std::string& small_model_file();

// Options for a server on any free loopback port with the small model, no signals and no access log.
ServerOptions small_server_options();

// A Server running on a thread; the destructor stops it and waits for its drain.
class RunningServer {
 public:
  explicit RunningServer(ServerOptions options = small_server_options());
  ~RunningServer();
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;

  int port() const { return server_->port(); }
  Server& server() { return *server_; }
  // Stops the server and waits until run() has returned (the destructor does it too).
  void stop();

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

// One answer as read from the socket.
struct HttpAnswer {
  int status = 0;                              // 0: no answer arrived
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  double seconds = 0;  // from the call that read it to the end of the answer

  std::string header(const std::string& lower_name) const;
};

// A client connection on a raw socket to 127.0.0.1.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Sends all of bytes; false when the server closed or reset the connection first.
  bool send(std::string_view bytes);
  // Reads one answer (status line, headers and a Content-Length body) within timeout.
  HttpAnswer read_answer(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Whether the server closes the connection (end of stream or reset) within timeout, discarding bytes.
  bool closed_by_server(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  // Appends what arrives within the time left to buffer_; false at the end of the stream or on timeout.
  bool fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
};

// Connects, sends request and reads one answer.
HttpAnswer exchange(int port, const std::string& request,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

// "POST <path> HTTP/1.1" with Host, Content-Type and Content-Length headers (plus extra_headers, each line
// ending in \r\n) and the body.
std::string post_request(const std::string& path, const std::string& body,
                         const std::string& content_type = "application/json",
                         const std::string& extra_headers = "");

// body as one chunk of a chunked body (or as chunks of chunk_bytes), with the last chunk.
std::string chunked(const std::string& body, std::size_t chunk_bytes = 0);

// A valid score request of n posts.
std::string posts_body(std::size_t posts, std::size_t text_bytes = 20);

}  // namespace sieve::infer::testing
