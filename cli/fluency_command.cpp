// sieve fluency train: the n-gram language models of native text behind the featurizer's fluency values.

#include <iostream>
#include <memory>

#include "command.h"
#include "file_io.h"
#include "reader_options.h"
#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"
#include "sieve/datasets/fluency_training.h"

namespace sieve::cli {
namespace {

struct FluencyTrainOptions {
  std::vector<std::string> inputs;
  std::string out;
  ReaderOptions reader;
  datasets::FluencyTrainingOptions training;
};

int run_fluency_train(const FluencyTrainOptions& options) {
  const datasets::ReaderConfig reader_config = resolve(options.reader);
  // The featurizer scores the text its normalizer writes: learn from exactly that text.
  const PrepareConfig config = load_prepare_config(options.reader.config);
  datasets::FluencyTrainingSummary summary;
  const tokenizer::FluencyModel model = datasets::train_fluency_model(
      options.inputs, reader_config, tokenizer::Normalizer(config.normalizer), options.training, summary);
  const std::string bytes = model.serialize();
  OutputSink out(options.out);
  out.text() = bytes;
  out.close();
  std::cerr << "sieve: learned from " << summary.native << " native posts of " << summary.records;
  if (!options.training.native.empty()) std::cerr << " and " << summary.native_texts << " native texts";
  std::cerr << ", contrasted with " << summary.learner << " learner and " << summary.machine
            << " machine posts (two halves by group); wrote " << options.out << " (" << bytes.size() / 1000000.0
            << " MB)\n";
  if (summary.pruned > 0) {
    std::cerr << "sieve: " << summary.pruned << " rarely seen n-grams dropped to stay within --max-ngrams "
              << options.training.model.max_ngrams << "\n";
  }
  if (summary.rejected + summary.native_rejected == 0) return 0;
  if (summary.rejected > 0) std::cerr << "sieve: " << summary.rejected << " rows rejected\n";
  if (summary.native_rejected > 0)
    std::cerr << "sieve: " << summary.native_rejected << " native lines rejected\n";
  return 2;
}

struct FluencyScoreOptions {
  std::vector<std::string> inputs;
  std::string model;
  std::string out = "-";
  ReaderOptions reader;
};

// One JSON line per post: its id, the language whose models scored it, and its fluency values and
// statistics as serving computes them (fold 0), for looking at the signal apart from any classifier.
int run_fluency_score(const FluencyScoreOptions& options) {
  const datasets::ReaderConfig reader_config = resolve(options.reader);
  const tokenizer::Normalizer normalizer(load_prepare_config(options.reader.config).normalizer);
  const tokenizer::FluencyModel model = tokenizer::FluencyModel::load(options.model);
  OutputSink out(options.out);
  std::size_t rejected = 0;
  float values[tokenizer::kFluencyFeatureCount];
  float statistics[tokenizer::kFluencyStatisticCount];
  for (const std::string& path : options.inputs) {
    datasets::RecordReader reader(path, reader_config);
    for (datasets::Record record; reader.next(record);) {
      const int lang = model.score(normalizer.normalize(record.text), record.lang, 0, values, statistics);
      JsonWriter json;
      json.begin_object()
          .key("id")
          .value(record.id)
          .key("scored_as")
          .value(tokenizer::fluency_language_name(lang));
      for (std::size_t i = 0; i < tokenizer::kFluencyFeatureCount; ++i)
        json.key(tokenizer::fluency_feature_name(i)).value(static_cast<double>(values[i]));
      for (std::size_t i = 0; i < tokenizer::kFluencyStatisticCount; ++i)
        json.key(tokenizer::fluency_statistic_name(i)).value(static_cast<double>(statistics[i]));
      out.text() += json.end_object().str();
      out.text() += '\n';
      out.maybe_flush();
    }
    rejected += reader.stats().rejected;
  }
  out.close();
  if (rejected == 0) return 0;
  std::cerr << "sieve: " << rejected << " rows rejected\n";
  return 2;
}

}  // namespace

std::vector<Command> add_fluency_commands(CLI::App& app) {
  CLI::App* fluency = app.add_subcommand("fluency", "Language models of native text for the fluency values");
  fluency->require_subcommand(1);
  auto options = std::make_shared<FluencyTrainOptions>();
  CLI::App* train = fluency->add_subcommand(
      "train", "Learn word and character n-gram models of the native posts of labelled files");
  train->add_option("inputs", options->inputs, "labelled posts (JSONL, CSV, TSV; .gz/.zst)")->required();
  train->add_option("-o,--out", options->out, "the fluency model file, for 'sieve data prepare --fluency'")
      ->required();
  train
      ->add_option("--native-heads", options->training.native_heads,
                   "a post is native when none of these heads is 1 and one is 0 "
                   "(default: nonnative machine coordinated)")
      ->delimiter(',');
  train->add_option("--learner-head", options->training.learner_head,
                    "the contrast models of learner text learn from the posts this head marks 1 (default "
                    "nonnative; \"\": none)");
  train->add_option("--machine-head", options->training.machine_head,
                    "the contrast models of machine text learn from the posts this head marks 1 (default "
                    "machine; \"\": none)");
  train->add_option("--word-order", options->training.model.word_order, "word n-gram order (default 3)");
  train->add_option("--char-order", options->training.model.char_order, "character n-gram order (default 5)");
  train->add_option("--buckets-log2", options->training.model.buckets_log2,
                    "at most 2^N n-grams per order, language and half (default 20)");
  train->add_option("--native", options->training.native,
                    "unlabelled native text, a file or folder (one text a line, or JSONL with text and lang; "
                    ".gz/.zst), learned from beside the inputs; repeatable");
  train->add_option("--native-lang", options->training.native_lang,
                    "the language (en, fr, zh) of --native files whose name does not start with it");
  train->add_option("--max-ngrams", options->training.model.max_ngrams,
                    "at most this many distinct n-grams while counting, rarest dropped beyond it "
                    "(0: no limit; default " + std::to_string(tokenizer::FluencyOptions().max_ngrams) + ")");
  add_reader_options(*train, options->reader);

  auto score_options = std::make_shared<FluencyScoreOptions>();
  CLI::App* score = fluency->add_subcommand("score", "The fluency values and statistics of each post, one JSON line a post");
  score->add_option("inputs", score_options->inputs, "posts (JSONL, CSV, TSV; .gz/.zst)")->required();
  score->add_option("-m,--model", score_options->model, "a fluency model file (sieve fluency train)")
      ->required();
  score->add_option("-o,--out", score_options->out, "output JSONL (default: standard output)");
  add_reader_options(*score, score_options->reader);
  return {{train, [options] { return run_fluency_train(*options); }},
          {score, [score_options] { return run_fluency_score(*score_options); }}};
}

}  // namespace sieve::cli
