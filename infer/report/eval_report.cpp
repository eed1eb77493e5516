#include "sieve/report/eval_report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "report_render.h"
#include "sieve/core/atomic_file.h"
#include "sieve/core/error.h"
#include "sieve/core/hash.h"
#include "sieve/core/utf8.h"

namespace sieve::infer {
namespace {

// Multi-class labels are stored as int8.
constexpr std::size_t kMaxClasses = 127;

std::string to_text(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

// Checks heads[k] and fills in the labels of a binary head given none.
void validate_head(std::vector<ReportHead>& heads, std::size_t k) {
  ReportHead& head = heads[k];
  head.name = utf8::sanitize(head.name);
  for (std::string& label : head.labels) label = utf8::sanitize(label);
  const std::string where = "head '" + head.name + "'";
  if (head.name.empty())
    throw Error(ErrorKind::kConfig, "head " + std::to_string(k), "a report head needs a name");
  for (std::size_t earlier = 0; earlier < k; ++earlier) {
    if (heads[earlier].name == head.name) throw Error(ErrorKind::kConfig, where, "named twice");
  }
  if (head.binary) {
    if (head.labels.empty()) head.labels = {"0", "1"};
    if (head.labels.size() != 2) {
      throw Error(ErrorKind::kConfig, where,
                  "a binary head has 2 labels, got " + std::to_string(head.labels.size()));
    }
    if (!(head.threshold >= 0.0 && head.threshold <= 1.0)) {
      throw Error(ErrorKind::kConfig, where,
                  "threshold must be between 0 and 1, got " + to_text(head.threshold));
    }
  } else if (head.labels.size() < 2 || head.labels.size() > kMaxClasses) {
    throw Error(ErrorKind::kConfig, where,
                "a multi-class head has 2 to 127 labels, got " + std::to_string(head.labels.size()));
  }
}

}  // namespace

void ReportOptions::validate() const {
  if (!(target_precision > 0.0 && target_precision <= 1.0)) {
    throw Error(ErrorKind::kConfig, "target_precision",
                "must be above 0 and at most 1, got " + to_text(target_precision));
  }
  if (calibration_bins < 1 || calibration_bins > 1000) {
    throw Error(ErrorKind::kConfig, "calibration_bins",
                "must be between 1 and 1000, got " + std::to_string(calibration_bins));
  }
  if (curve_points < 2) {
    throw Error(ErrorKind::kConfig, "curve_points",
                "must be at least 2, got " + std::to_string(curve_points));
  }
  if (!(prevalence >= 0.0 && prevalence < 1.0)) {
    throw Error(ErrorKind::kConfig, "prevalence",
                "must be a share in [0, 1) (0: off), got " + to_text(prevalence));
  }
  for (const double target : fpr_targets) {
    if (!(target > 0.0 && target < 1.0)) {
      throw Error(ErrorKind::kConfig, "fpr_targets", "each must be in (0, 1), got " + to_text(target));
    }
  }
  if (within_min_per_class < 1) {
    throw Error(ErrorKind::kConfig, "within_min_per_class",
                "must be at least 1, got " + std::to_string(within_min_per_class));
  }
}

EvalReport::EvalReport(std::vector<ReportHead> heads) : heads_(std::move(heads)) {
  for (std::size_t k = 0; k < heads_.size(); ++k) {
    validate_head(heads_, k);
    offsets_.push_back(stride_);
    stride_ += heads_[k].binary ? 1 : heads_[k].labels.size();
  }
}

void EvalReport::add(std::string_view lang, std::string_view source, std::string_view group,
                     const float* probabilities, const std::int8_t* labels, std::string_view extra) {
  for (std::size_t k = 0; k < heads_.size(); ++k) {
    const ReportHead& head = heads_[k];
    const int label = labels[k];
    const int classes = static_cast<int>(head.labels.size());
    if (label < -1 || label >= classes) {
      throw Error(
          ErrorKind::kInvalidInput, "head '" + head.name + "'",
          "label " + std::to_string(label) + " is outside -1 (missing) to " + std::to_string(classes - 1));
    }
    const float p = probabilities[offsets_[k]];
    if (head.binary && !(p >= 0.0f && p <= 1.0f)) {
      throw Error(ErrorKind::kInvalidInput, "head '" + head.name + "'",
                  "probability " + to_text(p) + " is outside [0, 1]");
    }
  }
  probabilities_.insert(probabilities_.end(), probabilities, probabilities + stride_);
  labels_.insert(labels_.end(), labels, labels + heads_.size());
  slice_keys_.push_back(intern(lang, source, extra));
  // The shards' group hash (seed 0). Two groups of one source sharing a 64-bit hash would merge: at a
  // million groups that happens with odds of about 1 in 37 million.
  std::uint64_t hash = kNoGroup;
  if (!group.empty()) hash = std::max<std::uint64_t>(hash64(group, 0), kNoGroup + 1);
  group_hashes_.push_back(hash);
}

std::uint32_t EvalReport::intern(std::string_view lang, std::string_view source, std::string_view extra) {
  // The length prefixes keep ("a", "bc") and ("ab", "c") apart.
  key_.assign(std::to_string(lang.size())).append(":").append(lang);
  key_.append(std::to_string(source.size())).append(":").append(source).append(extra);
  const auto found = slice_key_index_.find(key_);
  if (found != slice_key_index_.end()) return found->second;
  const auto index = static_cast<std::uint32_t>(slice_key_names_.size());
  // Names reach JSON and HTML: invalid UTF-8 becomes U+FFFD.
  slice_key_names_.push_back({utf8::sanitize(lang), utf8::sanitize(source), utf8::sanitize(extra)});
  slice_key_index_.emplace(key_, index);
  return index;
}

std::size_t EvalReport::size() const { return slice_keys_.size(); }

std::vector<HeadReport> EvalReport::compute(const ReportOptions& options) const {
  options.validate();
  std::vector<HeadReport> out;
  out.reserve(heads_.size());
  for (std::size_t k = 0; k < heads_.size(); ++k) out.push_back(compute_head(k, options));
  return out;
}

std::string EvalReport::to_json(const ReportOptions& options) const {
  return report::render_json({options, size()}, compute(options));
}

std::string EvalReport::to_markdown(const ReportOptions& options) const {
  return report::render_markdown({options, size()}, compute(options));
}

std::string EvalReport::to_html(const ReportOptions& options) const {
  return report::render_html({options, size()}, compute(options));
}

std::vector<HeadReport> EvalReport::write(const std::string& dir, const ReportOptions& options) const {
  std::vector<HeadReport> heads = compute(options);
  const report::ReportSummary summary{options, size()};
  // Rendered before anything is written: a failure leaves no half-written set of files.
  const std::string json = report::render_json(summary, heads);
  const std::string markdown = report::render_markdown(summary, heads);
  const std::string html = report::render_html(summary, heads);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(ErrorKind::kIo, dir, "cannot create the report folder: " + ec.message());
  const std::filesystem::path base(dir);
  write_file_atomically((base / "report.json").string(), json);
  write_file_atomically((base / "report.md").string(), markdown);
  write_file_atomically((base / "report.html").string(), html);
  return heads;
}

}  // namespace sieve::infer
