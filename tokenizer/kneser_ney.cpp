#include "kneser_ney.h"

#if __has_include(<sys/mman.h>)
#include <sys/mman.h>  // mmap, madvise
#endif

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

#include "sieve/core/error.h"

// The project's hash (XXH3, as sieve::hash64), inlined: scoring extends several keys per character.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace sieve::tokenizer::detail {
namespace {

constexpr std::uint64_t kKeySeed = 0x6E6772616D6B6579ULL;  // "ngramkey"

// Log-probabilities are clamped here: a hashed model can meet a count above its context's total.
constexpr double kMinProb = 1e-10;
constexpr float kLog10OfE = 0.4342944819f;

std::uint32_t fingerprint(std::uint64_t key) {
  const auto high = static_cast<std::uint32_t>(key >> 32);
  return high == 0 ? 1 : high;
}

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

namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

// Zeroed slots. A table of 2 MiB or more gets fresh pages of its own (reused heap memory would already be
// mapped with small pages), advised onto transparent huge pages.
std::unique_ptr<NgramEntry[], NgramTable::Free> allocate_slots(std::size_t count) {
  const std::size_t bytes = count * sizeof(NgramEntry);
#if __has_include(<sys/mman.h>)
  if (bytes >= kHugePage) {
    // Map a huge page more than needed, then unmap the ends so that the table starts on a huge page.
    void* mapped =
        mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) throw std::bad_alloc();
    const auto start = reinterpret_cast<std::uintptr_t>(mapped);
    const std::uintptr_t aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
    if (aligned > start) munmap(mapped, aligned - start);
    munmap(reinterpret_cast<void*>(aligned + bytes), kHugePage - (aligned - start));
    void* memory = reinterpret_cast<void*>(aligned);
#ifdef MADV_HUGEPAGE
    madvise(memory, bytes, MADV_HUGEPAGE);  // only a hint: failure is harmless
#endif
    return {static_cast<NgramEntry*>(memory), NgramTable::Free{bytes}};
  }
#endif
  void* memory = std::calloc(count, sizeof(NgramEntry));
  if (memory == nullptr) throw std::bad_alloc();
  return {static_cast<NgramEntry*>(memory), NgramTable::Free{0}};
}

}  // namespace

void NgramTable::Free::operator()(NgramEntry* slots) const {
#if __has_include(<sys/mman.h>)
  if (mapped_bytes > 0) {
    munmap(slots, mapped_bytes);
    return;
  }
#endif
  std::free(slots);
}

NgramTable::NgramTable(unsigned log2_slots)
    : log2_slots_(log2_slots), mask_((std::size_t{1} << log2_slots) - 1), slots_(allocate_slots(mask_ + 1)) {}

std::size_t NgramTable::used() const {
  return std::count_if(slots_.get(), slots_.get() + size(),
                       [](const NgramEntry& e) { return e.fingerprint != 0; });
}

const NgramEntry* NgramTable::find(std::uint64_t key) const {
  const std::uint32_t fp = fingerprint(key);
  std::size_t i = static_cast<std::size_t>(key) & mask_;
  for (std::size_t probes = 0; probes <= mask_; ++probes, i = (i + 1) & mask_) {
    const NgramEntry& entry = slots_[i];
    if (entry.fingerprint == fp) return &entry;
    if (entry.fingerprint == 0) return nullptr;
  }
  return nullptr;
}

NgramEntry& NgramTable::insert(std::uint64_t key) {
  std::size_t i = static_cast<std::size_t>(key) & mask_;
  while (slots_[i].fingerprint != 0) i = (i + 1) & mask_;
  slots_[i].fingerprint = fingerprint(key);
  return slots_[i];
}

void NgramTable::write(std::string& out) const {
  put_u32(out, log2_slots_);
  const std::size_t start = out.size();
  out.resize(start + size() * sizeof(NgramEntry));
  char* p = &out[start];
  for (std::size_t i = 0; i < size(); ++i) {
    const NgramEntry& e = slots_[i];
    for (std::uint32_t field : {e.fingerprint, e.count, e.context_total, e.context_types}) {
      for (int b = 0; b < 4; ++b) *p++ = static_cast<char>(field >> (8 * b));
    }
  }
}

void NgramTable::read(ByteReader& in, unsigned max_log2_slots) {
  const std::uint32_t log2 = in.u32("table size");
  if (log2 > max_log2_slots) {
    in.fail("table of 2^" + std::to_string(log2) + " slots exceeds the model's buckets_log2 " +
            std::to_string(max_log2_slots));
  }
  const std::size_t slots = std::size_t{1} << log2;
  if (in.remaining() / sizeof(NgramEntry) < slots) {
    in.fail("truncated: a table of " + std::to_string(slots) + " slots needs " +
            std::to_string(slots * sizeof(NgramEntry)) + " bytes, only " + std::to_string(in.remaining()) +
            " left");
  }
  *this = NgramTable(log2);
  const unsigned char* p = in.take(slots * sizeof(NgramEntry), "table");
  auto field = [&p] {
    const std::uint32_t value = std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
                                std::uint32_t{p[3]} << 24;
    p += 4;
    return value;
  };
  for (std::size_t i = 0; i < slots; ++i) {
    NgramEntry& e = slots_[i];
    e.fingerprint = field();
    e.count = field();
    e.context_total = field();
    e.context_types = field();
  }
  // A lookup of an absent key stops at an empty slot; a table without enough of them is corrupt.
  if (used() * kMaxLoadDenominator > slots * kMaxLoadNumerator) {
    in.fail("table has " + std::to_string(used()) + " used slots of " + std::to_string(slots) +
            ", more than 3/4");
  }
}

KneserNeyModel::KneserNeyModel(int order, std::vector<float> discounts, NgramEntry root,
                               std::vector<NgramTable> tables)
    : order_(order),
      discounts_(std::move(discounts)),
      root_(root),
      uniform_(1.0 / (static_cast<double>(root.context_types) + 1.0)),
      tables_(std::move(tables)) {
  root_.fingerprint = 1;
}

void KneserNeyModel::start(State& state) const {
  state = State();
  state.entries[0] = &root_;
  state.keys[0] = kRootKey;
  for (int j = 1; j < order_; ++j) {
    state.keys[j] = extend_key(state.keys[j - 1], kBeginToken);
    state.entries[j] = state.entries[j - 1] ? tables_[j - 1].find(state.keys[j]) : nullptr;
  }
}

void KneserNeyModel::next(State& state, const std::uint64_t* tokens, std::size_t n,
                          TokenScore* scores) const {
  std::uint64_t keys[kBatch][kMaxNgramOrder + 1];
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t* before = i == 0 ? state.keys.data() : keys[i - 1];
    keys[i][0] = kRootKey;
    for (int j = 1; j <= order_; ++j) {
      keys[i][j] = extend_key(before[j - 1], tokens[i]);
      tables_[j - 1].prefetch(keys[i][j]);
    }
  }
  for (std::size_t i = 0; i < n; ++i) scores[i] = score(state, keys[i]);
}

KneserNeyModel::TokenScore KneserNeyModel::score(State& state, const std::uint64_t* keys) const {
  // P_j = a_j + b_j P_{j-1}: a_j and b_j do not depend on P, so their divisions overlap and only a
  // multiply-add per order is left on the chain.
  std::array<const NgramEntry*, kMaxNgramOrder + 1> found{};
  found[0] = &root_;
  double p = uniform_;
  bool shorter_seen = true;  // an n-gram is only in the tables if its suffixes are
  for (int j = 1; j <= order_; ++j) {
    const NgramEntry* context = state.entries[j - 1];
    if (context == nullptr || context->context_total == 0) break;
    const NgramEntry* entry = shorter_seen ? tables_[j - 1].find(keys[j]) : nullptr;
    shorter_seen = entry != nullptr;
    found[j] = entry;
    const double inverse_total = 1.0 / context->context_total;
    const double count = entry ? entry->count : 0.0;
    const double discount = discounts_[j - 1];
    p = std::max(count - discount, 0.0) * inverse_total +
        discount * context->context_types * inverse_total * p;
  }
  TokenScore score;
  for (int j = order_; j >= 1; --j) {
    if (found[j] != nullptr && found[j]->count > 0) {
      score.seen_order = j;
      break;
    }
  }
  score.unigram_seen = score.seen_order >= 1;
  score.top_seen = score.seen_order == order_;
  // Single precision is plenty for a feature and twice as fast; log10f costs more than logf and a multiply.
  score.log10_prob = std::log(static_cast<float>(std::clamp(p, kMinProb, 1.0))) * kLog10OfE;
  state.entries = found;
  std::copy(keys, keys + order_ + 1, state.keys.begin());
  return score;
}

void KneserNeyModel::write(std::string& out) const {
  put_u32(out, static_cast<std::uint32_t>(order_));
  for (float d : discounts_) put_f32(out, d);
  put_u32(out, root_.context_total);
  put_u32(out, root_.context_types);
  for (const NgramTable& table : tables_) table.write(out);
}

std::size_t KneserNeyModel::written_size() const {
  std::size_t size = 4 + 4 * discounts_.size() + 8;
  for (const NgramTable& table : tables_) size += 4 + table.size() * sizeof(NgramEntry);
  return size;
}

KneserNeyModel KneserNeyModel::read(ByteReader& in, int expected_order, unsigned max_log2_slots) {
  const std::uint32_t order = in.u32("order");
  if (order != static_cast<std::uint32_t>(expected_order)) {
    in.fail("n-gram order " + std::to_string(order) + " where the options say " +
            std::to_string(expected_order));
  }
  std::vector<float> discounts(order);
  for (float& d : discounts) {
    d = in.f32("discount");
    if (!(d >= 0.0f && d < 1.0f)) in.fail("discount " + std::to_string(d) + " is outside [0, 1)");
  }
  NgramEntry root;
  root.context_total = in.u32("unigram total");
  root.context_types = in.u32("unigram types");
  std::vector<NgramTable> tables(order);
  for (NgramTable& table : tables) table.read(in, max_log2_slots);
  return KneserNeyModel(static_cast<int>(order), std::move(discounts), root, std::move(tables));
}

void put_u32(std::string& out, std::uint32_t value) {
  char bytes[4];
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>(value >> (8 * i));
  out.append(bytes, 4);
}

void put_u64(std::string& out, std::uint64_t value) {
  put_u32(out, static_cast<std::uint32_t>(value));
  put_u32(out, static_cast<std::uint32_t>(value >> 32));
}

void put_f32(std::string& out, float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, 4);
  put_u32(out, bits);
}

const unsigned char* ByteReader::take(std::size_t size, const char* what) {
  if (remaining() < size) {
    fail(std::string("truncated: ") + what + " needs " + std::to_string(size) + " bytes, only " +
         std::to_string(remaining()) + " left");
  }
  const auto* p = reinterpret_cast<const unsigned char*>(bytes_.data() + offset_);
  offset_ += size;
  return p;
}

std::uint32_t ByteReader::u32(const char* what) {
  const unsigned char* p = take(4, what);
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}

std::uint64_t ByteReader::u64(const char* what) {
  const std::uint64_t low = u32(what);
  return low | std::uint64_t{u32(what)} << 32;
}

float ByteReader::f32(const char* what) {
  const std::uint32_t bits = u32(what);
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

void ByteReader::fail(const std::string& message) const {
  throw Error(ErrorKind::kFormat, where_, message + " (at byte " + std::to_string(offset_) + ")");
}

}  // namespace sieve::tokenizer::detail
