#pragma once
// The project's one hash function (XXH3, 64 bit): stable across platforms and library versions, so that
// hashed feature ids computed at prepare time equal the ones computed by a server on another machine.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sieve {

std::uint64_t hash64(const void* data, std::size_t size, std::uint64_t seed);

inline std::uint64_t hash64(std::string_view bytes, std::uint64_t seed) {
  return hash64(bytes.data(), bytes.size(), seed);
}

// The same hash over data that arrives in pieces (a file read in chunks).
class Hasher64 {
 public:
  explicit Hasher64(std::uint64_t seed = 0);
  ~Hasher64();
  Hasher64(const Hasher64&) = delete;
  Hasher64& operator=(const Hasher64&) = delete;
  void update(const void* data, std::size_t size);
  std::uint64_t digest() const;

 private:
  void* state_;  // XXH3_state_t, kept out of this header
};

// Hash of two 32-bit values, serialised little-endian so the result does not depend on the host.
std::uint64_t hash_pair(std::uint32_t first, std::uint32_t second, std::uint64_t seed);

}  // namespace sieve
