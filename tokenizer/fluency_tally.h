#pragma once
// Private to tokenizer/: the per-token log-probabilities of a post under one KneserNeyModel, reduced as
// they arrive into what the fluency values and statistics report.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "kneser_ney.h"

namespace sieve::tokenizer::detail {

// Log-probabilities of a post's tokens under one model.
struct Tally {
  static constexpr double kFloor = -10.0;  // log10 probabilities are clamped to [kFloor, 0]
  // Quantiles are taken over the first kKept tokens: bounded work, and tweets are shorter.
  static constexpr std::uint32_t kKept = 256;
  // log10 of 1/2, 1/10, 1/100 and 1/1000. A token more probable than 1/k is among the k the model finds
  // most likely after its context (at most k tokens can each have more than 1/k), so the share of tokens
  // above each bound is a lower bound of GLTR's share of tokens ranked in the top 1, 10, 100 and 1,000:
  // the hashed tables cannot list a context's continuations, which exact ranks would need.
  static constexpr std::array<double, 4> kRankBounds = {-0.30103, -1.0, -2.0, -3.0};

  double sum = 0, sum_squares = 0, min = 0;
  std::uint32_t tokens = 0;
  std::array<std::uint32_t, kMaxNgramOrder + 1> by_seen_order{};  // tokens per longest seen n-gram order
  std::array<std::uint32_t, kRankBounds.size()> above{};           // tokens more probable than each bound
  float kept[kKept];  // the first tokens' log-probabilities; left uninitialised, it costs nothing per post

  void add(const KneserNeyModel::TokenScore& score) {
    const double lp = std::max(score.log10_prob, kFloor);
    sum += lp;
    sum_squares += lp * lp;
    min = std::min(min, lp);
    if (tokens < kKept) kept[tokens] = static_cast<float>(lp);
    ++tokens;
    ++by_seen_order[static_cast<std::size_t>(score.seen_order)];
    for (std::size_t b = 0; b < kRankBounds.size(); ++b) above[b] += lp > kRankBounds[b];
  }
  double mean() const { return tokens > 0 ? sum / tokens : 0.0; }
  double standard_deviation() const {
    if (tokens == 0) return 0.0;
    const double m = mean();
    return std::sqrt(std::max(sum_squares / tokens - m * m, 0.0));
  }
  // The share of tokens whose longest n-gram seen in training is shorter than `order` (order 1: tokens never
  // seen at all).
  double unseen_rate(int order) const {
    std::uint32_t unseen = 0;
    for (int j = 0; j < order && j <= kMaxNgramOrder; ++j) unseen += by_seen_order[static_cast<std::size_t>(j)];
    return tokens > 0 ? static_cast<double>(unseen) / tokens : 0.0;
  }
  double share_above(std::size_t bound) const {
    return tokens > 0 ? static_cast<double>(above[bound]) / tokens : 0.0;
  }
  // The log-probability with a share numerator/denominator of the (kept) tokens below it. Reorders `kept`.
  double quantile(std::uint32_t numerator, std::uint32_t denominator) {
    const std::uint32_t n = std::min(tokens, kKept);
    if (n == 0) return 0.0;
    float* nth = kept + (n - 1) * numerator / denominator;
    std::nth_element(kept, nth, kept + n);
    return *nth;
  }
};

// Scores a token stream under one model, a batch of tokens at a time: add() per token, then finish().
class Scorer {
 public:
  explicit Scorer(const KneserNeyModel& model) : model_(model) { model_.start(state_); }
  void add(std::uint64_t token) {
    pending_[size_++] = token;
    if (size_ == KneserNeyModel::kBatch) flush();
  }
  Tally& finish() {
    add(kEndToken);
    flush();
    return tally_;
  }

 private:
  void flush() {
    KneserNeyModel::TokenScore scores[KneserNeyModel::kBatch];
    model_.next(state_, pending_, size_, scores);
    for (std::size_t i = 0; i < size_; ++i) tally_.add(scores[i]);
    size_ = 0;
  }

  const KneserNeyModel& model_;
  KneserNeyModel::State state_;
  std::uint64_t pending_[KneserNeyModel::kBatch];
  std::size_t size_ = 0;
  Tally tally_;
};

}  // namespace sieve::tokenizer::detail
