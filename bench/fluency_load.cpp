// sieve_fluency_load: how long a fluency model file takes to load and how much private memory it then holds,
// copied (FluencyModel::deserialize of the file's bytes, what `sieve fluency score` does) and in place
// (FluencyModel::load: a view of a read-only mapping, what the runtime does with model.sieve's
// fluency.model). With --half OUT it first writes the serving half of MODEL (what model.sieve keeps) to OUT
// and measures that; with --posts FILE (JSONL with a "text" field) it also times scoring those posts
// (normalized, values and statistics, fold 0) under each, as huge pages of a copy and small pages of a
// mapping differ in TLB misses.
//
//   sieve_fluency_load MODEL [--half OUT] [--posts FILE] [--repeat N]
//
// The file is read once before timing, so every run reads it from the page cache.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "sieve/core/error.h"
#include "sieve/core/file_bytes.h"
#include "sieve/tokenizer/fluency_model.h"
#include "sieve/tokenizer/normalizer.h"

namespace {

using sieve::tokenizer::FluencyModel;

// Anonymous resident memory of this process in kB (what the copies of the tables take; a mapping of the
// file is shared with the page cache and not counted).
long rss_anon_kb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("RssAnon:", 0) == 0) return std::strtol(line.c_str() + 8, nullptr, 10);
  }
  return -1;
}

double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The "text" of each line of a JSONL file, normalized; the field must be written as "text": "..." and its
// escapes are left as they are, which is enough for timing.
std::vector<std::string> read_posts(const std::string& path) {
  std::vector<std::string> posts;
  const sieve::tokenizer::Normalizer normalizer;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    const std::size_t start = line.find("\"text\": \"");
    if (start == std::string::npos) continue;
    std::size_t end = start + 9;
    while (end < line.size() && line[end] != '"') end += line[end] == '\\' ? 2 : 1;
    posts.push_back(normalizer.normalize(line.substr(start + 9, end - start - 9)));
  }
  return posts;
}

template <typename Load>
void measure(const char* name, int repeat, const std::vector<std::string>& posts, Load load) {
  std::vector<double> seconds, scoring;
  long memory = 0;
  for (int r = 0; r < repeat; ++r) {
    const long before = rss_anon_kb();
    const auto start = std::chrono::steady_clock::now();
    const FluencyModel model = load();
    seconds.push_back(since(start));
    memory = rss_anon_kb() - before;
    float values[sieve::tokenizer::kFluencyFeatureCount];
    float statistics[sieve::tokenizer::kFluencyStatisticCount];
    const auto scored = std::chrono::steady_clock::now();
    for (const std::string& post : posts) model.score(post, "", 0, values, statistics);
    scoring.push_back(since(scored));
  }
  std::sort(seconds.begin(), seconds.end());
  std::sort(scoring.begin(), scoring.end());
  std::printf("%-36s load median %7.1f ms (min %7.1f), private memory %7.1f MB", name,
              1e3 * seconds[seconds.size() / 2], 1e3 * seconds.front(), memory / 1e3);
  if (!posts.empty()) std::printf(", scoring %.0f posts/s (best)", posts.size() / scoring.front());
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::string path, half, posts_file;
  int repeat = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--half" && i + 1 < argc) {
      half = argv[++i];
    } else if (arg == "--posts" && i + 1 < argc) {
      posts_file = argv[++i];
    } else if (arg == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else {
      path = arg;
    }
  }
  if (path.empty()) {
    std::cerr << "usage: sieve_fluency_load MODEL [--half OUT] [--posts FILE] [--repeat N]\n";
    return 2;
  }
  try {
    if (!half.empty()) {
      const std::string bytes =
          FluencyModel::deserialize(sieve::read_file(path, "fluency model"), path).serialize(true);
      std::ofstream(half, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      path = half;
    }
    const std::string warm = sieve::read_file(path, "fluency model");
    const std::vector<std::string> posts =
        posts_file.empty() ? std::vector<std::string>() : read_posts(posts_file);
    std::printf("%s: %zu bytes, %zu posts\n", path.c_str(), warm.size(), posts.size());
    measure("read + deserialize (tables copied)", repeat, posts,
            [&] { return FluencyModel::deserialize(sieve::read_file(path, "fluency model"), path); });
    measure("FluencyModel::load (map + view)", repeat, posts, [&] { return FluencyModel::load(path); });
  } catch (const sieve::Error& e) {
    std::cerr << "sieve_fluency_load: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
