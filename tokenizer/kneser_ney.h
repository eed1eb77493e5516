#pragma once
// Private to tokenizer/: an interpolated Kneser-Ney n-gram model over hashed n-gram keys, the engine of
// FluencyModel (one model per language, fold and kind of token), and the little-endian byte helpers of its
// file format.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sieve::tokenizer::detail {

class ByteReader;

inline constexpr int kMaxNgramOrder = 8;

// Token ids of the sentence markers. Word ids are hashes of the word's bytes and character ids are code
// points, so neither can be these (the normalizer removes control characters).
inline constexpr std::uint64_t kBeginToken = 0x02;
inline constexpr std::uint64_t kEndToken = 0x03;

// The key of the empty n-gram. The key of an n-gram is the key of its first n-1 tokens extended by its last
// token, so the keys of the 1..N-grams ending at a token follow from those ending at the token before.
inline constexpr std::uint64_t kRootKey = 0;
std::uint64_t extend_key(std::uint64_t prefix_key, std::uint64_t token);  // never kRootKey

// What a model knows of one n-gram g of length j (in the table of order j).
struct NgramEntry {
  std::uint32_t fingerprint = 0;    // high half of g's key (0 marks an empty slot)
  std::uint32_t count = 0;          // j = N: occurrences of g; j < N: distinct tokens seen before g
  std::uint32_t context_total = 0;  // sum over w of the order-(j+1) count of g·w
  std::uint32_t context_types = 0;  // number of w with a non-zero order-(j+1) count of g·w
};

// The n-grams of one order: open addressing with linear probing over 2^k slots, at most 3/4 of them used,
// so a lookup is one or two cache lines and an absent key ends at an empty slot. Large tables sit on huge
// pages where the system allows it: lookups are random, and with 4 KiB pages nearly each one would also
// miss the TLB.
class NgramTable {
 public:
  static constexpr std::uint32_t kMaxLoadNumerator = 3;  // used slots <= 3/4 of the slots
  static constexpr std::uint32_t kMaxLoadDenominator = 4;

  NgramTable() : NgramTable(0) {}
  explicit NgramTable(unsigned log2_slots);

  unsigned log2_slots() const { return log2_slots_; }
  std::size_t size() const { return mask_ + 1; }
  std::size_t used() const;

  const NgramEntry* find(std::uint64_t key) const;
  // Asks the CPU to fetch the slot where key's lookup starts, so that several lookups' misses overlap.
  void prefetch(std::uint64_t key) const {
    __builtin_prefetch(&slots_[static_cast<std::size_t>(key) & mask_]);
  }
  // Adds an absent key (the caller checks) and returns its entry; the table must not be at its load limit.
  NgramEntry& insert(std::uint64_t key);

  void write(std::string& out) const;
  void read(ByteReader& in, unsigned max_log2_slots);

  // Releases slots from calloc, or from mmap when mapped_bytes > 0.
  struct Free {
    std::size_t mapped_bytes = 0;
    void operator()(NgramEntry* slots) const;
  };

 private:
  unsigned log2_slots_ = 0;
  std::size_t mask_ = 0;
  std::unique_ptr<NgramEntry[], Free> slots_;
};

// Interpolated Kneser-Ney with one absolute discount per order (D = n1 / (n1 + 2 n2) over that order's
// counts of counts), the highest order on raw counts and the lower ones on continuation counts, and the
// unigrams interpolated with a uniform distribution over the vocabulary seen plus one unknown token:
//   P_j(w | h) = (max(c_j(h·w) - D_j, 0) + D_j · N1+(h·) · P_{j-1}(w | h')) / c_j(h·),
// where h' drops the first token of h. A context that was never seen passes P_{j-1} through.
class KneserNeyModel {
 public:
  // The history of a sentence being scored: the keys and entries of the 0..N-1-grams ending at the last
  // token (0 is the empty context); an entry is null where the n-gram was not seen.
  struct State {
    std::array<const NgramEntry*, kMaxNgramOrder + 1> entries{};
    std::array<std::uint64_t, kMaxNgramOrder + 1> keys{};
  };
  // What next() saw of one token.
  struct TokenScore {
    double log10_prob = 0;
    bool unigram_seen = false;  // the token itself was in the training text
    bool top_seen = false;      // the whole N-gram ending at it was
    int seen_order = 0;         // the longest n-gram ending at it that was (0: not even the token)
  };

  KneserNeyModel() = default;
  KneserNeyModel(int order, std::vector<float> discounts, NgramEntry root, std::vector<NgramTable> tables);

  int order() const { return order_; }
  // Trained on no text: every token then has probability 1.
  bool empty() const { return root_.context_total == 0; }
  const std::vector<NgramTable>& tables() const { return tables_; }

  // Tokens scored per call of next(): their table slots are fetched together, so that the cache misses
  // (the tables are far larger than the caches) overlap instead of queueing.
  static constexpr std::size_t kBatch = 32;

  // The state after the N-1 start markers of a sentence.
  void start(State& state) const;
  // Scores tokens[0..n), n <= kBatch, after the state's history and moves the state past them.
  void next(State& state, const std::uint64_t* tokens, std::size_t n, TokenScore* scores) const;

  void write(std::string& out) const;
  std::size_t written_size() const;  // bytes write() appends
  // Reads what write() wrote, checking every field; throws Error(kFormat) through in.
  static KneserNeyModel read(ByteReader& in, int expected_order, unsigned max_log2_slots);

 private:
  TokenScore score(State& state, const std::uint64_t* keys) const;

  int order_ = 0;
  std::vector<float> discounts_;    // [j - 1]: D_j
  NgramEntry root_;                 // the empty context: context_total / context_types of the unigrams
  double uniform_ = 1.0;            // 1 / (unigram types + 1)
  std::vector<NgramTable> tables_;  // [j - 1]: the j-grams
};

// Little-endian writers and a bounds-checked reader whose errors name the input and the byte offset.
void put_u32(std::string& out, std::uint32_t value);
void put_u64(std::string& out, std::uint64_t value);
void put_f32(std::string& out, float value);

class ByteReader {
 public:
  ByteReader(std::string_view bytes, std::string where) : bytes_(bytes), where_(std::move(where)) {}

  std::uint32_t u32(const char* what);
  std::uint64_t u64(const char* what);
  float f32(const char* what);
  // The next size bytes, or Error(kFormat) naming what was to be read.
  const unsigned char* take(std::size_t size, const char* what);
  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return bytes_.size() - offset_; }

  // Throws Error(kFormat, where, "<message> (at byte <offset>)").
  [[noreturn]] void fail(const std::string& message) const;

 private:
  std::string_view bytes_;
  std::string where_;
  std::size_t offset_ = 0;
};

}  // namespace sieve::tokenizer::detail
