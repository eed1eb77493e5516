#pragma once
// The JSON lines `sieve score` writes, one per post: the post's id and language, then the scores,
// decisions and "ood" of sieve/runtime/score_json.h. The command and the Python module's Model.score_file
// (which Dask workers run, python/sieve_dask.py) write them with these functions, so both give the same
// bytes for the same posts.

#include <cstddef>
#include <string>
#include <vector>

#include "sieve/analysis/record_scoring.h"
#include "sieve/core/json_writer.h"
#include "sieve/datasets/record_reader.h"

namespace sieve::analysis {

// Opens a post's object in w and writes "id", "lang", "scores", "decisions" and "ood" (when the chunk has
// familiarity) of record i of the chunk; the caller adds its own keys and closes the object.
void write_score_record(JsonWriter& w, const infer::Model& model, const ScoredChunk& chunk, std::size_t i);

// What scoring a file gave: rows read, posts scored, rows rejected, and the first rejected rows as
// "<file>:<line>: <reason>".
struct ScoredFile {
  datasets::ReadStats stats;
  std::vector<std::string> problems;
};

// Scores every post of input into output as `sieve score` would (output is written to "<output>.partial"
// and renamed when complete). Rows are read with config; a rejected row is counted and kept among the
// first max_problems problems instead of being printed. Throws Error(kIo) for an input or output that
// cannot be opened.
ScoredFile score_file(const infer::Model& model, const std::string& input, const std::string& output,
                      const datasets::ReaderConfig& config, const ScoringOptions& options,
                      std::size_t max_problems = 100);

}  // namespace sieve::analysis
