// sieve adapt --fine-tune base.sieve labelled.jsonl -o adapted.sieve: fine-tunes the whole model on a new
// campaign's few hundred labelled posts (the default, a campaign model beside the heads, is
// sieve/adapt/campaign_adaptation.h). It can add a head the base model lacks. It holds back a fifth of the
// posts by group, featurizes the rest with the base model's own tokenizer, mixes in posts of the base model's
// training shards (--replay), trains a small grid of learning rates with sieve-train, keeps the run that
// ranks the held-back posts best among those that did not forget the base sources (replayed posts kept out of
// training), and reports the held-back metrics before and after. `sieve adapt --suggest N`
// (suggest_command.cpp) picks the posts to label first.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>

#include "adapt_command.h"
#include "file_io.h"
#include "sieve/adapt/base_training.h"
#include "sieve/analysis/adaptation_checks.h"
#include "sieve/analysis/model_labels.h"
#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"
#include "sieve/datasets/adaptation_plan.h"
#include "sieve/datasets/prepare.h"
#include "sieve/datasets/record_reader.h"
#include "sieve/datasets/replay_sample.h"
#include "sieve/report/before_after.h"
#include "trainer_process.h"
#include "validators.h"

namespace sieve::cli {
namespace {

namespace fs = std::filesystem;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The schema of the adapted model: the base model's heads, then each asked-for head it lacks (binary).
datasets::LabelSchema adapted_schema(const infer::Model& base, const std::vector<std::string>& heads) {
  datasets::LabelSchema schema = analysis::label_schema_of(base);
  for (const std::string& name : heads) {
    if (schema.index_of(name) < 0) schema.heads.push_back({name, {}});
  }
  schema.validate();
  return schema;
}

// The heads to adapt: those asked for, or else every head the posts label; each must hold both classes.
std::vector<std::size_t> heads_to_adapt(const datasets::LabelSchema& schema, const AdaptOptions& options,
                                        const std::vector<datasets::Record>& records) {
  std::vector<std::size_t> heads;
  for (std::size_t h = 0; h < schema.heads.size(); ++h) {
    const bool asked =
        std::find(options.heads.begin(), options.heads.end(), schema.heads[h].name) != options.heads.end();
    std::size_t counts[2] = {0, 0};
    for (const datasets::Record& r : records) {
      if (r.labels[h] == 0 || r.labels[h] == 1) ++counts[r.labels[h]];
    }
    if (!asked && (!options.heads.empty() || counts[0] + counts[1] == 0)) continue;
    if (!schema.heads[h].binary()) {
      throw Error(ErrorKind::kConfig, "--head " + schema.heads[h].name, "adapt trains binary heads only");
    }
    if (counts[0] == 0 || counts[1] == 0) {
      throw Error(ErrorKind::kInvalidInput, options.labelled,
                  "head '" + schema.heads[h].name + "' needs posts of both classes, got " +
                      std::to_string(counts[1]) + " labelled 1 and " + std::to_string(counts[0]) +
                      " labelled 0");
    }
    heads.push_back(h);
  }
  if (heads.empty()) {
    throw Error(ErrorKind::kInvalidInput, options.labelled,
                "no post carries a label of the base model's heads; name a new head with --head");
  }
  return heads;
}

void write_jsonl(const std::vector<datasets::Record>& records, const datasets::LabelSchema& schema,
                 const std::string& path) {
  OutputSink out(path);
  for (const datasets::Record& record : records) {
    datasets::append_jsonl(record, schema, out.text());
    out.text() += '\n';
  }
  out.close();
}

infer::BeforeAfterReport compare(const std::vector<datasets::Record>& held_back,
                                 const datasets::LabelSchema& schema, const std::vector<std::size_t>& heads,
                                 const std::vector<std::vector<double>>& before,
                                 const std::vector<std::vector<double>>& after) {
  std::vector<std::string> names;
  for (std::size_t h : heads) names.push_back(schema.heads[h].name);
  infer::BeforeAfterReport report(names);
  for (std::size_t i = 0; i < held_back.size(); ++i) {
    std::vector<std::int8_t> labels;
    std::vector<double> b, a;
    for (std::size_t h : heads) {
      labels.push_back(held_back[i].labels[h]);
      b.push_back(before[i][h]);
      a.push_back(after[i][h]);
    }
    report.add(held_back[i].lang, labels, b, a);
  }
  return report;
}

// Replayed posts kept out of training to see what an adaptation forgot, and the largest drop of a head's
// within-source ROC-AUC on them that a run may cause and still be kept.
constexpr std::size_t kCheckPosts = 5000;
constexpr double kMaxForgetting = 0.01;
// Replayed posts per labelled post, unless --replay-posts says otherwise: three in four posts of a batch
// are the base data's.
constexpr std::size_t kReplayPerPost = 3;

// The chosen run's model with the base model's out-of-domain statistics: the run counted its features on
// the campaign's posts and a replayed sample, the base model on the whole of its training data.
void write_adapted_model(const std::string& run_model, const infer::ModelFile& base, const std::string& out) {
  const infer::ModelFile adapted = infer::ModelFile::open(run_model);
  infer::ModelFileWriter writer;
  for (const auto& [key, value] : adapted.metadata()) {
    if (key != "ood") writer.set_metadata(key, value);
  }
  writer.add_tensors_of(adapted, [](const infer::Tensor& t) { return t.name != "ood.rarity"; });
  if (base.metadata().count("ood") > 0) {
    writer.set_metadata("ood", base.metadata("ood"));
    writer.add_tensors_of(base, [](const infer::Tensor& t) { return t.name == "ood.rarity"; });
  }
  writer.write(out);
}

// Campaign models' stacking and gates were fitted to the network's logits, which fine-tuning changes.
void refuse_campaign_models(const infer::Model& base) {
  if (base.campaigns().empty()) return;
  throw Error(ErrorKind::kConfig, base.file().path(),
              "holds campaign models (sieve campaigns): fine-tune the model without them, then add them "
              "again with sieve adapt");
}

// One training run of the grid, as it ended.
struct RunResult {
  datasets::AdaptationRun run;
  std::string dir;
  double held_back_roc_auc = std::nan("");
  std::optional<infer::BeforeAfterReport> held_back;  // the base model and this run on the held-back posts
  double forgetting = 0;        // the largest drop of a head's within-source ROC-AUC on the check posts
  std::string forgetting_head;  // whose
  double seconds = 0;
};

// The run to keep: the best held-back ROC-AUC among the runs that forgot at most kMaxForgetting, or, when
// every run forgot more, the one that forgot least.
std::size_t choose_run(const std::vector<RunResult>& runs) {
  std::size_t chosen = runs.size();
  for (std::size_t k = 0; k < runs.size(); ++k) {
    if (runs[k].forgetting > kMaxForgetting) continue;
    const bool better =
        chosen == runs.size() || runs[k].held_back_roc_auc > runs[chosen].held_back_roc_auc ||
        (std::isnan(runs[chosen].held_back_roc_auc) && !std::isnan(runs[k].held_back_roc_auc));
    if (better) chosen = k;
  }
  if (chosen < runs.size()) return chosen;
  chosen = 0;
  for (std::size_t k = 1; k < runs.size(); ++k) {
    if (runs[k].forgetting < runs[chosen].forgetting) chosen = k;
  }
  return chosen;
}

std::string format_auc(double x) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.4f", x);
  return std::isnan(x) ? "-" : buffer;
}

// What every run of the grid shares: the options, the work folder, the posts it is judged on.
struct GridContext {
  const AdaptOptions& options;
  const std::string& work;
  const std::string& toml;  // the base model's training settings ("" when it has none)
  const datasets::LabelSchema& schema;
  const std::vector<std::size_t>& heads;  // adapted
  const std::vector<datasets::Record>& held_back;
  const std::vector<std::vector<double>>& before;  // the base model's probabilities of the held-back posts
  const datasets::ReplayCheckPosts& check;
  const std::map<std::string, double>& base_check;  // the base model's ROC-AUCs on the check posts
};

// Run k of the grid: sieve-train from the base weights, then the adapted model scored on the held-back and
// the check posts.
RunResult train_run(const GridContext& g, const datasets::AdaptationSchedule& schedule, std::size_t k) {
  RunResult result;
  result.run = schedule.grid[k];
  result.dir = g.work + "/run-" + std::to_string(k + 1);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> args = {"--train", g.work + "/shards-train",
                                   "--dev",   g.work + "/shards-held-back",
                                   "-o",      result.dir,
                                   "--init",  g.options.base};
  if (!g.toml.empty()) args.insert(args.end(), {"-c", g.work + "/base.toml"});
  std::vector<std::string> sets = schedule.trainer_settings(result.run);
  // The base model's left-out sources and source weights name its own training data, which the campaign's
  // posts (and the replay sample) need not hold: a weight of a source missing here would be an error.
  sets.push_back("train.exclude_sources=[]");
  sets.push_back("train.source_weight={}");
  sets.push_back("train.threads=" + std::to_string(g.options.threads));
  sets.push_back("train.seed=" + std::to_string(g.options.seed));
  for (const std::string& set : sets) args.insert(args.end(), {"--set", set});
  if (g.options.heads_only) {
    std::string names;
    for (const std::size_t h : g.heads) names += (names.empty() ? "" : ",") + g.schema.heads[h].name;
    args.insert(args.end(), {"--train-heads", names});
  }
  const std::string log = result.dir + ".log";
  if (const int code = run_trainer_logged(args, log); code != 0) {
    throw Error(ErrorKind::kInvalidInput, log,
                "sieve-train failed (exit " + std::to_string(code) + "); its output is there");
  }
  auto adapted = infer::Model::load(result.dir + "/model.sieve");
  result.held_back =
      compare(g.held_back, g.schema, g.heads, g.before,
              analysis::head_probabilities(*adapted, g.schema, g.held_back, g.options.threads));
  result.held_back_roc_auc = result.held_back->mean_roc_auc_after();
  result.forgetting = analysis::largest_drop(
      g.base_check, analysis::check_roc_aucs(*adapted, g.schema, g.check), result.forgetting_head);
  result.seconds = seconds_since(start);
  std::cerr << "sieve: adapt: run " << k + 1 << "/" << schedule.grid.size() << " (learning rate "
            << result.run.describe() << "): held-back ROC-AUC " << format_auc(result.held_back_roc_auc);
  if (!g.base_check.empty()) {
    std::cerr << ", within-source ROC-AUC on the base sources down by at most "
              << format_auc(result.forgetting)
              << (result.forgetting_head.empty() ? "" : " (" + result.forgetting_head + ")");
  }
  std::cerr << " in " << static_cast<int>(result.seconds) << " s\n";
  return result;
}

std::string report_json(const AdaptOptions& options, const std::string& base_settings,
                        const datasets::HeldBackSplit& split, std::size_t replayed,
                        const datasets::AdaptationSchedule& schedule, const std::vector<RunResult>& runs,
                        std::size_t chosen, const infer::BeforeAfterReport& comparison, double seconds) {
  JsonWriter w;
  w.begin_object().key("base").value(options.base).key("labelled").value(options.labelled);
  w.key("adapted").value(options.out).key("base_settings").value(base_settings);
  w.key("posts").begin_object().key("train").value(static_cast<std::uint64_t>(split.train.size()));
  w.key("held_back").value(static_cast<std::uint64_t>(split.held_back.size()));
  w.key("replayed").value(static_cast<std::uint64_t>(replayed)).end_object();
  w.key("schedule").begin_object().key("batch_size").value(static_cast<std::uint64_t>(schedule.batch_size));
  w.key("epochs").value(static_cast<std::uint64_t>(schedule.epochs));
  w.key("steps_per_epoch").value(static_cast<std::uint64_t>(schedule.steps_per_epoch));
  w.key("warmup_steps").value(static_cast<std::uint64_t>(schedule.warmup_steps));
  w.key("patience").value(static_cast<std::uint64_t>(schedule.patience));
  w.key("heads_only").value(options.heads_only).end_object();
  w.key("runs").begin_array();
  for (const RunResult& r : runs) {
    w.begin_object().key("lr").value(r.run.lr).key("embedding_lr").value(r.run.embedding_lr);
    w.key("held_back_roc_auc").value(r.held_back_roc_auc);  // null when undefined
    w.key("forgetting").value(r.forgetting).key("forgetting_head").value(r.forgetting_head);
    w.key("seconds").value(r.seconds).end_object();
  }
  w.end_array();
  w.key("max_forgetting").value(kMaxForgetting);
  w.key("chosen").value(static_cast<std::uint64_t>(chosen));
  w.key("held_back").raw(comparison.to_json());
  w.key("seconds").value(seconds);
  w.end_object();
  return w.take();
}

// The folder of the training runs: removed when the command ends, done or failed, unless kept.
class WorkFolder {
 public:
  WorkFolder(std::string path, bool keep) : path_(std::move(path)), keep_(keep) {
    fs::create_directories(path_);
  }
  ~WorkFolder() {
    std::error_code ignored;
    if (!keep_) fs::remove_all(path_, ignored);
  }
  WorkFolder(const WorkFolder&) = delete;
  WorkFolder& operator=(const WorkFolder&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool keep_;
};

}  // namespace

int run_fine_tune(const AdaptOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  auto base = infer::Model::load(options.base);
  refuse_campaign_models(*base);
  datasets::ReaderConfig config = resolve(options.reader);
  config.schema = adapted_schema(*base, options.heads);
  datasets::ReadStats stats;
  std::vector<datasets::Record> records = datasets::read_records({options.labelled}, config, &stats);
  const std::vector<std::size_t> heads = heads_to_adapt(config.schema, options, records);
  datasets::HeldBackSplit split =
      datasets::hold_back_by_group(std::move(records), options.held_back_share, options.seed);
  if (split.held_back.empty()) {
    throw Error(ErrorKind::kInvalidInput, options.labelled,
                "no group could be held back without taking most of a label's posts: give more groups");
  }
  std::cerr << "sieve: adapt: " << split.train.size() << " posts to train on, " << split.held_back.size()
            << " held back by group"
            << (stats.rejected ? ", " + std::to_string(stats.rejected) + " rows rejected" : "") << "\n";

  const WorkFolder folder(options.work.empty() ? options.out + ".work" : options.work, options.keep_work);
  const std::string& work = folder.path();
  write_jsonl(split.train, config.schema, work + "/train.jsonl");
  write_jsonl(split.held_back, config.schema, work + "/held_back.jsonl");
  datasets::ReaderConfig corpus;  // the files just written are in the corpus format
  corpus.schema = config.schema;
  datasets::PrepareOptions prepare;
  prepare.threads = options.threads;
  datasets::PrepareSummary train_summary = datasets::prepare_shards(
      {work + "/train.jsonl"}, corpus, base->featurizer(), work + "/shards-train", prepare);
  datasets::prepare_shards({work + "/held_back.jsonl"}, corpus, base->featurizer(),
                           work + "/shards-held-back", prepare);
  // The base model's own training settings, so the adaptation trains the same network the same way.
  const std::string toml = adapt::training_config_toml(*base);
  if (!toml.empty()) std::ofstream(work + "/base.toml") << toml;
  datasets::ReplaySample replay;
  if (!options.replay.empty()) {
    const std::size_t want =
        options.replay_posts > 0 ? options.replay_posts : kReplayPerPost * split.train.size();
    replay = datasets::add_replay_sample(options.replay, want, kCheckPosts, options.seed,
                                         adapt::excluded_sources(*base), base->featurizer(), corpus,
                                         work + "/shards-train", train_summary);
    std::cerr << "sieve: adapt: replaying " << replay.replayed << " posts of " << options.replay << "; "
              << replay.check.size() << " more check what the other heads forget\n";
  }
  const std::size_t replayed = replay.replayed;
  const std::map<std::string, double> base_check =
      analysis::check_roc_aucs(*base, config.schema, replay.check);
  const datasets::AdaptationSchedule schedule =
      datasets::choose_schedule(split.train.size(), replayed, options.heads_only);
  std::cerr << "sieve: adapt: " << schedule.describe() << "\n";

  const auto before = analysis::head_probabilities(*base, config.schema, split.held_back, options.threads);
  const GridContext grid{options,         work,   toml,         config.schema, heads,
                         split.held_back, before, replay.check, base_check};
  std::vector<RunResult> runs;
  for (std::size_t k = 0; k < schedule.grid.size(); ++k) {
    runs.push_back(train_run(grid, schedule, k));
  }
  const std::size_t chosen = choose_run(runs);
  if (runs[chosen].forgetting > kMaxForgetting) {
    std::cerr << "sieve: adapt: warning: every run lowered another head's ROC-AUC by more than "
              << kMaxForgetting
              << "; kept the one that forgot least (replay more posts with --replay-posts)\n";
  }
  write_adapted_model(runs[chosen].dir + "/model.sieve", base->file(), options.out);
  const infer::BeforeAfterReport& comparison = *runs[chosen].held_back;
  const std::string report_path = options.report.empty() ? options.out + ".json" : options.report;
  OutputSink report(report_path);
  report.text() =
      report_json(options, toml, split, replayed, schedule, runs, chosen, comparison, seconds_since(start)) +
      "\n";
  report.close();
  std::cout << comparison.to_text();
  std::cerr << "sieve: adapt: kept run " << chosen + 1 << "; wrote " << options.out << " and " << report_path
            << " in " << static_cast<int>(seconds_since(start)) << " s\n";
  return stats.rejected > 0 ? 2 : 0;
}

}  // namespace sieve::cli
