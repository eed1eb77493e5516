#include "http_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sieve::infer {
namespace {

using Clock = std::chrono::steady_clock;

// Reads of a request line and headers come a byte at a time: they are served from a buffer this large.
constexpr std::size_t kReadBuffer = 16384;
// How often a wait for the next request checks whether the server stops.
constexpr std::chrono::milliseconds kStopCheck(50);

thread_local HttpConnection* current_connection = nullptr;

// poll() for one event, retried when a signal interrupts it; > 0 when the event (or an error) is there.
int wait_for(int fd, short event, std::chrono::milliseconds timeout) {
  pollfd p{fd, event, 0};
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    const int ready = ::poll(&p, 1, static_cast<int>(std::max<long long>(0, left.count())));
    if (ready >= 0 || errno != EINTR) return ready;
  }
}

void address_of(const sockaddr_storage& address, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = "";
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    port = ntohs(v4.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    port = ntohs(v6.sin6_port);
  }
  ip = text;
}

}  // namespace

HttpConnection* HttpConnection::current() { return current_connection; }

CurrentConnection::CurrentConnection(HttpConnection& connection) { current_connection = &connection; }

CurrentConnection::~CurrentConnection() { current_connection = nullptr; }

SocketConnection::SocketConnection(int fd, std::chrono::milliseconds read_timeout,
                                   std::chrono::milliseconds write_timeout)
    : HttpConnection(read_timeout), fd_(fd), write_timeout_(write_timeout) {}

SocketConnection::~SocketConnection() { close(0); }

bool SocketConnection::is_readable() const {
  return buffer_at_ < buffer_end_ || wait_for(fd_, POLLIN, read_timeout_) > 0;
}

bool SocketConnection::is_writable() const { return wait_for(fd_, POLLOUT, write_timeout_) > 0; }

ssize_t SocketConnection::receive(char* ptr, std::size_t size) {
  for (;;) {
    const ssize_t n = ::recv(fd_, ptr, size, MSG_DONTWAIT);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    if (wait_for(fd_, POLLIN, read_timeout_) == 0) {
      timed_out_ = true;
      return -1;
    }
  }
}

ssize_t SocketConnection::read(char* ptr, std::size_t size) {
  if (buffer_at_ == buffer_end_) {
    if (size >= kReadBuffer) return receive(ptr, size);  // a body: straight into the caller's buffer
    buffer_.resize(kReadBuffer);
    const ssize_t n = receive(buffer_.data(), buffer_.size());
    buffer_at_ = 0;
    buffer_end_ = n > 0 ? static_cast<std::size_t>(n) : 0;
    if (n <= 0) return n;
  }
  const std::size_t n = std::min(size, buffer_end_ - buffer_at_);
  std::memcpy(ptr, buffer_.data() + buffer_at_, n);
  buffer_at_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t SocketConnection::write(const char* ptr, std::size_t size) {
  for (;;) {
    const ssize_t n = ::send(fd_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    if (wait_for(fd_, POLLOUT, write_timeout_) == 0) return -1;
  }
}

void SocketConnection::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0) address_of(address, ip, port);
}

void SocketConnection::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0) address_of(address, ip, port);
}

bool SocketConnection::wait_for_request(std::chrono::milliseconds idle,
                                        const std::function<bool()>& stopping) {
  if (buffer_at_ < buffer_end_) return true;
  const auto deadline = Clock::now() + idle;
  while (!stopping()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    const int ready = wait_for(fd_, POLLIN, std::min(left, kStopCheck));
    if (ready != 0) return ready > 0;
  }
  return false;
}

void SocketConnection::close(std::size_t linger_bytes) {
  if (fd_ < 0) return;
  // A client that stalled sends nothing more: no wait for it.
  if (closing_ && !timed_out_ && linger_bytes > 0 && ::shutdown(fd_, SHUT_WR) == 0) {
    const auto deadline = Clock::now() + read_timeout_;
    char discard[16384];
    std::size_t drained = 0;
    while (drained < linger_bytes && Clock::now() < deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (wait_for(fd_, POLLIN, left) <= 0) break;
      const ssize_t n = ::recv(fd_, discard, sizeof discard, MSG_DONTWAIT);
      if (n <= 0 && !(n < 0 && (errno == EINTR || errno == EAGAIN))) break;
      drained += n > 0 ? static_cast<std::size_t>(n) : 0;
    }
  }
  ::close(fd_);
  fd_ = -1;
}

MemoryConnection::MemoryConnection(const std::string& input)
    : HttpConnection(std::chrono::milliseconds(0)), input_(input) {}

ssize_t MemoryConnection::read(char* ptr, std::size_t size) {
  const std::size_t n = std::min(size, input_.size() - at_);
  std::memcpy(ptr, input_.data() + at_, n);
  at_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t MemoryConnection::write(const char* ptr, std::size_t size) {
  output_.append(ptr, size);
  return static_cast<ssize_t>(size);
}

void MemoryConnection::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = "127.0.0.1";
  port = 0;
}

void MemoryConnection::get_local_ip_and_port(std::string& ip, int& port) const {
  ip = "127.0.0.1";
  port = 0;
}

bool MemoryConnection::wait_for_request(std::chrono::milliseconds, const std::function<bool()>&) {
  return at_ < input_.size();
}

}  // namespace sieve::infer
