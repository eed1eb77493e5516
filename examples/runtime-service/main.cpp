// runtime-service MODEL: reads posts from standard input, one text a line, and prints for each its line
// number and every head's probability, tab-separated, in batches of up to 256 posts scored on all cores.
// The model is loaded once, self-tested, and shared; scoring needs no per-post allocation of its own.

#include <cstddef>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sieve/core/error.h"
#include "sieve/runtime/checked_model.h"
#include "sieve/runtime/model.h"

namespace {

constexpr std::size_t kBatchPosts = 256;

// The header line: one column per output (a binary head's name, or head:label for a multi-class head).
void print_header(const sieve::infer::Model& model) {
  std::cout << "line";
  for (const sieve::infer::HeadInfo& head : model.heads()) {
    if (head.binary) {
      std::cout << '\t' << head.name;
    } else {
      for (const std::string& label : head.labels) std::cout << '\t' << head.name << ':' << label;
    }
  }
  std::cout << '\n';
}

void score_and_print(const sieve::infer::Model& model, const std::vector<std::string>& posts,
                     std::size_t first_line) {
  const std::vector<std::string_view> texts(posts.begin(), posts.end());
  const std::size_t outputs = model.output_count();
  std::vector<float> probabilities(texts.size() * outputs);
  model.score_batch(texts, probabilities.data());
  char value[32];
  for (std::size_t i = 0; i < texts.size(); ++i) {
    std::cout << first_line + i;
    for (std::size_t o = 0; o < outputs; ++o) {
      std::snprintf(value, sizeof value, "\t%.4f", probabilities[i * outputs + o]);
      std::cout << value;
    }
    std::cout << '\n';
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: runtime-service MODEL < posts.txt\n";
    return 2;
  }
  try {
    const std::unique_ptr<const sieve::infer::Model> model = sieve::infer::load_checked_model(argv[1]);
    print_header(*model);
    std::vector<std::string> posts;
    std::size_t first_line = 1;
    std::string line;
    while (std::getline(std::cin, line)) {
      posts.push_back(line);
      if (posts.size() == kBatchPosts) {
        score_and_print(*model, posts, first_line);
        first_line += posts.size();
        posts.clear();
      }
    }
    if (!posts.empty()) score_and_print(*model, posts, first_line);
  } catch (const sieve::Error& e) {
    std::cerr << "runtime-service: " << e.what() << '\n';
    return e.kind() == sieve::ErrorKind::kIo || e.kind() == sieve::ErrorKind::kFormat ? 2 : 1;
  } catch (const std::exception& e) {
    std::cerr << "runtime-service: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
