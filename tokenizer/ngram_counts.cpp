#include "ngram_counts.h"

#include <algorithm>
#include <limits>

namespace sieve::tokenizer::detail {
namespace {

void add_saturating(std::uint32_t& total, std::uint32_t value) {
  total = value > std::numeric_limits<std::uint32_t>::max() - total
              ? std::numeric_limits<std::uint32_t>::max()
              : total + value;
}

// D = n1 / (n1 + 2 n2) (Ney, Essen and Kneser 1994); 0.5 when an order has too few n-grams to say.
float discount(const std::vector<std::uint32_t>& counts_of_counts) {
  const double n1 = counts_of_counts[1], n2 = counts_of_counts[2];
  if (n1 == 0 || n2 == 0) return 0.5f;
  return static_cast<float>(n1 / (n1 + 2 * n2));
}

// build()'s context totals, in a record's suffix field: the total in the low half, the types in the high.
std::uint32_t context_total(std::uint64_t packed) { return static_cast<std::uint32_t>(packed); }
std::uint32_t context_types(std::uint64_t packed) { return static_cast<std::uint32_t>(packed >> 32); }
void add_context(std::uint64_t& packed, std::uint32_t count) {
  std::uint32_t total = context_total(packed), types = context_types(packed);
  add_saturating(total, count);
  add_saturating(types, 1);
  packed = std::uint64_t{types} << 32 | total;
}

}  // namespace

NgramCounter::Record& NgramCounter::RecordMap::upsert(std::uint64_t key) {
  if ((size_ + 1) * 4 > slots_.size() * 3) grow();
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = static_cast<std::size_t>(key) & mask;
  while (slots_[i].key != 0 && slots_[i].key != key) i = (i + 1) & mask;
  if (slots_[i].key == 0) {
    slots_[i].key = key;
    ++size_;
  }
  return slots_[i];
}

NgramCounter::Record* NgramCounter::RecordMap::find(std::uint64_t key) {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = static_cast<std::size_t>(key) & mask; slots_[i].key != 0; i = (i + 1) & mask) {
    if (slots_[i].key == key) return &slots_[i];
  }
  return nullptr;
}

void NgramCounter::RecordMap::grow() {
  std::vector<Record> slots(slots_.size() * 2);
  slots.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (const Record& record : slots) {
    if (record.key == 0) continue;
    std::size_t i = static_cast<std::size_t>(record.key) & mask;
    while (slots_[i].key != 0) i = (i + 1) & mask;
    slots_[i] = record;
  }
}

// Empties slot i and closes the hole (Knuth's algorithm R): linear probing cannot leave one in a run, so
// each later record of the run whose home is not between the hole and it moves back into the hole.
void NgramCounter::RecordMap::erase(std::size_t i) {
  const std::size_t mask = slots_.size() - 1;
  slots_[i] = Record();
  --size_;
  for (std::size_t j = (i + 1) & mask; slots_[j].key != 0; j = (j + 1) & mask) {
    const std::size_t home = static_cast<std::size_t>(slots_[j].key) & mask;
    const bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
    if (stays) continue;
    slots_[i] = slots_[j];
    slots_[j] = Record();
    i = j;
  }
}

template <typename Keep>
void NgramCounter::RecordMap::retain(Keep keep) {
  // In place: a record moved back into slot i by erase() is looked at in its turn.
  for (std::size_t i = 0; i < slots_.size();) {
    if (slots_[i].key != 0 && !keep(slots_[i])) {
      erase(i);
    } else {
      ++i;
    }
  }
}

std::size_t NgramCounter::held() const {
  std::size_t n = 0;
  for (const RecordMap& map : maps_) n += map.size();
  return n;
}

std::size_t NgramCounter::prune(int j, std::uint32_t max_raw) {
  if (j < 1 || j > order_) return 0;
  RecordMap& map = maps_[static_cast<std::size_t>(j - 1)];
  const std::size_t before = map.size();
  map.retain([max_raw](const Record& record) { return record.raw > max_raw; });
  return before - map.size();
}

NgramCounter::NgramCounter(int order) : order_(order), maps_(order) {}

void NgramCounter::begin() {
  history_[0] = kRootKey;
  for (int j = 1; j < order_; ++j) history_[j] = extend_key(history_[j - 1], kBeginToken);
}

void NgramCounter::add(std::uint64_t token) {
  current_[0] = kRootKey;
  for (int j = 1; j <= order_; ++j) {
    current_[j] = extend_key(history_[j - 1], token);
    Record& record = maps_[j - 1].upsert(current_[j]);
    record.prefix = history_[j - 1];
    record.suffix = current_[j - 1];
    ++record.raw;
  }
  std::copy(current_, current_ + order_, history_);
}

KneserNeyModel NgramCounter::build(unsigned max_log2_slots, Tables kind) {
  // Counts, in `raw`: raw at the highest order, continuation (distinct left neighbours) below it.
  for (int j = 1; j < order_; ++j) {
    for (Record& record : maps_[j - 1].records()) record.raw = 0;
  }
  for (int j = order_; j >= 2; --j) {
    for (const Record& record : maps_[j - 1].records()) {
      if (record.key == 0) continue;
      if (Record* suffix = maps_[j - 2].find(record.suffix)) ++suffix->raw;
    }
  }
  // Context totals and types (in `suffix`, no longer needed), and the counts of counts behind each order's
  // discount.
  for (RecordMap& map : maps_) {
    for (Record& record : map.records()) record.suffix = 0;
  }
  NgramEntry root;
  std::vector<float> discounts(order_);
  for (int j = 1; j <= order_; ++j) {
    std::vector<std::uint32_t> counts_of_counts(3, 0);
    for (const Record& record : maps_[j - 1].records()) {  // upsert below grows the map of order j-1 only
      const std::uint32_t count = record.raw;
      if (count == 0) continue;
      if (count <= 2) ++counts_of_counts[count];
      if (j == 1) {
        add_saturating(root.context_total, count);
        add_saturating(root.context_types, 1);
      } else {
        std::uint64_t& context = maps_[j - 2].upsert(record.prefix).suffix;
        add_context(context, count);
      }
    }
    discounts[j - 1] = discount(counts_of_counts);
  }
  if (kind == Tables::kExact) {
    KneserNeyModel::ExactTables tables;
    for (const RecordMap& map : maps_) tables.push_back(make_exact_table(map, max_log2_slots));
    return KneserNeyModel(order_, std::move(discounts), root, std::move(tables));
  }
  KneserNeyModel::QuantizedTables tables;
  for (int j = 1; j <= order_; ++j)
    tables.push_back(make_quantized_table(j, discounts, root, max_log2_slots));
  return KneserNeyModel(order_, std::move(discounts), root, std::move(tables));
}

std::vector<const NgramCounter::Record*> NgramCounter::kept_records(const RecordMap& map,
                                                                    unsigned max_log2_slots, unsigned& log2) {
  using Table = NgramTable<NgramEntry>;
  std::vector<const Record*> kept;
  for (const Record& record : map.records()) {
    if (record.raw > 0 || context_total(record.suffix) > 0) kept.push_back(&record);
  }
  const auto fits = [](std::size_t n, unsigned log2) {
    return n * Table::kMaxLoadDenominator <= (std::size_t{Table::kMaxLoadNumerator} << log2);
  };
  log2 = 3;
  while (log2 < max_log2_slots && !fits(kept.size(), log2)) ++log2;
  if (!fits(kept.size(), log2)) {
    // Keep the n-grams that carry the most counts; the key breaks ties so the result is deterministic.
    std::sort(kept.begin(), kept.end(), [](const Record* a, const Record* b) {
      const std::uint64_t wa = std::uint64_t{a->raw} + context_total(a->suffix);
      const std::uint64_t wb = std::uint64_t{b->raw} + context_total(b->suffix);
      return wa != wb ? wa > wb : a->key < b->key;
    });
    kept.resize((std::size_t{Table::kMaxLoadNumerator} << log2) / Table::kMaxLoadDenominator);
  }
  return kept;
}

NgramTable<NgramEntry> NgramCounter::make_exact_table(const RecordMap& map, unsigned max_log2_slots) {
  unsigned log2 = 0;
  const std::vector<const Record*> kept = kept_records(map, max_log2_slots, log2);
  NgramTable<NgramEntry> table(log2);
  for (const Record* record : kept) {
    NgramEntry& entry = table.insert(record->key);
    entry.count = record->raw;
    entry.context_total = context_total(record->suffix);
    entry.context_types = context_types(record->suffix);
  }
  return table;
}

// The two terms of P_j(w | h) = prob(h·w) + backoff(h) P_{j-1}(w | h'), from the exact counts: prob with
// the total of the n-gram's own context h (the record of its prefix, or the root), backoff with its own
// totals as a context of order j + 1.
NgramTable<QuantizedEntry> NgramCounter::make_quantized_table(int j, const std::vector<float>& discounts,
                                                              const NgramEntry& root,
                                                              unsigned max_log2_slots) {
  unsigned log2 = 0;
  const std::vector<const Record*> kept = kept_records(maps_[j - 1], max_log2_slots, log2);
  const double discount = discounts[j - 1];
  const double next_discount = j < order_ ? discounts[j] : 0.0;
  NgramTable<QuantizedEntry> table(log2);
  for (const Record* record : kept) {
    QuantizedEntry& entry = table.insert(record->key);
    entry.prob = kLogZero;
    if (record->raw > 0) {
      const Record* context = j == 1 ? nullptr : maps_[j - 2].find(record->prefix);
      // Every counted n-gram added its count to its context's total; a missing one cannot happen.
      const std::uint32_t total = j == 1 ? root.context_total : context ? context_total(context->suffix) : 0;
      const double count = record->raw;
      entry.prob = encode_log((count - discount) / std::max<double>(total, count));
    }
    const std::uint32_t total = context_total(record->suffix);
    entry.backoff = j < order_ && total > 0
                        ? encode_backoff(next_discount * context_types(record->suffix) / total)
                        : kLogNone;
  }
  return table;
}

}  // namespace sieve::tokenizer::detail
