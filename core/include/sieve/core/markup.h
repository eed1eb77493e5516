#pragma once
// Text placed inside HTML or XML (the evaluation report, GraphML networks).

#include <string>
#include <string_view>

namespace sieve {

// s with &, <, >, " and ' replaced by entities: for element text and attribute values.
std::string markup_escape(std::string_view s);

}  // namespace sieve
