#pragma once
// Private to datasets/: the campaign simulator's random numbers, the same on every platform and compiler.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sieve::datasets::simulator_engine {

// Every random choice is seeded from the options and the record number only, so that a record is the same
// on every platform, compiler and run.

// Independent streams of randomness, so that adding a draw to one never shifts another.
enum Stream : std::uint64_t { kRecordStream = 1, kAccountStream, kGroupStream, kWindowStream, kClaimStream };

inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  std::uint64_t state = a ^ (b * 0xD1B54A32D192ED03ull);
  splitmix64(state);
  return splitmix64(state);
}

// xoshiro256**, with our own range and probability helpers: the standard distributions are
// implementation-defined and would make the corpus differ between standard libraries.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& word : s_) word = splitmix64(seed);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n) for n > 0; rejection removes the modulo bias.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t reject_under = (0 - n) % n;
    for (;;) {
      const std::uint64_t r = next();
      if (r >= reject_under) return r % n;
    }
  }
  std::size_t index(std::size_t n) { return static_cast<std::size_t>(below(n)); }
  bool percent(int pct) { return below(100) < static_cast<std::uint64_t>(pct); }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[index(items.size())];
  }
  template <std::size_t N>
  int weighted(const std::array<int, N>& weights) {
    int total = 0;
    for (int w : weights) total += w;
    int r = static_cast<int>(below(static_cast<std::uint64_t>(total)));
    for (std::size_t i = 0; i < N; ++i) {
      if (r < weights[i]) return static_cast<int>(i);
      r -= weights[i];
    }
    return static_cast<int>(N - 1);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_;
};

}  // namespace sieve::datasets::simulator_engine
