#pragma once
// The body of POST /v2/models/{name}/infer in the Open Inference Protocol (KServe v2), parsed and checked
// before any of it reaches the queue:
//   {"id": "r1",
//    "inputs": [{"name": "text", "shape": [2], "datatype": "BYTES", "data": ["first post", "second"]},
//               {"name": "lang", "shape": [2], "datatype": "BYTES", "data": ["en", ""]}],
//    "outputs": [{"name": "coordinated"}]}
// "text" is required; "lang" is optional, and a missing or empty language is guessed as /v1/score guesses
// it. A shape is [n] or [n, 1]; data is flat (n strings, row-major) or, for [n, 1], n arrays of one
// string. The limits are those of /v1/score (RequestLimits). Private to sieve_server.

#include <string>
#include <string_view>
#include <vector>

#include "sieve/serve/score_request.h"

namespace sieve::infer {

struct OipRequest {
  bool has_id = false;
  std::string id;                    // echoed in the answer when has_id
  std::vector<std::string> texts;    // the rows of "text"
  std::vector<std::string> langs;    // per text: its "lang", or guessed when absent or empty
  std::vector<std::string> outputs;  // the names of the outputs asked for, in order; empty: all
};

// Throws RequestError naming the field at fault ("body", "id", "inputs", "inputs[1].shape",
// "inputs[0].data[3]", "outputs[0].name") for a body that is not JSON or not UTF-8, has the wrong shape,
// datatype or types, or breaks a limit.
OipRequest parse_oip_request(std::string_view body, const RequestLimits& limits);

}  // namespace sieve::infer
