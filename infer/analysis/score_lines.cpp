#include "sieve/analysis/score_lines.h"

#include "sieve/core/atomic_file.h"
#include "sieve/runtime/score_json.h"

namespace sieve::analysis {

void write_score_record(JsonWriter& w, const infer::Model& model, const ScoredChunk& chunk, std::size_t i) {
  const datasets::Record& record = chunk.records[i];
  w.begin_object().key("id").value(record.id).key("lang").value(record.lang);
  infer::write_scores(w, model, &chunk.probabilities[i * model.output_count()], record.lang,
                      chunk.familiarity.empty() ? nullptr : &chunk.familiarity[i]);
}

ScoredFile score_file(const infer::Model& model, const std::string& input, const std::string& output,
                      const datasets::ReaderConfig& config, const ScoringOptions& options,
                      std::size_t max_problems) {
  ScoredFile scored;
  datasets::RecordReader reader(input, config, [&](const std::string& where, const std::string& reason) {
    if (scored.problems.size() < max_problems) scored.problems.push_back(where + ": " + reason);
  });
  AtomicFile out(output);
  const auto format = [&](ScoredChunk& chunk, infer::ScoreWorkspace&) {
    for (std::size_t i = 0; i < chunk.records.size(); ++i) {
      JsonWriter w;
      write_score_record(w, model, chunk, i);
      w.end_object();
      chunk.output += w.str();
      chunk.output += '\n';
    }
  };
  score_records(model, reader, options, format, [&](ScoredChunk& chunk) { out.write(chunk.output); });
  out.commit();
  scored.stats = reader.stats();
  return scored;
}

}  // namespace sieve::analysis
