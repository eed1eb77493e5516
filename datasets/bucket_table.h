#pragma once
// An open-addressing map from a 64-bit hash to the first and the latest item filed under it: the LSH band
// buckets and the exact-text buckets of NearDuplicateIndex. Millions of small entries: a node-based map
// would spend more on allocation than the whole MinHash step. Keys are hashes already, so their low bits
// pick the slot.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sieve::datasets::detail {

class BucketTable {
 public:
  struct Entry {
    std::uint64_t key = 0;  // 0: empty slot (a real key of 0 is stored as 1)
    std::uint32_t first = 0;
    std::uint32_t last = 0;
  };

  const Entry* find(std::uint64_t key) const {
    if (slots_.empty()) return nullptr;
    key = stored(key);
    for (std::size_t i = key & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return &slots_[i];
      if (slots_[i].key == 0) return nullptr;
    }
  }

  // Starts loading the slot of key into cache: a caller with several keys prefetches them all first, so
  // that their cache misses overlap instead of following one another.
  void prefetch(std::uint64_t key) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[stored(key) & mask_]);
  }

  // Files item under key (it becomes the latest). True, with the entry as it was before in `before`, when
  // the key was there already.
  bool file(std::uint64_t key, std::uint32_t item, Entry& before) {
    if ((used_ + 1) * kMaxLoadDen > slots_.size() * kMaxLoadNum) grow(slots_.size() * 2);
    key = stored(key);
    std::size_t i = key & mask_;
    while (slots_[i].key != 0 && slots_[i].key != key) i = (i + 1) & mask_;
    Entry& slot = slots_[i];
    if (slot.key == key) {
      before = slot;
      slot.last = item;
      return true;
    }
    slot = Entry{key, item, item};
    ++used_;
    return false;
  }

  void reserve(std::size_t entries) {
    std::size_t capacity = 16;
    while (capacity * kMaxLoadNum < entries * kMaxLoadDen) capacity *= 2;
    if (capacity > slots_.size()) grow(capacity);
  }

  std::size_t size() const { return used_; }

 private:
  // Linear probing stays short up to about 70 % full.
  static constexpr std::size_t kMaxLoadNum = 7;
  static constexpr std::size_t kMaxLoadDen = 10;

  static std::uint64_t stored(std::uint64_t key) { return key == 0 ? 1 : key; }

  void grow(std::size_t capacity) {
    if (capacity < 16) capacity = 16;
    std::vector<Entry> old;
    old.swap(slots_);
    slots_.assign(capacity, Entry{});
    mask_ = capacity - 1;
    for (const Entry& e : old) {
      if (e.key == 0) continue;
      std::size_t i = e.key & mask_;
      while (slots_[i].key != 0) i = (i + 1) & mask_;
      slots_[i] = e;
    }
  }

  std::vector<Entry> slots_;
  std::size_t mask_ = 0;
  std::size_t used_ = 0;
};

}  // namespace sieve::datasets::detail
