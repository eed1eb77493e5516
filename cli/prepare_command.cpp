// sieve data prepare | stats: turn users' files into shards for the trainer, and say what they hold.

#include <iostream>
#include <memory>

#include "command.h"
#include "file_io.h"
#include "reader_options.h"
#include "sieve/core/error.h"
#include "sieve/core/progress.h"
#include "sieve/datasets/dataset_stats.h"
#include "sieve/datasets/prepare.h"

namespace sieve::cli {
namespace {

struct PrepareCommandOptions {
  std::vector<std::string> inputs;
  std::string tokenizer;
  std::string fluency;  // a fluency model file: adds the fluency values
  bool style = false;   // adds the style values (also [featurizer] style = true)
  // Adds them in two blocks, Chinese posts and the others (also [featurizer] style_by_script = true)
  bool style_by_script = false;
  // With fluency: adds the statistics under the fluency model (also [featurizer] fluency_statistics = true)
  bool fluency_statistics = false;
  std::string out;
  ReaderOptions reader;
  datasets::PrepareOptions prepare;
};

int run_prepare(const PrepareCommandOptions& options) {
  const datasets::ReaderConfig reader_config = resolve(options.reader);
  const PrepareConfig config = load_prepare_config(options.reader.config);
  datasets::PrepareOptions prepare = options.prepare;
  prepare.records_per_shard = config.records_per_shard;
  tokenizer::FeaturizerSettings settings = config.featurizer;
  settings.style_by_script = settings.style_by_script || options.style_by_script;
  settings.style = settings.style || options.style || settings.style_by_script;
  std::shared_ptr<const tokenizer::FluencyModel> fluency;
  if (!options.fluency.empty()) {
    settings.fluency = true;
    fluency = std::make_shared<const tokenizer::FluencyModel>(tokenizer::FluencyModel::load(options.fluency));
    settings.fluency_statistics = settings.fluency_statistics || options.fluency_statistics;
  } else if (prepare.cross_fit) {
    throw Error(ErrorKind::kConfig, "--cross-fit", "needs --fluency");
  } else if (options.fluency_statistics) {
    throw Error(ErrorKind::kConfig, "--fluency-statistics", "needs --fluency");
  }
  const tokenizer::Featurizer featurizer(tokenizer::Normalizer(config.normalizer),
                                         tokenizer::SubwordModel::load(options.tokenizer), settings, fluency);
  Progress progress("prepare");
  const auto summary = datasets::prepare_shards(
      options.inputs, reader_config, featurizer, options.out, prepare,
      [&](std::size_t records, double seconds) { progress.update(records, seconds); });
  progress.finish(summary.records, summary.seconds);
  std::cerr << "sieve: wrote " << summary.records << " records in " << summary.shards.size() << " shards to "
            << options.out << " (" << summary.rejected << " rows rejected); see " << options.out
            << "/manifest.json\n";
  return summary.rejected > 0 ? 2 : 0;
}

struct StatsOptions {
  std::vector<std::string> inputs;
  ReaderOptions reader;
  bool json = false;
};

int run_stats(const StatsOptions& options) {
  const datasets::ReaderConfig config = resolve(options.reader);
  datasets::DatasetStats stats(config.schema);
  std::size_t rejected = 0;
  for (const auto& path : options.inputs) {
    datasets::RecordReader reader(path, config);
    for (datasets::Record record; reader.next(record);) stats.add(record);
    rejected += reader.stats().rejected;
  }
  OutputSink out;
  out.text() = options.json ? stats.to_json() + "\n" : stats.to_text();
  out.close();
  if (rejected > 0) std::cerr << "sieve: " << rejected << " rows rejected\n";
  return rejected > 0 ? 2 : 0;
}

}  // namespace

std::vector<Command> add_prepare_commands(CLI::App& data) {
  auto prepare = std::make_shared<PrepareCommandOptions>();
  CLI::App* prepare_command = data.add_subcommand("prepare", "Featurize records into shards for the trainer");
  prepare_command->add_option("inputs", prepare->inputs, "JSONL/CSV/TSV files (.gz, .zst)")->required();
  prepare_command
      ->add_option("-t,--tokenizer", prepare->tokenizer, "SentencePiece model from 'sieve tokenizer train'")
      ->required();
  prepare_command->add_option("-o,--out", prepare->out, "output folder")->required();
  prepare_command->add_option("--threads", prepare->prepare.threads,
                              "featurizing threads (default: all cores)");
  prepare_command->add_flag("--style", prepare->style,
                            "add the dense style values of each post (docs/training.md)");
  prepare_command->add_flag(
      "--style-by-script", prepare->style_by_script,
      "add the style values in two blocks, one for Chinese posts and one for the others "
      "(implies --style)");
  prepare_command->add_option("--fluency", prepare->fluency,
                              "add the dense fluency values under this model from 'sieve fluency train'");
  prepare_command->add_flag("--fluency-statistics", prepare->fluency_statistics,
                            "with --fluency, add the statistics of each post under the fluency model too "
                            "(surprisal spread, rank bounds, unseen n-grams, learner and machine contrasts)");
  prepare_command->add_flag("--cross-fit", prepare->prepare.cross_fit,
                            "with --fluency, for the training split: score each post with the half of the "
                            "fluency model that never saw its group");
  add_reader_options(*prepare_command, prepare->reader);

  auto stats = std::make_shared<StatsOptions>();
  CLI::App* stats_command = data.add_subcommand("stats", "Count records and labels per language and source");
  stats_command->add_option("inputs", stats->inputs, "JSONL/CSV/TSV files (.gz, .zst)")->required();
  stats_command->add_flag("--json", stats->json, "print JSON instead of tables");
  add_reader_options(*stats_command, stats->reader);

  return {{prepare_command, [prepare] { return run_prepare(*prepare); }},
          {stats_command, [stats] { return run_stats(*stats); }}};
}

}  // namespace sieve::cli
