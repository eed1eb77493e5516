#include "sieve/report/paired_bootstrap.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "sieve/core/json_writer.h"
#include "sieve/core/metrics.h"

namespace sieve::infer {

std::string PairedAucInterval::verdict() const {
  if (low > 0) return "better";
  if (high < 0) return "worse";
  return "not different";
}

std::string PairedAucInterval::to_json() const {
  JsonWriter w;
  w.begin_object().key("roc_auc_before").value(before).key("roc_auc_after").value(after);
  w.key("difference_low").value(low).key("difference_high").value(high).key("level").value(level);
  w.key("resamples").value(static_cast<std::uint64_t>(resamples));
  w.key("groups").value(static_cast<std::uint64_t>(groups)).key("verdict").value(verdict());
  w.end_object();
  return w.take();
}

PairedAucInterval paired_auc_bootstrap(const std::vector<std::int8_t>& labels,
                                       const std::vector<double>& before, const std::vector<double>& after,
                                       const std::vector<std::string>& groups, std::size_t resamples,
                                       double level, std::uint64_t seed) {
  PairedAucInterval result;
  result.level = level;
  std::map<std::string, std::vector<std::size_t>> by_group;
  std::vector<metrics::Scored> b, a;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != 0 && labels[i] != 1) continue;
    by_group[groups[i]].push_back(i);
    b.push_back({before[i], labels[i] == 1});
    a.push_back({after[i], labels[i] == 1});
  }
  result.before = metrics::roc_auc(b);
  result.after = metrics::roc_auc(a);
  std::vector<const std::vector<std::size_t>*> members;
  for (const auto& [group, posts] : by_group) members.push_back(&posts);
  result.groups = members.size();
  std::mt19937_64 rng(seed);
  std::vector<double> differences;
  for (std::size_t r = 0; r < resamples && !members.empty(); ++r) {
    b.clear();
    a.clear();
    for (std::size_t k = 0; k < members.size(); ++k) {
      for (const std::size_t i : *members[rng() % members.size()]) {
        b.push_back({before[i], labels[i] == 1});
        a.push_back({after[i], labels[i] == 1});
      }
    }
    const double difference = metrics::roc_auc(a) - metrics::roc_auc(b);
    if (std::isfinite(difference)) differences.push_back(difference);
  }
  result.resamples = differences.size();
  if (differences.empty()) {
    result.low = result.high = std::nan("");
    return result;
  }
  std::sort(differences.begin(), differences.end());
  const auto at = [&](double q) {
    const auto k =
        static_cast<std::size_t>(std::floor(q * static_cast<double>(differences.size() - 1) + 0.5));
    return differences[std::min(k, differences.size() - 1)];
  };
  result.low = at((1 - level) / 2);
  result.high = at(1 - (1 - level) / 2);
  return result;
}

}  // namespace sieve::infer
