#include "sieve/datasets/splitter.h"

#include <algorithm>
#include <bitset>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "sieve/core/error.h"
#include "sieve/core/hash.h"
#include "sieve/core/json_writer.h"
#include "union_find.h"

namespace sieve::datasets {
namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

// Record number → set number (in order of first record): the union of "same group" and, when clusters
// are given, "same near-duplicate cluster".
std::vector<std::vector<std::uint32_t>> find_components(const std::vector<Record>& records,
                                                        const NearDuplicateClusters* clusters) {
  const auto n = static_cast<std::uint32_t>(records.size());
  detail::UnionFind sets(n);
  std::unordered_map<std::string_view, std::uint32_t> first_of_group;
  std::vector<std::uint32_t> first_of_cluster(clusters ? clusters->count() : 0, kNone);
  for (std::uint32_t i = 0; i < n; ++i) {
    sets.unite(first_of_group.emplace(records[i].group_or_id(), i).first->second, i);
    if (!clusters) continue;
    std::uint32_t& first = first_of_cluster[clusters->cluster_of[i]];
    if (first == kNone) first = i;
    sets.unite(first, i);
  }
  std::vector<std::uint32_t> number(n, kNone);
  std::vector<std::vector<std::uint32_t>> out;
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint32_t root = sets.smallest(i);
    if (root == i) {
      number[i] = static_cast<std::uint32_t>(out.size());
      out.emplace_back();
    }
    out[number[root]].push_back(i);
  }
  return out;
}

// The most frequent value of counts (the first on ties), where counts[v] counts value v.
template <typename Key>
Key majority(const std::map<Key, std::size_t>& counts) {
  Key best{};
  std::size_t most = 0;
  for (const auto& [value, count] : counts) {
    if (count > most) {
      most = count;
      best = value;
    }
  }
  return best;
}

// "lang|v1|v2...": the majority language and, per head, the majority label (kMissingLabel included).
std::string stratum_of(const std::vector<Record>& records, const std::vector<std::uint32_t>& members) {
  std::map<std::string_view, std::size_t> langs;
  std::vector<std::map<int, std::size_t>> heads;
  for (const std::uint32_t i : members) {
    const Record& r = records[i];
    ++langs[r.lang];
    if (heads.size() < r.labels.size()) heads.resize(r.labels.size());
    for (std::size_t h = 0; h < r.labels.size(); ++h) ++heads[h][r.labels[h]];
  }
  std::string key(majority(langs));
  for (const auto& head : heads) key += "|" + std::to_string(majority(head));
  return key;
}

// Seeded position of a set of records: the least hash of their ids, so that the same rows in another
// file order land in the same splits.
std::uint64_t order_of(const std::vector<Record>& records, const std::vector<std::uint32_t>& members,
                       std::uint64_t seed) {
  std::uint64_t order = std::numeric_limits<std::uint64_t>::max();
  for (const std::uint32_t i : members) order = std::min(order, hash64(records[i].id, seed));
  return order;
}

// Records placed so far in one stratum or in the whole.
struct Tally {
  std::array<double, kSplitCount> assigned{};
  double total = 0;

  // How far the splits would be from their targets with size more records in split s: the chi-square
  // style sum of squared record deviations over targets. Measured in records, so a component is judged by
  // what it does to the counts: a 2,000-record talk does not go to a stratum's 700-record dev share.
  double deviation_after(std::size_t s, double size, const std::array<double, kSplitCount>& target) const {
    double sum = 0;
    for (std::size_t k = 0; k < kSplitCount; ++k) {
      if (target[k] <= 0) continue;
      const double gap = assigned[k] + (k == s ? size : 0) - target[k] * (total + size);
      sum += gap * gap / target[k];
    }
    return sum;
  }
  void add(std::size_t s, double size) {
    assigned[s] += size;
    total += size;
  }
};

// Places sets of records where the deviation from the targets, in the set's stratum plus overall, grows
// least. The overall term matters for small strata: alone, each would send its first component to train.
class Placer {
 public:
  explicit Placer(const SplitOptions& options)
      : target_{1 - options.dev - options.test, options.dev, options.test} {}

  const std::array<double, kSplitCount>& target() const { return target_; }

  Split place(const std::string& stratum, double size) {
    const Tally& tally = strata_[stratum];
    std::size_t best = 0;
    double least = std::numeric_limits<double>::infinity();
    for (std::size_t s = 0; s < kSplitCount; ++s) {
      if (target_[s] <= 0) continue;
      const double d = tally.deviation_after(s, size, target_) + overall_.deviation_after(s, size, target_);
      if (d < least) least = d, best = s;
    }
    count(stratum, static_cast<Split>(best), size);
    return static_cast<Split>(best);
  }

  // Records placed by other means still count towards the shares.
  void count(const std::string& stratum, Split split, double size) {
    strata_[stratum].add(static_cast<std::size_t>(split), size);
    overall_.add(static_cast<std::size_t>(split), size);
  }

 private:
  std::array<double, kSplitCount> target_;
  std::map<std::string, Tally> strata_;
  Tally overall_;
};

// The groups of one oversized component and the clusters (of 2 or more) that tie them.
struct GroupGraph {
  std::vector<std::vector<std::uint32_t>> group_members;
  std::vector<std::vector<std::uint32_t>> group_clusters;  // local cluster numbers
  std::vector<std::vector<std::uint32_t>> cluster_groups;  // local group numbers
  std::vector<std::vector<std::uint32_t>> cluster_members;
};

GroupGraph build_group_graph(const std::vector<Record>& records, const std::vector<std::uint32_t>& members,
                             const NearDuplicateClusters& clusters) {
  GroupGraph g;
  std::unordered_map<std::string_view, std::uint32_t> group_number;
  std::unordered_map<std::uint32_t, std::uint32_t> cluster_number;
  for (const std::uint32_t i : members) {
    const auto group = group_number.emplace(records[i].group_or_id(), g.group_members.size()).first->second;
    if (group == g.group_members.size()) g.group_members.emplace_back(), g.group_clusters.emplace_back();
    g.group_members[group].push_back(i);
    const std::uint32_t cluster = clusters.cluster_of[i];
    if (clusters.sizes[cluster] < 2) continue;
    const auto local = cluster_number.emplace(cluster, g.cluster_groups.size()).first->second;
    if (local == g.cluster_groups.size()) g.cluster_groups.emplace_back(), g.cluster_members.emplace_back();
    g.cluster_members[local].push_back(i);
    auto& groups = g.cluster_groups[local];
    if (std::find(groups.begin(), groups.end(), group) == groups.end()) {
      groups.push_back(group);
      g.group_clusters[group].push_back(local);
    }
  }
  return g;
}

// Groups in breadth-first order over shared clusters from the seeded first group, so that groups which
// share templates sit next to each other and a cut between consecutive runs cuts few clusters.
std::vector<std::uint32_t> neighbourly_order(const GroupGraph& g, const std::vector<std::uint64_t>& order) {
  const std::size_t n = g.group_members.size();
  std::vector<std::uint32_t> by_order(n);
  for (std::uint32_t i = 0; i < n; ++i) by_order[i] = i;
  std::sort(by_order.begin(), by_order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return order[a] < order[b]; });
  std::vector<bool> seen(n, false), expanded(g.cluster_groups.size(), false);
  std::vector<std::uint32_t> out;
  std::vector<std::uint32_t> next;
  for (const std::uint32_t start : by_order) {  // one start, unless the clusters leave groups apart
    if (seen[start]) continue;
    seen[start] = true;
    out.push_back(start);
    for (std::size_t head = out.size() - 1; head < out.size(); ++head) {
      next.clear();
      for (const std::uint32_t c : g.group_clusters[out[head]]) {
        if (expanded[c]) continue;
        expanded[c] = true;
        for (const std::uint32_t other : g.cluster_groups[c]) {
          if (!seen[other]) seen[other] = true, next.push_back(other);
        }
      }
      std::sort(next.begin(), next.end(),
                [&](std::uint32_t a, std::uint32_t b) { return order[a] < order[b]; });
      out.insert(out.end(), next.begin(), next.end());
    }
  }
  return out;
}

// Moves the members of each cluster that spans splits into the split holding most of them (train on
// ties). Returns the records moved.
std::size_t mend_cut_clusters(const GroupGraph& g, std::vector<Split>& split_of) {
  std::size_t moved = 0;
  for (const auto& members : g.cluster_members) {
    std::array<std::size_t, kSplitCount> count{};
    for (const std::uint32_t i : members) ++count[static_cast<std::size_t>(split_of[i])];
    const auto home = static_cast<Split>(std::max_element(count.begin(), count.end()) - count.begin());
    for (const std::uint32_t i : members) {
      moved += split_of[i] != home;
      split_of[i] = home;
    }
  }
  return moved;
}

// Places an oversized component: its groups in neighbourly order fill test's share, then dev's, then the
// rest goes to train. A group that would overfill a split goes on to the next one and closes it, so that
// one huge group (a 2,000-sentence talk) cannot double test while a split stays one run of neighbours.
// Then mends the clusters the cuts went through. Returns the records moved by the mending.
std::size_t place_oversized(const std::vector<Record>& records, const std::vector<std::uint32_t>& members,
                            const NearDuplicateClusters& clusters, std::uint64_t seed, Placer& placer,
                            std::vector<Split>& split_of) {
  const GroupGraph g = build_group_graph(records, members, clusters);
  std::vector<std::uint64_t> order(g.group_members.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = order_of(records, g.group_members[i], seed);
  const auto total = static_cast<double>(members.size());
  const std::array<Split, 2> fill = {Split::kTest, Split::kDev};
  std::array<double, 2> room = {placer.target()[2] * total, placer.target()[1] * total};
  std::size_t filling = 0;  // index into fill; 2 once both are closed
  for (const std::uint32_t group : neighbourly_order(g, order)) {
    const auto size = static_cast<double>(g.group_members[group].size());
    while (filling < fill.size() && size > room[filling]) ++filling;
    const Split split = filling < fill.size() ? fill[filling] : Split::kTrain;
    if (filling < fill.size()) room[filling] -= size;
    for (const std::uint32_t i : g.group_members[group]) split_of[i] = split;
  }
  const std::size_t moved = mend_cut_clusters(g, split_of);
  for (const auto& group : g.group_members) {
    const std::string stratum = stratum_of(records, group);
    for (const std::uint32_t i : group) placer.count(stratum, split_of[i], 1);
  }
  return moved;
}

void check(bool ok, const char* field, const std::string& message) {
  if (!ok) throw Error(ErrorKind::kConfig, std::string("split.") + field, message);
}

void check_inputs(const std::vector<Record>& records, const NearDuplicateClusters* clusters,
                  const SplitOptions& options) {
  options.validate();
  if (options.keep_near_duplicates_together && !clusters) {
    throw Error(ErrorKind::kInvalidInput, "assign_splits",
                "near-duplicate clusters are needed to keep them together");
  }
  if (clusters && clusters->cluster_of.size() != records.size()) {
    throw Error(ErrorKind::kInvalidInput, "assign_splits",
                std::to_string(records.size()) + " records but clusters of " +
                    std::to_string(clusters->cluster_of.size()) + " posts");
  }
}

// "a, b, c" of the first names of a sorted set, and how many more there are.
std::string name_list(const std::set<std::string_view>& names) {
  constexpr std::size_t kShown = 10;
  std::string out;
  std::size_t shown = 0;
  for (const std::string_view name : names) {
    if (shown++ == kShown) break;
    (out += out.empty() ? "" : ", ") += name;
  }
  if (names.size() > kShown) out += " and " + std::to_string(names.size() - kShown) + " more";
  return out;
}

// Per record, whether its source is held out; empty when none is. Throws for a source that no record has.
std::vector<bool> held_out_records(const std::vector<Record>& records,
                                   const std::vector<std::string>& sources) {
  if (sources.empty()) return {};
  const std::set<std::string_view> wanted(sources.begin(), sources.end());
  std::set<std::string_view> seen, matched;
  std::vector<bool> held(records.size(), false);
  for (std::size_t i = 0; i < records.size(); ++i) {
    seen.insert(records[i].source);
    if (wanted.count(records[i].source) == 0) continue;
    held[i] = true;
    matched.insert(records[i].source);
  }
  for (const std::string& source : sources) {
    if (matched.count(source) == 0) {
      throw Error(ErrorKind::kInvalidInput, "split.holdout_sources",
                  "no record has source '" + source + "'; the sources are: " + name_list(seen));
    }
  }
  return held;
}

// Records and groups of each held-out source, in the order they were asked for.
std::vector<HeldOutSource> count_held_out(const std::vector<Record>& records,
                                          const std::vector<std::string>& sources) {
  std::vector<HeldOutSource> out;
  for (const std::string& source : sources) {
    if (std::any_of(out.begin(), out.end(), [&](const HeldOutSource& h) { return h.source == source; }))
      continue;
    std::set<std::string_view> groups;
    HeldOutSource counts{source, 0, 0};
    for (const Record& r : records) {
      if (r.source != source) continue;
      ++counts.records;
      groups.insert(r.group_or_id());
    }
    counts.groups = groups.size();
    out.push_back(std::move(counts));
  }
  return out;
}

// Sends to test every component holding a held-out record, and returns the others.
std::vector<std::vector<std::uint32_t>> hold_out(const std::vector<Record>& records,
                                                 std::vector<std::vector<std::uint32_t>> components,
                                                 const SplitOptions& options, SplitAssignment& out) {
  const std::vector<bool> held = held_out_records(records, options.holdout_sources);
  if (held.empty()) return components;
  std::vector<std::vector<std::uint32_t>> rest;
  std::size_t in_test = 0;
  for (auto& members : components) {
    if (std::none_of(members.begin(), members.end(), [&](std::uint32_t i) { return held[i]; })) {
      rest.push_back(std::move(members));
      continue;
    }
    for (const std::uint32_t i : members) out.split_of[i] = Split::kTest;
    in_test += members.size();
  }
  if (in_test == records.size()) {
    throw Error(ErrorKind::kInvalidInput, "split.holdout_sources",
                "the held-out sources and the records tied to them by group or near-duplicate cluster are "
                "all " +
                    std::to_string(records.size()) + " records: none is left for train");
  }
  out.held_out = count_held_out(records, options.holdout_sources);
  std::size_t of_sources = 0;
  for (const HeldOutSource& h : out.held_out) of_sources += h.records;
  out.held_out_tied = in_test - of_sources;
  return rest;
}

// A component placed whole.
struct Unit {
  std::vector<std::uint32_t> members;
  std::string stratum;
  std::uint64_t order = 0;
};

}  // namespace

const char* split_name(Split split) {
  switch (split) {
    case Split::kTrain:
      return "train";
    case Split::kDev:
      return "dev";
    case Split::kTest:
      return "test";
  }
  return "?";
}

void SplitOptions::validate() const {
  check(dev >= 0 && dev < 1, "dev", "must be in [0, 1), got " + std::to_string(dev));
  check(test >= 0 && test < 1, "test", "must be in [0, 1), got " + std::to_string(test));
  check(dev + test < 1, "dev/test",
        "dev + test must leave records for train, got " + std::to_string(dev + test));
  check(max_component_share > 0 && max_component_share <= 1, "max_component_share",
        "must be in (0, 1], got " + std::to_string(max_component_share));
  near_duplicates.validate();
}

SplitAssignment assign_splits(const std::vector<Record>& records, const NearDuplicateClusters* clusters,
                              const SplitOptions& options) {
  check_inputs(records, clusters, options);
  const NearDuplicateClusters* kept = options.keep_near_duplicates_together ? clusters : nullptr;
  SplitAssignment out;
  out.split_of.resize(records.size());
  auto all_components = find_components(records, kept);
  out.components = all_components.size();
  auto components = hold_out(records, std::move(all_components), options, out);
  // The shares and the size limit are of the records that are not held out.
  std::size_t placed = 0;
  for (const auto& members : components) placed += members.size();
  const double limit = std::max(1.0, options.max_component_share * static_cast<double>(placed));
  Placer placer(options);
  std::vector<Unit> units;
  for (auto& members : components) {
    if (kept && static_cast<double>(members.size()) > limit) {
      ++out.oversized_components;
      out.records_in_oversized += members.size();
      out.records_moved_to_cluster +=
          place_oversized(records, members, *kept, options.seed, placer, out.split_of);
      continue;
    }
    const std::string stratum = stratum_of(records, members);
    const std::uint64_t order = order_of(records, members, options.seed);
    units.push_back(Unit{std::move(members), stratum, order});
  }
  std::sort(units.begin(), units.end(), [](const Unit& a, const Unit& b) {
    return std::tie(a.order, a.members.front()) < std::tie(b.order, b.members.front());
  });
  for (const Unit& unit : units) {
    const Split split = placer.place(unit.stratum, static_cast<double>(unit.members.size()));
    for (const std::uint32_t i : unit.members) out.split_of[i] = split;
  }
  return out;
}

}  // namespace sieve::datasets
