// sieve eval: scores labelled posts and writes the evaluation report (report.json, report.md,
// report.html) per head × language × source, and for posts of campaign templates against the rest.

#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "command.h"
#include "flag_names.h"
#include "reader_options.h"
#include "sieve/analysis/cluster_profiles.h"
#include "sieve/analysis/model_labels.h"
#include "sieve/analysis/record_scoring.h"
#include "sieve/core/error.h"
#include "sieve/report/account_evaluation.h"
#include "sieve/report/eval_report.h"
#include "validators.h"

namespace sieve::cli {
namespace {

struct EvalOptions {
  std::string model;
  std::vector<std::string> data;  // one report over all of them, in order
  std::string report_dir;
  ReaderOptions reader;
  analysis::ScoringOptions scoring;
  infer::ReportOptions report;
  std::string by;                     // "account": also account-level metrics, in <report>/accounts
  std::size_t template_min_size = 5;  // 0: no template slices
  double template_threshold = datasets::NearDuplicateOptions().threshold;
};

// Per post of the data: its near-duplicate cluster's size, or empty when the template slices are off.
std::vector<std::uint32_t> template_sizes(const EvalOptions& options, const datasets::ReaderConfig& config) {
  if (options.template_min_size == 0) return {};
  if (std::find(options.data.begin(), options.data.end(), "-") != options.data.end()) {
    std::cerr
        << "sieve: no template slices: the posts come from standard input, which cannot be read twice\n";
    return {};
  }
  datasets::NearDuplicateOptions near;
  near.threshold = options.template_threshold;
  datasets::ReadStats stats;
  tbb::task_arena arena(options.scoring.threads > 0 ? options.scoring.threads
                                                    : tbb::info::default_concurrency());
  datasets::NearDuplicateClusters clusters;
  arena.execute([&] { clusters = analysis::cluster_inputs(options.data, config, near, 1, stats).clusters; });
  std::vector<std::uint32_t> sizes(clusters.cluster_of.size());
  for (std::size_t i = 0; i < sizes.size(); ++i) sizes[i] = clusters.sizes[clusters.cluster_of[i]];
  return sizes;
}

std::vector<infer::ReportHead> report_heads(const infer::Model& model) {
  std::vector<infer::ReportHead> heads;
  for (const infer::HeadInfo& head : model.heads()) {
    heads.push_back({head.name, head.binary, head.labels, head.threshold, {}});
    for (const auto& [lang, rate] : head.language_thresholds)
      heads.back().language_thresholds[lang] = rate.threshold;
  }
  return heads;
}

// x in a column of 8, "-" when undefined.
std::string column(double x) {
  char buffer[32];
  if (std::isnan(x)) {
    std::snprintf(buffer, sizeof buffer, "%8s", "-");
  } else {
    std::snprintf(buffer, sizeof buffer, "%8.4f", x);
  }
  return buffer;
}

// The "all" slice of each head, one line each, so a terminal shows the gist without opening the report;
// beside it the within-source ROC-AUC and the paired accuracy, which recognising the source cannot earn.
void print_summary(const std::vector<infer::HeadReport>& heads) {
  std::printf("%-14s %8s %8s %8s %8s %8s %8s %8s %8s\n", "head", "n", "prev", "F1", "ROC-AUC", "PR-AUC",
              "ECE", "within", "paired");
  for (const infer::HeadReport& head : heads) {
    const infer::SliceReport& all = head.slices.front();
    if (head.head.binary) {
      const auto& m = all.binary;
      std::printf("%-14s %8zu %8.4f %8.4f %8.4f %8.4f %8.4f %s %s\n", head.head.name.c_str(), all.n,
                  m.prevalence, m.f1, m.roc_auc, m.pr_auc, m.calibration_error,
                  column(head.within_source.macro_roc_auc).c_str(), column(head.paired.accuracy).c_str());
    } else {
      std::printf("%-14s %8zu accuracy %.4f, macro-F1 %.4f\n", head.head.name.c_str(), all.n,
                  all.multiclass.accuracy, all.multiclass.macro_f1);
    }
  }
}

// A file of posts without labels gives a report of undefined metrics: say what is missing instead.
Error no_label_error(const infer::Model& model, const std::string& data, std::size_t posts) {
  std::string heads;
  for (const infer::HeadInfo& head : model.heads()) heads += (heads.empty() ? "" : ", ") + head.name;
  return Error(ErrorKind::kInvalidInput, data,
               "none of its " + std::to_string(posts) + " posts has a label of the model's heads (" + heads +
                   "): nothing to evaluate (map a label column with --set data.label.<head>=<column>)");
}

// The files as one name, for the report and for errors.
std::string joined(const std::vector<std::string>& files) {
  std::string out;
  for (const std::string& file : files) out += (out.empty() ? "" : ", ") + file;
  return out;
}

int run_eval(EvalOptions options) {
  options.report.model_path = options.model;
  options.report.data_path = joined(options.data);
  if (!options.by.empty() && options.by != "account")
    throw Error(ErrorKind::kConfig, "--by", "'" + options.by + "': the one grouping is 'account'");
  validate_as_flags(options.report, {{"target_precision", "--precision"},
                                     {"calibration_bins", "--bins"},
                                     {"prevalence", "--prevalence"},
                                     {"within_min_per_class", "--within-min"}});
  datasets::NearDuplicateOptions templates;
  templates.threshold = options.template_threshold;
  validate_as_flags(templates, {{"near_duplicates.threshold", "--template-threshold"}});
  datasets::ReaderConfig config = resolve(options.reader);
  auto model = infer::Model::load(options.model);
  config.schema = analysis::label_schema_of(*model);
  const std::vector<std::uint32_t> sizes = template_sizes(options, config);  // reports bad rows
  datasets::RejectHandler on_reject = datasets::print_rejected_row;
  if (!sizes.empty()) on_reject = [](const std::string&, const std::string&) {};  // reported above
  infer::EvalReport report(report_heads(*model));
  infer::AccountEvaluation accounts(report_heads(*model));
  std::size_t post = 0, labelled = 0;
  datasets::ReadStats read;
  for (const std::string& file : options.data) {
    datasets::RecordReader reader(file, config, on_reject);
    analysis::score_records(*model, reader, options.scoring, nullptr, [&](analysis::ScoredChunk& chunk) {
      const std::size_t width = model->output_count();
      for (std::size_t i = 0; i < chunk.records.size(); ++i, ++post) {
        const datasets::Record& record = chunk.records[i];
        labelled +=
            std::any_of(record.labels.begin(), record.labels.end(), [](std::int8_t l) { return l >= 0; });
        const char* slice = "";
        if (post < sizes.size())
          slice = sizes[post] >= options.template_min_size ? "template:clustered" : "template:singleton";
        report.add(record.lang, record.source, record.group, &chunk.probabilities[i * width],
                   record.labels.data(), slice);
        if (!options.by.empty()) {
          accounts.add(record.group_or_id(), record.lang, record.source, &chunk.probabilities[i * width],
                       record.labels.data());
        }
      }
    });
    read += reader.stats();
  }
  if (labelled == 0) throw no_label_error(*model, options.report.data_path, report.size());
  print_summary(report.write(options.report_dir, options.report));
  std::printf("%zu posts; report written to %s/report.{json,md,html}\n", report.size(),
              options.report_dir.c_str());
  if (!options.by.empty()) {
    // An account's label is the majority of its labelled posts, with at least two of them.
    const std::string dir = options.report_dir + "/accounts";
    std::printf("\nby account (mean probability of its posts; labelled when %zu of its posts are or more):\n",
                infer::kMinLabelledPosts);
    print_summary(accounts.report().write(dir, options.report));
    std::printf("%zu accounts; report written to %s/report.{json,md,html}\n", accounts.accounts(),
                dir.c_str());
  }
  return finish_rows(read);
}

}  // namespace

std::vector<Command> add_eval_command(CLI::App& app) {
  auto options = std::make_shared<EvalOptions>();
  CLI::App* eval =
      app.add_subcommand("eval", "Evaluate a model on labelled posts: per head, language, source");
  eval->add_option("model", options->model, "model.sieve")->required();
  eval->add_option("data", options->data,
                   "labelled posts (JSONL, CSV, TSV; .gz/.zst); several files make one report")
      ->required();
  eval->add_option("--report", options->report_dir, "folder for report.json, report.md, report.html")
      ->required();
  eval->add_option("--precision", options->report.target_precision,
                   "report the threshold reaching this precision (default 0.95)");
  eval->add_option("--bins", options->report.calibration_bins, "calibration bins (default 10)");
  eval->add_option(
      "--prevalence", options->report.prevalence,
      "the share of positives on the traffic the model will see (e.g. 0.001): adds the precision "
      "each threshold would have there");
  eval->add_option("--by", options->by,
                   "also evaluate accounts (the group column): --by account writes <report>/accounts/");
  eval->add_option("--threads", options->scoring.threads, "worker threads (0: all cores)")
      ->check(kNotNegative);
  eval->add_option("--within-min", options->report.within_min_per_class,
                   "posts of each class a language x source cell needs for the within-source ROC-AUC "
                   "(default 20)")
      ->check(kNotNegative);
  eval->add_option("--template-min-size", options->template_min_size,
                   "slices template:clustered (posts of near-duplicate clusters of at least this size) and "
                   "template:singleton (the rest); 0: none (default 5)")
      ->check(kNotNegative);
  eval->add_option("--template-threshold", options->template_threshold,
                   "near-duplicate Jaccard threshold of the template slices (default 0.7)");
  add_reader_options(*eval, options->reader);
  return {{eval, [options] { return run_eval(*options); }}};
}

}  // namespace sieve::cli
