#include "sieve/core/hash.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace sieve {

std::uint64_t hash64(const void* data, std::size_t size, std::uint64_t seed) {
  return XXH3_64bits_withSeed(data, size, seed);
}

std::uint64_t hash_pair(std::uint32_t first, std::uint32_t second, std::uint64_t seed) {
  unsigned char bytes[8];
  for (int i = 0; i < 4; ++i) {
    bytes[i] = static_cast<unsigned char>(first >> (8 * i));
    bytes[4 + i] = static_cast<unsigned char>(second >> (8 * i));
  }
  return XXH3_64bits_withSeed(bytes, sizeof bytes, seed);
}

}  // namespace sieve
