#pragma once
// What the fuzz targets share: the input as a file, for the readers that take a path.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sieve::fuzz {

// Writes data to this process's input file with the given suffix (".csv.gz", ".shard"), in a RAM-backed
// folder when there is one, and returns its path. The file is overwritten by the next call.
std::string input_file(const std::uint8_t* data, std::size_t size, std::string_view suffix);

}  // namespace sieve::fuzz
