#pragma once
// Private to tokenizer/: exact n-gram counting for FluencyModel's training, and the step that turns the
// counts into a Kneser-Ney model of bounded size.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kneser_ney.h"

namespace sieve::tokenizer::detail {

// Counts every 1..N-gram of the sentences it is fed, by 64-bit key (collisions are negligible at this
// width), then builds a KneserNeyModel whose tables are sized to their n-grams, at most 2^max_log2_slots
// slots each; when an order has more n-grams than fit, the rarest are dropped (their probability then comes
// from the lower orders, as for an n-gram never seen). The tables hold the quantized terms of the
// probabilities, what every model is built with, or the exact counts (what files of format 4 held: tests
// compare the two).
class NgramCounter {
 public:
  explicit NgramCounter(int order);

  // Feed one sentence: begin(), add() per token, end() (which adds the end marker).
  void begin();
  void add(std::uint64_t token);
  void end() { add(kEndToken); }

  // The distinct n-grams held, all orders together.
  std::size_t held() const;
  // Drops the n-grams of order j seen at most max_raw times since they were last dropped (they are then as
  // if never seen: the continuation counts of their suffixes lose them too); returns how many.
  std::size_t prune(int j, std::uint32_t max_raw);

  enum class Tables { kQuantized, kExact };
  // Turns the counts into a model; the counter is spent afterwards (its records hold the derived counts).
  KneserNeyModel build(unsigned max_log2_slots, Tables tables = Tables::kQuantized);

 private:
  // One n-gram during counting, with the keys of the (n-1)-grams it extends (prefix) and ends with
  // (suffix), which the continuation counts and context totals are gathered through. 32 bytes: what the
  // model needs besides is derived at build() in the same room (the count where the raw count was, the
  // context total and types where the suffix key was, once the continuation counts no longer need it).
  struct Record {
    std::uint64_t key = 0;  // 0: empty slot (no n-gram has kRootKey)
    std::uint64_t prefix = 0;
    std::uint64_t suffix = 0;  // in build(), once the continuation counts are done: the context totals
    std::uint32_t raw = 0;     // occurrences while counting; in build(), NgramEntry::count
  };
  // An exact hash map from key to Record (open addressing, linear probing, grows past 3/4 load).
  class RecordMap {
   public:
    Record& upsert(std::uint64_t key);
    Record* find(std::uint64_t key);
    std::vector<Record>& records() { return slots_; }
    const std::vector<Record>& records() const { return slots_; }
    std::size_t size() const { return size_; }
    // Keeps the records for which keep(record) is true, in place (the slots stay: the map regrows to them).
    template <typename Keep>
    void retain(Keep keep);

   private:
    void grow();
    void erase(std::size_t i);
    std::vector<Record> slots_ = std::vector<Record>(1024);
    std::size_t size_ = 0;
  };

  // The records a table of order j keeps, and the log2 of its slots.
  static std::vector<const Record*> kept_records(const RecordMap& map, unsigned max_log2_slots,
                                                 unsigned& log2);
  static NgramTable<NgramEntry> make_exact_table(const RecordMap& map, unsigned max_log2_slots);
  NgramTable<QuantizedEntry> make_quantized_table(int j, const std::vector<float>& discounts,
                                                  const NgramEntry& root, unsigned max_log2_slots);

  int order_;
  std::vector<RecordMap> maps_;                     // [j - 1]: the j-grams
  std::uint64_t history_[kMaxNgramOrder + 1] = {};  // keys of the 0..N-1-grams ending at the last token
  std::uint64_t current_[kMaxNgramOrder + 1] = {};
};

}  // namespace sieve::tokenizer::detail
