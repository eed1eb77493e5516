#include "sieve/analysis/record_scoring.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <memory>

#include "sieve/core/error.h"

namespace sieve::analysis {

void parse_shard(const std::string& text, ScoringOptions& options) {
  const std::size_t slash = text.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    std::size_t used = 0;
    const long long index = std::stoll(text.substr(0, slash), &used);
    if (used != slash) throw std::invalid_argument("index");
    const std::string count_text = text.substr(slash + 1);
    const long long count = std::stoll(count_text, &used);
    if (used != count_text.size() || index < 0 || count < 1 || index >= count)
      throw std::out_of_range("range");
    options.shard_index = static_cast<std::size_t>(index);
    options.shard_count = static_cast<std::size_t>(count);
  } catch (const std::logic_error&) {
    throw Error(ErrorKind::kConfig, "--shard", "'" + text + "' is not i/n with 0 <= i < n");
  }
}

void score_records(const infer::Model& model, datasets::RecordReader& reader, const ScoringOptions& options,
                   const ChunkFormatter& format, const ChunkConsumer& consume) {
  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  const std::size_t width = model.output_count();
  std::size_t position = 0;  // of the next record the reader returns, for --shard
  bool done = false;
  tbb::enumerable_thread_specific<infer::ScoreWorkspace> workspaces;

  const auto read_chunk = [&](tbb::flow_control& control) -> std::shared_ptr<ScoredChunk> {
    auto chunk = std::make_shared<ScoredChunk>();
    datasets::Record record;
    while (!done && chunk->records.size() < options.chunk_records) {
      if (!reader.next(record)) {
        done = true;
        break;
      }
      if (position++ % options.shard_count == options.shard_index)
        chunk->records.push_back(std::move(record));
    }
    if (chunk->records.empty()) control.stop();
    return chunk;
  };
  const auto score_chunk = [&](std::shared_ptr<ScoredChunk> chunk) {
    if (!chunk || chunk->records.empty()) return chunk;
    infer::ScoreWorkspace& workspace = workspaces.local();
    const std::size_t n = chunk->records.size();
    chunk->probabilities.resize(n * width);
    if (options.keep_logits) chunk->logits.resize(n * width);
    const bool familiarity = options.familiarity && model.out_of_domain() != nullptr;
    if (familiarity) chunk->familiarity.resize(n);
    workspace.logits.resize(width);
    for (std::size_t i = 0; i < n; ++i) {
      float* logits = options.keep_logits ? &chunk->logits[i * width] : workspace.logits.data();
      model.logits(chunk->records[i].text, workspace, logits);
      model.probabilities(logits, &chunk->probabilities[i * width]);
      if (familiarity) chunk->familiarity[i] = model.familiarity(workspace.features);
    }
    if (format) format(*chunk, workspace);
    return chunk;
  };
  const auto consume_chunk = [&](std::shared_ptr<ScoredChunk> chunk) {
    if (chunk && !chunk->records.empty()) consume(*chunk);
  };

  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_pipeline(
        static_cast<std::size_t>(threads) * 2 + 1,
        tbb::make_filter<void, std::shared_ptr<ScoredChunk>>(tbb::filter_mode::serial_in_order, read_chunk) &
            tbb::make_filter<std::shared_ptr<ScoredChunk>, std::shared_ptr<ScoredChunk>>(
                tbb::filter_mode::parallel, score_chunk) &
            tbb::make_filter<std::shared_ptr<ScoredChunk>, void>(tbb::filter_mode::serial_in_order,
                                                                 consume_chunk));
  });
}

}  // namespace sieve::analysis
