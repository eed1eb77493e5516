// KneserNeyModel in a fluency file. Both formats start with u32 order, f32 D_1..D_N, u32 unigram total and
// u32 unigram types. Format 4 (and 2, 3) then holds per order u32 log2 of the table's slots and its slots,
// 16 bytes each (NgramEntry: u32 fingerprint, count, context_total, context_types). Format 5 holds the N
// u32 log2 sizes, zero bytes up to a multiple of 64 from the start of the file, then the tables, 8 bytes a
// slot (QuantizedEntry: u32 fingerprint, u16 prob, u16 backoff), so that a mapped file can be used in place.
#include <cstring>

#include "kneser_ney.h"

namespace sieve::tokenizer::detail {
namespace {

constexpr bool kLittleEndian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
constexpr std::size_t kTableAlignment = 64;  // a cache line: a slot never straddles two

std::uint32_t le32(const unsigned char* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}
std::uint16_t le16(const unsigned char* p) { return static_cast<std::uint16_t>(p[0] | p[1] << 8); }

void store_u16(char*& p, std::uint16_t value) {
  *p++ = static_cast<char>(value);
  *p++ = static_cast<char>(value >> 8);
}
void store_u32(char*& p, std::uint32_t value) {
  for (int b = 0; b < 4; ++b) *p++ = static_cast<char>(value >> (8 * b));
}

void write_slots(std::string& out, const NgramTable<NgramEntry>& table) {
  const std::size_t start = out.size();
  out.resize(start + table.size() * sizeof(NgramEntry));
  char* p = &out[start];
  for (std::size_t i = 0; i < table.size(); ++i) {
    const NgramEntry& e = table.data()[i];
    for (std::uint32_t field : {e.fingerprint, e.count, e.context_total, e.context_types})
      store_u32(p, field);
  }
}

void write_slots(std::string& out, const NgramTable<QuantizedEntry>& table) {
  const std::size_t start = out.size();
  out.resize(start + table.size() * sizeof(QuantizedEntry));
  char* p = &out[start];
  if constexpr (kLittleEndian) {
    std::memcpy(p, table.data(), table.size() * sizeof(QuantizedEntry));
    return;
  }
  for (std::size_t i = 0; i < table.size(); ++i) {
    const QuantizedEntry& e = table.data()[i];
    store_u32(p, e.fingerprint);
    store_u16(p, e.prob);
    store_u16(p, e.backoff);
  }
}

std::uint32_t read_log2(ByteReader& in, unsigned max_log2_slots) {
  const std::uint32_t log2 = in.u32("table size");
  if (log2 > max_log2_slots) {
    in.fail("table of 2^" + std::to_string(log2) + " slots exceeds the model's buckets_log2 " +
            std::to_string(max_log2_slots));
  }
  return log2;
}

// The slots of a table of 2^log2 slots of `slot` bytes each, after checking that they are there.
const unsigned char* take_slots(ByteReader& in, std::uint32_t log2, std::size_t slot) {
  const std::size_t slots = std::size_t{1} << log2;
  if (in.remaining() / slot < slots) {
    in.fail("truncated: a table of " + std::to_string(slots) + " slots needs " +
            std::to_string(slots * slot) + " bytes, only " + std::to_string(in.remaining()) + " left");
  }
  return in.take(slots * slot, "table");
}

// A lookup of an absent key stops at an empty slot; a table without enough of them is corrupt.
template <typename Entry>
void check_load(ByteReader& in, const NgramTable<Entry>& table) {
  const std::size_t used = table.used();
  if (used * NgramTable<Entry>::kMaxLoadDenominator > table.size() * NgramTable<Entry>::kMaxLoadNumerator) {
    in.fail("table has " + std::to_string(used) + " used slots of " + std::to_string(table.size()) +
            ", more than 3/4");
  }
}

NgramTable<NgramEntry> read_exact_table(ByteReader& in, unsigned max_log2_slots) {
  const std::uint32_t log2 = read_log2(in, max_log2_slots);
  const unsigned char* p = take_slots(in, log2, sizeof(NgramEntry));
  NgramTable<NgramEntry> table(log2);
  NgramEntry* slots = table.owned_data();
  for (std::size_t i = 0; i < table.size(); ++i, p += sizeof(NgramEntry)) {
    slots[i] = NgramEntry{le32(p), le32(p + 4), le32(p + 8), le32(p + 12)};
  }
  check_load(in, table);
  return table;
}

NgramTable<QuantizedEntry> read_quantized_table(ByteReader& in, std::uint32_t log2, bool borrow) {
  const unsigned char* p = take_slots(in, log2, sizeof(QuantizedEntry));
  const bool aligned = reinterpret_cast<std::uintptr_t>(p) % alignof(QuantizedEntry) == 0;
  if (borrow && aligned && kLittleEndian) {
    NgramTable<QuantizedEntry> table =
        NgramTable<QuantizedEntry>::view(reinterpret_cast<const QuantizedEntry*>(p), log2);
    check_load(in, table);
    return table;
  }
  NgramTable<QuantizedEntry> table(log2);
  QuantizedEntry* slots = table.owned_data();
  for (std::size_t i = 0; i < table.size(); ++i, p += sizeof(QuantizedEntry)) {
    slots[i] = QuantizedEntry{le32(p), le16(p + 4), le16(p + 6)};
  }
  check_load(in, table);
  return table;
}

// The fields both formats start with.
struct Head {
  std::vector<float> discounts;
  NgramEntry root;
};

Head read_head(ByteReader& in, int expected_order) {
  const std::uint32_t order = in.u32("order");
  if (order != static_cast<std::uint32_t>(expected_order)) {
    in.fail("n-gram order " + std::to_string(order) + " where the options say " +
            std::to_string(expected_order));
  }
  Head head;
  head.discounts.resize(order);
  for (float& d : head.discounts) {
    d = in.f32("discount");
    if (!(d >= 0.0f && d < 1.0f)) in.fail("discount " + std::to_string(d) + " is outside [0, 1)");
  }
  head.root.context_total = in.u32("unigram total");
  head.root.context_types = in.u32("unigram types");
  return head;
}

}  // namespace

void KneserNeyModel::write(std::string& out) const {
  put_u32(out, static_cast<std::uint32_t>(order_));
  for (float d : discounts_) put_f32(out, d);
  put_u32(out, root_.context_total);
  put_u32(out, root_.context_types);
  if (!quantized()) {
    for (const auto& table : exact_) {
      put_u32(out, table.log2_slots());
      write_slots(out, table);
    }
    return;
  }
  for (const auto& table : quantized_) put_u32(out, table.log2_slots());
  put_padding(out, kTableAlignment);
  for (const auto& table : quantized_) write_slots(out, table);
}

std::size_t KneserNeyModel::written_size() const {
  std::size_t size = 4 + 4 * discounts_.size() + 8;
  for (const auto& table : exact_) size += 4 + table.size() * sizeof(NgramEntry);
  for (const auto& table : quantized_) size += 4 + table.size() * sizeof(QuantizedEntry);
  return size + (quantized() ? kTableAlignment - 1 : 0);
}

KneserNeyModel KneserNeyModel::read_exact(ByteReader& in, int expected_order, unsigned max_log2_slots) {
  Head head = read_head(in, expected_order);
  ExactTables tables;
  for (std::size_t j = 0; j < head.discounts.size(); ++j)
    tables.push_back(read_exact_table(in, max_log2_slots));
  return KneserNeyModel(expected_order, std::move(head.discounts), head.root, std::move(tables));
}

KneserNeyModel KneserNeyModel::read_quantized(ByteReader& in, int expected_order, unsigned max_log2_slots,
                                              bool borrow) {
  Head head = read_head(in, expected_order);
  std::vector<std::uint32_t> log2s;
  for (std::size_t j = 0; j < head.discounts.size(); ++j) log2s.push_back(read_log2(in, max_log2_slots));
  in.skip_padding(kTableAlignment, "the tables");
  QuantizedTables tables;
  for (const std::uint32_t log2 : log2s) tables.push_back(read_quantized_table(in, log2, borrow));
  return KneserNeyModel(expected_order, std::move(head.discounts), head.root, std::move(tables));
}

}  // namespace sieve::tokenizer::detail
