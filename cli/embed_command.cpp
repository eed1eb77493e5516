// sieve embed train: pretrained rows of the feature table, learned from unlabelled native text, for
// sieve-train's train.init_embeddings (docs/pretraining.md).

#include <iostream>
#include <memory>

#include "command.h"
#include "run_config.h"
#include "sieve/core/progress.h"
#include "sieve/datasets/embedding_trainer.h"

namespace sieve::cli {
namespace {

struct EmbedTrainOptions {
  std::vector<std::string> native;
  std::string tokenizer;
  std::string out;
  RunConfigSource config;
  datasets::EmbeddingTrainerOptions training;
};

int run_embed_train(const EmbedTrainOptions& options) {
  options.training.validate();
  // The rows are those of the shards that `sieve data prepare -t` makes with the same run file: the same
  // normalizer and hashing. The dense values (style, fluency) take no rows, so they are left out here.
  const PrepareConfig config = load_prepare_config(options.config);
  tokenizer::FeaturizerSettings settings = config.featurizer;
  settings.style = settings.fluency = settings.fluency_statistics = false;
  const tokenizer::Featurizer featurizer(tokenizer::Normalizer(config.normalizer),
                                         tokenizer::SubwordModel::load(options.tokenizer), settings);
  Progress progress("embed");
  datasets::NativeEmbeddingSummary summary;
  const datasets::EmbeddingTable table = datasets::train_native_embeddings(
      options.native, featurizer, options.training, summary,
      [&](std::size_t done, std::size_t total, double seconds) { progress.update(done, seconds, total); });
  progress.finish(summary.texts * static_cast<std::size_t>(options.training.epochs), summary.seconds);
  datasets::write_embedding_file(options.out, table);
  std::cerr << "sieve: learned " << table.identity.rows << " rows of width " << table.dim << " from "
            << summary.learned << " of " << summary.texts << " lines (" << summary.positions
            << " subword positions, " << summary.files << " files) in " << summary.seconds << " s; wrote "
            << options.out << "\n";
  if (summary.rejected == 0) return 0;
  std::cerr << "sieve: " << summary.rejected << " native lines rejected\n";
  return 2;
}

}  // namespace

std::vector<Command> add_embed_command(CLI::App& app) {
  CLI::App* embed = app.add_subcommand("embed", "Pretrained embeddings of the feature table");
  embed->require_subcommand(1);
  auto options = std::make_shared<EmbedTrainOptions>();
  datasets::EmbeddingTrainerOptions& t = options->training;
  CLI::App* train = embed->add_subcommand(
      "train", "Learn the table's rows from native text (skip-gram over subwords, fastText-style)");
  train
      ->add_option("--native", options->native,
                   "unlabelled text, files or folders (one text a line, or JSONL with text; .gz/.zst)")
      ->required();
  train
      ->add_option("-t,--tokenizer", options->tokenizer,
                   "the SentencePiece model the shards are prepared with")
      ->required();
  train->add_option("-o,--out", options->out, "the embeddings file, for --set train.init_embeddings=FILE")
      ->required();
  train->add_option("-c,--config", options->config.path,
                    "run TOML file: its [normalizer] and [featurizer] tables, as for 'sieve data prepare'");
  train->add_option("--set", options->config.overrides,
                    "override a config key, e.g. featurizer.hash_buckets=65536");
  train->add_option("--dim", t.dim, "row width: the run's model.dim (default " + std::to_string(t.dim) + ")");
  train->add_option("--window", t.window,
                    "subwords predicted on each side (default " + std::to_string(t.window) + ")");
  train->add_option("--negatives", t.negatives,
                    "negative samples (default " + std::to_string(t.negatives) + ")");
  train->add_option("--epochs", t.epochs, "passes over the text (default " + std::to_string(t.epochs) + ")");
  train->add_option("--lr", t.lr, "initial SGD rate, decayed to 0 (default " + std::to_string(t.lr) + ")");
  train->add_option("--subsample", t.subsample, "frequent-subword threshold t (0: off; default 1e-4)");
  train->add_option("--sample", t.sample, "share of the lines learned from (default 1: all)");
  train->add_option(
      "--max-word-ngrams", t.max_word_ngrams,
      "words with more character n-grams lend none (default " + std::to_string(t.max_word_ngrams) + ")");
  train->add_option("--seed", t.seed, "initial rows and random draws (default 1)");
  train->add_option("--threads", t.threads, "threads (default 0: all cores)");
  return {{train, [options] { return run_embed_train(*options); }}};
}

}  // namespace sieve::cli
