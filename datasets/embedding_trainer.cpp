#include "sieve/datasets/embedding_trainer.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <cmath>

#include "sieve/core/error.h"
#include "sieve/core/hash.h"
#include "sieve/core/json_writer.h"

namespace sieve::datasets {
namespace {

// Entries of the table negative samples are drawn from: enough that a subword of frequency 1e-6 has some.
constexpr std::size_t kNegativeTable = std::size_t{1} << 22;
constexpr std::uint32_t kNoBigram = UINT32_MAX;
// The rate never falls below this share of its start, so the last lines still teach something.
constexpr double kMinRateShare = 1e-4;

void require(bool ok, const char* field, const std::string& message) {
  if (!ok) throw Error(ErrorKind::kConfig, std::string("embed.") + field, message);
}

// xorshift64*: fast, and seeded per line so that one thread gives the same table run after run.
struct Random {
  std::uint64_t state;
  explicit Random(std::uint64_t seed) : state(seed | 1) {}
  std::uint64_t next() {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

// A subword position of a text: its subword, the hashed bigram with the subword before it, and the range
// of its word's character n-grams in the line's n-gram list (empty for a word with too many).
struct Position {
  std::uint32_t subword;
  std::uint32_t bigram;
  std::uint32_t ngram_begin, ngram_end;
};

struct Scratch {
  tokenizer::FeaturizerWorkspace workspace;
  std::string normalized;
  std::vector<std::uint32_t> ngrams;
  std::vector<std::uint32_t> word_subwords, word_ngrams;
  std::vector<Position> positions;
  std::vector<std::uint32_t> features;
  std::vector<float> hidden, grad;
};

// Eight partial sums, so that the compiler can vectorise the loop without reordering one sum.
float dot(const float* a, const float* b, std::size_t n) {
  float partial[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::size_t d = 0;
  for (; d + 8 <= n; d += 8) {
    for (std::size_t j = 0; j < 8; ++j) partial[j] += a[d + j] * b[d + j];
  }
  float sum = 0;
  for (; d < n; ++d) sum += a[d] * b[d];
  for (const float p : partial) sum += p;
  return sum;
}

float sigmoid(float x) {
  if (x > 8) return 1;
  if (x < -8) return 0;
  return 1.0f / (1.0f + std::exp(-x));
}

}  // namespace

void EmbeddingTrainerOptions::validate() const {
  require(dim >= 1 && dim <= 4096, "dim", "must be between 1 and 4096");
  require(window >= 1 && window <= 100, "window", "must be between 1 and 100");
  require(negatives >= 1 && negatives <= 100, "negatives", "must be between 1 and 100");
  require(epochs >= 1 && epochs <= 1000, "epochs", "must be between 1 and 1000");
  require(lr > 0 && lr <= 10, "lr", "must be in (0, 10]");
  require(subsample >= 0 && subsample < 1, "subsample", "must be in [0, 1) (0: no subsampling)");
  require(max_word_ngrams >= 0, "max_word_ngrams", "must not be negative");
  require(sample > 0 && sample <= 1, "sample", "must be in (0, 1]");
  require(count_every >= 1, "count_every", "must be at least 1");
  require(threads >= 0 && threads <= 1024, "threads", "must be between 0 (all cores) and 1024");
}

std::string EmbeddingTrainerOptions::to_json() const {
  JsonWriter w;
  w.begin_object().key("dim").value(dim).key("window").value(window).key("negatives").value(negatives);
  w.key("epochs").value(epochs).key("lr").value(lr).key("subsample").value(subsample);
  w.key("max_word_ngrams").value(max_word_ngrams).key("sample").value(sample);
  w.key("count_every").value(static_cast<std::uint64_t>(count_every)).key("seed").value(seed);
  return w.end_object().str();
}

TableIdentity table_identity(const tokenizer::Featurizer& featurizer) {
  return TableIdentity::of_settings(
      static_cast<std::uint32_t>(featurizer.subwords().vocab_size()), featurizer.subwords().bytes(),
      featurizer.normalizer().settings().to_json(), featurizer.settings().to_json());
}

struct EmbeddingTrainer::State {
  const tokenizer::Featurizer& featurizer;
  EmbeddingTrainerOptions options;
  std::uint32_t rows, vocab;
  std::size_t dim;
  std::vector<float> input;           // rows × dim: the table being learned
  std::vector<float> output;          // vocab × dim: the subwords as predicted, thrown away at the end
  std::vector<std::uint64_t> counts;  // per subword, from count()
  std::vector<float> keep;            // per subword: probability of keeping a position of it
  std::vector<std::uint32_t> negative_table;
  std::atomic<std::uint64_t> positions{0};
  std::uint64_t lines = 0;  // lines given to learn() so far: each line's random numbers depend on its number
  tbb::enumerable_thread_specific<Scratch> scratch;
  tbb::task_arena arena;

  State(const tokenizer::Featurizer& f, const EmbeddingTrainerOptions& o)
      : featurizer(f),
        options(o),
        rows(f.table_size()),
        vocab(static_cast<std::uint32_t>(f.subwords().vocab_size())),
        dim(static_cast<std::size_t>(o.dim)),
        input(static_cast<std::size_t>(rows) * dim),
        output(static_cast<std::size_t>(vocab) * dim, 0.0f),
        counts(vocab, 0),
        arena(o.threads > 0 ? o.threads : tbb::task_arena::automatic) {}

  void split(std::string_view text, Scratch& s) const;
  void prepare_sampling();
  void learn_line(std::string_view text, float lr, Random& random, Scratch& s);
  void learn_centre(std::size_t centre, std::size_t first, std::size_t last, float lr, Random& random,
                    Scratch& s);
};

// The positions of a text, with their features as the Featurizer gives them.
void EmbeddingTrainer::State::split(std::string_view text, Scratch& s) const {
  featurizer.normalizer().normalize(text, s.normalized);
  s.positions.clear();
  s.ngrams.clear();
  const std::string_view normalized = s.normalized;
  const bool bigrams = featurizer.settings().subword_bigrams;
  const auto max_ngrams = static_cast<std::size_t>(options.max_word_ngrams);
  for (std::size_t begin = 0; begin < normalized.size();) {
    std::size_t end = normalized.find(' ', begin);
    if (end == std::string_view::npos) end = normalized.size();
    if (end > begin) {
      s.word_subwords.clear();
      s.word_ngrams.clear();
      featurizer.word_features(normalized.substr(begin, end - begin), s.word_subwords, s.word_ngrams,
                               s.workspace);
      const auto ngram_begin = static_cast<std::uint32_t>(s.ngrams.size());
      if (s.word_ngrams.size() <= max_ngrams)
        s.ngrams.insert(s.ngrams.end(), s.word_ngrams.begin(), s.word_ngrams.end());
      const auto ngram_end = static_cast<std::uint32_t>(s.ngrams.size());
      for (const std::uint32_t subword : s.word_subwords) {
        // Bigrams run across word boundaries, as the Featurizer's do.
        const std::uint32_t bigram = bigrams && !s.positions.empty()
                                         ? featurizer.bigram_id(s.positions.back().subword, subword)
                                         : kNoBigram;
        s.positions.push_back({subword, bigram, ngram_begin, ngram_end});
      }
    }
    begin = end + 1;
  }
}

// word2vec's subsampling of frequent subwords and fastText's negative table (counts to the power 0.5).
void EmbeddingTrainer::State::prepare_sampling() {
  std::uint64_t total = 0;
  for (const std::uint64_t c : counts) total += c;
  keep.assign(vocab, 1.0f);
  std::vector<double> weights(vocab, 1.0);
  if (total > 0) {
    const double t = options.subsample;
    for (std::uint32_t i = 0; i < vocab; ++i) {
      weights[i] = std::sqrt(static_cast<double>(counts[i]));
      if (t <= 0 || counts[i] == 0) continue;
      const double ratio = t * static_cast<double>(total) / static_cast<double>(counts[i]);
      keep[i] = static_cast<float>(std::min(1.0, std::sqrt(ratio) + ratio));
    }
  }
  double sum = 0;
  for (const double w : weights) sum += w;
  negative_table.clear();
  negative_table.reserve(kNegativeTable);
  double cumulative = 0;
  for (std::uint32_t i = 0; i < vocab && negative_table.size() < kNegativeTable; ++i) {
    cumulative += weights[i];
    const auto until = static_cast<std::size_t>(cumulative / sum * static_cast<double>(kNegativeTable));
    while (negative_table.size() < until && negative_table.size() < kNegativeTable)
      negative_table.push_back(i);
  }
  if (negative_table.empty()) negative_table.push_back(0);
}

void EmbeddingTrainer::State::learn_line(std::string_view text, float lr, Random& random, Scratch& s) {
  split(text, s);
  // Subsampling drops positions before the windows are drawn, so frequent subwords also widen the context.
  std::size_t kept = 0;
  for (const Position& p : s.positions) {
    if (keep[p.subword] >= 1.0f || random.uniform() < keep[p.subword]) s.positions[kept++] = p;
  }
  s.positions.resize(kept);
  const auto window = static_cast<std::uint64_t>(options.window);
  for (std::size_t i = 0; i < kept; ++i) {
    const Position& p = s.positions[i];
    s.features.assign(1, p.subword);
    if (p.bigram != kNoBigram) s.features.push_back(p.bigram);
    s.features.insert(s.features.end(), s.ngrams.begin() + p.ngram_begin, s.ngrams.begin() + p.ngram_end);
    const std::size_t reach = 1 + random.next() % window;
    learn_centre(i, i > reach ? i - reach : 0, std::min(kept, i + reach + 1), lr, random, s);
  }
  positions.fetch_add(kept, std::memory_order_relaxed);
}

// The skip-gram steps of one centre: its mean row against each subword of positions [first, last) but
// its own and against the negatives. The mean is taken once for all of them and every feature row of the
// centre gets the summed gradient: about three times cheaper than fastText's mean per context subword, and
// close to it, since one centre's steps move its mean little.
void EmbeddingTrainer::State::learn_centre(std::size_t centre, std::size_t first, std::size_t last, float lr,
                                           Random& random, Scratch& s) {
  float* hidden = s.hidden.data();
  float* grad = s.grad.data();
  std::fill(hidden, hidden + dim, 0.0f);
  std::fill(grad, grad + dim, 0.0f);
  for (const std::uint32_t f : s.features) {
    const float* row = input.data() + static_cast<std::size_t>(f) * dim;
    for (std::size_t d = 0; d < dim; ++d) hidden[d] += row[d];
  }
  const float inverse = 1.0f / static_cast<float>(s.features.size());
  for (std::size_t d = 0; d < dim; ++d) hidden[d] *= inverse;
  for (std::size_t c = first; c < last; ++c) {
    if (c == centre) continue;
    const std::uint32_t target = s.positions[c].subword;
    for (int k = 0; k <= options.negatives; ++k) {
      std::uint32_t id = target;
      if (k > 0) {
        id = negative_table[random.next() % negative_table.size()];
        if (id == target) continue;
      }
      float* out = output.data() + static_cast<std::size_t>(id) * dim;
      const float g = lr * ((k == 0 ? 1.0f : 0.0f) - sigmoid(dot(hidden, out, dim)));
      for (std::size_t d = 0; d < dim; ++d) {
        grad[d] += g * out[d];
        out[d] += g * hidden[d];
      }
    }
  }
  for (const std::uint32_t f : s.features) {
    float* row = input.data() + static_cast<std::size_t>(f) * dim;
    for (std::size_t d = 0; d < dim; ++d) row[d] += grad[d];
  }
}

EmbeddingTrainer::EmbeddingTrainer(const tokenizer::Featurizer& featurizer,
                                   const EmbeddingTrainerOptions& options) {
  options.validate();
  state_ = std::make_unique<State>(featurizer, options);
  Random random(hash_pair(0x9e3779b9u, 0, options.seed));
  const double bound = 1.0 / options.dim;
  for (float& v : state_->input) v = static_cast<float>((2 * random.uniform() - 1) * bound);
}

EmbeddingTrainer::~EmbeddingTrainer() = default;

void EmbeddingTrainer::count(const std::vector<std::string>& texts) {
  State& st = *state_;
  tbb::enumerable_thread_specific<std::vector<std::uint64_t>> local(std::vector<std::uint64_t>(st.vocab, 0));
  st.arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, texts.size(), 64), [&](const auto& range) {
      Scratch& s = st.scratch.local();
      std::vector<std::uint64_t>& counts = local.local();
      for (std::size_t i = range.begin(); i != range.end(); ++i) {
        st.split(texts[i], s);
        for (const Position& p : s.positions) ++counts[p.subword];
      }
    });
  });
  for (const auto& counts : local) {
    for (std::uint32_t i = 0; i < st.vocab; ++i) st.counts[i] += counts[i];
  }
  st.negative_table.clear();  // made again from the new counts by the next learn()
}

void EmbeddingTrainer::learn(const std::vector<std::string>& texts, double progress_begin,
                             double progress_end) {
  State& st = *state_;
  if (st.negative_table.empty()) st.prepare_sampling();
  const std::uint64_t first_line = st.lines;
  st.lines += texts.size();
  const double n = static_cast<double>(std::max<std::size_t>(texts.size(), 1));
  st.arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, texts.size(), 16), [&](const auto& range) {
      Scratch& s = st.scratch.local();
      s.hidden.resize(st.dim);
      s.grad.resize(st.dim);
      for (std::size_t i = range.begin(); i != range.end(); ++i) {
        const double progress = progress_begin + (progress_end - progress_begin) * static_cast<double>(i) / n;
        const double rate = st.options.lr * std::max(kMinRateShare, 1.0 - progress);
        Random random(hash_pair(static_cast<std::uint32_t>(first_line + i),
                                static_cast<std::uint32_t>((first_line + i) >> 32), st.options.seed));
        st.learn_line(texts[i], static_cast<float>(rate), random, s);
      }
    });
  });
}

std::uint64_t EmbeddingTrainer::positions() const { return state_->positions.load(); }

EmbeddingTable EmbeddingTrainer::table(const std::string& note_json) const {
  EmbeddingTable table;
  table.identity = table_identity(state_->featurizer);
  table.dim = static_cast<std::uint32_t>(state_->dim);
  table.note_json = note_json;
  table.rows = state_->input;
  return table;
}

}  // namespace sieve::datasets
