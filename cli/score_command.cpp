// sieve score: raw posts in (JSONL, CSV or TSV), one JSON line of probabilities and decisions out per post,
// streaming, on all cores.

#include <cstdio>
#include <iostream>

#include "command.h"
#include "file_io.h"
#include "reader_options.h"
#include "record_scoring.h"
#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"
#include "sieve/infer/checked_model.h"
#include "sieve/infer/score_json.h"
#include "validators.h"

namespace sieve::cli {
namespace {

struct ScoreOptions {
  std::string model;
  std::string input = "-";
  std::string output = "-";
  ReaderOptions reader;
  ScoringOptions scoring;
  std::string shard;
  std::size_t explain = 0;  // spans per head; 0: no explanation
  bool self_test_only = false;
};

int run_score(ScoreOptions options) {
  if (!options.shard.empty()) parse_shard(options.shard, options.scoring);
  datasets::ReaderConfig config = resolve(options.reader);
  config.schema = {};  // labels in the input are not needed to score it
  auto model = infer::load_checked_model(options.model);
  if (options.self_test_only) {
    const infer::SelfTestResult check = model->self_test();
    std::printf("self-test passed: %zu samples, largest difference %.3g (tolerance %.3g)\n", check.samples,
                check.max_difference, check.tolerance);
    return 0;
  }
  OutputSink out(options.output);
  datasets::RecordReader reader(options.input, config);
  const auto format = [&](ScoredChunk& chunk, infer::ScoreWorkspace& workspace) {
    const std::size_t width = model->output_count();
    for (std::size_t i = 0; i < chunk.records.size(); ++i) {
      const datasets::Record& record = chunk.records[i];
      JsonWriter w;
      w.begin_object().key("id").value(record.id).key("lang").value(record.lang);
      infer::write_scores(w, *model, &chunk.probabilities[i * width]);
      if (options.explain > 0) infer::write_explanation(w, *model, record.text, options.explain, workspace);
      w.end_object();
      chunk.output += w.str();
      chunk.output += '\n';
    }
  };
  std::size_t scored = 0;
  score_records(*model, reader, options.scoring, format, [&](ScoredChunk& chunk) {
    out.text() += chunk.output;
    out.maybe_flush();
    scored += chunk.records.size();
  });
  out.close();
  const datasets::ReadStats& stats = reader.stats();
  if (stats.rejected == 0) return 0;
  std::cerr << "sieve: " << stats.rejected << " of " << stats.rows << " rows rejected, " << scored
            << " scored\n";
  return 2;
}

}  // namespace

std::vector<Command> add_score_command(CLI::App& app) {
  auto options = std::make_shared<ScoreOptions>();
  CLI::App* score = app.add_subcommand("score", "score posts with a model: JSONL/CSV in, JSON lines out");
  score->add_option("model", options->model, "model.sieve")->required();
  score->add_option("input", options->input, "posts (JSONL, CSV, TSV; .gz/.zst), - for standard input");
  score->add_option("-o,--output", options->output, "where the JSON lines go (- for standard output)");
  score->add_option("--threads", options->scoring.threads, "worker threads (0: all cores)")
      ->check(kNotNegative);
  score->add_option("--shard", options->shard,
                    "score only the i-th of every n records (array jobs), e.g. 0/4");
  score->add_option("--explain", options->explain, "add the N spans that moved each head most")
      ->check(kNotNegative);
  score->add_flag("--self-test", options->self_test_only,
                  "check the model against its stored samples, then exit");
  add_reader_options(*score, options->reader);
  return {{score, [options] { return run_score(*options); }}};
}

}  // namespace sieve::cli
