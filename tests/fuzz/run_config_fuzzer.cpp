// The TOML run configuration on arbitrary files: the [data] and [[heads]] tables of every command that
// reads posts, and the [normalizer], [featurizer] and [shards] tables of `sieve data prepare`. A bad file
// is an Error naming the file and the key.

#include <cstdint>

#include "fuzz_input.h"
#include "run_config.h"
#include "sieve/core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const sieve::cli::RunConfigSource source{sieve::fuzz::input_file(data, size, ".toml"), {}};
  try {
    sieve::cli::load_reader_config(source).validate();
  } catch (const sieve::Error&) {
  }
  try {
    sieve::cli::load_prepare_config(source);
  } catch (const sieve::Error&) {
  }
  return 0;
}
