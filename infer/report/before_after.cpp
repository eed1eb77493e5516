#include "sieve/report/before_after.h"

#include <cmath>
#include <cstdio>

#include "sieve/core/json_writer.h"

namespace sieve::infer {
namespace {

constexpr const char* kAll = "all";

double auc_or_nan(const std::vector<metrics::Scored>& scores, bool roc) {
  if (scores.empty()) return std::nan("");
  return roc ? metrics::roc_auc(scores) : metrics::pr_auc(scores);
}

std::string cell(double x) {
  char buffer[16];
  if (std::isnan(x)) return "       -";
  std::snprintf(buffer, sizeof buffer, "%8.4f", x);
  return buffer;
}

}  // namespace

BeforeAfterReport::BeforeAfterReport(std::vector<std::string> heads)
    : heads_(std::move(heads)), scores_(heads_.size()) {}

void BeforeAfterReport::add(const std::string& lang, const std::vector<std::int8_t>& labels,
                            const std::vector<double>& before, const std::vector<double>& after) {
  for (std::size_t h = 0; h < heads_.size(); ++h) {
    if (labels[h] < 0) continue;
    const bool positive = labels[h] == 1;
    for (const std::string& slice : {std::string(kAll), lang}) {
      if (slice.empty()) continue;
      Scores& s = scores_[h][slice];
      if (!std::isnan(before[h])) s.before.push_back({before[h], positive});
      s.after.push_back({after[h], positive});
    }
  }
}

BeforeAfterRow BeforeAfterReport::row(std::size_t head, const std::string& slice) const {
  const Scores& s = scores_[head].at(slice);
  BeforeAfterRow r;
  r.head = heads_[head];
  r.slice = slice;
  r.n = s.after.size();
  for (const metrics::Scored& x : s.after) r.positives += x.positive ? 1 : 0;
  r.roc_auc_before = auc_or_nan(s.before, true);
  r.roc_auc_after = auc_or_nan(s.after, true);
  r.pr_auc_before = auc_or_nan(s.before, false);
  r.pr_auc_after = auc_or_nan(s.after, false);
  return r;
}

std::vector<BeforeAfterRow> BeforeAfterReport::rows() const {
  std::vector<BeforeAfterRow> out;
  for (std::size_t h = 0; h < heads_.size(); ++h) {
    if (!scores_[h].count(kAll)) continue;
    out.push_back(row(h, kAll));
    for (const auto& [slice, scores] : scores_[h]) {
      if (slice != kAll) out.push_back(row(h, slice));
    }
  }
  return out;
}

double BeforeAfterReport::mean_roc_auc_after() const {
  double sum = 0;
  std::size_t n = 0;
  for (std::size_t h = 0; h < heads_.size(); ++h) {
    if (!scores_[h].count(kAll)) continue;
    const double auc = row(h, kAll).roc_auc_after;
    if (std::isnan(auc)) continue;
    sum += auc;
    ++n;
  }
  return n == 0 ? std::nan("") : sum / static_cast<double>(n);
}

std::string BeforeAfterReport::to_text() const {
  std::string out;
  char line[160];
  std::snprintf(line, sizeof line, "%-14s %-6s %6s %6s %8s %8s %8s %8s\n", "head", "slice", "n", "pos",
                "ROC befr", "ROC aftr", "PR befr", "PR aftr");
  out += line;
  for (const BeforeAfterRow& r : rows()) {
    std::snprintf(line, sizeof line, "%-14s %-6s %6zu %6zu %s %s %s %s\n", r.head.c_str(), r.slice.c_str(),
                  r.n, r.positives, cell(r.roc_auc_before).c_str(), cell(r.roc_auc_after).c_str(),
                  cell(r.pr_auc_before).c_str(), cell(r.pr_auc_after).c_str());
    out += line;
  }
  return out;
}

std::string BeforeAfterReport::to_json() const {
  JsonWriter w;
  w.begin_object().key("rows").begin_array();
  for (const BeforeAfterRow& r : rows()) {
    w.begin_object().key("head").value(r.head).key("slice").value(r.slice);
    w.key("n")
        .value(static_cast<std::uint64_t>(r.n))
        .key("positives")
        .value(static_cast<std::uint64_t>(r.positives));
    w.key("roc_auc_before").value(r.roc_auc_before);  // null when undefined
    w.key("roc_auc_after").value(r.roc_auc_after);
    w.key("pr_auc_before").value(r.pr_auc_before);
    w.key("pr_auc_after").value(r.pr_auc_after);
    w.end_object();
  }
  w.end_array().end_object();
  return w.take();
}

}  // namespace sieve::infer
