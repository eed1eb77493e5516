#pragma once
// Private to tokenizer/: an interpolated Kneser-Ney n-gram model over hashed n-gram keys, the engine of
// FluencyModel (one model per language, fold and kind of token).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "byte_reader.h"
#include "ngram_table.h"

namespace sieve::tokenizer::detail {

inline constexpr int kMaxNgramOrder = 8;

// Token ids of the sentence markers. Word ids are hashes of the word's bytes and character ids are code
// points, so neither can be these (the normalizer removes control characters).
inline constexpr std::uint64_t kBeginToken = 0x02;
inline constexpr std::uint64_t kEndToken = 0x03;

// The key of the empty n-gram. The key of an n-gram is the key of its first n-1 tokens extended by its last
// token, so the keys of the 1..N-grams ending at a token follow from those ending at the token before.
inline constexpr std::uint64_t kRootKey = 0;
std::uint64_t extend_key(std::uint64_t prefix_key, std::uint64_t token);  // never kRootKey

// Interpolated Kneser-Ney with one absolute discount per order (D = n1 / (n1 + 2 n2) over that order's
// counts of counts), the highest order on raw counts and the lower ones on continuation counts, and the
// unigrams interpolated with a uniform distribution over the vocabulary seen plus one unknown token:
//   P_j(w | h) = (max(c_j(h·w) - D_j, 0) + D_j · N1+(h·) · P_{j-1}(w | h')) / c_j(h·),
// where h' drops the first token of h. A context that was never seen passes P_{j-1} through.
//
// The tables hold either the counts (NgramEntry: files of format 4 and older, scored as they always were)
// or, as every model built now, the two terms of that sum precomputed per n-gram and quantized
// (QuantizedEntry): P_j = prob(h·w) + backoff(h) · P_{j-1}, the same model to a factor 2^(1/4096) per term.
class KneserNeyModel {
 public:
  // The history of a sentence being scored: the keys and entries (NgramEntry or QuantizedEntry, as the
  // tables hold) of the 0..N-1-grams ending at the last token (0 is the empty context); an entry is null
  // where the n-gram was not seen.
  struct State {
    std::array<const void*, kMaxNgramOrder + 1> entries{};
    std::array<std::uint64_t, kMaxNgramOrder + 1> keys{};
  };
  // What next() saw of one token.
  struct TokenScore {
    double log10_prob = 0;
    bool unigram_seen = false;  // the token itself was in the training text
    bool top_seen = false;      // the whole N-gram ending at it was
    int seen_order = 0;         // the longest n-gram ending at it that was (0: not even the token)
  };
  using ExactTables = std::vector<NgramTable<NgramEntry>>;
  using QuantizedTables = std::vector<NgramTable<QuantizedEntry>>;

  KneserNeyModel() = default;
  KneserNeyModel(int order, std::vector<float> discounts, NgramEntry root, ExactTables tables);
  KneserNeyModel(int order, std::vector<float> discounts, NgramEntry root, QuantizedTables tables);

  int order() const { return order_; }
  // Trained on no text: every token then has probability 1.
  bool empty() const { return root_.context_total == 0; }
  bool quantized() const { return !quantized_.empty(); }
  const ExactTables& exact_tables() const { return exact_; }
  const QuantizedTables& quantized_tables() const { return quantized_; }

  // Tokens scored per call of next(): their table slots are fetched together, so that the cache misses
  // (the tables are far larger than the caches) overlap instead of queueing.
  static constexpr std::size_t kBatch = 32;

  // The state after the N-1 start markers of a sentence.
  void start(State& state) const;
  // Scores tokens[0..n), n <= kBatch, after the state's history and moves the state past them.
  void next(State& state, const std::uint64_t* tokens, std::size_t n, TokenScore* scores) const;

  // Format 4 for exact tables, 5 for quantized ones (kneser_ney_file.cpp). out holds the file from its
  // first byte: format 5 pads the tables to a multiple of 64 bytes from there.
  void write(std::string& out) const;
  std::size_t written_size() const;  // at most the bytes write() appends
  // Reads what write() wrote in format 4 (and 2, 3), checking every field; throws Error(kFormat) through in.
  static KneserNeyModel read_exact(ByteReader& in, int expected_order, unsigned max_log2_slots);
  // Reads format 5. With borrow, the tables that are 4-byte aligned in memory on a little-endian machine
  // point into in's bytes, which must then outlive the model; the others are copied.
  static KneserNeyModel read_quantized(ByteReader& in, int expected_order, unsigned max_log2_slots,
                                       bool borrow);

 private:
  template <typename Entry>
  void next_in(const std::vector<NgramTable<Entry>>& tables, State& state, const std::uint64_t* tokens,
               std::size_t n, TokenScore* scores) const;
  TokenScore score(State& state, const std::uint64_t* keys) const;
  TokenScore score_quantized(State& state, const std::uint64_t* keys) const;
  TokenScore finish(int seen_order, double p) const;

  int order_ = 0;
  std::vector<float> discounts_;  // [j - 1]: D_j
  NgramEntry root_;               // the empty context: context_total / context_types of the unigrams
  QuantizedEntry quantized_root_;  // the empty context's backoff, quantized as any other
  double uniform_ = 1.0;          // 1 / (unigram types + 1)
  ExactTables exact_;             // [j - 1]: the j-grams, when the tables hold counts
  QuantizedTables quantized_;     // [j - 1]: the j-grams, when they hold the quantized terms
};

}  // namespace sieve::tokenizer::detail
