#include "http_answers.h"

#include "http_connection.h"

namespace sieve::infer {
namespace {

constexpr const char* kJson = "application/json";

}  // namespace

const char* error_code(int status) {
  switch (status) {
    case 400:
      return "invalid_request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 408:
      return "request_timeout";
    case 413:
      return "payload_too_large";
    case 414:
      return "uri_too_long";
    case 415:
      return "unsupported_media_type";
    case 416:
      return "range_not_satisfiable";
    case 422:
      return "reload_failed";
    case 429:
      return "overloaded";
    case 501:
      return "not_implemented";
    case 503:
      return "unavailable";
    case 504:
      return "deadline_exceeded";
    default:
      return status >= 500 ? "internal" : "error";
  }
}

void send_error(httplib::Response& res, int status, const std::string& message, long post_index) {
  JsonWriter w;
  w.begin_object().key("error").begin_object();
  w.key("status").value(status).key("code").value(error_code(status)).key("message").value(message);
  if (post_index >= 0) w.key("post_index").value(static_cast<std::int64_t>(post_index));
  w.end_object().end_object();
  res.status = status;
  res.set_content(w.take(), kJson);
}

void send_json(httplib::Response& res, JsonWriter& w) {
  res.status = 200;
  res.set_content(w.take(), kJson);
}

void close_after_answer(const httplib::Request& req) {
  if (HttpConnection* connection = HttpConnection::current()) connection->close_after_answer();
  // The library writes `Connection: close` for a request that asked for it, and no Keep-Alive header. The
  // request object is the library's own, not const: only the reference handed to the routes is (so too in
  // ignore_range).
  auto& headers = const_cast<httplib::Request&>(req).headers;
  headers.erase("Connection");
  headers.emplace("Connection", "close");
}

void ignore_range(const httplib::Request& req) { const_cast<httplib::Request&>(req).ranges.clear(); }

bool announces_body(const httplib::Request& req) {
  return req.has_header("Transfer-Encoding") ||
         (req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0");
}

}  // namespace sieve::infer
