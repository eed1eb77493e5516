// report.md: a header with the run, then a table per head.

#include "report_render.h"

namespace sieve::infer::report {
namespace {

constexpr const char* kNotReached = " \xE2\x80\xA0";  // a dagger after a threshold missing the target

// Text from the data made inert inside a Markdown table cell.
std::string cell(std::string_view s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '\n':
      case '\r':
        out.push_back(' ');
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '|':
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
        out.push_back('\\');
        out.push_back(c);
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const std::string& c : cells) out += " " + c + " |";
  return out + "\n";
}

// The header row and the alignment row: the first column left, the others right.
std::string table_head(const std::vector<std::string>& names) {
  std::string align = "|---|";
  for (std::size_t i = 1; i < names.size(); ++i) align += "--:|";
  return row(names) + align + "\n";
}

void binary_table(std::string& out, const HeadReport& head, const ReportOptions& options) {
  out +=
      "## " + cell(head.head.name) + " (binary, threshold " + format_number(head.head.threshold, 4) + ")\n\n";
  out += table_head({"slice", "n", "prevalence", "P", "R", "F1", "ROC-AUC", "PR-AUC", "ECE", "best-F1 thr",
                     "thr@P" + format_number(options.target_precision, 2)});
  bool missed = false;
  for (const SliceReport& s : head.slices) {
    const BinarySliceMetrics& m = s.binary;
    std::string at_target = format_number(m.target_precision.threshold, 4);
    if (!m.target_precision_reached && m.positives > 0) {
      at_target += kNotReached;
      missed = true;
    }
    out +=
        row({cell(s.name), std::to_string(s.n), format_number(m.prevalence), format_number(m.precision),
             format_number(m.recall), format_number(m.f1), format_number(m.roc_auc), format_number(m.pr_auc),
             format_number(m.calibration_error), format_number(m.best_f1.threshold, 4), at_target});
  }
  out += "\nP, R and F1 at the model's threshold; ECE over " + std::to_string(options.calibration_bins) +
         " bins; \xE2\x80\x93 where a metric is undefined on the slice.\n";
  if (missed) {
    out += std::string(kNotReached + 1) + " no threshold reaches precision " +
           format_number(options.target_precision, 2) + " on the slice: the most precise one is shown.\n";
  }
  out += "\n";
}

void decision_table(std::string& out, const HeadReport& head, const ReportOptions& options) {
  const FalsePositiveTable table = false_positive_table(head, options);
  out += "### " + cell(head.head.name) + ": false positives\n\n";
  if (!table.languages.empty()) out += cell(table.languages) + "\n\n";
  out += table_head(table.header);
  for (const std::vector<std::string>& r : table.rows) {
    std::vector<std::string> cells;
    for (const std::string& c : r) cells.push_back(cells.empty() ? cell(c) : c);  // only the slice is data
    out += row(cells);
  }
  out += "\n" + table.note + "\n\n";
}

// The within-source ROC-AUC and the paired accuracy: the numbers that telling the sources apart cannot earn.
void signal_tables(std::string& out, const HeadReport& head) {
  const WithinSourceReport& within = head.within_source;
  const std::string min = std::to_string(within.min_per_class);
  out += "### " + cell(head.head.name) + ": within source and paired\n\n";
  if (within.cells.empty()) {
    out +=
        "Within-source ROC-AUC: no language \xC3\x97 source cell holds " + min + " posts of each class.\n\n";
  } else {
    out += "Within-source ROC-AUC, the mean over the " + std::to_string(within.cells.size()) +
           " language \xC3\x97 source cells holding " + min +
           " posts of each class: " + format_number(within.macro_roc_auc) + "\n\n";
    out += table_head({"source", "lang", "n", "positives", "ROC-AUC"});
    for (const WithinSourceReport::Cell& c : within.cells) {
      out += row({cell(c.source), cell(c.lang), std::to_string(c.n), std::to_string(c.positives),
                  format_number(c.roc_auc)});
    }
    out += "\n";
  }
  const PairedReport& paired = head.paired;
  if (paired.pairs == 0) {
    out += "Paired accuracy: no group holds both labels.\n\n";
    return;
  }
  out +=
      "Paired accuracy, the share of (positive, negative) pairs inside one group ordered correctly (ties "
      "count one half): " +
      format_number(paired.accuracy) + " over " + std::to_string(paired.pairs) + " pairs in " +
      std::to_string(paired.groups) + " groups\n\n";
  out += table_head({"source", "groups", "pairs", "accuracy"});
  for (const PairedReport::Source& s : paired.by_source) {
    out +=
        row({cell(s.source), std::to_string(s.groups), std::to_string(s.pairs), format_number(s.accuracy)});
  }
  out += "\n";
}

void multiclass_tables(std::string& out, const HeadReport& head) {
  const std::vector<std::string>& labels = head.head.labels;
  out += "## " + cell(head.head.name) + " (multi-class)\n\n";
  std::vector<std::string> names = {"slice", "n", "accuracy", "macro-F1"};
  for (const std::string& label : labels) names.push_back("F1 " + cell(label));
  out += table_head(names);
  for (const SliceReport& s : head.slices) {
    std::vector<std::string> cells = {cell(s.name), std::to_string(s.n), format_number(s.multiclass.accuracy),
                                      format_number(s.multiclass.macro_f1)};
    for (const double f1 : s.multiclass.f1) cells.push_back(format_number(f1));
    out += row(cells);
  }
  const MultiClassSliceMetrics& all = head.slices.front().multiclass;
  out += "\nPer class, all posts:\n\n" + table_head({"class", "support", "predicted", "P", "R", "F1"});
  for (std::size_t c = 0; c < labels.size(); ++c) {
    out += row({cell(labels[c]), std::to_string(all.confusion.support(c)),
                std::to_string(all.confusion.predicted(c)), format_number(all.precision[c]),
                format_number(all.recall[c]), format_number(all.f1[c])});
  }
  out += "\nConfusion matrix, all posts (rows: true class, columns: predicted class):\n\n";
  names = {"true \\\\ predicted"};
  for (const std::string& label : labels) names.push_back(cell(label));
  out += table_head(names);
  for (std::size_t t = 0; t < labels.size(); ++t) {
    std::vector<std::string> cells = {cell(labels[t])};
    for (std::size_t p = 0; p < labels.size(); ++p) cells.push_back(std::to_string(all.confusion.at(t, p)));
    out += row(cells);
  }
  out += "\n";
}

}  // namespace

std::string render_markdown(const ReportSummary& summary, const std::vector<HeadReport>& heads) {
  const ReportOptions& options = summary.options;
  std::string out = "# Evaluation report\n\n";
  out += "- Model: " + cell(options.model_path) + "\n";
  out += "- Data: " + cell(options.data_path) + "\n";
  out += "- Posts: " + std::to_string(summary.posts) + "\n";
  out += "- Target precision: " + format_number(options.target_precision, 2) +
         "; calibration bins: " + std::to_string(options.calibration_bins) + "\n\n";
  for (const HeadReport& head : heads) {
    if (head.head.binary) {
      binary_table(out, head, options);
      decision_table(out, head, options);
      signal_tables(out, head);
    } else {
      multiclass_tables(out, head);
    }
  }
  return out;
}

}  // namespace sieve::infer::report
