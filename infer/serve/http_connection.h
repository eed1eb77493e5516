#pragma once
// One client connection as the HTTP library reads and writes it, owned by the server's connection loop
// (http_server.h) rather than by the library: the read buffer lives as long as the connection, so
// pipelined requests are kept; each wait for request bytes is bounded by the read timeout and remembered,
// so the answer can be 408; and a route can ask for the connection to close after its answer when the
// request's body was not read to its end. Private to sieve_server.

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace sieve::infer {

class HttpConnection : public httplib::Stream {
 public:
  // The connection whose request this thread is serving; nullptr outside the connection loop.
  static HttpConnection* current();

  // Waits for the first byte of the next request (or the end of the stream): false after idle or as soon
  // as stopping() is true, both checked every few milliseconds.
  virtual bool wait_for_request(std::chrono::milliseconds idle, const std::function<bool()>& stopping) = 0;

  // Called by the loop before each request.
  void begin_request() { timed_out_ = false; }
  // Whether a read of the request being served gave up after the read timeout.
  bool timed_out() const { return timed_out_; }
  std::chrono::milliseconds read_timeout() const { return read_timeout_; }

  // The answer being written is the connection's last: bytes of the request may still be unread.
  void close_after_answer() { closing_ = true; }
  bool closing() const { return closing_; }

 protected:
  explicit HttpConnection(std::chrono::milliseconds read_timeout) : read_timeout_(read_timeout) {}

  const std::chrono::milliseconds read_timeout_;
  bool timed_out_ = false;
  bool closing_ = false;
};

// Makes connection the current one of this thread while it lives.
class CurrentConnection {
 public:
  explicit CurrentConnection(HttpConnection& connection);
  ~CurrentConnection();
  CurrentConnection(const CurrentConnection&) = delete;
  CurrentConnection& operator=(const CurrentConnection&) = delete;
};

// A TCP connection: buffered reads, each wait bounded by the read timeout, writes by the write timeout.
class SocketConnection final : public HttpConnection {
 public:
  SocketConnection(int fd, std::chrono::milliseconds read_timeout, std::chrono::milliseconds write_timeout);
  ~SocketConnection() override;  // close(linger_bytes = 0)
  SocketConnection(const SocketConnection&) = delete;
  SocketConnection& operator=(const SocketConnection&) = delete;

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, std::size_t size) override;
  ssize_t write(const char* ptr, std::size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return fd_; }
  bool wait_for_request(std::chrono::milliseconds idle, const std::function<bool()>& stopping) override;

  // Closes the socket. When the last answer left request bytes unread (and the client did not stall), it
  // first ends the sending side and discards what the client still sends, up to linger_bytes and the read
  // timeout: closing with unread bytes would reset the connection, and the client could lose the answer.
  void close(std::size_t linger_bytes);

 private:
  // recv() of up to size bytes, waiting at most the read timeout; -1 on timeout (timed_out_) or error.
  ssize_t receive(char* ptr, std::size_t size);

  int fd_;
  const std::chrono::milliseconds write_timeout_;
  std::string buffer_;          // allocated by the first read
  std::size_t buffer_at_ = 0;   // the next byte of buffer_ to read
  std::size_t buffer_end_ = 0;  // one past the last byte received into buffer_
};

// The bytes of one connection held in memory (fuzzing, tests): reads end with them, writes are kept.
class MemoryConnection final : public HttpConnection {
 public:
  explicit MemoryConnection(const std::string& input);

  bool is_readable() const override { return at_ < input_.size(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, std::size_t size) override;
  ssize_t write(const char* ptr, std::size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return -1; }
  bool wait_for_request(std::chrono::milliseconds idle, const std::function<bool()>& stopping) override;

  const std::string& written() const { return output_; }

 private:
  const std::string& input_;
  std::size_t at_ = 0;
  std::string output_;
};

}  // namespace sieve::infer
