#include "sieve/report/account_evaluation.h"

#include <algorithm>

namespace sieve::infer {
namespace {

std::string most_common(const std::unordered_map<std::string, std::uint32_t>& counts) {
  std::string best;
  std::uint32_t top = 0;
  for (const auto& [name, n] : counts) {
    if (n > top || (n == top && name < best)) {
      best = name;
      top = n;
    }
  }
  return best;
}

}  // namespace

AccountEvaluation::AccountEvaluation(std::vector<ReportHead> heads) : heads_(std::move(heads)) {
  for (const ReportHead& h : heads_) stride_ += h.binary ? 1 : h.labels.size();
}

void AccountEvaluation::add(std::string_view account, std::string_view lang, std::string_view source,
                            const float* probabilities, const std::int8_t* labels) {
  const auto [it, added] =
      index_.try_emplace(std::string(account), static_cast<std::uint32_t>(names_.size()));
  if (added) {
    names_.emplace_back(account);
    Account a;
    a.sums.assign(stride_, 0);
    for (const ReportHead& h : heads_) a.labels.emplace_back(h.binary ? 2 : h.labels.size(), 0);
    accounts_.push_back(std::move(a));
  }
  Account& a = accounts_[it->second];
  ++a.posts;
  for (std::size_t k = 0; k < stride_; ++k) a.sums[k] += probabilities[k];
  for (std::size_t h = 0; h < heads_.size(); ++h) {
    if (labels[h] >= 0 && static_cast<std::size_t>(labels[h]) < a.labels[h].size()) ++a.labels[h][labels[h]];
  }
  ++a.langs[std::string(lang)];
  ++a.sources[std::string(source)];
}

EvalReport AccountEvaluation::report() const {
  EvalReport report(heads_);
  std::vector<float> mean(stride_);
  std::vector<std::int8_t> labels(heads_.size());
  for (std::size_t i = 0; i < accounts_.size(); ++i) {
    const Account& a = accounts_[i];
    for (std::size_t k = 0; k < stride_; ++k) mean[k] = static_cast<float>(a.sums[k] / a.posts);
    for (std::size_t h = 0; h < heads_.size(); ++h) {
      const std::vector<std::uint32_t>& counts = a.labels[h];
      std::uint32_t labelled = 0;
      for (const std::uint32_t n : counts) labelled += n;
      if (labelled < kMinLabelledPosts) {
        labels[h] = -1;
      } else if (heads_[h].binary) {
        labels[h] = 2 * counts[1] >= labelled ? 1 : 0;
      } else {
        labels[h] = static_cast<std::int8_t>(std::max_element(counts.begin(), counts.end()) - counts.begin());
      }
    }
    report.add(most_common(a.langs), most_common(a.sources), names_[i], mean.data(), labels.data());
  }
  return report;
}

}  // namespace sieve::infer
