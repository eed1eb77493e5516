#pragma once
// Private to tokenizer/: the hashed n-gram tables behind KneserNeyModel, with the two kinds of slot fluency
// files hold: exact counts (format 4 and older) and the quantized terms of the probability (format 5), and
// the 16-bit log code those terms are stored in.

#include <cstddef>
#include <cstdint>
#include <memory>

namespace sieve::tokenizer::detail {

// What a model knows of one n-gram g of length j (in the table of order j), exactly.
struct NgramEntry {
  std::uint32_t fingerprint = 0;    // high half of g's key (0 marks an empty slot)
  std::uint32_t count = 0;          // j = N: occurrences of g; j < N: distinct tokens seen before g
  std::uint32_t context_total = 0;  // sum over w of the order-(j+1) count of g·w
  std::uint32_t context_types = 0;  // number of w with a non-zero order-(j+1) count of g·w
};

// What scoring needs of one n-gram g = h·w of length j, precomputed when the model is built and quantized:
// half the bytes of an NgramEntry, so twice the n-grams per cache line and half the file.
struct QuantizedEntry {
  std::uint32_t fingerprint = 0;  // as NgramEntry's
  std::uint16_t prob = 0;         // LogCode of max(c(g) - D_j, 0) / c(h·); kLogZero where c(g) = 0
  std::uint16_t backoff = 0;      // LogCode of D_{j+1} N1+(g·) / c(g·); kLogNone where c(g·) = 0 or j = N
};
static_assert(sizeof(NgramEntry) == 16 && sizeof(QuantizedEntry) == 8, "the file formats' slot sizes");

// A value x in (0, 1] as the 16-bit code q = round(-log2(x) * kLogSteps), clamped to [0, kLogLargest]:
// 2,048 steps per octave over 32 octaves, so a decoded value is within a factor 2^(1/4096) (1.7e-4) of the
// exact one. A value below 2^-32 (a rare n-gram after a context seen billions of times, far more than the
// corpus' counts) is rounded up to it.
inline constexpr int kLogSteps = 2048;
inline constexpr std::uint16_t kLogLargest = 0xFFFE;
inline constexpr std::uint16_t kLogZero = 0xFFFF;  // prob: the n-gram was only seen as a context
inline constexpr std::uint16_t kLogNone = 0xFFFF;  // backoff: the n-gram is no context

std::uint16_t encode_log(double x);  // x <= 0 gives kLogZero
// A context's backoff: never kLogNone, which would end the context (a zero weight is the smallest code).
inline std::uint16_t encode_backoff(double x) {
  const std::uint16_t code = encode_log(x);
  return code == kLogNone ? kLogLargest : code;
}

// Decodes codes with two small tables (2^-(q mod 2048)/2048 and 2^-(q / 2048)) that stay in L1: the product
// is exact in float, so decoding is the same on every machine.
class LogDecoder {
 public:
  static const LogDecoder& get();
  float operator()(std::uint16_t code) const {
    return fraction_[code & (kLogSteps - 1)] * octave_[code >> 11];
  }

 private:
  LogDecoder();
  float fraction_[kLogSteps];
  float octave_[32];
};

inline std::uint32_t fingerprint(std::uint64_t key) {
  const auto high = static_cast<std::uint32_t>(key >> 32);
  return high == 0 ? 1 : high;
}

// Zeroed memory for 2^k slots; 2 MiB or more on fresh pages advised onto transparent huge pages (lookups are
// random, and with 4 KiB pages nearly each one would also miss the TLB).
struct SlotFree {
  std::size_t mapped_bytes = 0;  // 0: from calloc
  void operator()(void* slots) const;
};
using SlotMemory = std::unique_ptr<void, SlotFree>;
SlotMemory allocate_slots(std::size_t bytes);

// The n-grams of one order: open addressing with linear probing over 2^k slots, at most 3/4 of them used,
// so a lookup is one or two cache lines and an absent key ends at an empty slot. The slots are the table's
// own, or a view of bytes that someone else keeps alive (a mapped file).
template <typename Entry>
class NgramTable {
 public:
  static constexpr std::uint32_t kMaxLoadNumerator = 3;  // used slots <= 3/4 of the slots
  static constexpr std::uint32_t kMaxLoadDenominator = 4;

  NgramTable() : NgramTable(0) {}
  explicit NgramTable(unsigned log2_slots)
      : log2_slots_(log2_slots),
        mask_((std::size_t{1} << log2_slots) - 1),
        owned_(allocate_slots(size() * sizeof(Entry))),
        slots_(static_cast<Entry*>(owned_.get())) {}
  // The slots at `slots`, not copied; they must outlive the table.
  static NgramTable view(const Entry* slots, unsigned log2_slots) {
    NgramTable table(log2_slots, nullptr);
    table.slots_ = const_cast<Entry*>(slots);  // never written: insert() needs owned slots
    return table;
  }

  unsigned log2_slots() const { return log2_slots_; }
  std::size_t size() const { return mask_ + 1; }
  bool owned() const { return owned_ != nullptr; }
  const Entry* data() const { return slots_; }
  Entry* owned_data() { return owned() ? slots_ : nullptr; }
  std::size_t used() const {
    std::size_t n = 0;
    for (std::size_t i = 0; i < size(); ++i) n += slots_[i].fingerprint != 0;
    return n;
  }

  const Entry* find(std::uint64_t key) const {
    const std::uint32_t fp = fingerprint(key);
    std::size_t i = static_cast<std::size_t>(key) & mask_;
    for (std::size_t probes = 0; probes <= mask_; ++probes, i = (i + 1) & mask_) {
      const Entry& entry = slots_[i];
      if (entry.fingerprint == fp) return &entry;
      if (entry.fingerprint == 0) return nullptr;
    }
    return nullptr;
  }
  // Asks the CPU to fetch the slot where key's lookup starts, so that several lookups' misses overlap.
  void prefetch(std::uint64_t key) const {
    __builtin_prefetch(&slots_[static_cast<std::size_t>(key) & mask_]);
  }
  // Adds an absent key (the caller checks) to owned slots and returns its entry; the table must not be at
  // its load limit.
  Entry& insert(std::uint64_t key) {
    std::size_t i = static_cast<std::size_t>(key) & mask_;
    while (slots_[i].fingerprint != 0) i = (i + 1) & mask_;
    slots_[i].fingerprint = fingerprint(key);
    return slots_[i];
  }

 private:
  NgramTable(unsigned log2_slots, std::nullptr_t)
      : log2_slots_(log2_slots), mask_((std::size_t{1} << log2_slots) - 1) {}

  unsigned log2_slots_ = 0;
  std::size_t mask_ = 0;
  SlotMemory owned_;
  Entry* slots_ = nullptr;
};

}  // namespace sieve::tokenizer::detail
