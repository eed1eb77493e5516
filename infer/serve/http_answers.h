#pragma once
// How the server answers: JSON bodies, the error object every refusal carries, and closing the connection
// after an answer. Private to sieve_server.

#include <httplib.h>

#include <string>

#include "sieve/core/json_writer.h"

namespace sieve::infer {

// The stable code of an error status ("invalid_request", "payload_too_large", ...).
const char* error_code(int status);

// {"error":{"status":..,"code":..,"message":..[,"post_index":..]}} with the status.
void send_error(httplib::Response& res, int status, const std::string& message, long post_index = -1);

// w's document as a 200 answer.
void send_json(httplib::Response& res, JsonWriter& w);

// The answer to req is its connection's last (bytes of the request may be unread): it says
// `Connection: close` and the connection closes once it is written.
void close_after_answer(const httplib::Request& req);

// Drops req's Range: the library would cut answers to it, and an answer here is a whole JSON document
// (RFC 9110 lets a server ignore Range).
void ignore_range(const httplib::Request& req);

// Whether req announces a body: a Transfer-Encoding, or a Content-Length other than 0. Without either a
// request has no body (RFC 9112, 6.3), and nothing is waited for.
bool announces_body(const httplib::Request& req);

}  // namespace sieve::infer
