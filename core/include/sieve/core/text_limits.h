#pragma once
// The longest post, in UTF-8 bytes, that the readers, the server and the Python module take: one number,
// so that a post one of them refuses is refused by all (a longer post is an error naming it, never cut).

#include <cstddef>

namespace sieve {

inline constexpr std::size_t kMaxTextBytes = 100000;

}  // namespace sieve
