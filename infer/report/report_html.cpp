// report.html: one self-contained page (inline CSS and SVG, no scripts, fonts or links), every string
// from the data escaped.

#include <algorithm>

#include "report_render.h"
#include "svg_chart.h"

namespace sieve::infer::report {
namespace {

// Languages beyond this many (the largest first) are left off the precision-recall chart.
constexpr std::size_t kMaxLanguageLines = 9;

constexpr const char* kStyle = R"(<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;margin:24px auto;max-width:1200px;padding:0 16px}
h1{font-size:24px;margin:0 0 8px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h2 small{font-weight:normal;color:#666;font-size:14px}h3{font-size:15px;margin:16px 0 6px}
dl.run{display:grid;grid-template-columns:max-content auto;gap:2px 12px;margin:0}dl.run dt{color:#666}dl.run dd{margin:0}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px;font-variant-numeric:tabular-nums}
.wide{overflow-x:auto}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:right;white-space:nowrap}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
td:first-child{white-space:normal;overflow-wrap:anywhere;min-width:10em;max-width:22em}
td.miss{color:#b35c00}.note{color:#666;font-size:13px;margin:0 0 8px}
.charts{display:flex;flex-wrap:wrap;gap:12px}
svg.chart{font:12px system-ui,sans-serif;background:#fff}svg .axis{font-size:13px}svg .title{font-size:14px;font-weight:600}
</style>
)";

std::string tag(const std::string& name, const std::string& text, const std::string& attributes = "") {
  return "<" + name + attributes + ">" + text + "</" + name + ">";
}

// Cells already wrapped in <td> or <th> are kept as they are; text from the data is escaped, so never starts
// with "<".
std::string table_row(const std::vector<std::string>& cells, const char* cell = "td") {
  std::string out = "<tr>";
  for (const std::string& c : cells) out += c.rfind("<t", 0) == 0 ? c : tag(cell, c);
  return out + "</tr>\n";
}

std::string header_row(const std::vector<std::string>& names) { return table_row(names, "th"); }

Chart pr_chart(const HeadReport& head) {
  Chart chart;
  chart.title = "Precision-recall: " + head.head.name;
  chart.x_label = "Recall";
  chart.y_label = "Precision";
  chart.empty_note = "no positives";
  std::vector<const SliceReport*> languages;
  for (const SliceReport& s : head.slices) {
    if (s.kind == SliceKind::kLanguage && !s.binary.pr_curve.empty()) languages.push_back(&s);
  }
  std::stable_sort(languages.begin(), languages.end(),
                   [](const SliceReport* a, const SliceReport* b) { return a->n > b->n; });
  if (languages.size() > kMaxLanguageLines) languages.resize(kMaxLanguageLines);
  auto add_line = [&](const SliceReport& s, bool emphasised) {
    ChartLine line{s.name + "  AP " + format_number(s.binary.pr_auc), {}, emphasised};
    for (const metrics::CurvePoint& p : s.binary.pr_curve) line.points.push_back({p.recall, p.precision});
    chart.lines.push_back(std::move(line));
  };
  if (!head.slices.front().binary.pr_curve.empty()) add_line(head.slices.front(), true);
  for (const SliceReport* s : languages) add_line(*s, false);
  return chart;
}

Chart reliability_chart(const HeadReport& head) {
  Chart chart;
  chart.title = "Reliability: " + head.head.name + " (all posts)";
  chart.x_label = "Predicted probability";
  chart.y_label = "Observed positive share";
  chart.bars_name = "positive share per bin";
  chart.markers_name = "at the bin's mean prediction";
  chart.diagonal_name = "perfect calibration";
  chart.empty_note = "no posts";
  for (const metrics::ReliabilityBin& bin : head.slices.front().binary.reliability) {
    if (bin.count == 0) continue;
    chart.bars.push_back({bin.lower, bin.upper, bin.positive_share,
                          "[" + format_number(bin.lower, 2) + ", " + format_number(bin.upper, 2) +
                              "): " + std::to_string(bin.count) + " posts, mean predicted " +
                              format_number(bin.mean_probability) + ", positive share " +
                              format_number(bin.positive_share)});
    chart.markers.push_back({bin.mean_probability, bin.positive_share});
  }
  return chart;
}

void false_positive_section(std::string& out, const HeadReport& head, const ReportOptions& options) {
  const FalsePositiveTable table = false_positive_table(head, options);
  out += "<h3>False positives</h3>\n";
  if (!table.languages.empty()) out += "<p>" + markup_escape(table.languages) + "</p>\n";
  out += "<div class=\"wide\"><table>\n" + header_row(table.header);
  for (const std::vector<std::string>& r : table.rows) {
    std::vector<std::string> cells;
    for (const std::string& c : r) cells.push_back(markup_escape(c));
    out += table_row(cells);
  }
  out += "</table></div>\n<p class=\"note\">" + markup_escape(table.note) + "</p>\n";
}

// The within-source ROC-AUC and the paired accuracy: the numbers that telling the sources apart cannot earn.
void signal_section(std::string& out, const HeadReport& head) {
  const WithinSourceReport& within = head.within_source;
  const std::string min = std::to_string(within.min_per_class);
  out += "<h3>Within source: ROC-AUC per language \xC3\x97 source cell</h3>\n";
  if (within.cells.empty()) {
    out += "<p class=\"note\">No language \xC3\x97 source cell holds " + min + " posts of each class.</p>\n";
  } else {
    out += "<p>Mean over " + std::to_string(within.cells.size()) + " cells: <b>" +
           format_number(within.macro_roc_auc) + "</b></p>\n<table>\n" +
           header_row({"source", "lang", "n", "positives", "ROC-AUC"});
    for (const WithinSourceReport::Cell& c : within.cells) {
      out += table_row({markup_escape(c.source), markup_escape(c.lang), std::to_string(c.n),
                        std::to_string(c.positives), format_number(c.roc_auc)});
    }
    out += "</table>\n<p class=\"note\">Cells holding at least " + min +
           " posts of each class. Inside one source both classes come from the same data, so recognising the "
           "source earns 0.5 here.</p>\n";
  }
  const PairedReport& paired = head.paired;
  out += "<h3>Paired: positive against negative inside one group</h3>\n";
  if (paired.pairs == 0) {
    out += "<p class=\"note\">No group holds both labels.</p>\n";
    return;
  }
  out += "<p>Accuracy <b>" + format_number(paired.accuracy) + "</b> over " + std::to_string(paired.pairs) +
         " pairs in " + std::to_string(paired.groups) + " groups</p>\n<table>\n" +
         header_row({"source", "groups", "pairs", "accuracy"});
  for (const PairedReport::Source& s : paired.by_source) {
    out += table_row({markup_escape(s.source), std::to_string(s.groups), std::to_string(s.pairs),
                      format_number(s.accuracy)});
  }
  out +=
      "</table>\n<p class=\"note\">The share of (positive, negative) pairs of one group (author, document "
      "or pair) in which the positive scores higher, ties counting one half; groups with one label count "
      "in none.</p>\n";
}

void binary_section(std::string& out, const HeadReport& head, const ReportOptions& options) {
  const std::string target = format_number(options.target_precision, 2);
  out += "<div class=\"wide\"><table>\n" +
         header_row({"slice", "n", "positives", "prevalence", "P", "R", "F1", "ROC-AUC", "PR-AUC", "ECE",
                     "best-F1 thr", "best F1", "thr@P" + target, "R@P" + target});
  for (const SliceReport& s : head.slices) {
    const BinarySliceMetrics& m = s.binary;
    std::string at_target = tag("td", format_number(m.target_precision.threshold, 4));
    if (!m.target_precision_reached && m.positives > 0) {
      at_target = tag("td", format_number(m.target_precision.threshold, 4) + " \xE2\x80\xA0",
                      " class=\"miss\" title=\"no threshold reaches precision " + target + "; reaches " +
                          format_number(m.target_precision.precision) + "\"");
    }
    out += table_row({markup_escape(s.name), std::to_string(s.n), std::to_string(m.positives),
                      format_number(m.prevalence), format_number(m.precision), format_number(m.recall),
                      format_number(m.f1), format_number(m.roc_auc), format_number(m.pr_auc),
                      format_number(m.calibration_error), format_number(m.best_f1.threshold, 4),
                      format_number(m.best_f1.f1), at_target, format_number(m.target_precision.recall)});
  }
  out += "</table></div>\n<p class=\"note\">P, R and F1 at the model's threshold " +
         format_number(head.head.threshold, 4) + "; ECE over " + std::to_string(options.calibration_bins) +
         " equal-width bins; \xE2\x80\xA0 no threshold reaches precision " + target +
         " (the most precise one is shown); \xE2\x80\x93 undefined on the slice.</p>\n";
  false_positive_section(out, head, options);
  signal_section(out, head);
  out += "<div class=\"charts\">\n" + render_svg(pr_chart(head)) + render_svg(reliability_chart(head)) +
         "</div>\n";
  out += "<h3>Reliability bins, all posts</h3>\n<table>\n" +
         header_row({"bin", "posts", "mean predicted", "positive share"});
  for (const metrics::ReliabilityBin& bin : head.slices.front().binary.reliability) {
    out += table_row({"[" + format_number(bin.lower, 2) + ", " + format_number(bin.upper, 2) + ")",
                      std::to_string(bin.count), format_number(bin.mean_probability),
                      format_number(bin.positive_share)});
  }
  out += "</table>\n";
}

void multiclass_section(std::string& out, const HeadReport& head) {
  const std::vector<std::string>& labels = head.head.labels;
  std::vector<std::string> names = {"slice", "n", "accuracy", "macro-F1"};
  for (const std::string& label : labels) names.push_back("F1 " + markup_escape(label));
  out += "<div class=\"wide\"><table>\n" + header_row(names);
  for (const SliceReport& s : head.slices) {
    std::vector<std::string> cells = {markup_escape(s.name), std::to_string(s.n),
                                      format_number(s.multiclass.accuracy),
                                      format_number(s.multiclass.macro_f1)};
    for (const double f1 : s.multiclass.f1) cells.push_back(format_number(f1));
    out += table_row(cells);
  }
  const MultiClassSliceMetrics& all = head.slices.front().multiclass;
  out += "</table></div>\n<h3>Per class, all posts</h3>\n<table>\n" +
         header_row({"class", "support", "predicted", "P", "R", "F1"});
  for (std::size_t c = 0; c < labels.size(); ++c) {
    out += table_row({markup_escape(labels[c]), std::to_string(all.confusion.support(c)),
                      std::to_string(all.confusion.predicted(c)), format_number(all.precision[c]),
                      format_number(all.recall[c]), format_number(all.f1[c])});
  }
  out += "</table>\n<h3>Confusion matrix, all posts (rows: true class, columns: predicted)</h3>\n<table>\n";
  names = {"true \\ predicted"};
  for (const std::string& label : labels) names.push_back(markup_escape(label));
  out += header_row(names);
  for (std::size_t t = 0; t < labels.size(); ++t) {
    std::vector<std::string> cells = {tag("th", markup_escape(labels[t]))};
    for (std::size_t p = 0; p < labels.size(); ++p) cells.push_back(std::to_string(all.confusion.at(t, p)));
    out += table_row(cells);
  }
  out += "</table>\n";
}

}  // namespace

std::string render_html(const ReportSummary& summary, const std::vector<HeadReport>& heads) {
  const ReportOptions& options = summary.options;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<title>Evaluation report</title>\n" + std::string(kStyle) + "</head>\n<body>\n";
  out += "<h1>Evaluation report</h1>\n<dl class=\"run\">\n";
  out += tag("dt", "Model") + tag("dd", markup_escape(options.model_path)) + "\n";
  out += tag("dt", "Data") + tag("dd", markup_escape(options.data_path)) + "\n";
  out += tag("dt", "Posts") + tag("dd", std::to_string(summary.posts)) + "\n";
  out += tag("dt", "Target precision") + tag("dd", format_number(options.target_precision, 2)) + "\n";
  out += tag("dt", "Calibration bins") + tag("dd", std::to_string(options.calibration_bins)) + "\n</dl>\n";
  for (const HeadReport& head : heads) {
    out += "<section>\n<h2>" + markup_escape(head.head.name) + " <small>" +
           (head.head.binary ? "binary, threshold " + format_number(head.head.threshold, 4) : "multi-class") +
           "</small></h2>\n";
    if (head.head.binary) {
      binary_section(out, head, options);
    } else {
      multiclass_section(out, head);
    }
    out += "</section>\n";
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace sieve::infer::report
