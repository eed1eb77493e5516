// Single-threaded throughput of the tokenizer stages on the posts of test.jsonl, beside the ICU floor that
// any NFKC normalizer pays. Every benchmark walks all posts once per iteration and reports posts and raw
// bytes, so the output reads as posts/s and MB/s.
//
// The SentencePiece model is $SIEVE_BENCH_SPM if set, else trained at start-up on train.jsonl;
// sieve_bench's --spm_out=PATH saves the model used, so bench/text_pipeline can run spm_encode on the same
// one.

#include <benchmark/benchmark.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "benchmarks.h"
#include "corpus.h"
#include "sieve/tokenizer/featurizer.h"
#include "sieve/tokenizer/normalizer.h"
#include "sieve/tokenizer/subword_model.h"

namespace {

using sieve::tokenizer::Featurizer;
using sieve::tokenizer::FeaturizerWorkspace;
using sieve::tokenizer::Normalizer;
using sieve::tokenizer::SubwordModel;

std::vector<std::string> normalize_all(const std::vector<std::string>& texts) {
  const Normalizer normalizer;
  std::vector<std::string> out;
  out.reserve(texts.size());
  for (const auto& text : texts) out.push_back(normalizer.normalize(text));
  return out;
}

// Trained the way `sieve tokenizer train` does, so Encode sees a realistic vocabulary and piece lengths.
SubwordModel train_model() {
  sieve::tokenizer::SubwordTrainerOptions options;
  options.vocab_size = 16000;
  options.max_sentences = 200000;
  std::cerr << "training a SentencePiece model on train.jsonl (set SIEVE_BENCH_SPM to skip)\n";
  return SubwordModel::train(normalize_all(sieve::testing::read_corpus_texts("train.jsonl")), options);
}

const char* given_model() {
  const char* path = std::getenv("SIEVE_BENCH_SPM");
  return path && *path ? path : nullptr;
}

// A trained model is always saved, so a later run can reuse it through $SIEVE_BENCH_SPM.
SubwordModel obtain_model(std::string spm_out) {
  const char* given = given_model();
  SubwordModel model = given ? SubwordModel::load(given) : train_model();
  if (spm_out.empty() && given) return model;
  if (spm_out.empty()) spm_out = (std::filesystem::temp_directory_path() / "sieve_bench_spm.model").string();
  model.save(spm_out);
  std::cerr << "SentencePiece model (" << model.vocab_size() << " pieces) saved to " << spm_out << '\n';
  return model;
}

// Empty when every input is there; train.jsonl is read only to train the model.
std::string missing_corpus_message() {
  std::string missing = sieve::testing::corpus_missing_message("test.jsonl");
  if (missing.empty() && !given_model()) missing = sieve::testing::corpus_missing_message("train.jsonl");
  return missing;
}

std::int64_t total_bytes(const std::vector<std::string>& texts) {
  std::int64_t bytes = 0;
  for (const auto& text : texts) bytes += static_cast<std::int64_t>(text.size());
  return bytes;
}

// Everything the benchmarks share, loaded once before any runs.
struct Bench {
  explicit Bench(SubwordModel model) : featurizer(Normalizer(), std::move(model)) {}

  const std::vector<std::string> posts = sieve::testing::read_corpus_texts("test.jsonl");
  const std::vector<std::string> normalized = normalize_all(posts);  // BM_Encode's input, made untimed
  const std::int64_t raw_bytes = total_bytes(posts);
  const Featurizer featurizer;    // default settings
  FeaturizerWorkspace workspace;  // BM_Featurize's, kept across its runs like a server thread's
  bool warm = false;
};

// Raw post bytes for every stage, whatever it reads, so that MB/s compare across stages.
void set_counters(benchmark::State& state, const Bench& bench) {
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(bench.posts.size()));
  state.SetBytesProcessed(state.iterations() * bench.raw_bytes);
}

// What a UTF-8 pipeline pays for ICU alone: conversion both ways around NFKC + case folding. Our
// normalizer does this and more, so this is the floor to compare it with.
void bm_icu_nfkc_casefold(benchmark::State& state, Bench& bench) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) return state.SkipWithError(u_errorName(status));
  std::string out;
  for (auto _ : state) {
    for (const auto& post : bench.posts) {
      const icu::UnicodeString folded = nfkc->normalize(icu::UnicodeString::fromUTF8(post), status);
      out.clear();
      folded.toUTF8String(out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  // A failure would make every later call a no-op and the timing meaningless.
  if (U_FAILURE(status)) return state.SkipWithError(u_errorName(status));
  set_counters(state, bench);
}

// Every post through one normalizer per iteration.
void normalize_posts(benchmark::State& state, Bench& bench, const Normalizer& normalizer) {
  std::string out;
  for (auto _ : state) {
    for (const auto& post : bench.posts) {
      normalizer.normalize(post, out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  set_counters(state, bench);
}

void bm_normalize(benchmark::State& state, Bench& bench) {
  normalize_posts(state, bench, bench.featurizer.normalizer());
}

// The normalizer as it was before the steps that undo disguises (leetspeak, spelled-out letters, words of
// look-alikes): BM_Normalize over this is what those steps cost, measured in the same run.
void bm_normalize_without_disguise_steps(benchmark::State& state, Bench& bench) {
  sieve::tokenizer::NormalizerSettings settings = bench.featurizer.normalizer().settings();
  for (const char* step : {"fold_leetspeak", "join_spelled_letters", "fold_lookalike_words"})
    settings.set_step(step, false);
  normalize_posts(state, bench, Normalizer(settings));
}

// Whole normalized posts through SentencePiece, as spm_encode does: the peer of the featurizer's
// per-word encoding.
void bm_encode(benchmark::State& state, Bench& bench) {
  std::vector<std::uint32_t> ids;
  for (auto _ : state) {
    for (const auto& post : bench.normalized) {
      ids.clear();
      bench.featurizer.subwords().encode(post, ids);
      benchmark::DoNotOptimize(ids.data());
    }
  }
  set_counters(state, bench);
}

void featurize_all(const Bench& bench, FeaturizerWorkspace& workspace) {
  sieve::tokenizer::Features features;
  for (const auto& post : bench.posts) {
    bench.featurizer.featurize(post, features, workspace);
    benchmark::DoNotOptimize(features.ids.data());
  }
}

// A server thread keeps its workspace for its lifetime, so its word cache is long filled: one untimed
// pass fills it here. The same posts come back every pass, so this is the upper end (every cacheable
// word hits); BM_FeaturizeColdCache is the lower end.
void bm_featurize(benchmark::State& state, Bench& bench) {
  if (!bench.warm) featurize_all(bench, bench.workspace);
  bench.warm = true;
  for (auto _ : state) featurize_all(bench, bench.workspace);
  set_counters(state, bench);
}

void bm_featurize_cold_cache(benchmark::State& state, Bench& bench) {
  for (auto _ : state) {
    FeaturizerWorkspace workspace;  // empty cache: only words repeated within the pass hit
    featurize_all(bench, workspace);
  }
  set_counters(state, bench);
}

// The lambdas share ownership of the data: benchmarks run after this function returns.
void register_benchmarks(const std::shared_ptr<Bench>& bench) {
  using Function = void (*)(benchmark::State&, Bench&);
  const std::pair<const char*, Function> all[] = {
      {"BM_IcuNfkcCasefold", bm_icu_nfkc_casefold},
      {"BM_Normalize", bm_normalize},
      {"BM_NormalizeWithoutDisguiseSteps", bm_normalize_without_disguise_steps},
      {"BM_Encode", bm_encode},
      {"BM_Featurize", bm_featurize},
      {"BM_FeaturizeColdCache", bm_featurize_cold_cache},
  };
  for (const auto& [name, function] : all) {
    benchmark::RegisterBenchmark(name, [bench, function = function](benchmark::State& s) {
      function(s, *bench);
    })->Unit(benchmark::kMillisecond);
  }
}

}  // namespace

namespace sieve::bench {

// A checkout without the corpus registers nothing, like the tests that skip.
void register_tokenizer_benchmarks(const std::string& spm_out) {
  if (const std::string missing = missing_corpus_message(); !missing.empty()) {
    std::cerr << missing << '\n';
    return;
  }
  register_benchmarks(std::make_shared<Bench>(obtain_model(spm_out)));
}

}  // namespace sieve::bench
