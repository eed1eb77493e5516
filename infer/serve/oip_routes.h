#pragma once
// The Open Inference Protocol (KServe v2; Triton's HTTP/REST protocol) beside /v1/score: health, server
// and model metadata, and infer. Infer reads its body, checks its limits and scores in the same queue as
// /v1/score; errors on its paths are the protocol's {"error": "<message>"}. Private to sieve_server.

#include <httplib.h>

#include <string>

#include "http_routes.h"
#include "server_state.h"

namespace sieve::infer {

// The protocol's endpoint a path names (its route pattern, such as "/v2/models/{name}/infer"), or null.
const Endpoint* find_oip_endpoint(const std::string& path);

// Whether path is one of the protocol's endpoints, whose errors take the protocol's shape (another path
// under /v2 is no endpoint, and answers the server's own 404).
bool is_oip_path(const std::string& path);

// Rewrites the server's error body {"error": {"status", "code", "message"}} of res as the protocol's
// {"error": "<message>"}, keeping the status and headers.
void reshape_as_oip_error(httplib::Response& res);

void install_oip_routes(httplib::Server& http, ServerState& state);

}  // namespace sieve::infer
