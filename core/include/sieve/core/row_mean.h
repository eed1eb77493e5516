#pragma once
// The mean of one value per row over a post's feature rows: the same sum in training-side statistics and
// in the runtime, so that a value measured on the training shards means the same at scoring time.

#include <cstddef>
#include <cstdint>

namespace sieve {

// The mean of values[rows[i]] over i < count; 0 when count is 0.
inline float mean_of_rows(const float* values, const std::uint32_t* rows, std::size_t count) {
  if (count == 0) return 0;
  float sum = 0;
  for (std::size_t i = 0; i < count; ++i) sum += values[rows[i]];
  return sum / static_cast<float>(count);
}

}  // namespace sieve
