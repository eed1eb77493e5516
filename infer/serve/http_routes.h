#pragma once
// The HTTP face of the server: each endpoint's handler, the JSON error bodies, the access log and the
// request metrics, installed on one httplib::Server. Private to sieve_server: httplib stays in here.

#include <httplib.h>

#include <chrono>
#include <functional>
#include <string>

#include "server_state.h"

namespace sieve::infer {

// An endpoint: a POST endpoint reads a body, a GET endpoint answers HEAD too. path is its route in the
// metrics (a pattern such as "/v2/models/{name}/infer" for a family of paths).
struct Endpoint {
  const char* path;
  bool post;
};

void install_routes(httplib::Server& http, ServerState& state);

// When the request this thread is serving arrived (its line and headers read): deadlines count from it.
std::chrono::steady_clock::time_point request_arrival();

// A POST endpoint's handler, called with the body once it is read within the limit.
using BodyHandler = std::function<void(const httplib::Request&, const std::string&, httplib::Response&)>;

// handle behind the body reader every POST endpoint shares (request_body.h): any framing and type, one
// limit, the refusals answered.
httplib::Server::HandlerWithContentReader with_body(const ServerState& state, BodyHandler handle);

}  // namespace sieve::infer
