#pragma once
// The server's counters and histograms, rendered in the Prometheus text format (version 0.0.4) for
// GET /metrics. Every method is thread-safe.

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sieve::infer {

// A cumulative histogram with fixed upper bounds, as Prometheus reads it.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)), counts_(bounds_.size()) {}
  void observe(double value);
  // "<name>_bucket{le=...}", "<name>_sum" and "<name>_count" lines; labels ("head=\"a\",lang=\"en\""), when
  // given, come first in each.
  void render(std::string& out, std::string_view name, std::string_view labels = {}) const;

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // per bound, not cumulative; rendering accumulates
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

// What the metrics do not count themselves but read at render time.
struct MetricsSnapshot {
  std::size_t queue_posts = 0;
  std::string model_version;
  std::string model_path;
  bool ready = false;
};

class ServerMetrics {
 public:
  ServerMetrics();

  // One answered request; route is one of the server's paths or "other".
  void count_request(std::string_view route, int status);
  // Seconds from arrival to answer of a POST /v1/score.
  void observe_score_latency(double seconds);
  void observe_batch(std::size_t posts);
  void add_posts_scored(std::size_t posts);
  void count_reload(bool ok);

  std::uint64_t posts_scored() const;
  std::string render(const MetricsSnapshot& snapshot) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;  // (route, status) → count
  Histogram score_latency_;
  Histogram batch_posts_;
  std::uint64_t posts_scored_ = 0;
  std::uint64_t reloads_ok_ = 0, reloads_failed_ = 0;
};

// A Prometheus label value with \, " and newlines escaped.
std::string prometheus_label(std::string_view value);
// The "# HELP" and "# TYPE" lines of a metric.
void prometheus_header(std::string& out, std::string_view name, std::string_view type, std::string_view help);
// One sample line: name{labels} value (no braces when labels is empty).
void prometheus_sample(std::string& out, std::string_view name, std::string_view labels,
                       std::string_view value);

}  // namespace sieve::infer
