#include "sieve/serve/server_metrics.h"

#include <cstdio>

namespace sieve::infer {
namespace {

std::string number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", x);
  return text;
}

}  // namespace

void prometheus_header(std::string& out, std::string_view name, std::string_view type,
                       std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void prometheus_sample(std::string& out, std::string_view name, std::string_view labels,
                       std::string_view value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

std::string prometheus_label(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Histogram::observe(double value) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (value <= bounds_[i]) {
      ++counts_[i];
      break;
    }
  }
  ++count_;
  sum_ += value;
}

void Histogram::render(std::string& out, std::string_view name, std::string_view labels) const {
  const std::string bucket = std::string(name) + "_bucket";
  const std::string le = labels.empty() ? std::string("le=\"") : std::string(labels) + ",le=\"";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i];
    prometheus_sample(out, bucket, le + number(bounds_[i]) + "\"", std::to_string(cumulative));
  }
  prometheus_sample(out, bucket, le + "+Inf\"", std::to_string(count_));
  prometheus_sample(out, std::string(name) + "_sum", labels, number(sum_));
  prometheus_sample(out, std::string(name) + "_count", labels, std::to_string(count_));
}

ServerMetrics::ServerMetrics()
    : score_latency_({0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}),
      batch_posts_({1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}) {}

void ServerMetrics::count_request(std::string_view route, int status) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{std::string(route), status}];
}

void ServerMetrics::observe_score_latency(double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  score_latency_.observe(seconds);
}

void ServerMetrics::observe_batch(std::size_t posts) {
  std::lock_guard<std::mutex> lock(mutex_);
  batch_posts_.observe(static_cast<double>(posts));
}

void ServerMetrics::add_posts_scored(std::size_t posts) {
  std::lock_guard<std::mutex> lock(mutex_);
  posts_scored_ += posts;
}

void ServerMetrics::count_reload(bool ok) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++(ok ? reloads_ok_ : reloads_failed_);
}

std::uint64_t ServerMetrics::posts_scored() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return posts_scored_;
}

std::string ServerMetrics::render(const MetricsSnapshot& snapshot) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  prometheus_header(out, "sieve_http_requests_total", "counter",
                    "HTTP requests answered, by route and status.");
  for (const auto& [key, count] : requests_) {
    prometheus_sample(
        out, "sieve_http_requests_total",
        "route=\"" + prometheus_label(key.first) + "\",status=\"" + std::to_string(key.second) + "\"",
        std::to_string(count));
  }
  prometheus_header(out, "sieve_score_request_duration_seconds", "histogram",
                    "Time from arrival to answer of POST /v1/score requests.");
  score_latency_.render(out, "sieve_score_request_duration_seconds");
  prometheus_header(out, "sieve_batch_posts", "histogram", "Posts per scored batch.");
  batch_posts_.render(out, "sieve_batch_posts");
  prometheus_header(out, "sieve_queue_posts", "gauge", "Posts waiting in the batching queue.");
  prometheus_sample(out, "sieve_queue_posts", "", std::to_string(snapshot.queue_posts));
  prometheus_header(out, "sieve_posts_scored_total", "counter", "Posts scored.");
  prometheus_sample(out, "sieve_posts_scored_total", "", std::to_string(posts_scored_));
  prometheus_header(out, "sieve_model_reloads_total", "counter", "Model reloads, by result.");
  prometheus_sample(out, "sieve_model_reloads_total", "result=\"ok\"", std::to_string(reloads_ok_));
  prometheus_sample(out, "sieve_model_reloads_total", "result=\"failed\"", std::to_string(reloads_failed_));
  prometheus_header(out, "sieve_model_info", "gauge", "The model being served (always 1).");
  prometheus_sample(out, "sieve_model_info",
                    "version=\"" + prometheus_label(snapshot.model_version) + "\",path=\"" +
                        prometheus_label(snapshot.model_path) + "\"",
                    "1");
  prometheus_header(out, "sieve_ready", "gauge",
                    "1 when the server takes score requests, 0 while it drains.");
  prometheus_sample(out, "sieve_ready", "", snapshot.ready ? "1" : "0");
  return out;
}

}  // namespace sieve::infer
