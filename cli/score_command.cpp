// sieve score: raw posts in (JSONL, CSV or TSV), one JSON line of probabilities and decisions out per post,
// streaming, on all cores.

#include <cstdio>
#include <ctime>
#include <iostream>

#include "command.h"
#include "file_io.h"
#include "reader_options.h"
#include "sieve/analysis/record_scoring.h"
#include "sieve/analysis/score_lines.h"
#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"
#include "sieve/runtime/checked_model.h"
#include "sieve/runtime/score_json.h"
#include "template_window_options.h"
#include "validators.h"

namespace sieve::cli {
namespace {

struct ScoreOptions {
  std::string model;
  std::string input = "-";
  std::string output = "-";
  ReaderOptions reader;
  analysis::ScoringOptions scoring;
  std::string shard;
  std::size_t explain = 0;  // spans per head; 0: no explanation
  bool self_test_only = false;
  TemplateWindowCliOptions templates;
};

// Closes each line of chunk.output (an object left open by the formatter) with the template fields of its
// post. Runs in input order, so that the window sees the posts as they came.
void observe_templates(datasets::TemplateWindow& window, analysis::ScoredChunk& chunk) {
  std::string closed;
  closed.reserve(chunk.output.size() + chunk.records.size() * 80);
  std::size_t begin = 0;
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  for (std::size_t i = 0; i < chunk.records.size(); ++i) {
    const datasets::Record& r = chunk.records[i];
    const std::size_t end = chunk.output.find('\n', begin);  // JSON strings escape their newlines
    closed.append(chunk.output, begin, end - begin);
    begin = end + 1;
    const auto observation = window.observe(chunk.signatures[i], r.group_or_id(), r.time != 0 ? r.time : now);
    append_template_fields(observation, closed);
    closed += "}\n";
  }
  chunk.output.swap(closed);
}

int run_score(ScoreOptions options) {
  if (!options.shard.empty()) analysis::parse_shard(options.shard, options.scoring);
  datasets::ReaderConfig config = resolve(options.reader);
  config.schema = {};  // labels in the input are not needed to score it
  auto model = infer::load_checked_model(options.model);
  if (options.self_test_only) {
    const infer::SelfTestResult check = model->self_test();
    std::printf("self-test passed: %zu samples, largest difference %.3g (tolerance %.3g)\n", check.samples,
                check.max_difference, check.tolerance);
    return 0;
  }
  const auto window = make_template_window(options.templates);
  OutputSink out(options.output);
  datasets::RecordReader reader(options.input, config);
  if (window) reader.report_unreadable_times();  // the template window counts posts by their time
  const auto format = [&](analysis::ScoredChunk& chunk, infer::ScoreWorkspace& workspace) {
    for (std::size_t i = 0; i < chunk.records.size(); ++i) {
      const datasets::Record& record = chunk.records[i];
      JsonWriter w;
      analysis::write_score_record(w, *model, chunk, i);
      if (options.explain > 0) infer::write_explanation(w, *model, record.text, options.explain, workspace);
      if (window) {  // signed here, on the worker threads; the object is closed in input order
        chunk.signatures.emplace_back(window->hasher().sign(record.text));
        chunk.output += w.str();
      } else {
        w.end_object();
        chunk.output += w.str();
      }
      chunk.output += '\n';
    }
  };
  std::size_t scored = 0;
  analysis::score_records(*model, reader, options.scoring, format, [&](analysis::ScoredChunk& chunk) {
    if (window) observe_templates(*window, chunk);
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
  CLI::App* score = app.add_subcommand("score", "Score posts with a model: JSONL/CSV in, JSON lines out");
  score->add_option("model", options->model, "model.sieve")->required();
  score->add_option("input", options->input, "posts (JSONL, CSV, TSV; .gz/.zst), - for standard input");
  score->add_option("-o,--out,--output", options->output, "where the JSON lines go (- for standard output)");
  score->add_option("--threads", options->scoring.threads, "worker threads (0: all cores)")
      ->check(kNotNegative);
  score->add_option("--shard", options->shard,
                    "score only the i-th of every n records (array jobs), e.g. 0/4");
  score->add_option("--explain", options->explain, "add the N spans that moved each head most")
      ->check(kNotNegative);
  score->add_flag("--self-test", options->self_test_only,
                  "check the model against its stored samples, then exit");
  score->add_flag_function(
      "--no-ood", [options](std::int64_t) { options->scoring.familiarity = false; },
      "leave out the \"ood\" value");
  add_template_window_options(*score, options->templates);
  add_reader_options(*score, options->reader);
  return {{score, [options] { return run_score(*options); }}};
}

}  // namespace sieve::cli
