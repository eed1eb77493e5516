// The shard reader on arbitrary files: a shard that opens has been checked whole, so reading every record
// of it stays inside the mapping (AddressSanitizer would say otherwise).

#include <cstdint>
#include <cstdlib>

#include "fuzz_input.h"
#include "sieve/core/error.h"
#include "sieve/datasets/shard.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = sieve::fuzz::input_file(data, size, ".shard");
  try {
    const sieve::datasets::ShardReader shard(path);
    const sieve::datasets::ShardInfo& info = shard.info();
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < shard.size(); ++i) {
      for (std::size_t k = 0; k < shard.id_count(i); ++k) sum += shard.ids(i)[k];
      for (std::size_t h = 0; h < info.schema.heads.size(); ++h)
        sum += static_cast<std::uint8_t>(shard.label(i, h));
      if (shard.lang(i) >= info.langs.size() || shard.source(i) >= info.sources.size()) std::abort();
      if (const float* dense = shard.dense(i))
        sum += static_cast<std::uint64_t>(dense[info.dense_width - 1] != 0);
      sum += shard.group(i) + shard.subword_count(i);
    }
    if (sum == 1) return 0;  // keeps the reads
  } catch (const sieve::Error&) {
  }
  return 0;
}
