#pragma once
// How the commands show posts and lists in terminal tables.

#include <string>
#include <vector>

namespace sieve::cli {

// The first max_chars code points of text on one line (line breaks and tabs become spaces), "..." after a
// cut.
std::string shorten(const std::string& text, std::size_t max_chars);

// "a,b,c"; an empty item shows as "?".
std::string join(const std::vector<std::string>& items);

}  // namespace sieve::cli
