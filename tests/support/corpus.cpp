#include "corpus.h"

#include <simdjson.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace sieve::testing {

std::string corpus_dir() {
  if (const char* dir = std::getenv("SIEVE_CORPUS_DIR"); dir && *dir) return dir;
  return SIEVE_CORPUS_DIR;
}

std::string corpus_missing_message(const std::string& file) {
  const std::string path = corpus_dir() + "/" + file;
  if (std::ifstream(path).good()) return {};
  return "corpus file " + path + " not found (set SIEVE_CORPUS_DIR to the folder of train/dev/test.jsonl)";
}

std::size_t count_corpus_lines(const std::string& file) {
  const std::string path = corpus_dir() + "/" + file;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);) lines += !line.empty();
  return lines;
}

std::vector<std::string> read_corpus_texts(const std::string& file, std::size_t limit) {
  const std::string path = corpus_dir() + "/" + file;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  simdjson::dom::parser parser;
  std::vector<std::string> texts;
  std::string line;
  while (std::getline(in, line) && (limit == 0 || texts.size() < limit)) {
    std::string_view text;
    if (parser.parse(line)["text"].get_string().get(text)) {
      throw std::runtime_error(path + ":" + std::to_string(texts.size() + 1) + ": no text field");
    }
    texts.emplace_back(text);
  }
  return texts;
}

}  // namespace sieve::testing
