// sieve quantize / sieve calibrate: write a new model file from an existing one, with int8 weights or
// with per-head temperatures fitted on held-out data.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>

#include "command.h"
#include "sieve/analysis/model_labels.h"
#include "reader_options.h"
#include "sieve/analysis/record_scoring.h"
#include "sieve/core/calibration.h"
#include "sieve/core/error.h"
#include "sieve/core/metrics.h"
#include "sieve/core/rates.h"
#include "sieve/format/model_file.h"
#include "sieve/network/quantize.h"
#include "validators.h"

namespace sieve::cli {
namespace {

struct QuantizeOptions {
  std::string model;
  std::string output;
};

struct CalibrateOptions {
  std::string model;
  std::string data;     // labelled posts: temperatures ("" for none)
  std::string output;   // "" writes over the model
  std::string organic;  // organic traffic: thresholds at max_fpr ("" for none)
  double max_fpr = 0.01;
  bool per_language = false;
  bool balance_sources = false;  // each source of the organic posts counts the same in the rate
  std::size_t min_posts = 1000;  // organic posts a language needs for a threshold of its own
  ReaderOptions reader;
  analysis::ScoringOptions scoring;
};

int run_quantize(const QuantizeOptions& options) {
  const auto model =
      infer::Model::load(options.model);  // the whole model is checked before anything is written
  infer::ModelFileWriter writer;
  for (const auto& [key, value] : model->file().metadata()) writer.set_metadata(key, value);
  infer::QuantizeStats stats;
  infer::add_quantized_tensors(model->file(), writer, &stats);
  writer.write(options.output);
  // The new file must load and still reproduce the trainer's samples within the int8 tolerance.
  const infer::SelfTestResult check = infer::Model::load(options.output)->self_test();
  std::printf("%zu tensors to int8: %.1f MB -> %.1f MB; self-test largest difference %.4f (tolerance %.2f)\n",
              stats.tensors_quantized, stats.bytes_before / 1e6, stats.bytes_after / 1e6,
              check.max_difference, check.tolerance);
  if (!check.passed()) {
    throw Error(ErrorKind::kFormat, options.output,
                "the int8 model fails its self-test: keep the fp32 model");
  }
  return 0;
}

// The logits and labels of each head over the labelled posts of the data.
std::vector<metrics::HeadLogits> collect_logits(const infer::Model& model, datasets::RecordReader& reader,
                                                const analysis::ScoringOptions& scoring) {
  std::vector<metrics::HeadLogits> heads(model.heads().size());
  for (std::size_t h = 0; h < heads.size(); ++h) heads[h].classes = model.heads()[h].outputs();
  analysis::score_records(model, reader, scoring, nullptr, [&](analysis::ScoredChunk& chunk) {
    const std::size_t width = model.output_count();
    for (std::size_t i = 0; i < chunk.records.size(); ++i) {
      for (std::size_t h = 0; h < heads.size(); ++h) {
        const std::int8_t label = chunk.records[i].labels[h];
        if (label < 0) continue;
        const float* z = &chunk.logits[i * width + model.output_offset(h)];
        heads[h].logits.insert(heads[h].logits.end(), z, z + heads[h].classes);
        heads[h].labels.push_back(label);
      }
    }
  });
  return heads;
}

// Expected calibration error of a binary head at a temperature; NaN for multi-class heads.
double binary_calibration_error(const metrics::HeadLogits& head, double temperature) {
  if (head.classes != 1) return std::nan("");
  std::vector<metrics::Scored> scored;
  for (std::size_t i = 0; i < head.rows(); ++i) {
    scored.push_back({1.0 / (1.0 + std::exp(-head.logits[i] / temperature)), head.labels[i] == 1});
  }
  return metrics::expected_calibration_error(scored);
}

// A temperature says how often a head is right: posts of one class cannot tell. Throws naming the head.
void require_two_classes(const metrics::HeadLogits& head, const std::string& name, const std::string& data) {
  if (head.rows() == 0) return;  // the head is left as it is
  const bool one_class = std::all_of(head.labels.begin(), head.labels.end(),
                                     [&](std::int8_t label) { return label == head.labels.front(); });
  if (!one_class) return;
  throw Error(ErrorKind::kInvalidInput, data,
              "head '" + name + "' needs posts of at least two classes to fit a temperature, got " +
                  std::to_string(head.rows()) + " all labelled " + std::to_string(head.labels.front()));
}

// Fits each head's temperature on the labelled posts of reader; prints what changed. A fit that ends at
// the range's bound keeps the head's temperature, with a warning.
void fit_temperatures(const infer::Model& model, datasets::RecordReader& reader,
                      const analysis::ScoringOptions& scoring, std::vector<infer::HeadInfo>& heads) {
  const std::vector<metrics::HeadLogits> logits = collect_logits(model, reader, scoring);
  for (std::size_t h = 0; h < heads.size(); ++h) require_two_classes(logits[h], heads[h].name, reader.path());
  std::printf("%-14s %8s %11s %9s %9s %9s %9s\n", "head", "n", "temperature", "NLL", "NLL now", "ECE",
              "ECE now");
  for (std::size_t h = 0; h < heads.size(); ++h) {
    const metrics::TemperatureFit fit = metrics::fit_temperature(logits[h]);
    if (fit.at_bound) {
      std::fprintf(stderr,
                   "sieve: calibrate: warning: head '%s': the fit ended at the bound %g of the range "
                   "[%g, %g] (%s), so its temperature stays %g\n",
                   heads[h].name.c_str(), fit.temperature, metrics::kMinTemperature, metrics::kMaxTemperature,
                   fit.temperature < 1
                       ? "the posts are separated perfectly: calibrating needs posts it gets wrong"
                       : "it ranks the posts no better than chance",
                   heads[h].temperature);
    } else if (logits[h].rows() > 0) {
      heads[h].temperature = fit.temperature;
    }
    std::printf("%-14s %8zu %11.4f %9.4f %9.4f %9.4f %9.4f\n", heads[h].name.c_str(), logits[h].rows(),
                heads[h].temperature, fit.nll_before,
                metrics::negative_log_likelihood(logits[h], heads[h].temperature),
                binary_calibration_error(logits[h], 1.0),
                binary_calibration_error(logits[h], heads[h].temperature));
  }
}

// Sets each binary head's threshold so that at most max_fpr of the organic posts (those not labelled 1
// for it) are flagged: overall, and per language with min_posts of them when per_language.
void set_organic_thresholds(const infer::Model& model, datasets::RecordReader& reader,
                            const CalibrateOptions& options, std::vector<infer::HeadInfo>& heads) {
  // head → lang → (score, source) of each organic post
  std::vector<std::map<std::string, std::vector<std::pair<double, std::string>>>> organic(heads.size());
  analysis::ScoringOptions scoring = options.scoring;
  scoring.keep_logits = true;
  analysis::score_records(model, reader, scoring, nullptr, [&](analysis::ScoredChunk& chunk) {
    for (std::size_t i = 0; i < chunk.records.size(); ++i) {
      for (std::size_t h = 0; h < heads.size(); ++h) {
        if (!heads[h].binary || chunk.records[i].labels[h] == 1) continue;
        const float logit = chunk.logits[i * model.output_count() + model.output_offset(h)];
        organic[h][chunk.records[i].lang].emplace_back(
            infer::Model::binary_probability(logit, heads[h].temperature), chunk.records[i].source);
      }
    }
  });
  const auto print = [](const std::string& head, const std::string& lang, const infer::OrganicRate& r) {
    std::printf("%-14s %-6s %8llu %10.4f %8llu %8.4f %10.4f\n", head.c_str(), lang.c_str(),
                static_cast<unsigned long long>(r.posts), r.threshold,
                static_cast<unsigned long long>(r.flagged), r.fpr, r.fpr_upper);
  };
  // Each post weighs 1, or with --balance-sources 1 / the posts of its source.
  const auto rate_of = [&](const std::vector<std::pair<double, std::string>>& posts) {
    std::vector<double> scores, weights;
    std::map<std::string, double> per_source;
    for (const auto& [score, source] : posts) {
      scores.push_back(score);
      ++per_source[source];
    }
    for (const auto& post : posts)
      weights.push_back(options.balance_sources ? 1.0 / per_source[post.second] : 1.0);
    const metrics::FprThreshold t = metrics::threshold_for_weighted_fpr(scores, weights, options.max_fpr);
    return infer::OrganicRate{t.threshold, t.posts, t.flagged, t.fpr, t.fpr_upper};
  };
  const bool any =
      std::any_of(organic.begin(), organic.end(), [](const auto& by_lang) { return !by_lang.empty(); });
  if (!any) {
    throw Error(ErrorKind::kInvalidInput, options.organic,
                "no organic post (a post counts for each head it is not labelled 1 for)");
  }
  std::printf("%-14s %-6s %8s %10s %8s %8s %10s\n", "head", "lang", "organic", "threshold", "flagged", "FPR",
              "FPR <=95%");
  for (std::size_t h = 0; h < heads.size(); ++h) {
    if (!heads[h].binary) continue;
    std::vector<std::pair<double, std::string>> all;
    for (const auto& [lang, posts] : organic[h]) all.insert(all.end(), posts.begin(), posts.end());
    if (all.empty()) {
      std::printf("%-14s %-6s %8d: no organic post, threshold left at %.4f\n", heads[h].name.c_str(), "all",
                  0, heads[h].threshold);
      continue;
    }
    heads[h].organic_max_fpr = options.max_fpr;
    heads[h].organic = rate_of(all);
    heads[h].threshold = heads[h].organic.threshold;
    heads[h].language_thresholds.clear();
    print(heads[h].name, "all", heads[h].organic);
    if (!options.per_language) continue;
    for (const auto& [lang, scores] : organic[h]) {
      if (scores.size() < options.min_posts || lang.empty()) continue;
      heads[h].language_thresholds[lang] = rate_of(scores);
      print(heads[h].name, lang, heads[h].language_thresholds[lang]);
    }
  }
}

int run_calibrate(CalibrateOptions options) {
  if (options.data.empty() && options.organic.empty()) {
    throw Error(ErrorKind::kConfig, "calibrate",
                "give labelled posts (temperatures), --organic posts (thresholds) or both");
  }
  metrics::check_max_fpr(options.max_fpr, "--max-fpr");
  const std::string output = options.output.empty() ? options.model : options.output;
  options.scoring.keep_logits = true;
  datasets::ReaderConfig config = resolve(options.reader);
  const auto model = infer::Model::load(options.model);
  config.schema = analysis::label_schema_of(*model);
  std::vector<infer::HeadInfo> heads = model->heads();
  datasets::ReadStats stats;
  if (!options.data.empty()) {
    datasets::RecordReader reader(options.data, config);
    fit_temperatures(*model, reader, options.scoring, heads);
    stats += reader.stats();
  }
  if (!options.organic.empty()) {
    datasets::RecordReader reader(options.organic, config);
    set_organic_thresholds(*model, reader, options, heads);
    stats += reader.stats();
  }
  infer::ModelFileWriter writer;
  for (const auto& [key, value] : model->file().metadata()) writer.set_metadata(key, value);
  writer.set_metadata("sieve",
                      infer::with_head_settings(model->file().metadata("sieve"), heads, options.model));
  writer.add_tensors_of(model->file());
  writer.write(output);
  std::printf("%s stored in %s\n",
              options.organic.empty() ? "temperatures"
              : options.data.empty()  ? "thresholds"
                                      : "temperatures and thresholds",
              output.c_str());
  return finish_rows(stats);
}

}  // namespace

std::vector<Command> add_model_commands(CLI::App& app) {
  auto quantize_options = std::make_shared<QuantizeOptions>();
  CLI::App* quantize = app.add_subcommand("quantize", "Write a copy of a model with int8 weights");
  quantize->add_option("model", quantize_options->model, "model.sieve")->required();
  quantize->add_option("output", quantize_options->output, "the int8 model file")->required();

  auto calibrate_options = std::make_shared<CalibrateOptions>();
  CLI::App* calibrate =
      app.add_subcommand("calibrate",
                         "Fit a temperature per head on labelled held-out posts, and/or set thresholds at a "
                         "false-positive rate on organic posts (--organic); stored in the model");
  calibrate->add_option("model", calibrate_options->model, "model.sieve")->required();
  calibrate->add_option("data", calibrate_options->data,
                        "labelled dev posts (JSONL, CSV, TSV): temperatures");
  calibrate->add_option("--organic", calibrate_options->organic,
                        "organic posts (a post counts for every head it is not labelled 1 for): each binary "
                        "head's threshold flags at most --max-fpr of them");
  calibrate->add_option(
      "--max-fpr", calibrate_options->max_fpr,
      "the false-positive rate the thresholds may give on the organic posts (default 0.01)");
  calibrate->add_flag(
      "--per-language", calibrate_options->per_language,
      "a threshold per language that has --min-posts organic posts (the others use the overall one)");
  calibrate->add_flag("--balance-sources", calibrate_options->balance_sources,
                      "count every source of the organic posts the same (the mean of their rates), so the "
                      "threshold holds whatever the mix of the traffic");
  calibrate
      ->add_option("--min-posts", calibrate_options->min_posts,
                   "organic posts a language needs for a threshold of its own (default 1000)")
      ->check(kAtLeastOne);
  calibrate->add_option("-o,--out,--output", calibrate_options->output,
                        "the calibrated model (default: in place)");
  calibrate->add_option("--threads", calibrate_options->scoring.threads, "worker threads (0: all cores)")
      ->check(kNotNegative);
  add_reader_options(*calibrate, calibrate_options->reader);

  return {{quantize, [quantize_options] { return run_quantize(*quantize_options); }},
          {calibrate, [calibrate_options] { return run_calibrate(*calibrate_options); }}};
}

}  // namespace sieve::cli
