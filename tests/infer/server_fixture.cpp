#include "server_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>

#include "runtime_model_files.h"

namespace sieve::infer::testing {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

const std::string& small_model_file() {
  static const std::string path = write(bag_parts(), "served_model.sieve");
  return path;
}

ServerOptions small_server_options() {
  ServerOptions options;
  options.model_path = small_model_file();
  options.port = 0;
  options.threads = 1;
  options.http_threads = 4;
  options.max_delay_us = 0;
  options.handle_signals = false;
  options.access_log = "";
  return options;
}

RunningServer::RunningServer(ServerOptions options)
    : server_(std::make_unique<Server>(std::move(options))), thread_([this] { server_->run(); }) {}

RunningServer::~RunningServer() { stop(); }

void RunningServer::stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

std::string HttpAnswer::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

RawConnection::RawConnection(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

bool RawConnection::fill(Clock::time_point deadline) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
  char chunk[65536];
  const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

HttpAnswer RawConnection::read_answer(std::chrono::milliseconds timeout) {
  const auto start = Clock::now();
  const auto deadline = start + timeout;
  HttpAnswer answer;
  std::size_t end_of_head;
  while ((end_of_head = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(deadline)) return answer;
  }
  const std::string head = buffer_.substr(0, end_of_head);
  std::size_t line_end = head.find("\r\n");
  if (std::sscanf(head.c_str(), "HTTP/1.%*d %d", &answer.status) != 1) return answer;
  while (line_end != std::string::npos && line_end < head.size()) {
    const std::size_t next = head.find("\r\n", line_end + 2);
    const std::string line =
        head.substr(line_end + 2, next == std::string::npos ? std::string::npos : next - line_end - 2);
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      const std::size_t value = line.find_first_not_of(' ', colon + 1);
      answer.headers[lower(line.substr(0, colon))] = value == std::string::npos ? "" : line.substr(value);
    }
    line_end = next;
  }
  const std::size_t length = std::stoul("0" + answer.header("content-length"));
  while (buffer_.size() < end_of_head + 4 + length) {
    if (!fill(deadline)) break;
  }
  answer.body = buffer_.substr(end_of_head + 4, length);
  buffer_.erase(0, std::min(buffer_.size(), end_of_head + 4 + length));
  answer.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return answer;
}

bool RawConnection::closed_by_server(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
    char chunk[65536];
    if (::recv(fd_, chunk, sizeof chunk, 0) <= 0) return true;
  }
  return false;
}

HttpAnswer exchange(int port, const std::string& request, std::chrono::milliseconds timeout) {
  RawConnection connection(port);
  connection.send(request);
  return connection.read_answer(timeout);
}

std::string post_request(const std::string& path, const std::string& body, const std::string& content_type,
                         const std::string& extra_headers) {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body;
}

std::string chunked(const std::string& body, std::size_t chunk_bytes) {
  if (chunk_bytes == 0) chunk_bytes = body.size();
  std::string out;
  char size[32];
  for (std::size_t at = 0; at < body.size(); at += chunk_bytes) {
    const std::size_t n = std::min(chunk_bytes, body.size() - at);
    std::snprintf(size, sizeof size, "%zx\r\n", n);
    out += size + body.substr(at, n) + "\r\n";
  }
  return out + "0\r\n\r\n";
}

std::string posts_body(std::size_t posts, std::size_t text_bytes) {
  std::string body = R"({"posts":[)";
  for (std::size_t i = 0; i < posts; ++i) {
    if (i) body += ',';
    body += R"({"id":")" + std::to_string(i) + R"(","text":")" + std::string(text_bytes, 'x') + "\"}";
  }
  return body + "]}";
}

}  // namespace sieve::infer::testing
