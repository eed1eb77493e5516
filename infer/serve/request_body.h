#pragma once
// Request bodies, read by the server rather than by the library, with one limit whatever their framing
// (Content-Length or chunked) and content type: what can be refused from the headers is refused before the
// first body byte, and a body is never read past the limit. Private to sieve_server.

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <string>

namespace sieve::infer {

// A status and message to answer with; status 0: none.
struct Refusal {
  int status = 0;
  std::string message;
};

// The framing of req's body: 501 for a Transfer-Encoding other than chunked, 400 for a Content-Length that
// is not one byte count. With reads_body also 413 for a Content-Length over max_body_bytes, and 415 for a
// Content-Encoding the library does not decode or for multipart/form-data (the library would parse it).
Refusal check_body_head(const httplib::Request& req, bool reads_body, std::size_t max_body_bytes);

// Reads req's body through reader into body (empty when req announces none) and returns true. Or answers
// res, makes the answer the connection's last and returns false: 413 at the first byte past
// max_body_bytes (of the decoded body, when it has a Content-Encoding), 408 when the client stalled, 400
// when the body ended early, its chunks are malformed or it does not decode.
bool read_body(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
               std::size_t max_body_bytes, std::string& body);

std::string too_large_message(std::size_t max_body_bytes);
std::string stalled_message(std::chrono::milliseconds read_timeout);

}  // namespace sieve::infer
