// The record readers on arbitrary files: JSONL, CSV and TSV, plain, gzip or zstd, with the default columns
// or a mapping of names, label values and a time column. The first byte picks the format and the
// mapping; the rest is the file. Bad rows are rejected and counted, never a crash.

#include <array>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz_input.h"
#include "sieve/core/error.h"
#include "sieve/datasets/record_reader.h"

namespace {

constexpr std::array<std::string_view, 8> kSuffixes = {".jsonl",  ".csv",     ".tsv",       ".jsonl.gz",
                                                       ".csv.gz", ".tsv.zst", ".jsonl.zst", ".json"};

sieve::datasets::ReaderConfig mapped_config() {
  sieve::datasets::ReaderConfig config;
  config.columns.id = "tweetid";
  config.columns.text = "tweet_text";
  config.columns.lang = "tweet_language";
  config.columns.time = "tweet_time";
  config.columns.labels["coordinated"] = "label";
  config.columns.values["coordinated"] = {{"state-backed", 1}, {"organic", 0}};
  config.max_text_bytes = 300;
  config.default_source = "fuzz";
  return config;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const sieve::datasets::ReaderConfig configs[2] = {sieve::datasets::ReaderConfig(), mapped_config()};
  const sieve::datasets::ReaderConfig& config = configs[(data[0] >> 3) & 1];
  const std::string path = sieve::fuzz::input_file(data + 1, size - 1, kSuffixes[data[0] % kSuffixes.size()]);
  try {
    sieve::datasets::RecordReader reader(path, config, [](const std::string&, const std::string&) {});
    sieve::datasets::Record record;
    while (reader.next(record)) {
      if (record.text.size() > config.max_text_bytes) std::abort();
      if (record.labels.size() != config.schema.heads.size()) std::abort();
    }
    if (reader.stats().rejected > reader.stats().rows) std::abort();
  } catch (const sieve::Error&) {
    // A file the reader refuses as a whole (no header, not gzip): refused by name, which is the contract.
  }
  return 0;
}
