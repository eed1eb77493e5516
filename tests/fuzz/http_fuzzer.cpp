// The HTTP front end of `sieve serve` on arbitrary bytes: each input is the bytes of one connection (request
// lines, headers, bodies of any framing and coding, pipelined requests) answered by a server running in
// this process (Server::serve_bytes, the connection loop of every socket, reading from memory). Its model
// is a small one of random weights written at start. Every answer is HTTP with a JSON error body for a
// refusal, and none is a 500: the server found no bug of its own.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>

#include "runtime_model_files.h"
#include "sieve/serve/server.h"

namespace {

// Limits small enough that the seeds reach them.
sieve::infer::ServerOptions fuzz_options(const std::string& model) {
  sieve::infer::ServerOptions options;
  options.model_path = model;
  options.port = 0;
  options.threads = 1;
  options.http_threads = 1;
  options.max_delay_us = 0;
  options.max_body_bytes = 4096;
  options.max_posts = 16;
  options.max_text_bytes = 1000;
  options.deadline_ms = 2000;
  options.access_log = "";
  options.handle_signals = false;  // no admin token either: a reload would read files the input names
  return options;
}

// A server on a loopback port, its scoring workers running; never stopped (the process ends with it).
sieve::infer::Server& server() {
  static sieve::infer::Server* running = [] {
    const std::string model =
        sieve::infer::testing::write(sieve::infer::testing::bag_parts(), "http_fuzzer.sieve");
    auto* created = new sieve::infer::Server(fuzz_options(model));
    std::filesystem::remove_all(std::filesystem::path(model).parent_path());  // mapped: it stays readable
    std::thread([created] { created->run(); }).detach();
    return created;
  }();
  return *running;
}

[[noreturn]] void finding(const std::string& what, const std::string& written) {
  std::fprintf(stderr, "http_fuzzer: %s\n--- written:\n%s\n", what.c_str(), written.c_str());
  std::abort();
}

// Walks the answers: status line, headers, a body of its Content-Length (none for HEAD).
void check_answers(const std::string& written) {
  std::size_t at = 0;
  while (at < written.size()) {
    if (written.compare(at, 9, "HTTP/1.1 ") != 0) finding("an answer does not start with HTTP/1.1", written);
    const std::size_t head_end = written.find("\r\n\r\n", at);
    if (head_end == std::string::npos) finding("an answer's head does not end", written);
    const int status = std::atoi(written.c_str() + at + 9);
    if (status == 500) finding("500: the server failed on its own", written);
    const std::string head = written.substr(at, head_end - at);
    const std::size_t length_at = head.find("\r\nContent-Length: ");
    const std::size_t length =
        length_at == std::string::npos ? 0 : std::strtoul(head.c_str() + length_at + 18, nullptr, 10);
    at = head_end + 4;
    // The answer to HEAD has the Content-Length of a body it does not carry; no body starts like an answer.
    if (at == written.size() || written.compare(at, 9, "HTTP/1.1 ") == 0) continue;
    const std::string_view body = std::string_view(written).substr(at, length);
    if (body.size() != length) finding("an answer's body is shorter than its Content-Length", written);
    // A refusal says why in JSON: the server's {"error":{"status":...}}, or on the Open Inference
    // Protocol's /v2 routes the protocol's {"error":"..."}.
    const bool server_error = body.find("{\"error\":{\"status\":" + std::to_string(status)) == 0;
    const bool protocol_error = body.find("{\"error\":\"") == 0;
    if (status >= 400 && !server_error && !protocol_error)
      finding("a refusal without its JSON error body", written);
    at += length;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  check_answers(server().serve_bytes(bytes));
  return 0;
}
