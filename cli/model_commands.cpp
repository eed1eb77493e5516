// sieve quantize / sieve calibrate: write a new model file from an existing one, with int8 weights or
// with per-head temperatures fitted on held-out data.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>

#include "command.h"
#include "reader_options.h"
#include "sieve/analysis/model_labels.h"
#include "sieve/analysis/record_scoring.h"
#include "sieve/core/calibration.h"
#include "sieve/core/error.h"
#include "sieve/core/metrics.h"
#include "sieve/core/organic_threshold.h"
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
  // A threshold per language by default: one threshold for every language promises only the languages'
  // mean rate, and a head that flags one language more breaks the promise on traffic in that language.
  bool per_language = true;
  // How the organic posts weigh, and what of the rate is kept at max_fpr: the words of --weighting and
  // --bound, parsed into `rule` (its defaults when not given).
  std::string weighting, bound;
  metrics::OrganicRule rule;
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

// The organic posts of each binary head by language: the posts not labelled 1 for it, as it scores them.
using OrganicByLanguage = std::map<std::string, std::vector<metrics::OrganicPost>>;

std::vector<OrganicByLanguage> score_organic(const infer::Model& model, datasets::RecordReader& reader,
                                             const CalibrateOptions& options,
                                             const std::vector<infer::HeadInfo>& heads) {
  std::vector<OrganicByLanguage> organic(heads.size());
  analysis::ScoringOptions scoring = options.scoring;
  scoring.keep_logits = true;
  analysis::score_records(model, reader, scoring, nullptr, [&](analysis::ScoredChunk& chunk) {
    for (std::size_t i = 0; i < chunk.records.size(); ++i) {
      const datasets::Record& r = chunk.records[i];
      for (std::size_t h = 0; h < heads.size(); ++h) {
        if (!heads[h].binary || r.labels[h] == 1) continue;
        const float logit = chunk.logits[i * model.output_count() + model.output_offset(h)];
        organic[h][r.lang].push_back(
            {infer::Model::binary_probability(logit, heads[h].temperature), r.source, r.lang});
      }
    }
  });
  return organic;
}

void print_rate(const std::string& head, const std::string& lang, const metrics::OrganicThreshold& t) {
  std::printf("%-14s %-6s %8zu %10.4f %8zu %8.4f %10.4f  ", head.c_str(), lang.c_str(), t.rate.posts,
              t.rate.threshold, t.rate.flagged, t.rate.fpr, t.rate.fpr_upper);
  std::string sources;
  for (const auto& [source, posts] : t.posts_per_source) {
    sources += (sources.empty() ? "" : ", ") + (source.empty() ? std::string("(no source)") : source) + " " +
               std::to_string(posts);
  }
  std::printf("%s\n", sources.c_str());
}

infer::OrganicRate stored(const metrics::FprThreshold& t) {
  return {t.threshold, t.posts, t.flagged, t.fpr, t.fpr_upper};
}

Error too_few(const std::string& head, std::size_t posts, const CalibrateOptions& options) {
  char why[400];
  std::snprintf(why, sizeof why,
                "head '%s': %zu organic posts are too few for the Wilson bound of the rate to reach %g under "
                "--weighting %s (about %.0f equally weighted posts are needed); give more posts, a higher "
                "--max-fpr or --bound point",
                head.c_str(), posts, options.max_fpr, metrics::weighting_name(options.rule.weighting).c_str(),
                metrics::fewest_posts_for_bound(options.max_fpr));
  return Error(ErrorKind::kInvalidInput, options.organic, why);
}

// Sets each binary head's threshold so that the rule's rate of the organic posts (those not labelled 1 for
// it) stays at max_fpr: overall, and per language with min_posts of them when per_language. Refuses a head
// whose organic posts are too few for the rule; a language with too few keeps the overall threshold.
void set_organic_thresholds(const infer::Model& model, datasets::RecordReader& reader,
                            const CalibrateOptions& options, std::vector<infer::HeadInfo>& heads) {
  const std::vector<OrganicByLanguage> organic = score_organic(model, reader, options, heads);
  const bool any =
      std::any_of(organic.begin(), organic.end(), [](const auto& by_lang) { return !by_lang.empty(); });
  if (!any) {
    throw Error(ErrorKind::kInvalidInput, options.organic,
                "no organic post (a post counts for each head it is not labelled 1 for)");
  }
  // Every head's overall threshold first: a sample too small for one of them refuses before anything is
  // printed or stored.
  std::vector<std::optional<metrics::OrganicThreshold>> overall(heads.size());
  for (std::size_t h = 0; h < heads.size(); ++h) {
    if (!heads[h].binary || organic[h].empty()) continue;
    std::vector<metrics::OrganicPost> all;
    for (const auto& [lang, posts] : organic[h]) all.insert(all.end(), posts.begin(), posts.end());
    overall[h] = metrics::organic_threshold(all, options.rule, options.max_fpr);
    if (!overall[h]->enough) throw too_few(heads[h].name, all.size(), options);
  }
  std::printf("organic posts weighted by %s, %s rate kept at %g\n",
              metrics::weighting_name(options.rule.weighting).c_str(),
              options.rule.bound == metrics::RateBound::kWilson ? "the Wilson 95 % upper bound of the"
                                                                : "the measured",
              options.max_fpr);
  std::printf("%-14s %-6s %8s %10s %8s %8s %10s  %s\n", "head", "lang", "organic", "threshold", "flagged",
              "FPR", "FPR <=95%", "posts per source");
  for (std::size_t h = 0; h < heads.size(); ++h) {
    if (!heads[h].binary) continue;
    if (!overall[h]) {
      std::printf("%-14s %-6s %8d: no organic post, threshold left at %.4f\n", heads[h].name.c_str(), "all",
                  0, heads[h].threshold);
      continue;
    }
    heads[h].organic_max_fpr = options.max_fpr;
    heads[h].organic = stored(overall[h]->rate);
    heads[h].threshold = overall[h]->rate.threshold;
    heads[h].language_thresholds.clear();
    print_rate(heads[h].name, "all", *overall[h]);
    if (!options.per_language) continue;
    for (const auto& [lang, posts] : organic[h]) {
      if (posts.size() < options.min_posts || lang.empty()) continue;
      const metrics::OrganicThreshold own = metrics::organic_threshold(posts, options.rule, options.max_fpr);
      if (!own.enough) {
        std::printf("%-14s %-6s %8zu: too few for the bound, keeps the overall threshold\n",
                    heads[h].name.c_str(), lang.c_str(), posts.size());
        continue;
      }
      heads[h].language_thresholds[lang] = stored(own.rate);
      print_rate(heads[h].name, lang, own);
    }
  }
}

int run_calibrate(CalibrateOptions options) {
  if (options.data.empty() && options.organic.empty()) {
    throw Error(ErrorKind::kConfig, "calibrate",
                "give labelled posts (temperatures), --organic posts (thresholds) or both");
  }
  metrics::check_max_fpr(options.max_fpr, "--max-fpr");
  if (!options.weighting.empty())
    options.rule.weighting = metrics::parse_weighting(options.weighting, "--weighting");
  if (!options.bound.empty()) options.rule.bound = metrics::parse_bound(options.bound, "--bound");
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
  calibrate->add_flag("--per-language,!--no-per-language", calibrate_options->per_language,
                      "a threshold per language that has --min-posts organic posts, the others using the "
                      "overall one (the default); --no-per-language: one threshold per head, which "
                      "promises the languages' mean rate, not each language's");
  calibrate
      ->add_option(
          "--weighting", calibrate_options->weighting,
          "how the organic posts weigh in the rate: languages (every language the same, and every source "
          "within it; the default), sources (every source the same) or posts (the sample's own mix)")
      ->type_name("RULE");
  calibrate->add_flag_function(
      "--balance-sources",
      [options = calibrate_options.get()](std::int64_t) { options->weighting = "sources"; },
      "the same as --weighting sources");
  calibrate
      ->add_option(
          "--bound", calibrate_options->bound,
          "what of the rate stays at --max-fpr: wilson (its 95 % upper bound, the default) or point (the "
          "rate measured on the sample; with --weighting posts, the behaviour of earlier versions)")
      ->type_name("BOUND");
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
