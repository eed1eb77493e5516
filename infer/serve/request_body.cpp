#include "request_body.h"

#include <strings.h>

#include <algorithm>
#include <iterator>

#include "http_answers.h"
#include "http_connection.h"

namespace sieve::infer {
namespace {

constexpr const char* kMultipart = "multipart/form-data";  // as the library recognises it
// The content codings the library decodes (identity: none).
const std::string kCodings[] = {"identity", "gzip", "deflate", "br"};

// A Content-Length value: digits only, at most 18 of them (no overflow); -1 otherwise.
long long byte_count(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
    return -1;
  return std::stoll(text);
}

Refusal check_content_length(const httplib::Request& req, bool reads_body, std::size_t max_body_bytes) {
  const std::size_t headers = req.get_header_value_count("Content-Length");
  if (headers == 0) return {};
  const std::string first = req.get_header_value("Content-Length");
  const long long length = byte_count(first);
  if (length < 0) return {400, "Content-Length '" + first + "' is not a byte count"};
  for (std::size_t i = 1; i < headers; ++i) {
    const std::string other = req.get_header_value("Content-Length", i);
    if (other != first) return {400, "Content-Length '" + first + "' and '" + other + "' disagree"};
  }
  if (reads_body && static_cast<unsigned long long>(length) > max_body_bytes) {
    return {413, too_large_message(max_body_bytes)};
  }
  return {};
}

}  // namespace

std::string too_large_message(std::size_t max_body_bytes) {
  return "the body is larger than the limit of " + std::to_string(max_body_bytes) + " bytes";
}

std::string stalled_message(std::chrono::milliseconds read_timeout) {
  return "the request stalled: no bytes arrived for " + std::to_string(read_timeout.count()) + " ms";
}

Refusal check_body_head(const httplib::Request& req, bool reads_body, std::size_t max_body_bytes) {
  const std::size_t encodings = req.get_header_value_count("Transfer-Encoding");
  if (encodings > 0) {
    const std::string encoding = req.get_header_value("Transfer-Encoding");
    if (encodings > 1 || strcasecmp(encoding.c_str(), "chunked") != 0) {
      return {501, "Transfer-Encoding '" + encoding +
                       "' is not supported: send a Content-Length or a chunked body"};
    }
  }
  if (Refusal refusal = check_content_length(req, reads_body, max_body_bytes); refusal.status) return refusal;
  if (!reads_body) return {};
  const std::string coding = req.get_header_value("Content-Encoding");
  if (req.has_header("Content-Encoding") &&
      std::find(std::begin(kCodings), std::end(kCodings), coding) == std::end(kCodings)) {
    return {415, "Content-Encoding '" + coding +
                     "' is not supported: send the body as it is, or as gzip, "
                     "deflate or br"};
  }
  if (req.get_header_value("Content-Type").rfind(kMultipart, 0) == 0) {
    return {415, std::string("Content-Type ") + kMultipart +
                     " is not accepted: send the JSON document itself as the body"};
  }
  return {};
}

bool read_body(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
               std::size_t max_body_bytes, std::string& body) {
  body.clear();
  if (!announces_body(req)) return true;
  bool over = false;
  const bool complete = reader([&](const char* data, std::size_t size) {
    if (size > max_body_bytes - body.size()) {
      over = true;
      return false;
    }
    body.append(data, size);
    return true;
  });
  if (complete) return true;
  close_after_answer(req);
  const HttpConnection* connection = HttpConnection::current();
  if (over) {
    send_error(res, 413, too_large_message(max_body_bytes));
  } else if (connection && connection->timed_out()) {
    send_error(res, 408, stalled_message(connection->read_timeout()));
  } else {
    std::string message = "the body ended before its announced length, or its chunked encoding is malformed";
    if (req.has_header("Content-Encoding"))
      message += ", or it is not valid " + req.get_header_value("Content-Encoding") + " data";
    send_error(res, 400, message);
  }
  return false;
}

}  // namespace sieve::infer
