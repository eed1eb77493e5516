// The Torch-free runtime in sieve_bench: single-post forward passes of each architecture, fp32 and int8,
// and Model::score end to end (raw text in, every head's probability out) on posts of test.jsonl.
//
// Forward: model files of seeded random weights at the default sizes (table 270,000 × 100, vocabulary
// 16,000, cnn 4 × 64 filters, transformer 4 × 256; four binary heads and lang), written at first use
// into a temporary folder and unlinked once mapped; one realistic post of 60 subwords and 400 feature ids.
// One item is one post. Score: the first kScorePosts posts of test.jsonl through each given model.sieve on
// one thread.

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "benchmark_post.h"
#include "benchmarks.h"
#include "corpus.h"
#include "random_network.h"
#include "sieve/format/model_file.h"
#include "sieve/network/network.h"
#include "sieve/network/quantize.h"
#include "sieve/runtime/model.h"

namespace {

using sieve::infer::Architecture;
using sieve::infer::ModelConfig;
using sieve::infer::ModelFile;

constexpr std::size_t kScorePosts = 2000;

std::filesystem::path temp_dir() {
  return std::filesystem::temp_directory_path() / ("sieve_bench_" + std::to_string(::getpid()));
}

// One architecture's fp32 and int8 files, written once, on first use, outside any timing.
class Forward {
 public:
  explicit Forward(Architecture architecture) : config_(sieve::bench::default_config(architecture)) {}

  const ModelConfig& config() const { return config_; }
  const ModelFile& file(bool int8) {
    std::call_once(written_, [this] { write(); });
    return int8 ? *int8_ : *fp32_;
  }

 private:
  void write() {
    std::filesystem::create_directories(temp_dir());
    const std::string stem = (temp_dir() / sieve::infer::architecture_name(config_.architecture)).string();
    sieve::infer::testing::write_model(stem + ".sieve", sieve::infer::testing::random_parameters(config_, 1));
    fp32_ = std::make_unique<ModelFile>(ModelFile::open(stem + ".sieve"));
    sieve::infer::ModelFileWriter writer;
    sieve::infer::add_quantized_tensors(*fp32_, writer);
    writer.write(stem + ".int8.sieve");
    int8_ = std::make_unique<ModelFile>(ModelFile::open(stem + ".int8.sieve"));
    // The mappings stay valid without the names, and nothing is left behind in the temp folder.
    std::filesystem::remove(stem + ".sieve");
    std::filesystem::remove(stem + ".int8.sieve");
    std::error_code ignored;
    std::filesystem::remove(temp_dir(), ignored);  // once the last architecture's files are gone
  }

  ModelConfig config_;
  std::once_flag written_;
  std::unique_ptr<ModelFile> fp32_;
  std::unique_ptr<ModelFile> int8_;
};

void bm_forward(benchmark::State& state, const std::shared_ptr<Forward>& forward, bool int8) {
  const sieve::infer::Network network(forward->file(int8), forward->config());
  sieve::infer::NetworkWorkspace workspace;
  std::vector<float> logits(network.output_count());
  const std::vector<std::uint32_t> ids = sieve::bench::realistic_post();
  const sieve::infer::PostIds post{ids.data(), ids.size(), sieve::bench::kSubwords};
  for (auto _ : state) {
    network.forward(post, workspace, logits.data());
    benchmark::DoNotOptimize(logits.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

struct ScoreInput {
  std::unique_ptr<const sieve::infer::Model> model;
  std::vector<std::string> posts;
};

void bm_score(benchmark::State& state, const std::shared_ptr<ScoreInput>& input) {
  sieve::infer::ScoreWorkspace workspace;
  std::vector<float> probabilities(input->model->output_count());
  std::int64_t bytes = 0;
  for (const auto& post : input->posts) bytes += static_cast<std::int64_t>(post.size());
  for (auto _ : state) {
    for (const auto& post : input->posts) {
      input->model->score(post, workspace, probabilities.data());
      benchmark::DoNotOptimize(probabilities.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(input->posts.size()));
  state.SetBytesProcessed(state.iterations() * bytes);
}

// "NAME=PATH" → (NAME, PATH); "PATH" → (the file name without .sieve, PATH).
std::pair<std::string, std::string> named_model(const std::string& spec) {
  const std::size_t equals = spec.find('=');
  if (equals != std::string::npos) return {spec.substr(0, equals), spec.substr(equals + 1)};
  return {std::filesystem::path(spec).stem().string(), spec};
}

void register_score(const std::vector<std::string>& models) {
  if (models.empty()) {
    std::cerr << "sieve_bench: no model for BM_Score (--model=PATH or $SIEVE_BENCH_MODEL): skipped\n";
    return;
  }
  if (const std::string missing = sieve::testing::corpus_missing_message("test.jsonl"); !missing.empty()) {
    std::cerr << missing << " (BM_Score skipped)\n";
    return;
  }
  const std::vector<std::string> posts = sieve::testing::read_corpus_texts("test.jsonl", kScorePosts);
  for (const std::string& spec : models) {
    const auto [name, path] = named_model(spec);
    auto input = std::make_shared<ScoreInput>(ScoreInput{sieve::infer::Model::load(path), posts});
    benchmark::RegisterBenchmark(("BM_Score/" + name).c_str(), bm_score, input)
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace

namespace sieve::bench {

void register_runtime_benchmarks(const std::vector<std::string>& models) {
  for (const Architecture a : {Architecture::kBag, Architecture::kCnn, Architecture::kTransformer}) {
    const auto forward = std::make_shared<Forward>(a);
    for (const bool int8 : {false, true}) {
      const std::string name =
          std::string("BM_Forward/") + infer::architecture_name(a) + (int8 ? "/int8" : "/fp32");
      benchmark::RegisterBenchmark(name.c_str(), bm_forward, forward, int8)->Unit(benchmark::kMicrosecond);
    }
  }
  register_score(models);
}

}  // namespace sieve::bench
