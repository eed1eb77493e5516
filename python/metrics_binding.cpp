// sieve.metrics: the metrics `sieve eval` reports, on arrays of labels and scores (the same C++ code).

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>

#include "bindings.h"
#include "sieve/core/metrics.h"
#include "sieve/core/rates.h"

namespace py = pybind11;

namespace sieve::python {
namespace {

using Values = py::array_t<double, py::array::c_style | py::array::forcecast>;

// Labels (0/1 or bool) beside scores; a label that is neither raises.
std::vector<metrics::Scored> scored_of(const Values& labels, const Values& scores) {
  if (labels.ndim() != 1 || scores.ndim() != 1 || labels.size() != scores.size()) {
    throw py::value_error("labels and scores: two one-dimensional arrays of one length, not " +
                          std::to_string(labels.size()) + " and " + std::to_string(scores.size()) +
                          " values");
  }
  std::vector<metrics::Scored> out(static_cast<std::size_t>(labels.size()));
  for (py::ssize_t i = 0; i < labels.size(); ++i) {
    const double label = labels.data()[i], score = scores.data()[i];
    if (label != 0 && label != 1)
      throw py::value_error("labels[" + std::to_string(i) + "]: 0 or 1, not " + std::to_string(label));
    if (!std::isfinite(score))
      throw py::value_error("scores[" + std::to_string(i) + "]: not a finite number");
    out[static_cast<std::size_t>(i)] = {score, label == 1};
  }
  return out;
}

std::vector<double> values_of(const Values& values) {
  if (values.ndim() != 1) throw py::value_error("expected a one-dimensional array");
  return std::vector<double>(values.data(), values.data() + values.size());
}

py::dict confusion_dict(const metrics::Confusion& c) {
  return py::dict(
      py::arg("true_positives") = c.true_positives, py::arg("false_positives") = c.false_positives,
      py::arg("true_negatives") = c.true_negatives, py::arg("false_negatives") = c.false_negatives,
      py::arg("precision") = c.precision(), py::arg("recall") = c.recall(), py::arg("f1") = c.f1());
}

py::dict fpr_threshold(const Values& organic_scores, double max_fpr, const std::optional<Values>& weights) {
  metrics::check_max_fpr(max_fpr);  // the rule of `sieve calibrate --max-fpr`, before any work
  const std::vector<double> scores = values_of(organic_scores);
  metrics::FprThreshold t;
  if (weights) {
    const std::vector<double> w = values_of(*weights);
    if (w.size() != scores.size()) throw py::value_error("weights: one per organic score");
    t = metrics::threshold_for_weighted_fpr(scores, w, max_fpr);
  } else {
    t = metrics::threshold_for_fpr(scores, max_fpr);
  }
  return py::dict(py::arg("threshold") = t.threshold, py::arg("posts") = t.posts,
                  py::arg("flagged") = t.flagged, py::arg("fpr") = t.fpr, py::arg("fpr_upper") = t.fpr_upper);
}

}  // namespace

void bind_metrics(py::module_& m) {
  m.def(
      "roc_auc",
      [](const Values& labels, const Values& scores) { return metrics::roc_auc(scored_of(labels, scores)); },
      py::arg("labels"), py::arg("scores"), "ROC-AUC (ties count half); NaN without both classes");
  m.def(
      "pr_auc",
      [](const Values& labels, const Values& scores) { return metrics::pr_auc(scored_of(labels, scores)); },
      py::arg("labels"), py::arg("scores"), "PR-AUC (average precision); NaN without positives");
  m.def(
      "expected_calibration_error",
      [](const Values& labels, const Values& probabilities, int bins) {
        if (bins < 1) throw py::value_error("bins: 1 or more");
        return metrics::expected_calibration_error(scored_of(labels, probabilities), bins);
      },
      py::arg("labels"), py::arg("probabilities"), py::arg("bins") = 10,
      "the share-weighted gap between mean probability and positive share over equal-width bins");
  m.def(
      "confusion_at",
      [](const Values& labels, const Values& scores, double threshold) {
        return confusion_dict(metrics::confusion_at(scored_of(labels, scores), threshold));
      },
      py::arg("labels"), py::arg("scores"), py::arg("threshold"),
      "counts, precision, recall and F1 at score >= threshold");
  m.def(
      "best_f1_threshold",
      [](const Values& labels, const Values& scores) {
        const metrics::ThresholdChoice c = metrics::best_f1_threshold(scored_of(labels, scores));
        py::dict out = confusion_dict(c.confusion);
        out["threshold"] = c.threshold;
        return out;
      },
      py::arg("labels"), py::arg("scores"), "the threshold with the highest F1, and its counts");
  m.def("threshold_for_fpr", &fpr_threshold, py::arg("organic_scores"), py::arg("max_fpr"),
        py::arg("weights") = py::none(),
        "the lowest threshold at which at most max_fpr of the organic (negative) posts score at or above it, "
        "as `sieve calibrate --organic` sets it; weights (say 1 / posts of the source) count sources alike");
  m.def(
      "wilson_interval",
      [](std::size_t successes, std::size_t n) {
        if (successes > n) throw py::value_error("successes: at most n");
        const metrics::Interval i = metrics::wilson_interval(successes, n);
        return py::make_tuple(i.low, i.high);
      },
      py::arg("successes"), py::arg("n"), "the 95 % Wilson interval of a rate");
  m.def("precision_at_prevalence", &metrics::precision_at_prevalence, py::arg("recall"), py::arg("fpr"),
        py::arg("prevalence"),
        "precision of a decision with this recall and false-positive rate on traffic with this share of "
        "positives");
}

}  // namespace sieve::python
