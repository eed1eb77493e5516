#include "kneser_ney.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

// The project's hash (XXH3, as sieve::hash64), inlined: scoring extends several keys per character.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace sieve::tokenizer::detail {
namespace {

constexpr std::uint64_t kKeySeed = 0x6E6772616D6B6579ULL;  // "ngramkey"

// Log-probabilities are clamped here: a hashed model can meet a count above its context's total.
constexpr double kMinProb = 1e-10;
constexpr float kLog10OfE = 0.4342944819f;

}  // namespace

std::uint64_t extend_key(std::uint64_t prefix_key, std::uint64_t token) {
  unsigned char bytes[16];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<unsigned char>(prefix_key >> (8 * i));
    bytes[8 + i] = static_cast<unsigned char>(token >> (8 * i));
  }
  const std::uint64_t key = XXH3_64bits_withSeed(bytes, sizeof bytes, kKeySeed);
  return key == kRootKey ? 1 : key;
}

KneserNeyModel::KneserNeyModel(int order, std::vector<float> discounts, NgramEntry root, ExactTables tables)
    : order_(order),
      discounts_(std::move(discounts)),
      root_(root),
      uniform_(1.0 / (static_cast<double>(root.context_types) + 1.0)),
      exact_(std::move(tables)) {
  root_.fingerprint = 1;
}

KneserNeyModel::KneserNeyModel(int order, std::vector<float> discounts, NgramEntry root,
                               QuantizedTables tables)
    : order_(order),
      discounts_(std::move(discounts)),
      root_(root),
      uniform_(1.0 / (static_cast<double>(root.context_types) + 1.0)),
      quantized_(std::move(tables)) {
  root_.fingerprint = 1;
  quantized_root_.fingerprint = 1;
  quantized_root_.prob = kLogZero;
  quantized_root_.backoff =
      root.context_total == 0 || discounts_.empty()
          ? kLogNone
          : encode_backoff(static_cast<double>(discounts_[0]) * root.context_types / root.context_total);
}

void KneserNeyModel::start(State& state) const {
  state = State();
  state.entries[0] = quantized() ? static_cast<const void*>(&quantized_root_) : &root_;
  state.keys[0] = kRootKey;
  for (int j = 1; j < order_; ++j) {
    state.keys[j] = extend_key(state.keys[j - 1], kBeginToken);
    if (state.entries[j - 1] == nullptr) continue;
    state.entries[j] = quantized() ? static_cast<const void*>(quantized_[j - 1].find(state.keys[j]))
                                   : exact_[j - 1].find(state.keys[j]);
  }
}

void KneserNeyModel::next(State& state, const std::uint64_t* tokens, std::size_t n,
                          TokenScore* scores) const {
  if (quantized()) {
    next_in(quantized_, state, tokens, n, scores);
  } else {
    next_in(exact_, state, tokens, n, scores);
  }
}

template <typename Entry>
void KneserNeyModel::next_in(const std::vector<NgramTable<Entry>>& tables, State& state,
                             const std::uint64_t* tokens, std::size_t n, TokenScore* scores) const {
  std::uint64_t keys[kBatch][kMaxNgramOrder + 1];
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t* before = i == 0 ? state.keys.data() : keys[i - 1];
    keys[i][0] = kRootKey;
    for (int j = 1; j <= order_; ++j) {
      keys[i][j] = extend_key(before[j - 1], tokens[i]);
      tables[j - 1].prefetch(keys[i][j]);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if constexpr (std::is_same_v<Entry, QuantizedEntry>) {
      scores[i] = score_quantized(state, keys[i]);
    } else {
      scores[i] = score(state, keys[i]);
    }
  }
}

KneserNeyModel::TokenScore KneserNeyModel::score(State& state, const std::uint64_t* keys) const {
  // P_j = a_j + b_j P_{j-1}: a_j and b_j do not depend on P, so their divisions overlap and only a
  // multiply-add per order is left on the chain.
  std::array<const void*, kMaxNgramOrder + 1> found{};
  found[0] = &root_;
  double p = uniform_;
  bool shorter_seen = true;  // an n-gram is only in the tables if its suffixes are
  int seen_order = 0;
  for (int j = 1; j <= order_; ++j) {
    const auto* context = static_cast<const NgramEntry*>(state.entries[j - 1]);
    if (context == nullptr || context->context_total == 0) break;
    const NgramEntry* entry = shorter_seen ? exact_[j - 1].find(keys[j]) : nullptr;
    shorter_seen = entry != nullptr;
    found[j] = entry;
    if (entry != nullptr && entry->count > 0) seen_order = j;
    const double inverse_total = 1.0 / context->context_total;
    const double count = entry ? entry->count : 0.0;
    const double discount = discounts_[j - 1];
    p = std::max(count - discount, 0.0) * inverse_total +
        discount * context->context_types * inverse_total * p;
  }
  state.entries = found;
  std::copy(keys, keys + order_ + 1, state.keys.begin());
  return finish(seen_order, p);
}

KneserNeyModel::TokenScore KneserNeyModel::score_quantized(State& state, const std::uint64_t* keys) const {
  const LogDecoder& decode = LogDecoder::get();
  std::array<const void*, kMaxNgramOrder + 1> found{};
  found[0] = &quantized_root_;
  double p = uniform_;
  bool shorter_seen = true;
  int seen_order = 0;
  for (int j = 1; j <= order_; ++j) {
    const auto* context = static_cast<const QuantizedEntry*>(state.entries[j - 1]);
    if (context == nullptr || context->backoff == kLogNone) break;
    const QuantizedEntry* entry = shorter_seen ? quantized_[j - 1].find(keys[j]) : nullptr;
    shorter_seen = entry != nullptr;
    found[j] = entry;
    const bool seen = entry != nullptr && entry->prob != kLogZero;
    if (seen) seen_order = j;
    p = (seen ? decode(entry->prob) : 0.0) + static_cast<double>(decode(context->backoff)) * p;
  }
  state.entries = found;
  std::copy(keys, keys + order_ + 1, state.keys.begin());
  return finish(seen_order, p);
}

KneserNeyModel::TokenScore KneserNeyModel::finish(int seen_order, double p) const {
  // The n-gram ending at a token is only looked up where the shorter one was found, so the longest one
  // seen is the last one found with a count.
  TokenScore score;
  score.seen_order = seen_order;
  score.unigram_seen = seen_order >= 1;
  score.top_seen = seen_order == order_;
  // Single precision is plenty for a feature and twice as fast; log10f costs more than logf and a multiply.
  score.log10_prob = std::log(static_cast<float>(std::clamp(p, kMinProb, 1.0))) * kLog10OfE;
  return score;
}

}  // namespace sieve::tokenizer::detail
