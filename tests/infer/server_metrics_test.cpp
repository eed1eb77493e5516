// The Prometheus text of the server's metrics.

#include "sieve/serve/server_metrics.h"

#include <gtest/gtest.h>

namespace sieve::infer {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(ServerMetrics, CountsRequestsByRouteAndStatus) {
  ServerMetrics metrics;
  metrics.count_request("/v1/score", 200);
  metrics.count_request("/v1/score", 200);
  metrics.count_request("/v1/score", 429);
  metrics.count_request("/healthz", 200);
  const std::string text = metrics.render({});
  EXPECT_TRUE(has_line(text, "# TYPE sieve_http_requests_total counter")) << text;
  EXPECT_TRUE(has_line(text, R"(sieve_http_requests_total{route="/v1/score",status="200"} 2)")) << text;
  EXPECT_TRUE(has_line(text, R"(sieve_http_requests_total{route="/v1/score",status="429"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(sieve_http_requests_total{route="/healthz",status="200"} 1)")) << text;
}

TEST(ServerMetrics, HistogramBucketsAreCumulativeWithSumAndCount) {
  ServerMetrics metrics;
  for (std::size_t posts : {1, 1, 3, 32, 2000}) metrics.observe_batch(posts);
  const std::string text = metrics.render({});
  EXPECT_TRUE(has_line(text, "# TYPE sieve_batch_posts histogram")) << text;
  EXPECT_TRUE(has_line(text, R"(sieve_batch_posts_bucket{le="1"} 2)")) << text;
  EXPECT_TRUE(has_line(text, R"(sieve_batch_posts_bucket{le="2"} 2)")) << text;
  EXPECT_TRUE(has_line(text, R"(sieve_batch_posts_bucket{le="4"} 3)")) << text;
  EXPECT_TRUE(has_line(text, R"(sieve_batch_posts_bucket{le="32"} 4)")) << text;
  EXPECT_TRUE(has_line(text, R"(sieve_batch_posts_bucket{le="1024"} 4)")) << text;
  EXPECT_TRUE(has_line(text, R"(sieve_batch_posts_bucket{le="+Inf"} 5)")) << text;
  EXPECT_TRUE(has_line(text, "sieve_batch_posts_sum 2037")) << text;
  EXPECT_TRUE(has_line(text, "sieve_batch_posts_count 5")) << text;
  metrics.observe_score_latency(0.003);
  const std::string after = metrics.render({});
  EXPECT_TRUE(has_line(after, R"(sieve_score_request_duration_seconds_bucket{le="0.0025"} 0)")) << after;
  EXPECT_TRUE(has_line(after, R"(sieve_score_request_duration_seconds_bucket{le="0.005"} 1)")) << after;
  EXPECT_TRUE(has_line(after, "sieve_score_request_duration_seconds_count 1")) << after;
}

TEST(ServerMetrics, ALabelledHistogramPutsItsLabelsBeforeLeAndOnSumAndCount) {
  Histogram histogram({0.5, 0.9, 1});
  for (const double value : {0.2, 0.6, 0.95, 0.97, 3.0}) histogram.observe(value);
  std::string text;
  histogram.render(text, "sieve_post_score", R"(head="a",lang="en")");
  EXPECT_EQ(text,
            "sieve_post_score_bucket{head=\"a\",lang=\"en\",le=\"0.5\"} 1\n"
            "sieve_post_score_bucket{head=\"a\",lang=\"en\",le=\"0.9\"} 2\n"
            "sieve_post_score_bucket{head=\"a\",lang=\"en\",le=\"1\"} 4\n"
            "sieve_post_score_bucket{head=\"a\",lang=\"en\",le=\"+Inf\"} 5\n"
            "sieve_post_score_sum{head=\"a\",lang=\"en\"} 5.72\n"
            "sieve_post_score_count{head=\"a\",lang=\"en\"} 5\n");
}

TEST(ServerMetrics, RendersGaugesPostsReloadsAndTheModelWithEscapedLabels) {
  ServerMetrics metrics;
  metrics.add_posts_scored(32);
  metrics.add_posts_scored(1);
  metrics.count_reload(true);
  metrics.count_reload(false);
  metrics.count_reload(false);
  MetricsSnapshot snapshot;
  snapshot.queue_posts = 17;
  snapshot.model_version = "00ff00ff00ff00ff";
  snapshot.model_path = "/models/a \"b\"\\c.sieve";
  snapshot.ready = true;
  const std::string text = metrics.render(snapshot);
  EXPECT_TRUE(has_line(text, "sieve_queue_posts 17")) << text;
  EXPECT_TRUE(has_line(text, "sieve_posts_scored_total 33")) << text;
  EXPECT_TRUE(has_line(text, R"(sieve_model_reloads_total{result="ok"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(sieve_model_reloads_total{result="failed"} 2)")) << text;
  EXPECT_TRUE(
      has_line(text, R"(sieve_model_info{version="00ff00ff00ff00ff",path="/models/a \"b\"\\c.sieve"} 1)"))
      << text;
  EXPECT_TRUE(has_line(text, "sieve_ready 1")) << text;
  EXPECT_EQ(text.back(), '\n');
}

}  // namespace
}  // namespace sieve::infer
