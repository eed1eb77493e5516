#pragma once
// The three renderings of an evaluation report and the text helpers they share (private to infer/).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sieve/core/markup.h"
#include "sieve/report/eval_report.h"

namespace sieve::infer::report {

// What every rendering shows besides the heads.
struct ReportSummary {
  const ReportOptions& options;
  std::size_t posts = 0;
};

std::string render_json(const ReportSummary& summary, const std::vector<HeadReport>& heads);
std::string render_markdown(const ReportSummary& summary, const std::vector<HeadReport>& heads);
std::string render_html(const ReportSummary& summary, const std::vector<HeadReport>& heads);

// The false-positive table of a binary head, shared by the Markdown and the HTML: per `all` and language
// slice, its negatives, FPR and recall with their intervals, the precision at the base rate (when set) and
// the threshold / recall at each target rate. Cells are plain text, escaped by the rendering.
struct FalsePositiveTable {
  std::string languages;  // the languages deciding with their own threshold, as a sentence ("" when none)
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::string note;
};
FalsePositiveTable false_positive_table(const HeadReport& head, const ReportOptions& options);

// x with `decimals` digits after the point; "–" when x is NaN.
std::string format_number(double x, int decimals = 3);

}  // namespace sieve::infer::report
