// sieve_bench: one Google Benchmark executable over the text pipeline and the runtime.
//
// Flags besides Google Benchmark's:
//   --spm_out=PATH       save the SentencePiece model the tokenizer benchmarks used (bench/text_pipeline)
//   --model=[NAME=]PATH  a model.sieve for the end-to-end score benchmark; repeatable; also
//                        $SIEVE_BENCH_MODEL. Without one, that benchmark is skipped with a message.

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "benchmarks.h"

namespace {

// Removes every --name=VALUE from argv before Google Benchmark sees it (it rejects unknown flags) and
// returns the values in order.
std::vector<std::string> take_flag(int& argc, char** argv, std::string_view prefix) {
  std::vector<std::string> values;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.substr(0, prefix.size()) == prefix) {
      values.emplace_back(arg.substr(prefix.size()));
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  return values;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> spm_out = take_flag(argc, argv, "--spm_out=");
  std::vector<std::string> models = take_flag(argc, argv, "--model=");
  if (const char* model = std::getenv("SIEVE_BENCH_MODEL"); models.empty() && model && *model) {
    models.emplace_back(model);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  try {
    sieve::bench::register_tokenizer_benchmarks(spm_out.empty() ? "" : spm_out.back());
    sieve::bench::register_runtime_benchmarks(models);
  } catch (const std::exception& e) {
    std::cerr << "sieve_bench: " << e.what() << '\n';
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
