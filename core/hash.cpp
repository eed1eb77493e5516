#include "sieve/core/hash.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace sieve {

std::uint64_t hash64(const void* data, std::size_t size, std::uint64_t seed) {
  return XXH3_64bits_withSeed(data, size, seed);
}

Hasher64::Hasher64(std::uint64_t seed) : state_(XXH3_createState()) {
  XXH3_64bits_reset_withSeed(static_cast<XXH3_state_t*>(state_), seed);
}

Hasher64::~Hasher64() { XXH3_freeState(static_cast<XXH3_state_t*>(state_)); }

void Hasher64::update(const void* data, std::size_t size) {
  XXH3_64bits_update(static_cast<XXH3_state_t*>(state_), data, size);
}

std::uint64_t Hasher64::digest() const { return XXH3_64bits_digest(static_cast<XXH3_state_t*>(state_)); }

std::uint64_t hash_pair(std::uint32_t first, std::uint32_t second, std::uint64_t seed) {
  unsigned char bytes[8];
  for (int i = 0; i < 4; ++i) {
    bytes[i] = static_cast<unsigned char>(first >> (8 * i));
    bytes[4 + i] = static_cast<unsigned char>(second >> (8 * i));
  }
  return XXH3_64bits_withSeed(bytes, sizeof bytes, seed);
}

}  // namespace sieve
