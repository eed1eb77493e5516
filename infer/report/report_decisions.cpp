// The false-positive table of a binary head: what its decisions promise on the organic posts.

#include <cmath>

#include "report_render.h"

namespace sieve::infer::report {
namespace {

std::string with_interval(double x, const metrics::Interval& i) {
  if (std::isnan(x)) return format_number(x);
  return format_number(x) + " [" + format_number(i.low) + ", " + format_number(i.high) + "]";
}

}  // namespace

FalsePositiveTable false_positive_table(const HeadReport& head, const ReportOptions& options) {
  FalsePositiveTable t;
  if (!head.head.language_thresholds.empty()) {
    t.languages = "Languages deciding with a threshold of their own (sieve calibrate --organic):";
    for (const auto& [lang, threshold] : head.head.language_thresholds) {
      t.languages += " " + lang + " " + format_number(threshold, 4) + ";";
    }
    t.languages += " the others with " + format_number(head.head.threshold, 4) + ".";
  }
  t.header = {"slice", "negatives", "FPR [95% CI]", "recall [95% CI]"};
  const bool prevalence = options.prevalence > 0;
  if (prevalence) t.header.push_back("precision at " + format_number(options.prevalence, 4));
  for (const double target : options.fpr_targets)
    t.header.push_back("thr / recall at FPR " + format_number(target, 3));
  for (const SliceReport& s : head.slices) {
    if (s.kind != SliceKind::kAll && s.kind != SliceKind::kLanguage) continue;
    const BinarySliceMetrics& m = s.binary;
    std::vector<std::string> cells = {s.name, std::to_string(s.n - m.positives),
                                      with_interval(m.fpr, m.fpr_interval),
                                      with_interval(m.recall, m.recall_interval)};
    if (prevalence) cells.push_back(format_number(m.precision_at_prevalence));
    for (std::size_t k = 0; k < options.fpr_targets.size(); ++k) {
      cells.push_back(k < m.fpr_points.size() ? format_number(m.fpr_points[k].threshold, 4) + " / " +
                                                    format_number(m.fpr_points[k].recall)
                                              : format_number(std::nan("")));
    }
    t.rows.push_back(cells);
  }
  t.note =
      "FPR: the share of the slice's negatives (its organic posts) flagged at the model's threshold; "
      "intervals "
      "are Wilson 95 %. The last columns: the threshold that flags at most that share of the slice's "
      "negatives, and the recall it keeps.";
  if (prevalence) {
    t.note += " Precision at " + format_number(options.prevalence, 4) +
              ": what the decisions' precision would be where that share of the posts is positive.";
  }
  return t;
}

}  // namespace sieve::infer::report
