#pragma once
// Streams records through a model: read in chunks, score each chunk on the worker threads, hand the chunks
// back in input order. Shared by `sieve score`, `sieve eval` and `sieve calibrate`.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "sieve/datasets/near_duplicates.h"
#include "sieve/datasets/record.h"
#include "sieve/datasets/record_reader.h"
#include "sieve/runtime/model.h"

namespace sieve::analysis {

struct ScoringOptions {
  int threads = 0;                  // worker threads; 0: all cores
  std::size_t chunk_records = 512;  // records read, scored and written as one unit
  std::size_t shard_index = 0;      // score only records whose position p has p % shard_count == shard_index
  std::size_t shard_count = 1;
  bool keep_logits = false;  // fill ScoredChunk::logits too (calibration fits on them)
  bool familiarity = true;   // fill ScoredChunk::familiarity when the model has out-of-domain statistics
};

// A run of consecutive records and their scores: row i of probabilities (and logits) holds
// model.output_count() values for records[i].
struct ScoredChunk {
  std::vector<datasets::Record> records;
  std::vector<float> probabilities;
  std::vector<float> logits;
  std::vector<infer::PostFamiliarity> familiarity;  // per record, for the out-of-domain signal
  std::string output;  // what the per-chunk formatter wrote, for the in-order consumer
  std::vector<datasets::Signature> signatures;  // filled by a formatter for the template window
};

// Called on a worker thread, with a workspace of that thread, after the chunk is scored: format output,
// explain, and so on.
using ChunkFormatter = std::function<void(ScoredChunk&, infer::ScoreWorkspace&)>;
// Called once per chunk, in input order, never concurrently.
using ChunkConsumer = std::function<void(ScoredChunk&)>;

// "i/n" → index and count; throws Error(kConfig, "--shard") unless 0 <= i < n.
void parse_shard(const std::string& text, ScoringOptions& options);

// Reads reader to the end. Records the reader rejects are reported by it and skipped.
void score_records(const infer::Model& model, datasets::RecordReader& reader, const ScoringOptions& options,
                   const ChunkFormatter& format, const ChunkConsumer& consume);

}  // namespace sieve::analysis
