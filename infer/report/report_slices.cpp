// EvalReport::compute_head: forms the slices of one head and computes their metrics.

#include <algorithm>
#include <limits>
#include <map>

#include "sieve/report/eval_report.h"

namespace sieve::infer {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A slice before its metrics: its name and the language × source × extra keys it gathers.
struct SliceSpec {
  SliceReport report;
  std::vector<std::uint32_t> keys;
};

SliceSpec spec(std::string name, SliceKind kind, std::string lang, std::string source,
               std::vector<std::uint32_t> keys) {
  SliceSpec out;
  out.report.name = std::move(name);
  out.report.kind = kind;
  out.report.lang = std::move(lang);
  out.report.source = std::move(source);
  out.keys = std::move(keys);
  return out;
}

// "all", then each language, each source, each language × source pair and each extra key, in name order.
template <class SliceKey>
std::vector<SliceSpec> slice_specs(const std::vector<SliceKey>& names) {
  std::map<std::string, std::vector<std::uint32_t>> by_lang, by_source, by_extra;
  std::map<std::pair<std::string, std::string>, std::vector<std::uint32_t>> pairs;
  std::vector<std::uint32_t> everything;
  for (std::uint32_t key = 0; key < names.size(); ++key) {
    everything.push_back(key);
    by_lang[names[key].lang].push_back(key);
    by_source[names[key].source].push_back(key);
    pairs[{names[key].lang, names[key].source}].push_back(key);
    if (!names[key].extra.empty()) by_extra[names[key].extra].push_back(key);
  }
  std::vector<SliceSpec> specs;
  specs.push_back(spec("all", SliceKind::kAll, "", "", std::move(everything)));
  for (auto& [lang, keys] : by_lang) {
    specs.push_back(spec("lang:" + lang, SliceKind::kLanguage, lang, "", std::move(keys)));
  }
  for (auto& [source, keys] : by_source) {
    specs.push_back(spec("source:" + source, SliceKind::kSource, "", source, std::move(keys)));
  }
  for (auto& [pair, keys] : pairs) {
    specs.push_back(spec("lang:" + pair.first + " source:" + pair.second, SliceKind::kLanguageSource,
                         pair.first, pair.second, std::move(keys)));
  }
  for (auto& [extra, keys] : by_extra)
    specs.push_back(spec(extra, SliceKind::kExtra, "", "", std::move(keys)));
  return specs;
}

ThresholdReport describe(const metrics::ThresholdChoice& choice) {
  const metrics::Confusion& c = choice.confusion;
  return {choice.threshold, c.true_positives + c.false_positives ? c.precision() : kNaN, c.recall(), c.f1()};
}

// For each target rate, the threshold that flags at most that share of the negatives, and its recall.
std::vector<FprOperatingPoint> fpr_points(const std::vector<metrics::Scored>& scored, std::size_t positives,
                                          const ReportOptions& options) {
  std::vector<double> negatives;
  for (const metrics::Scored& e : scored) {
    if (!e.positive) negatives.push_back(e.score);
  }
  std::vector<FprOperatingPoint> points;
  if (negatives.empty()) return points;
  for (const double target : options.fpr_targets) {
    const metrics::FprThreshold t = metrics::threshold_for_fpr(negatives, target);
    FprOperatingPoint p{target, t.threshold, t.fpr, metrics::wilson_interval(t.flagged, t.posts), kNaN, kNaN};
    if (positives > 0) {
      const auto caught = std::count_if(scored.begin(), scored.end(), [&](const metrics::Scored& e) {
        return e.positive && e.score >= t.threshold;
      });
      p.recall = static_cast<double>(caught) / static_cast<double>(positives);
      if (options.prevalence > 0)
        p.precision_at_prevalence = metrics::precision_at_prevalence(p.recall, p.fpr, options.prevalence);
    }
    points.push_back(p);
  }
  return points;
}

// confusion: the slice's posts decided as the model decides them (each with its language's threshold).
BinarySliceMetrics binary_metrics(const std::vector<metrics::Scored>& scored,
                                  const metrics::Confusion& confusion, const ReportOptions& options,
                                  bool with_curve) {
  BinarySliceMetrics m;
  for (const metrics::Scored& e : scored) m.positives += e.positive;
  const auto n = static_cast<double>(scored.size());
  m.prevalence = scored.empty() ? kNaN : static_cast<double>(m.positives) / n;
  m.confusion = confusion;
  const bool predicts = m.confusion.true_positives + m.confusion.false_positives > 0;
  m.precision = predicts ? m.confusion.precision() : kNaN;
  m.recall = m.positives ? m.confusion.recall() : kNaN;
  m.f1 = predicts || m.positives ? m.confusion.f1() : kNaN;
  const std::size_t negatives = scored.size() - m.positives;
  m.fpr = negatives ? static_cast<double>(confusion.false_positives) / static_cast<double>(negatives) : kNaN;
  m.fpr_interval = metrics::wilson_interval(confusion.false_positives, negatives);
  m.recall_interval = metrics::wilson_interval(confusion.true_positives, m.positives);
  m.precision_at_prevalence =
      options.prevalence > 0 ? metrics::precision_at_prevalence(m.recall, m.fpr, options.prevalence) : kNaN;
  if (with_curve) m.fpr_points = fpr_points(scored, m.positives, options);
  m.roc_auc = metrics::roc_auc(scored);
  m.pr_auc = metrics::pr_auc(scored);
  m.calibration_error = metrics::expected_calibration_error(scored, options.calibration_bins);
  m.reliability = metrics::reliability_bins(scored, options.calibration_bins);
  if (m.positives == 0) {
    m.best_f1 = m.target_precision = {kNaN, kNaN, kNaN, kNaN};
    return m;
  }
  m.best_f1 = describe(metrics::best_f1_threshold(scored));
  const metrics::ThresholdChoice precise = metrics::threshold_for_precision(scored, options.target_precision);
  m.target_precision = describe(precise);
  m.target_precision_reached = precise.confusion.precision() >= options.target_precision;
  if (with_curve) m.pr_curve = metrics::pr_curve(scored, options.curve_points);
  return m;
}

MultiClassSliceMetrics multiclass_metrics(metrics::ConfusionMatrix confusion) {
  MultiClassSliceMetrics m;
  m.accuracy = confusion.accuracy();
  m.macro_f1 = confusion.macro_f1();
  for (std::size_t c = 0; c < confusion.classes(); ++c) {
    const metrics::Confusion one = confusion.one_vs_rest(c);
    const bool predicted = confusion.predicted(c) > 0, present = confusion.support(c) > 0;
    m.precision.push_back(predicted ? one.precision() : kNaN);
    m.recall.push_back(present ? one.recall() : kNaN);
    m.f1.push_back(predicted || present ? one.f1() : kNaN);
  }
  m.confusion = std::move(confusion);
  return m;
}

std::size_t argmax(const float* p, std::size_t classes) {
  return static_cast<std::size_t>(std::max_element(p, p + classes) - p);
}

}  // namespace

HeadReport EvalReport::compute_head(std::size_t k, const ReportOptions& options) const {
  HeadReport out;
  out.head = heads_[k];
  const ReportHead& head = heads_[k];
  const std::size_t classes = head.labels.size();
  // Each labelled post once per language × source × extra key; slices gather keys.
  std::vector<std::vector<metrics::Scored>> scored(head.binary ? slice_key_names_.size() : 0);
  std::vector<metrics::ConfusionMatrix> matrices(head.binary ? 0 : slice_key_names_.size(),
                                                 metrics::ConfusionMatrix(classes));
  for (std::size_t i = 0; i < slice_keys_.size(); ++i) {
    const int label = labels_[i * heads_.size() + k];
    if (label < 0) continue;
    const float* p = &probabilities_[i * stride_ + offsets_[k]];
    if (head.binary) {
      scored[slice_keys_[i]].push_back({static_cast<double>(*p), label == 1});
    } else {
      matrices[slice_keys_[i]].add(static_cast<std::size_t>(label), argmax(p, classes));
    }
  }
  std::vector<metrics::Confusion> decided(scored.size());  // per key, at its language's threshold
  for (std::size_t key = 0; key < scored.size(); ++key) {
    decided[key] = metrics::confusion_at(scored[key], head.threshold_for(slice_key_names_[key].lang));
  }
  for (SliceSpec& spec : slice_specs(slice_key_names_)) {
    SliceReport slice = std::move(spec.report);
    if (head.binary) {
      std::vector<metrics::Scored> gathered;
      metrics::Confusion confusion;
      for (const std::uint32_t key : spec.keys) {
        gathered.insert(gathered.end(), scored[key].begin(), scored[key].end());
        confusion.true_positives += decided[key].true_positives;
        confusion.false_positives += decided[key].false_positives;
        confusion.true_negatives += decided[key].true_negatives;
        confusion.false_negatives += decided[key].false_negatives;
      }
      // Sorted once here: each metric sorts its own copy, which is then already in order.
      std::sort(gathered.begin(), gathered.end(),
                [](const metrics::Scored& a, const metrics::Scored& b) { return a.score > b.score; });
      slice.n = gathered.size();
      const bool charted = slice.kind == SliceKind::kAll || slice.kind == SliceKind::kLanguage;
      if (slice.n > 0 || slice.kind == SliceKind::kAll) {
        slice.binary = binary_metrics(gathered, confusion, options, charted);
      }
    } else {
      metrics::ConfusionMatrix confusion(classes);
      for (const std::uint32_t key : spec.keys) confusion.add(matrices[key]);
      slice.n = confusion.total();
      slice.multiclass = multiclass_metrics(std::move(confusion));
    }
    if (slice.n > 0 || slice.kind == SliceKind::kAll) out.slices.push_back(std::move(slice));
  }
  if (head.binary) compute_signal(k, options, out);
  return out;
}

}  // namespace sieve::infer
