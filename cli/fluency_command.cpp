// sieve fluency train: the n-gram language models of native text behind the featurizer's fluency values.

#include <iostream>
#include <memory>

#include "command.h"
#include "file_io.h"
#include "reader_options.h"
#include "sieve/core/error.h"
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
  std::cerr << " (two halves by group); wrote " << options.out << " (" << bytes.size() / 1000000.0
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
                    "(0: no limit; default 16000000)");
  add_reader_options(*train, options->reader);
  return {{train, [options] { return run_fluency_train(*options); }}};
}

}  // namespace sieve::cli
