// report.json: one document with the options and, per head, every slice's metrics.

#include "report_render.h"
#include "sieve/core/json_writer.h"

namespace sieve::infer::report {
namespace {

void write_confusion(JsonWriter& w, const metrics::Confusion& c) {
  w.key("tp").value(static_cast<std::uint64_t>(c.true_positives));
  w.key("fp").value(static_cast<std::uint64_t>(c.false_positives));
  w.key("tn").value(static_cast<std::uint64_t>(c.true_negatives));
  w.key("fn").value(static_cast<std::uint64_t>(c.false_negatives));
}

void write_threshold(JsonWriter& w, const ThresholdReport& t) {
  w.key("threshold").value(t.threshold).key("precision").value(t.precision);
  w.key("recall").value(t.recall).key("f1").value(t.f1);
}

void write_interval(JsonWriter& w, const char* key, const metrics::Interval& i) {
  w.key(key).begin_array().value(i.low).value(i.high).end_array();
}

void write_binary(JsonWriter& w, const BinarySliceMetrics& m) {
  w.key("positives").value(static_cast<std::uint64_t>(m.positives)).key("prevalence").value(m.prevalence);
  w.key("at_threshold").begin_object();
  w.key("precision").value(m.precision).key("recall").value(m.recall).key("f1").value(m.f1);
  write_confusion(w, m.confusion);
  w.end_object();
  w.key("fpr").value(m.fpr);
  write_interval(w, "fpr_interval", m.fpr_interval);
  write_interval(w, "recall_interval", m.recall_interval);
  w.key("precision_at_prevalence").value(m.precision_at_prevalence);
  w.key("roc_auc").value(m.roc_auc).key("pr_auc").value(m.pr_auc).key("ece").value(m.calibration_error);
  if (!m.fpr_points.empty()) {
    w.key("fpr_points").begin_array();
    for (const FprOperatingPoint& p : m.fpr_points) {
      w.begin_object()
          .key("target")
          .value(p.target)
          .key("threshold")
          .value(p.threshold)
          .key("fpr")
          .value(p.fpr);
      write_interval(w, "fpr_interval", p.fpr_interval);
      w.key("recall")
          .value(p.recall)
          .key("precision_at_prevalence")
          .value(p.precision_at_prevalence)
          .end_object();
    }
    w.end_array();
  }
  w.key("best_f1").begin_object();
  write_threshold(w, m.best_f1);
  w.end_object();
  w.key("target_precision").begin_object();
  write_threshold(w, m.target_precision);
  w.key("reached").value(m.target_precision_reached);
  w.end_object();
  w.key("reliability").begin_array();
  for (const metrics::ReliabilityBin& bin : m.reliability) {
    w.begin_object().key("lower").value(bin.lower).key("upper").value(bin.upper);
    w.key("count").value(static_cast<std::uint64_t>(bin.count));
    w.key("mean_probability").value(bin.mean_probability).key("positive_share").value(bin.positive_share);
    w.end_object();
  }
  w.end_array();
  if (m.pr_curve.empty()) return;
  w.key("pr_curve").begin_array();
  for (const metrics::CurvePoint& p : m.pr_curve) {
    w.begin_object().key("threshold").value(p.threshold);
    w.key("precision").value(p.precision).key("recall").value(p.recall).end_object();
  }
  w.end_array();
}

void write_multiclass(JsonWriter& w, const MultiClassSliceMetrics& m,
                      const std::vector<std::string>& labels) {
  w.key("accuracy").value(m.accuracy).key("macro_f1").value(m.macro_f1);
  w.key("classes").begin_array();
  for (std::size_t c = 0; c < labels.size(); ++c) {
    w.begin_object().key("label").value(labels[c]);
    w.key("support").value(static_cast<std::uint64_t>(m.confusion.support(c)));
    w.key("predicted").value(static_cast<std::uint64_t>(m.confusion.predicted(c)));
    w.key("precision").value(m.precision[c]).key("recall").value(m.recall[c]).key("f1").value(m.f1[c]);
    w.end_object();
  }
  w.end_array();
  w.key("confusion").begin_array();
  for (std::size_t t = 0; t < labels.size(); ++t) {
    w.begin_array();
    for (std::size_t p = 0; p < labels.size(); ++p) w.value(static_cast<std::uint64_t>(m.confusion.at(t, p)));
    w.end_array();
  }
  w.end_array();
}

void write_within_source(JsonWriter& w, const WithinSourceReport& within) {
  w.key("within_source").begin_object();
  w.key("min_per_class").value(static_cast<std::uint64_t>(within.min_per_class));
  w.key("macro_roc_auc").value(within.macro_roc_auc);
  w.key("cells").begin_array();
  for (const WithinSourceReport::Cell& cell : within.cells) {
    w.begin_object().key("source").value(cell.source).key("lang").value(cell.lang);
    w.key("n").value(static_cast<std::uint64_t>(cell.n));
    w.key("positives").value(static_cast<std::uint64_t>(cell.positives));
    w.key("roc_auc").value(cell.roc_auc).end_object();
  }
  w.end_array().end_object();
}

void write_paired(JsonWriter& w, const PairedReport& paired) {
  w.key("paired").begin_object();
  w.key("groups").value(static_cast<std::uint64_t>(paired.groups));
  w.key("pairs").value(static_cast<std::uint64_t>(paired.pairs));
  w.key("accuracy").value(paired.accuracy);
  w.key("by_source").begin_array();
  for (const PairedReport::Source& source : paired.by_source) {
    w.begin_object().key("source").value(source.source);
    w.key("groups").value(static_cast<std::uint64_t>(source.groups));
    w.key("pairs").value(static_cast<std::uint64_t>(source.pairs));
    w.key("accuracy").value(source.accuracy).end_object();
  }
  w.end_array().end_object();
}

void write_slice(JsonWriter& w, const SliceReport& slice, const ReportHead& head) {
  w.begin_object().key("slice").value(slice.name);
  w.key("lang");
  slice.kind == SliceKind::kLanguage || slice.kind == SliceKind::kLanguageSource ? w.value(slice.lang)
                                                                                 : w.null();
  w.key("source");
  slice.kind == SliceKind::kSource || slice.kind == SliceKind::kLanguageSource ? w.value(slice.source)
                                                                               : w.null();
  w.key("n").value(static_cast<std::uint64_t>(slice.n));
  if (head.binary) {
    write_binary(w, slice.binary);
  } else {
    write_multiclass(w, slice.multiclass, head.labels);
  }
  w.end_object();
}

}  // namespace

std::string render_json(const ReportSummary& summary, const std::vector<HeadReport>& heads) {
  JsonWriter w;
  w.begin_object();
  w.key("model").value(summary.options.model_path).key("data").value(summary.options.data_path);
  w.key("posts").value(static_cast<std::uint64_t>(summary.posts));
  w.key("options").begin_object();
  w.key("target_precision").value(summary.options.target_precision);
  w.key("calibration_bins").value(summary.options.calibration_bins);
  w.key("curve_points").value(static_cast<std::uint64_t>(summary.options.curve_points));
  w.key("within_min_per_class").value(static_cast<std::uint64_t>(summary.options.within_min_per_class));
  w.key("prevalence").value(summary.options.prevalence);
  w.end_object();
  w.key("heads").begin_array();
  for (const HeadReport& head : heads) {
    w.begin_object().key("name").value(head.head.name);
    w.key("kind").value(head.head.binary ? "binary" : "multiclass");
    w.key("labels").begin_array();
    for (const std::string& label : head.head.labels) w.value(label);
    w.end_array();
    w.key("threshold");
    head.head.binary ? w.value(head.head.threshold) : w.null();
    w.key("language_thresholds").begin_object();
    for (const auto& [lang, threshold] : head.head.language_thresholds) w.key(lang).value(threshold);
    w.end_object();
    if (head.head.binary) {
      write_within_source(w, head.within_source);
      write_paired(w, head.paired);
    }
    w.key("slices").begin_array();
    for (const SliceReport& slice : head.slices) write_slice(w, slice, head.head);
    w.end_array().end_object();
  }
  w.end_array().end_object();
  std::string out = w.take();
  out.push_back('\n');
  return out;
}

}  // namespace sieve::infer::report
