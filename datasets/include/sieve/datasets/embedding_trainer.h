#pragma once
// Pretraining the rows of the feature table on unlabelled text, fastText-style skip-gram with negative
// sampling. Every subword position of a text is a centre: its input vector is the mean of the table rows of
// its features, exactly the ids the Featurizer gives it (its subword id, the hashed bigram of it and the
// subword before it, the character n-grams of its word), and it learns to predict the subword ids around it
// (output vectors thrown away afterwards). Plain SGD, lock-free over oneTBB threads (Hogwild), as fastText
// and word2vec do: threads rarely touch the same row at once, and a lost update there costs nothing
// measurable. Torch-free; it needs the featurizer, so SentencePiece.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sieve/datasets/embedding_file.h"
#include "sieve/datasets/record_reader.h"
#include "sieve/tokenizer/featurizer.h"

namespace sieve::datasets {

struct EmbeddingTrainerOptions {
  int dim = 100;                // width of the rows: the run's model.dim
  int window = 5;               // a centre predicts up to this many subwords on each side (1..window, drawn)
  int negatives = 5;            // negative samples per predicted subword
  int epochs = 1;               // passes over the text
  double lr = 0.05;             // SGD rate at the start, decayed linearly to 0 over the whole run
  double subsample = 1e-4;      // a subword of frequency f is skipped with probability 1 - sqrt(t/f) - t/f
  int max_word_ngrams = 40;     // a word with more character n-grams (a run of Chinese, a long URL) gives its
                                // positions only their subword and bigram rows: its n-grams say little about
                                // one piece of it
  double sample = 1.0;          // share of the lines learned from, each line kept by its number and the seed
  std::size_t count_every = 8;  // subword frequencies are counted on every count_every-th line
  std::uint64_t seed = 1;       // initial rows, negative draws, the sample of lines
  int threads = 0;              // 0: all cores

  // Throws Error(kConfig, "embed.<field>") for a value out of range.
  void validate() const;
  std::string to_json() const;
};

// The identity of the table a featurizer indexes (embedding_file.h), so a file can be matched to shards.
TableIdentity table_identity(const tokenizer::Featurizer& featurizer);

class EmbeddingTrainer {
 public:
  // Rows start uniform in ±1/dim, as the bag model's table does, so rows no text reaches stay as a random
  // start would leave them.
  EmbeddingTrainer(const tokenizer::Featurizer& featurizer, const EmbeddingTrainerOptions& options);
  ~EmbeddingTrainer();

  // Adds the subword counts of texts: for the frequency subsampling and the negative samples. Call before
  // the first learn(); without counts every subword is as frequent as any other.
  void count(const std::vector<std::string>& texts);
  // One SGD pass over texts on all threads; the rate falls linearly from progress_begin to progress_end
  // (shares of the whole run, 0..1) across them.
  void learn(const std::vector<std::string>& texts, double progress_begin, double progress_end);

  std::uint64_t positions() const;  // centres learned from so far
  // The learned table (the input rows), with this note of how it was learned.
  EmbeddingTable table(const std::string& note_json) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

struct NativeEmbeddingSummary {
  std::size_t files = 0;
  std::size_t texts = 0;        // lines of text read (once per epoch)
  std::size_t learned = 0;      // of them, learned from (sample)
  std::uint64_t positions = 0;  // centres learned from
  std::size_t rejected = 0;     // bad lines, each reported
  double seconds = 0;
};

// Trains on every file of paths (NativeTextReader: one text a line, .zst/.gz), interleaved in proportion to
// their lines so that each file is learned from at every rate of the decay. Reads each file once to count
// its lines and subwords, then once per epoch; holds a batch of lines at a time. progress(lines done, lines
// in all, seconds) after each batch.
EmbeddingTable train_native_embeddings(const std::vector<std::string>& paths,
                                       const tokenizer::Featurizer& featurizer,
                                       const EmbeddingTrainerOptions& options,
                                       NativeEmbeddingSummary& summary,
                                       const std::function<void(std::size_t, std::size_t, double)>& progress,
                                       const RejectHandler& on_reject = print_rejected_row);

}  // namespace sieve::datasets
