// sieve tokenizer train | encode: learn the subword vocabulary, and show what the featurizer makes of posts.

#include <unistd.h>

#include <iostream>
#include <memory>
#include <random>

#include "command.h"
#include "file_io.h"
#include "normalizer_options.h"
#include "post_reader.h"
#include "sieve/core/json_writer.h"
#include "sieve/tokenizer/featurizer.h"
#include "validators.h"

namespace sieve::cli {
namespace {

struct TrainOptions {
  std::vector<std::string> inputs;
  bool jsonl = false;
  std::string field = "text";
  std::string out;
  tokenizer::SubwordTrainerOptions trainer;
  std::uint64_t seed = 1;
  NormalizerOptions normalizer;
};

// Keeps a uniform, seeded sample of at most `capacity` posts, so memory stays bounded on any input size.
class Reservoir {
 public:
  Reservoir(std::size_t capacity, std::uint64_t seed) : capacity_(capacity), rng_(seed) {}
  void offer(std::string&& text) {
    ++seen_;
    if (sample_.size() < capacity_) {
      sample_.push_back(std::move(text));
    } else if (const std::uint64_t slot = rng_() % seen_; slot < capacity_) {
      sample_[slot] = std::move(text);
    }
  }
  std::size_t seen() const { return seen_; }
  const std::vector<std::string>& sample() const { return sample_; }

 private:
  std::size_t capacity_;
  std::mt19937_64 rng_;
  std::size_t seen_ = 0;
  std::vector<std::string> sample_;
};

int run_train(const TrainOptions& options) {
  options.trainer.validate();
  const tokenizer::Normalizer normalizer(resolve(options.normalizer));
  const bool tty = isatty(STDERR_FILENO);
  Reservoir reservoir(options.trainer.max_sentences, options.seed);
  int exit_code = 0;
  for (const auto& path : options.inputs) {
    PostReader reader({path, options.jsonl, options.field});
    for (Post post; reader.next(post);) {
      reservoir.offer(normalizer.normalize(post.text));
      if (tty && reservoir.seen() % 100000 == 0)
        std::cerr << "\rsieve: read " << reservoir.seen() << " posts" << std::flush;
    }
    exit_code = std::max(exit_code, finish_input(reader));
  }
  if (tty) std::cerr << "\r";
  std::cerr << "sieve: training a unigram model of up to " << options.trainer.vocab_size << " pieces on "
            << reservoir.sample().size() << " of " << reservoir.seen() << " posts\n";
  const auto model = tokenizer::SubwordModel::train(reservoir.sample(), options.trainer);
  model.save(options.out);
  std::cerr << "sieve: wrote " << options.out << " (" << model.vocab_size() << " pieces)\n";
  return exit_code;
}

struct EncodeOptions {
  PostReaderOptions input;
  std::string model;
  std::string output = "pieces";
  bool features = false;
  tokenizer::FeaturizerSettings featurizer;
  NormalizerOptions normalizer;
};

void write_ids(std::string& out, const std::uint32_t* begin, const std::uint32_t* end) {
  for (const std::uint32_t* p = begin; p < end; ++p) {
    if (p != begin) out += ' ';
    out += std::to_string(*p);
  }
}

void write_json(JsonWriter& w, const Post& post, const std::string& normalized,
                const tokenizer::Featurizer& featurizer, const tokenizer::Features& f, bool with_features) {
  w.begin_object();
  if (!post.id_json.empty()) w.key("id").raw(post.id_json);
  w.key("normalized").value(normalized);
  w.key("pieces").begin_array();
  for (std::uint32_t i = 0; i < f.subword_count; ++i)
    w.value(featurizer.subwords().piece(static_cast<int>(f.ids[i])));
  w.end_array();
  w.key("ids").begin_array();
  for (std::uint32_t i = 0; i < f.subword_count; ++i) w.value(f.ids[i]);
  w.end_array();
  if (with_features) {
    w.key("features").begin_object();
    w.key("subwords")
        .value(f.subword_count)
        .key("bigrams")
        .value(f.bigram_count)
        .key("ngrams")
        .value(f.ngram_count());
    w.key("ids").begin_array();
    for (const auto id : f.ids) w.value(id);
    w.end_array();
    w.end_object();
  }
  w.end_object();
}

int run_encode(const EncodeOptions& options) {
  const tokenizer::Featurizer featurizer(tokenizer::Normalizer(resolve(options.normalizer)),
                                         tokenizer::SubwordModel::load(options.model), options.featurizer);
  PostReader reader(options.input);
  OutputSink out;
  tokenizer::FeaturizerWorkspace workspace;
  tokenizer::Features f;
  std::string normalized;
  for (Post post; reader.next(post);) {
    featurizer.featurize(post.text, f, workspace);
    const std::uint32_t* ids = f.ids.data();
    if (options.output == "ids") {
      write_ids(out.text(), ids, ids + (options.features ? f.ids.size() : f.subword_count));
    } else if (options.output == "pieces") {
      for (std::uint32_t i = 0; i < f.subword_count; ++i) {
        if (i) out.text() += ' ';
        out.text() += featurizer.subwords().piece(static_cast<int>(ids[i]));
      }
    } else {
      featurizer.normalizer().normalize(post.text, normalized);
      JsonWriter w;
      write_json(w, post, normalized, featurizer, f, options.features);
      out.text() += w.str();
    }
    out.text() += '\n';
    out.maybe_flush();
  }
  out.close();
  return finish_input(reader);
}

void add_input_options(CLI::App& command, bool& jsonl, std::string& field) {
  command.add_flag("--jsonl", jsonl, "input is JSON lines; the post is in --field");
  command.add_option("--field", field, "JSON field of the post text (default: text)");
}

}  // namespace

std::vector<Command> add_tokenizer_commands(CLI::App& app) {
  CLI::App* group = app.add_subcommand("tokenizer", "Train the subword vocabulary and inspect encodings");
  group->require_subcommand(1);

  auto train = std::make_shared<TrainOptions>();
  CLI::App* train_command =
      group->add_subcommand("train", "Train a SentencePiece unigram model on normalized posts");
  train_command->add_option("inputs", train->inputs, "files of posts, one per line ('-': standard input)")
      ->required();
  add_input_options(*train_command, train->jsonl, train->field);
  train_command->add_option("-o,--out", train->out, "where to write the model")->required();
  train_command->add_option("--vocab-size", train->trainer.vocab_size,
                            "pieces in the vocabulary (default 16000)");
  train_command->add_option("--character-coverage", train->trainer.character_coverage,
                            "share of characters with a piece of their own (default 0.9995)");
  train_command
      ->add_option("--max-sentences", train->trainer.max_sentences,
                   "posts sampled for training (default 1000000)")
      ->check(kNotNegative);
  train_command->add_option("--threads", train->trainer.threads, "trainer threads (default 2)");
  train_command->add_option("--seed", train->seed, "seed of the sample (default 1)")->check(kNotNegative);
  train_command->add_flag("--verbose", train->trainer.verbose, "show SentencePiece's own progress log");
  add_normalizer_options(*train_command, train->normalizer);

  auto encode = std::make_shared<EncodeOptions>();
  CLI::App* encode_command =
      group->add_subcommand("encode", "Print the subwords (and features) of each post");
  encode_command->add_option("input", encode->input.path,
                             "file of posts, one per line (default '-': standard input)");
  add_input_options(*encode_command, encode->input.jsonl, encode->input.field);
  encode_command->add_option("-m,--model", encode->model, "SentencePiece model from 'sieve tokenizer train'")
      ->required();
  encode_command->add_option("--output", encode->output, "pieces, ids or jsonl (default pieces)")
      ->check(CLI::IsMember({"pieces", "ids", "jsonl"}));
  encode_command->add_flag("--features", encode->features,
                           "with ids or jsonl: all feature ids, not only subwords");
  encode_command
      ->add_option("--hash-buckets", encode->featurizer.hash_buckets, "hashed feature rows (default 262144)")
      ->check(kNotNegative);
  encode_command->add_option("--ngram-min", encode->featurizer.char_ngram_min,
                             "shortest character n-gram (default 2)");
  encode_command->add_option("--ngram-max", encode->featurizer.char_ngram_max,
                             "longest character n-gram (default 4)");
  encode_command->add_option("--seed", encode->featurizer.seed, "hash seed")->check(kNotNegative);
  add_normalizer_options(*encode_command, encode->normalizer);

  return {{train_command, [train] { return run_train(*train); }},
          {encode_command, [encode] { return run_encode(*encode); }}};
}

}  // namespace sieve::cli
