#include "sieve/datasets/near_duplicates.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "bucket_table.h"
#include "representative.h"
#include "sieve/core/error.h"
#include "sieve/core/hash.h"
#include "union_find.h"

namespace sieve::datasets {
namespace {

constexpr int kMaxShingle = 32;
constexpr int kMaxHashes = 1024;
constexpr double kBandRecall = 0.98;  // chance that a pair at the threshold shares at least one band
constexpr std::uint64_t kTextSalt = 0x7E47'0000'0000'0001ULL;
constexpr std::uint64_t kBandSalt = 0x9E37'79B9'7F4A'7C15ULL;
constexpr std::uint32_t kNoRow = std::numeric_limits<std::uint32_t>::max();

void check(bool ok, const char* field, const std::string& message) {
  if (!ok) throw Error(ErrorKind::kConfig, std::string("near_duplicates.") + field, message);
}

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// One permutation of the 32-bit shingle hashes: xor the permutation's key, then murmur3's finalizer (a
// bijection with full avalanche). 32-bit lanes, so the loop over permutations vectorises.
inline std::uint32_t permute(std::uint32_t hash, std::uint32_t key) {
  std::uint32_t x = hash ^ key;
  x *= 0x85EBCA6Bu;
  x ^= x >> 13;
  x *= 0xC2B2AE35u;
  x ^= x >> 16;
  return x;
}

// The hot loop of signing. Built twice where the compiler can (AVX2 and baseline, picked at run time), as
// the project does not build for the host CPU (-march=native) by default.
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
void update_minima(const std::uint64_t* hashes, std::size_t count, const std::uint32_t* keys, int k,
                   std::uint32_t* minima) {
  for (std::size_t s = 0; s < count; ++s) {
    const auto hash = static_cast<std::uint32_t>(hashes[s]);
    for (int i = 0; i < k; ++i) minima[i] = std::min(minima[i], permute(hash, keys[i]));
  }
}

// Hashes of the shingles of valid UTF-8 text: every run of `size` code points, or the whole text when it
// is shorter.
void hash_shingles(std::string_view text, int size, std::uint64_t seed, std::vector<std::uint64_t>& out) {
  out.clear();
  // Byte offsets of the last size+1 code point starts, in a ring: no pass of its own to find them.
  std::size_t ring[kMaxShingle + 1];
  const std::size_t span = static_cast<std::size_t>(size) + 1;
  std::size_t chars = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const bool start = i == text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (!start) continue;
    ring[chars % span] = i;
    if (chars >= static_cast<std::size_t>(size)) {
      const std::size_t begin = ring[(chars - size) % span];
      out.push_back(hash64(text.data() + begin, i - begin, seed));
    }
    if (i < text.size()) ++chars;
  }
  if (out.empty() && !text.empty()) out.push_back(hash64(text, seed));
}

// Code points of normalized text outside spaces and placeholders: "'<user> <url>'" has 2, too few to say
// that two posts share a template.
std::size_t informative_chars(std::string_view text) {
  static const std::vector<std::string> placeholders = tokenizer::placeholder_tokens();
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<') {
      const auto skip = std::find_if(placeholders.begin(), placeholders.end(),
                                     [&](const std::string& p) { return text.compare(i, p.size(), p) == 0; });
      if (skip != placeholders.end()) {
        i += skip->size() - 1;
        continue;
      }
    }
    chars += text[i] != ' ' && (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  }
  return chars;
}

}  // namespace

// ---- options -------------------------------------------------------------------------------------------

void NearDuplicateOptions::validate() const {
  check(shingle_size >= 1 && shingle_size <= kMaxShingle, "shingle_size",
        "must be between 1 and " + std::to_string(kMaxShingle) + ", got " + std::to_string(shingle_size));
  check(num_hashes >= 1 && num_hashes <= kMaxHashes, "num_hashes",
        "must be between 1 and " + std::to_string(kMaxHashes) + ", got " + std::to_string(num_hashes));
  check(threshold > 0 && threshold <= 1, "threshold", "must be in (0, 1], got " + std::to_string(threshold));
  check((bands == 0) == (rows == 0), "bands/rows", "set both or neither");
  check(bands >= 0 && rows >= 0 && static_cast<long>(bands) * rows <= num_hashes, "bands/rows",
        "bands x rows must be at most num_hashes (" + std::to_string(num_hashes) + "), got " +
            std::to_string(bands) + " x " + std::to_string(rows));
  check(min_chars >= 1, "min_chars", "must be at least 1, got " + std::to_string(min_chars));
  normalizer.validate();
}

LshShape NearDuplicateOptions::lsh_shape() const {
  if (bands > 0) return {bands, rows};
  for (int r = num_hashes; r > 1; --r) {
    const int b = num_hashes / r;
    const double miss = std::pow(1.0 - std::pow(threshold, r), b);
    if (1.0 - miss >= kBandRecall) return {b, r};
  }
  return {num_hashes, 1};
}

// ---- signatures ----------------------------------------------------------------------------------------

MinHasher::MinHasher(NearDuplicateOptions options)
    : options_((options.validate(), std::move(options))), normalizer_(options_.normalizer) {
  std::uint64_t state = options_.seed;
  permutation_keys_.resize(static_cast<std::size_t>(options_.num_hashes));
  for (auto& key : permutation_keys_) key = static_cast<std::uint32_t>(splitmix64(state));
}

Signature MinHasher::sign(std::string_view text) const {
  Signature out;
  SignScratch scratch;
  sign(text, out, scratch);
  return out;
}

void MinHasher::sign(std::string_view text, Signature& out, SignScratch& scratch) const {
  normalizer_.normalize(text, scratch.normalized);
  out.text_hash = hash64(scratch.normalized, options_.seed ^ kTextSalt);
  out.clusterable = informative_chars(scratch.normalized) >= static_cast<std::size_t>(options_.min_chars);
  out.values.clear();
  if (!out.clusterable) return;
  hash_shingles(scratch.normalized, options_.shingle_size, options_.seed, scratch.shingle_hashes);
  out.values.assign(permutation_keys_.size(), std::numeric_limits<std::uint32_t>::max());
  update_minima(scratch.shingle_hashes.data(), scratch.shingle_hashes.size(), permutation_keys_.data(),
                options_.num_hashes, out.values.data());
}

std::vector<Signature> MinHasher::sign_all(const std::vector<std::string_view>& texts) const {
  std::vector<Signature> out(texts.size());
  tbb::enumerable_thread_specific<SignScratch> scratches;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, texts.size(), 256), [&](const auto& range) {
    SignScratch& scratch = scratches.local();
    for (std::size_t i = range.begin(); i != range.end(); ++i) sign(texts[i], out[i], scratch);
  });
  return out;
}

std::vector<Signature> MinHasher::sign_all(const std::vector<Record>& records) const {
  std::vector<std::string_view> texts;
  texts.reserve(records.size());
  for (const Record& record : records) texts.emplace_back(record.text);
  return sign_all(texts);
}

double estimated_jaccard(const std::uint32_t* a, const std::uint32_t* b, int k) {
  int equal = 0;
  for (int i = 0; i < k; ++i) equal += a[i] == b[i];
  return k == 0 ? 0.0 : static_cast<double>(equal) / k;
}

// ---- the index -----------------------------------------------------------------------------------------

struct NearDuplicateIndex::Impl {
  NearDuplicateOptions options;
  LshShape shape;
  std::vector<std::uint32_t> row_of;  // per item: its row in values, kNoRow when not clusterable
  std::vector<std::uint32_t> values;  // one row of num_hashes per distinct clusterable text
  detail::UnionFind clusters;
  detail::BucketTable exact;    // normalized text hash → first item with that text
  detail::BucketTable buckets;  // band key → first and latest item in the bucket
  std::size_t exact_duplicates = 0;
  std::vector<std::uint64_t> keys;        // scratch of add()
  std::vector<std::uint32_t> candidates;  // scratch of add()

  const std::uint32_t* row(std::uint32_t item) const {
    return values.data() + static_cast<std::size_t>(row_of[item]) * options.num_hashes;
  }

  std::uint64_t band_key(const std::uint32_t* signature, int band) const {
    return hash64(signature + static_cast<std::size_t>(band) * shape.rows, sizeof(std::uint32_t) * shape.rows,
                  options.seed ^ (kBandSalt * static_cast<std::uint64_t>(band + 1)));
  }

  void check_signature(const Signature& signature) const {
    if (signature.clusterable && signature.values.size() != static_cast<std::size_t>(options.num_hashes)) {
      throw Error(ErrorKind::kInvalidInput, "near-duplicate index",
                  "signature of " + std::to_string(signature.values.size()) + " values, the index uses " +
                      std::to_string(options.num_hashes));
    }
  }

  // Earlier items that share a band with signature: the first and latest of each bucket, each once.
  void gather(const std::uint32_t* signature, std::vector<std::uint32_t>& out) const {
    out.clear();
    for (int b = 0; b < shape.bands; ++b) {
      if (const auto* entry = buckets.find(band_key(signature, b))) {
        out.push_back(entry->first);
        if (entry->last != entry->first) out.push_back(entry->last);
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }

  // Files a new distinct text in its band buckets and joins it to each verified earlier candidate.
  void link(std::uint32_t item) {
    const std::uint32_t* signature = row(item);
    keys.resize(static_cast<std::size_t>(shape.bands));
    for (int b = 0; b < shape.bands; ++b) {
      keys[b] = band_key(signature, b);
      buckets.prefetch(keys[b]);
    }
    candidates.clear();
    detail::BucketTable::Entry before;
    for (const std::uint64_t key : keys) {
      if (!buckets.file(key, item, before)) continue;
      candidates.push_back(before.first);
      if (before.last != before.first) candidates.push_back(before.last);
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (const std::uint32_t other : candidates) {
      if (clusters.find(other) == clusters.find(item)) continue;
      if (estimated_jaccard(row(other), signature, options.num_hashes) >= options.threshold) {
        clusters.unite(other, item);
      }
    }
  }
};

NearDuplicateIndex::NearDuplicateIndex(NearDuplicateOptions options) : impl_(std::make_unique<Impl>()) {
  options.validate();
  impl_->options = std::move(options);
  impl_->shape = impl_->options.lsh_shape();
}

NearDuplicateIndex::~NearDuplicateIndex() = default;
NearDuplicateIndex::NearDuplicateIndex(NearDuplicateIndex&&) noexcept = default;
NearDuplicateIndex& NearDuplicateIndex::operator=(NearDuplicateIndex&&) noexcept = default;

std::uint32_t NearDuplicateIndex::add(const Signature& signature) {
  Impl& m = *impl_;
  m.check_signature(signature);
  if (m.clusters.size() == kNoRow) {
    throw Error(ErrorKind::kInvalidInput, "near-duplicate index", "more than 4,294,967,294 posts");
  }
  const std::uint32_t item = m.clusters.add();
  if (!signature.clusterable) {
    m.row_of.push_back(kNoRow);
    return item;
  }
  detail::BucketTable::Entry first;
  if (m.exact.file(signature.text_hash, item, first)) {
    // Same text: same band keys as the first copy, which is filed already.
    m.row_of.push_back(m.row_of[first.first]);
    m.clusters.unite(first.first, item);
    ++m.exact_duplicates;
    return item;
  }
  m.row_of.push_back(static_cast<std::uint32_t>(m.values.size() / m.options.num_hashes));
  m.values.insert(m.values.end(), signature.values.begin(), signature.values.end());
  m.link(item);
  return item;
}

std::optional<NearDuplicateMatch> NearDuplicateIndex::find_match(const Signature& signature) const {
  const Impl& m = *impl_;
  m.check_signature(signature);
  if (!signature.clusterable) return std::nullopt;
  if (const auto* entry = m.exact.find(signature.text_hash))
    return NearDuplicateMatch{entry->first, 1.0, true};
  std::vector<std::uint32_t> candidates;
  m.gather(signature.values.data(), candidates);
  std::optional<NearDuplicateMatch> best;
  for (const std::uint32_t item : candidates) {
    const double j = estimated_jaccard(m.row(item), signature.values.data(), m.options.num_hashes);
    if (j >= m.options.threshold && (!best || j > best->jaccard)) best = NearDuplicateMatch{item, j, false};
  }
  return best;
}

std::uint32_t NearDuplicateIndex::cluster_of(std::uint32_t item) { return impl_->clusters.smallest(item); }
std::size_t NearDuplicateIndex::size() const { return impl_->clusters.size(); }
std::size_t NearDuplicateIndex::exact_duplicates() const { return impl_->exact_duplicates; }

void NearDuplicateIndex::reserve(std::size_t items) {
  impl_->clusters.reserve(items);
  impl_->row_of.reserve(items);
  impl_->exact.reserve(items);
  impl_->buckets.reserve(items * static_cast<std::size_t>(impl_->shape.bands));
}

// ---- batches -------------------------------------------------------------------------------------------

std::size_t NearDuplicateClusters::clusters_of_at_least(std::size_t min_size) const {
  return static_cast<std::size_t>(
      std::count_if(sizes.begin(), sizes.end(), [&](std::uint32_t size) { return size >= min_size; }));
}

std::size_t NearDuplicateClusters::posts_in_clusters_of_at_least(std::size_t min_size) const {
  std::size_t posts = 0;
  for (const std::uint32_t size : sizes) posts += size >= min_size ? size : 0;
  return posts;
}

std::vector<std::vector<std::uint32_t>> NearDuplicateClusters::members() const {
  std::vector<std::vector<std::uint32_t>> out(sizes.size());
  for (std::size_t c = 0; c < sizes.size(); ++c) out[c].reserve(sizes[c]);
  for (std::size_t i = 0; i < cluster_of.size(); ++i)
    out[cluster_of[i]].push_back(static_cast<std::uint32_t>(i));
  return out;
}

NearDuplicateClusters cluster_near_duplicates(const std::vector<Signature>& signatures,
                                              const NearDuplicateOptions& options) {
  NearDuplicateIndex index(options);
  index.reserve(signatures.size());
  for (const Signature& signature : signatures) index.add(signature);
  NearDuplicateClusters out;
  out.exact_duplicates = index.exact_duplicates();
  out.cluster_of.resize(signatures.size());
  // A cluster is named by its smallest item, which is always met first: number them in that order.
  std::vector<std::uint32_t> number(signatures.size(), kNoRow);
  for (std::uint32_t i = 0; i < signatures.size(); ++i) {
    const std::uint32_t root = index.cluster_of(i);
    if (root == i) {
      number[i] = static_cast<std::uint32_t>(out.sizes.size());
      out.sizes.push_back(0);
    }
    out.cluster_of[i] = number[root];
    ++out.sizes[number[root]];
  }
  return out;
}

namespace {

ClusterSummary summarize(const std::vector<Record>& records, const std::vector<Signature>& signatures,
                         std::uint32_t cluster, std::vector<std::uint32_t> members) {
  ClusterSummary out;
  out.cluster = cluster;
  std::unordered_set<std::string_view> groups;
  for (const std::uint32_t i : members) {
    const Record& r = records[i];
    groups.insert(r.group_or_id());
    if (std::find(out.langs.begin(), out.langs.end(), r.lang) == out.langs.end()) out.langs.push_back(r.lang);
    if (std::find(out.sources.begin(), out.sources.end(), r.source) == out.sources.end()) {
      out.sources.push_back(r.source);
    }
  }
  const detail::RepresentativeChoice choice =
      detail::choose_representative(members, [&](std::uint32_t i) { return signatures[i].text_hash; });
  out.representative = choice.representative;
  out.exact_duplicates = choice.exact_duplicates;
  out.groups = groups.size();
  std::sort(out.langs.begin(), out.langs.end());
  std::sort(out.sources.begin(), out.sources.end());
  out.members = std::move(members);
  return out;
}

}  // namespace

std::vector<ClusterSummary> summarize_clusters(const std::vector<Record>& records,
                                               const std::vector<Signature>& signatures,
                                               const NearDuplicateClusters& clusters, std::size_t min_size) {
  if (records.size() != clusters.cluster_of.size() || signatures.size() != records.size()) {
    throw Error(ErrorKind::kInvalidInput, "summarize_clusters",
                "records, signatures and clusters cover different numbers of posts");
  }
  auto members = clusters.members();
  std::vector<ClusterSummary> out;
  for (std::size_t c = 0; c < members.size(); ++c) {
    if (members[c].size() < std::max<std::size_t>(min_size, 1)) continue;
    out.push_back(summarize(records, signatures, static_cast<std::uint32_t>(c), std::move(members[c])));
  }
  std::stable_sort(out.begin(), out.end(), [](const ClusterSummary& a, const ClusterSummary& b) {
    return a.members.size() > b.members.size();
  });
  return out;
}

CrossDuplicates count_cross_duplicates(const std::vector<Signature>& reference,
                                       const std::vector<Signature>& queries,
                                       const NearDuplicateOptions& options) {
  NearDuplicateIndex index(options);
  index.reserve(reference.size());
  for (const Signature& signature : reference) index.add(signature);
  std::vector<std::uint8_t> found(queries.size(), 0);  // 0 none, 1 near, 2 exact
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, queries.size(), 256), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      const auto match = index.find_match(queries[i]);
      found[i] = !match ? 0 : match->exact ? 2 : 1;
    }
  });
  CrossDuplicates out;
  out.queries = queries.size();
  for (const std::uint8_t f : found) {
    out.exact += f == 2;
    out.near += f > 0;
  }
  return out;
}

}  // namespace sieve::datasets
