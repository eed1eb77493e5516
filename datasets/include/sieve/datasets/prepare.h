#pragma once
// `sieve data prepare`: raw files → records → features (the tokenizer's featurizer, on all cores) →
// shards + manifest.json + a copy of the tokenizer model, in one streaming pass.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sieve/datasets/reader_config.h"
#include "sieve/datasets/record_reader.h"
#include "sieve/tokenizer/featurizer.h"

namespace sieve::datasets {

struct PrepareOptions {
  std::size_t records_per_shard = 100000;  // a shard is written once it holds this many records
  std::size_t batch_records = 512;         // records per task of the featurizing pipeline
  int threads = 0;                         // 0: every core
  // Score each record's fluency with the half of the fluency model that never learned from its group
  // (FluencyModel::fold_of), as the training split must be prepared; off, every record is scored as
  // serving scores it. The manifest's samples are always scored as serving scores them.
  bool cross_fit = false;
  void validate() const;  // throws Error(kConfig)
};

struct InputSummary {
  std::string path;
  std::uint64_t bytes = 0;  // as stored (compressed if it is); 0 for standard input
  std::uint64_t xxh3 = 0;   // hash64 of those bytes, so a manifest tells which exact files it was made of
  ReadStats stats;
};

struct ShardSummary {
  std::string file;  // name inside the output folder
  std::size_t records = 0;
  std::size_t ids = 0;
  std::uint32_t crc32 = 0;
};

// Records and label counts of one language: values[h][v] records have value v for head h.
struct LanguageCounts {
  std::size_t records = 0;
  std::vector<std::vector<std::size_t>> values;
};

struct PrepareSummary {
  std::vector<InputSummary> inputs;
  std::vector<ShardSummary> shards;
  std::size_t records = 0;
  std::size_t rejected = 0;
  std::size_t feature_ids = 0;
  std::map<std::string, LanguageCounts> languages;
  // Texts of the first records (record i is the i-th of shard 0): model.sieve keeps them with the
  // probabilities the trainer computed, so a runtime that reads posts differently is caught on load.
  std::vector<std::string> samples;
  bool cross_fit = false;  // fluency scored by the half that did not learn from each record's group
  double seconds = 0;
};

// Called from the pipeline's output stage after each batch.
using PrepareProgress = std::function<void(std::size_t records, double seconds)>;

// Writes shard-NNNNN.bin, tokenizer.model (and fluency.model when the featurizer has one) and manifest.json
// into out_dir (created if missing). Throws
// Error(kIo) for unwritable output and whatever the readers throw under OnError::kFail.
PrepareSummary prepare_shards(const std::vector<std::string>& inputs, const ReaderConfig& config,
                              const tokenizer::Featurizer& featurizer, const std::string& out_dir,
                              const PrepareOptions& options, const PrepareProgress& progress = {},
                              const RejectHandler& on_reject = print_rejected_row);

// Adds record to summary.languages (its language's record and label counts).
void count_language(const Record& record, const LabelSchema& schema, PrepareSummary& summary);

// Writes out_dir/manifest.json for summary (again, after shards were added to a prepared folder).
void write_manifest(const PrepareSummary& summary, const ReaderConfig& config,
                    const tokenizer::Featurizer& featurizer, const std::string& out_dir);

// What a manifest records of the tokenizer ("model_xxh3"): shards with another fingerprint hold other ids.
std::string tokenizer_fingerprint(const tokenizer::Featurizer& featurizer);

// The manifest.json text of a prepared folder.
std::string manifest_json(const PrepareSummary& summary, const ReaderConfig& config,
                          const tokenizer::Featurizer& featurizer);

}  // namespace sieve::datasets
