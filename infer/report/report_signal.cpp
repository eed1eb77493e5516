// EvalReport::compute_signal: the two numbers of a binary head that recognising the source cannot earn,
// the ROC-AUC within each language × source cell and the accuracy on pairs inside one group.

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include "sieve/report/eval_report.h"

namespace sieve::infer {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The language × source slices are the cells: their ROC-AUC is already computed.
WithinSourceReport within_source(const std::vector<SliceReport>& slices, std::size_t min_per_class) {
  WithinSourceReport out;
  out.min_per_class = min_per_class;
  double sum = 0;
  for (const SliceReport& s : slices) {
    const std::size_t positives = s.binary.positives;
    if (s.kind != SliceKind::kLanguageSource || positives < min_per_class || s.n - positives < min_per_class)
      continue;
    out.cells.push_back({s.source, s.lang, s.n, positives, s.binary.roc_auc});
    sum += s.binary.roc_auc;
  }
  std::sort(out.cells.begin(), out.cells.end(), [](const auto& a, const auto& b) {
    return std::tie(a.source, a.lang) < std::tie(b.source, b.lang);
  });
  out.macro_roc_auc = out.cells.empty() ? kNaN : sum / static_cast<double>(out.cells.size());
  return out;
}

// A labelled post of a group, with its source as an index into the names in order.
struct GroupedPost {
  std::uint32_t source = 0;
  std::uint64_t group = 0;
  metrics::Scored scored;
};

// The pairs of one group and those ordered correctly; a group with one label has none.
struct PairCount {
  std::size_t pairs = 0;
  double correct = 0;
};

PairCount count_pairs(const std::vector<metrics::Scored>& group) {
  std::size_t positives = 0;
  for (const metrics::Scored& e : group) positives += e.positive;
  const std::size_t pairs = positives * (group.size() - positives);
  if (pairs == 0) return {};
  // The ROC-AUC of the group is the share of its pairs ordered correctly (Mann–Whitney U, sorting once);
  // that count is a multiple of one half, which the rounding restores exactly.
  const double correct = metrics::roc_auc(group) * static_cast<double>(pairs);
  return {pairs, std::round(2 * correct) / 2};
}

double share(double correct, std::size_t pairs) {
  return pairs ? correct / static_cast<double>(pairs) : kNaN;
}

}  // namespace

void EvalReport::compute_signal(std::size_t k, const ReportOptions& options, HeadReport& out) const {
  out.within_source = within_source(out.slices, options.within_min_per_class);

  // Source indices in name order, so the per-source lines come out sorted.
  std::map<std::string, std::uint32_t> source_index;
  for (const SliceKey& key : slice_key_names_) source_index.emplace(key.source, 0);
  std::vector<std::string> sources;
  for (auto& [name, index] : source_index) {
    index = static_cast<std::uint32_t>(sources.size());
    sources.push_back(name);
  }
  std::vector<std::uint32_t> source_of_key;
  for (const SliceKey& key : slice_key_names_) source_of_key.push_back(source_index.at(key.source));

  std::vector<GroupedPost> posts;
  for (std::size_t i = 0; i < slice_keys_.size(); ++i) {
    const int label = labels_[i * heads_.size() + k];
    if (label < 0 || group_hashes_[i] == kNoGroup) continue;
    const double score = probabilities_[i * stride_ + offsets_[k]];
    posts.push_back({source_of_key[slice_keys_[i]], group_hashes_[i], {score, label == 1}});
  }
  std::sort(posts.begin(), posts.end(), [](const GroupedPost& a, const GroupedPost& b) {
    return std::tie(a.source, a.group) < std::tie(b.source, b.group);
  });

  PairedReport& paired = out.paired;
  std::vector<double> correct(sources.size(), 0);
  std::vector<PairedReport::Source> by_source(sources.size());
  double all_correct = 0;
  std::vector<metrics::Scored> group;
  for (std::size_t i = 0; i < posts.size();) {
    const std::uint32_t source = posts[i].source;
    const std::uint64_t hash = posts[i].group;
    group.clear();
    for (; i < posts.size() && posts[i].source == source && posts[i].group == hash; ++i)
      group.push_back(posts[i].scored);
    const PairCount count = count_pairs(group);
    if (count.pairs == 0) continue;
    ++by_source[source].groups;
    by_source[source].pairs += count.pairs;
    correct[source] += count.correct;
    ++paired.groups;
    paired.pairs += count.pairs;
    all_correct += count.correct;
  }
  paired.accuracy = share(all_correct, paired.pairs);
  for (std::uint32_t s = 0; s < sources.size(); ++s) {
    if (by_source[s].pairs == 0) continue;
    by_source[s].source = sources[s];
    by_source[s].accuracy = share(correct[s], by_source[s].pairs);
    paired.by_source.push_back(std::move(by_source[s]));
  }
}

}  // namespace sieve::infer
