#pragma once
// The HTTP face of the server: each endpoint's handler, the JSON error bodies, the access log and the
// request metrics, installed on one httplib::Server. Private to sieve_server: httplib stays in here.

#include <httplib.h>

#include "server_state.h"

namespace sieve::infer {

void install_routes(httplib::Server& http, ServerState& state);

}  // namespace sieve::infer
