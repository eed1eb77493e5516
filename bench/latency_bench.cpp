// Single-post latency with the model already loaded: sieve's runtime (raw text in, every head's
// probability out) and, when built with libfasttext, fastText's predictLine on the same posts given as it
// needs them (lowercased, Chinese split into characters). Posts are scored one at a time, in a loop, on one
// thread; each is timed on its own and the percentiles printed as one JSON object. fastText holds one label
// per model: given several models (comma-separated), each post goes through all of them, as scoring every
// head of a sieve model would need.
//
// Usage: sieve_latency_bench MODEL.sieve POSTS.jsonl [FASTTEXT.bin[,FASTTEXT.bin...] POSTS.txt] [--posts N]

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"
#include "sieve/runtime/model.h"

#ifdef SIEVE_BENCH_FASTTEXT
#include <fasttext/fasttext.h>
#endif

namespace {

using Clock = std::chrono::steady_clock;

struct Percentiles {
  double p50 = 0, p99 = 0, mean = 0;
};

Percentiles percentiles(std::vector<double> micros) {
  Percentiles p;
  if (micros.empty()) return p;
  std::sort(micros.begin(), micros.end());
  const auto at = [&](double q) {
    return micros[static_cast<std::size_t>(q * static_cast<double>(micros.size() - 1))];
  };
  p.p50 = at(0.50);
  p.p99 = at(0.99);
  for (const double m : micros) p.mean += m;
  p.mean /= static_cast<double>(micros.size());
  return p;
}

std::vector<std::string> read_lines(const std::string& path, std::size_t limit) {
  std::ifstream in(path);
  if (!in) throw sieve::Error(sieve::ErrorKind::kIo, path, "cannot open");
  std::vector<std::string> lines;
  for (std::string line; lines.size() < limit && std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The "text" field of every line of a JSON lines file (lines without one are skipped).
std::vector<std::string> read_texts(const std::string& path, std::size_t limit) {
  simdjson::dom::parser parser;
  std::vector<std::string> texts;
  for (const std::string& line : read_lines(path, limit)) {
    std::string_view text;
    if (!parser.parse(line).get_object()["text"].get_string().get(text)) texts.emplace_back(text);
  }
  return texts;
}

template <typename Score>
Percentiles time_each(std::size_t n, const Score& score) {
  for (std::size_t i = 0; i < std::min<std::size_t>(n, 200); ++i) score(i);  // warm caches and workspaces
  std::vector<double> micros;
  micros.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto start = Clock::now();
    score(i);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  return percentiles(std::move(micros));
}

void write(sieve::JsonWriter& w, const char* name, const Percentiles& p) {
  w.key(name).begin_object().key("p50_us").value(p.p50).key("p99_us").value(p.p99).key("mean_us").value(
      p.mean);
  w.end_object();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args;
  std::size_t limit = 20000;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--posts") == 0 && i + 1 < argc) {
      limit = std::stoul(argv[++i]);
    } else {
      args.push_back(argv[i]);
    }
  }
  if (args.size() != 2 && args.size() != 4) {
    std::cerr
        << "usage: sieve_latency_bench MODEL.sieve POSTS.jsonl [FASTTEXT.bin[,...] POSTS.txt] [--posts N]\n";
    return 2;
  }
  try {
    const auto model = sieve::infer::Model::load(args[0]);
    const std::vector<std::string> texts = read_texts(args[1], limit);
    sieve::infer::ScoreWorkspace workspace;
    std::vector<float> probabilities(model->output_count());
    const Percentiles sieve_latency = time_each(
        texts.size(), [&](std::size_t i) { model->score(texts[i], workspace, probabilities.data()); });
    sieve::JsonWriter w;
    w.begin_object().key("posts").value(static_cast<std::uint64_t>(texts.size()));
    write(w, "sieve", sieve_latency);
    if (args.size() == 4) {
#ifdef SIEVE_BENCH_FASTTEXT
      // One model per label: a post costs one predictLine per model, as scoring every head would.
      std::vector<std::unique_ptr<fasttext::FastText>> models;
      std::stringstream paths(args[2]);
      for (std::string path; std::getline(paths, path, ',');) {
        models.push_back(std::make_unique<fasttext::FastText>());
        models.back()->loadModel(path);
      }
      const std::vector<std::string> lines = read_lines(args[3], limit);
      std::vector<std::pair<fasttext::real, std::string>> predictions;
      const Percentiles fasttext_latency = time_each(lines.size(), [&](std::size_t i) {
        for (const auto& model : models) {
          std::istringstream in(lines[i] + "\n");
          model->predictLine(in, predictions, 1, 0.0);
        }
      });
      write(w, "fasttext", fasttext_latency);
      w.key("fasttext_models").value(static_cast<std::uint64_t>(models.size()));
#else
      std::cerr << "sieve_latency_bench: built without libfasttext (libfasttext-dev): fastText skipped\n";
#endif
    }
    w.end_object();
    std::printf("%s\n", w.str().c_str());
  } catch (const sieve::Error& e) {
    std::cerr << "sieve_latency_bench: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
