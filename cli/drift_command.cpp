// sieve drift: scores the posts a model's thresholds were set on and a day of traffic, and says whether the
// traffic has drifted from them (docs/drift.md). Exit code 3 on drift, so a daily job can alert on it.

#include <cstdio>
#include <iostream>

#include "command.h"
#include "file_io.h"
#include "flag_names.h"
#include "reader_options.h"
#include "sieve/analysis/drift.h"
#include "sieve/core/error.h"
#include "validators.h"

namespace sieve::cli {
namespace {

constexpr int kDriftExitCode = 3;

struct DriftCliOptions {
  std::string model;
  std::string reference;
  std::string traffic;
  std::string json;  // the JSON report, "" for none
  ReaderOptions reader;
  analysis::ScoringOptions scoring;
  analysis::DriftOptions drift;
};

analysis::DriftSide read_side(const infer::Model& model, const std::string& path,
                              const datasets::ReaderConfig& config, const analysis::ScoringOptions& scoring) {
  datasets::RecordReader reader(path, config);
  return analysis::read_drift_side(model, reader, scoring);
}

// 3 on drift, whatever else: the verdict is what a monitor waits for; else 2 when rows were rejected.
int run_drift(const DriftCliOptions& options) {
  validate_as_flags(options.drift, {{"min_posts", "--min-posts"}, {"bins", "--bins"}});
  if (options.reference == "-" && options.traffic == "-")
    throw Error(ErrorKind::kConfig, "drift", "the reference and the traffic cannot both be standard input");
  datasets::ReaderConfig config = resolve(options.reader);
  config.schema = {};  // labels are not needed
  auto model = infer::Model::load(options.model);
  const analysis::DriftSide reference = read_side(*model, options.reference, config, options.scoring);
  const analysis::DriftSide traffic = read_side(*model, options.traffic, config, options.scoring);
  const analysis::DriftReport report = analysis::compare_drift(reference, traffic, options.drift);
  if (!options.json.empty()) {
    OutputSink json(options.json);
    json.text() = analysis::drift_json(report);
    json.close();
  }
  std::fputs(analysis::drift_text(report).c_str(), stdout);
  std::fflush(stdout);
  const std::size_t rejected = reference.stats.rejected + traffic.stats.rejected;
  if (rejected > 0) {
    std::cerr << "sieve: " << rejected << " of " << reference.stats.rows + traffic.stats.rows
              << " rows rejected\n";
  }
  if (report.drift()) return kDriftExitCode;
  return rejected > 0 ? 2 : 0;
}

}  // namespace

std::vector<Command> add_drift_command(CLI::App& app) {
  auto options = std::make_shared<DriftCliOptions>();
  CLI::App* drift = app.add_subcommand(
      "drift", "Compare a day of traffic with the posts the thresholds were set on (exit 3 on drift)");
  drift->add_option("reference", options->reference, "the posts the thresholds were set on (JSONL, CSV, TSV)")
      ->required();
  drift->add_option("traffic", options->traffic, "the posts to check, - for standard input")->required();
  drift->add_option("-m,--model", options->model, "model.sieve")->required();
  drift->add_option("--json,--report", options->json, "also write the report as JSON to this file");
  drift
      ->add_option("--min-posts", options->drift.min_posts,
                   "posts a language needs on both sides to be compared (default 200)")
      ->check(kNotNegative);
  drift->add_option("--bins", options->drift.bins, "score bins, at the reference's quantiles (default 10)")
      ->check(kNotNegative);
  drift->add_option("--threads", options->scoring.threads, "worker threads (0: all cores)")
      ->check(kNotNegative);
  add_reader_options(*drift, options->reader);
  return {{drift, [options] { return run_drift(*options); }}};
}

}  // namespace sieve::cli
