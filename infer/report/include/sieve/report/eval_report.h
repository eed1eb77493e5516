#pragma once
// The evaluation report of `sieve eval`: scored posts in, per head × slice metrics out as JSON, Markdown and
// a self-contained HTML page. Torch-free and SentencePiece-free.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sieve/core/metrics.h"
#include "sieve/core/rates.h"

namespace sieve::infer {

// One head of the model as the report sees it.
struct ReportHead {
  std::string name;
  bool binary = true;
  std::vector<std::string> labels;  // class names; a binary head has {"0", "1"} (filled in when empty)
  double threshold = 0.5;           // binary heads: the model's decision threshold
  std::map<std::string, double> language_thresholds;  // languages that decide with a threshold of their own

  double threshold_for(const std::string& lang) const {
    const auto it = language_thresholds.find(lang);
    return it == language_thresholds.end() ? threshold : it->second;
  }
};

// How the report computes and presents its numbers.
struct ReportOptions {
  double target_precision = 0.95;         // the threshold reaching this precision is reported per slice
  int calibration_bins = 10;              // equal-width bins of the calibration error and reliability diagram
  std::string model_path, data_path;      // shown in the report header
  std::size_t curve_points = 200;         // the most points kept per precision-recall curve
  std::size_t within_min_per_class = 20;  // posts of each class a cell needs for the within-source ROC-AUC
  double prevalence =
      0;  // > 0: the precision each threshold would have where this share of posts is positive
  std::vector<double> fpr_targets = {0.1, 0.01, 0.001};  // false-positive rates of the operating-point table
  void validate() const;                                 // Error(kConfig) naming the field
};

// A threshold with the precision, recall and F1 it gives; NaN where undefined.
struct ThresholdReport {
  double threshold = 0;
  double precision = 0;
  double recall = 0;
  double f1 = 0;
};

// A threshold chosen on the slice's negatives (its organic posts) to flag at most a target share of them,
// and what it gives: the rate it reaches, with its Wilson 95 % bounds, and the recall on the positives.
struct FprOperatingPoint {
  double target = 0;
  double threshold = 0;
  double fpr = 0;
  metrics::Interval fpr_interval;
  double recall = 0;
  double precision_at_prevalence = 0;  // NaN unless ReportOptions::prevalence is set
};

// The metrics of a binary head on one slice. Undefined values are NaN: precision when nothing is
// predicted positive, recall and the thresholds without positives, ROC-AUC when a class is absent.
struct BinarySliceMetrics {
  std::size_t positives = 0;
  double prevalence = 0;
  metrics::Confusion confusion;  // at the head's threshold
  double precision = 0, recall = 0, f1 = 0;
  double roc_auc = 0, pr_auc = 0, calibration_error = 0;
  ThresholdReport best_f1;
  ThresholdReport target_precision;           // the lowest threshold reaching the target precision...
  bool target_precision_reached = false;      // ...or, when none does, the most precise one
  std::vector<metrics::CurvePoint> pr_curve;  // only the "all" and language slices, which are charted
  std::vector<metrics::ReliabilityBin> reliability;
  // At the model's threshold: the share of negatives flagged, and 95 % intervals of it and of recall.
  double fpr = 0;
  metrics::Interval fpr_interval, recall_interval;
  double precision_at_prevalence = 0;         // NaN unless ReportOptions::prevalence is set
  std::vector<FprOperatingPoint> fpr_points;  // "all" and language slices: one per ReportOptions::fpr_targets
};

// The metrics of a multi-class head on one slice; predictions are the argmax of the probabilities.
struct MultiClassSliceMetrics {
  metrics::ConfusionMatrix confusion;         // rows true class, columns predicted class
  double accuracy = 0, macro_f1 = 0;          // NaN when the slice is empty
  std::vector<double> precision, recall, f1;  // per class; NaN when undefined
};

// Which posts a slice holds.
enum class SliceKind { kAll, kLanguage, kSource, kLanguageSource, kExtra };

// One slice of one head: "all", "lang:en", "source:x", "lang:en source:x" or an extra key the caller gave
// posts (such as "template:clustered").
struct SliceReport {
  std::string name;
  SliceKind kind = SliceKind::kAll;
  std::string lang, source;           // the values sliced on, per kind (kExtra: neither; name is the key)
  std::size_t n = 0;                  // posts carrying the head's label
  BinarySliceMetrics binary;          // binary heads
  MultiClassSliceMetrics multiclass;  // multi-class heads
};

// The ROC-AUC of a binary head inside each language × source cell holding at least min_per_class posts
// of each class. Inside one source both classes come from the same dataset, so a score that only tells
// the datasets apart earns 0.5 here however high its overall ROC-AUC.
struct WithinSourceReport {
  struct Cell {
    std::string source, lang;
    std::size_t n = 0, positives = 0;
    double roc_auc = 0;
  };
  std::size_t min_per_class = 0;
  std::vector<Cell> cells;   // by source, then language
  double macro_roc_auc = 0;  // the mean of the cells' ROC-AUC; NaN without a cell
};

// A binary head's ordering of the two sides of a group (author, document or sentence pair): over the
// groups holding both labels, the share of (positive, negative) post pairs of one group in which the
// positive scores higher, a tie counting one half. A group belongs to one source: the same group name in
// two sources is two groups.
struct PairedReport {
  struct Source {
    std::string source;
    std::size_t groups = 0, pairs = 0;
    double accuracy = 0;
  };
  std::size_t groups = 0;         // groups holding both labels
  std::size_t pairs = 0;          // (positive, negative) pairs inside them
  double accuracy = 0;            // pooled over every pair; NaN without a pair
  std::vector<Source> by_source;  // the sources with a pair, by name
};

// Every slice of one head: "all" first (always present), then languages, sources, language × source
// pairs and extra keys, each sorted by name; slices without a labelled post are left out. Binary heads
// also carry the two metrics a score that only recognises the source cannot earn.
struct HeadReport {
  ReportHead head;
  std::vector<SliceReport> slices;
  WithinSourceReport within_source;  // binary heads
  PairedReport paired;               // binary heads
};

// Accumulates scored posts, then computes per head × slice metrics and writes them.
class EvalReport {
 public:
  // Error(kConfig) naming the head when a head is unnamed, repeated or has unusable labels or threshold.
  explicit EvalReport(std::vector<ReportHead> heads);

  // One post: probabilities of every head concatenated (1 value, P(label 1), for a binary head; one per
  // class, summing to 1, for a multi-class head) and one label per head (class index, -1 when the post
  // lacks it). Error(kInvalidInput) naming the head for a label out of range or a binary probability
  // outside [0, 1]. group (author, document or pair) pairs the post with the others of its source and
  // group for the paired accuracy; an empty group pairs it with none. A non-empty extra puts the post in
  // one more slice of that name as well.
  void add(std::string_view lang, std::string_view source, std::string_view group, const float* probabilities,
           const std::int8_t* labels, std::string_view extra = {});
  std::size_t size() const;

  const std::vector<ReportHead>& heads() const { return heads_; }
  // The probabilities one post carries: the sum over heads of 1 (binary) or the class count.
  std::size_t probabilities_per_post() const { return stride_; }

  // The numbers every output shows.
  std::vector<HeadReport> compute(const ReportOptions&) const;

  std::string to_json(const ReportOptions&) const;
  std::string to_markdown(const ReportOptions&) const;
  std::string to_html(const ReportOptions&) const;
  // Creates dir if needed and writes report.json, report.md, report.html (each via "<file>.partial" +
  // rename); returns the numbers written, as compute() does. Error(kIo) naming the path.
  std::vector<HeadReport> write(const std::string& dir, const ReportOptions&) const;

 private:
  struct SliceKey {  // one language × source × extra key
    std::string lang, source, extra;
  };
  // The group hash of a post without a group; a group whose hash is 0 takes 1 instead.
  static constexpr std::uint64_t kNoGroup = 0;

  std::uint32_t intern(std::string_view lang, std::string_view source, std::string_view extra);
  HeadReport compute_head(std::size_t head, const ReportOptions& options) const;
  // Fills in the within-source ROC-AUC (from the head's slices) and the paired accuracy of a binary head.
  void compute_signal(std::size_t head, const ReportOptions& options, HeadReport& out) const;

  std::vector<ReportHead> heads_;
  std::vector<std::size_t> offsets_;  // of each head's probabilities within a post
  std::size_t stride_ = 0;
  // Per post: its probabilities, its labels, its language × source × extra key and the hash of its group
  // (kNoGroup when it has none), in flat arrays.
  std::vector<float> probabilities_;
  std::vector<std::int8_t> labels_;
  std::vector<std::uint32_t> slice_keys_;
  std::vector<std::uint64_t> group_hashes_;
  std::vector<SliceKey> slice_key_names_;
  std::unordered_map<std::string, std::uint32_t> slice_key_index_;
  std::string key_;  // scratch for slice key look-ups
};

}  // namespace sieve::infer
