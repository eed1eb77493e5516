// Single-post latency of the Torch-free runtime (infer::Network::forward) against LibTorch's eager forward
// of the same model (make_feature_batch + forward, eval mode, no grad, one thread), for bag, cnn and
// transformer at their default sizes, fp32 and int8. The post is a realistic one: 60 subwords and 400
// feature ids. At the end, the ratio LibTorch / runtime of each pair (medians with --benchmark_repetitions).
//
// The LibTorch side of the project, so no SentencePiece here: the posts are random feature ids.

#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "benchmark_post.h"
#include "sieve/format/model_file.h"
#include "sieve/models/model_factory.h"
#include "sieve/models/parameter_export.h"
#include "sieve/network/network.h"
#include "sieve/network/quantize.h"

namespace {

using sieve::models::Architecture;
using sieve::models::ModelConfig;

std::string temp_path(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("sieve_forward_bench_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

// One architecture: the LibTorch model, and the same weights in an fp32 and an int8 model file.
struct Setup {
  ModelConfig config;
  sieve::models::Classifier model;
  std::vector<std::uint32_t> post;
  sieve::infer::ModelFile fp32;
  sieve::infer::ModelFile int8;
};

std::shared_ptr<Setup> make_setup(Architecture architecture) {
  const ModelConfig config = sieve::bench::default_config(architecture);
  torch::manual_seed(1);
  sieve::models::Classifier model = sieve::models::make_classifier(config);
  {
    torch::NoGradGuard no_grad;
    for (auto& item : model->named_parameters()) {
      if (item.key().rfind("heads.", 0) == 0) item.value().uniform_(-0.5, 0.5);
    }
  }
  model->eval();
  const std::string name = sieve::models::architecture_name(architecture);
  const std::string fp32_path = temp_path(name + ".sieve");
  const std::string int8_path = temp_path(name + ".int8.sieve");
  {
    sieve::infer::ModelFileWriter writer;
    sieve::models::add_parameters(writer, *model);
    writer.write(fp32_path);
  }
  sieve::infer::ModelFile fp32 = sieve::infer::ModelFile::open(fp32_path);
  {
    sieve::infer::ModelFileWriter writer;
    sieve::infer::add_quantized_tensors(fp32, writer);
    writer.write(int8_path);
  }
  return std::make_shared<Setup>(Setup{config, model, sieve::bench::realistic_post(), std::move(fp32),
                                       sieve::infer::ModelFile::open(int8_path)});
}

void torch_forward(benchmark::State& state, const std::shared_ptr<Setup>& setup) {
  torch::NoGradGuard no_grad;
  const sieve::models::PostFeatures post{setup->post.data(), setup->post.size(), sieve::bench::kSubwords};
  for (auto _ : state) {
    std::vector<torch::Tensor> logits =
        setup->model->forward(sieve::models::make_feature_batch({post}, setup->config));
    benchmark::DoNotOptimize(logits.front().data_ptr<float>());
  }
  state.SetItemsProcessed(state.iterations());
}

void runtime_forward(benchmark::State& state, const std::shared_ptr<Setup>& setup, bool int8) {
  const sieve::infer::Network network(int8 ? setup->int8 : setup->fp32, setup->config);
  sieve::infer::NetworkWorkspace workspace;
  std::vector<float> logits(network.output_count());
  const sieve::infer::PostIds post{setup->post.data(), setup->post.size(), sieve::bench::kSubwords};
  for (auto _ : state) {
    network.forward(post, workspace, logits.data());
    benchmark::DoNotOptimize(logits.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

// The console output, then one line per architecture and precision: how many times faster the runtime is.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const bool single = run.run_type == Run::RT_Iteration && run.repetitions <= 1;
      if (single || (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median")) {
        times_[run.run_name.str()] = run.GetAdjustedRealTime();
      }
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    for (const char* arch : {"bag", "cnn", "transformer"}) {
      const auto torch = times_.find(std::string("torch/") + arch);
      if (torch == times_.end()) continue;
      for (const char* precision : {"fp32", "int8"}) {
        const auto runtime = times_.find(std::string("runtime/") + arch + "/" + precision);
        if (runtime == times_.end()) continue;
        std::printf("%-12s %s: runtime %.2f us, LibTorch eager %.2f us: %.1fx faster\n", arch, precision,
                    runtime->second, torch->second, torch->second / runtime->second);
      }
    }
  }

 private:
  std::map<std::string, double> times_;  // microseconds per post (every benchmark's unit)
};

}  // namespace

int main(int argc, char** argv) {
  at::set_num_threads(1);
  at::set_num_interop_threads(1);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::vector<std::shared_ptr<Setup>> setups;
  for (const Architecture a : {Architecture::kBag, Architecture::kCnn, Architecture::kTransformer}) {
    const std::shared_ptr<Setup> setup = make_setup(a);
    setups.push_back(setup);
    const std::string name = sieve::models::architecture_name(a);
    benchmark::RegisterBenchmark(("torch/" + name).c_str(), torch_forward, setup)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("runtime/" + name + "/fp32").c_str(), runtime_forward, setup, false)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("runtime/" + name + "/int8").c_str(), runtime_forward, setup, true)
        ->Unit(benchmark::kMicrosecond);
  }
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  std::filesystem::remove_all(temp_path("").c_str());
  return 0;
}
