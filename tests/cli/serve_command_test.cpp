// sieve serve run as a platform runs it: a child process on a loopback port, a model trained on the
// corpus, and real HTTP clients. Every endpoint, every refusal, reloads under load, and the drain.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "run_sieve.h"
#include "serve_process.h"
#include "trained_model.h"

namespace sieve::testing {
namespace {

constexpr const char* kToken = "0123456789abcdef-test-token";

const std::string kThreePosts =
    R"({"posts":[{"id":"a","text":"Trudeau hid the scandal, share before they delete it!","lang":"en"},)"
    R"({"id":7,"text":"Belle journée au parc avec les enfants"},)"
    R"({"id":"c","text":"特鲁多总理隐瞒了丑闻"}]})";

// A JSON string of n bytes of "x".
std::string posts_body(std::size_t posts, std::size_t text_bytes = 20) {
  std::string body = R"({"posts":[)";
  for (std::size_t i = 0; i < posts; ++i) {
    if (i) body += ',';
    body += R"({"id":")" + std::to_string(i) + R"(","text":")" + std::string(text_bytes, 'x') + "\"}";
  }
  return body + "]}";
}

class ServeCommand : public WithTrainedModel {
 protected:
  void SetUp() override {
    WithTrainedModel::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    dir_ =
        scratch_dir("serve_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
  }

  // A server on a copy of the model (reload tests replace it) with an admin token and an access log.
  std::unique_ptr<ServeProcess> start(const std::string& options = "") {
    std::filesystem::copy_file(model_, dir_ + "/model.sieve",
                               std::filesystem::copy_options::overwrite_existing);
    std::ofstream(dir_ + "/token") << kToken << "\n";
    auto server =
        std::make_unique<ServeProcess>(dir_ + "/model.sieve --threads 2 --admin-token-file " + dir_ +
                                       "/token --access-log " + dir_ + "/access.log " + options);
    EXPECT_TRUE(server->ok()) << server->error();
    return server;
  }

  static httplib::Client client(const ServeProcess& server) {
    httplib::Client c("127.0.0.1", server.port());
    c.set_read_timeout(60, 0);
    return c;
  }

  std::string dir_;
  simdjson::dom::parser parser_;
};

// The error object of a JSON error body, after checking the status it repeats.
simdjson::dom::element error_of(simdjson::dom::parser& parser, const httplib::Result& res, int status) {
  EXPECT_TRUE(res) << "no response";
  if (!res) return parser.parse(std::string("{}"));
  EXPECT_EQ(res->status, status) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  const simdjson::dom::element body = parser.parse(res->body);
  EXPECT_EQ(int64_t(body["error"]["status"]), status) << res->body;
  return body["error"];
}

std::string message_of(simdjson::dom::element error) {
  return std::string(std::string_view(error["message"]));
}

TEST_F(ServeCommand, ScoresPostsAsSieveScoreDoesWithTheModelVersion) {
  auto server = start();
  ASSERT_TRUE(server->ok());
  httplib::Client c = client(*server);
  const auto model = c.Get("/v1/model");
  ASSERT_TRUE(model);
  const std::string version(std::string_view(parser_.parse(model->body)["version"]));
  EXPECT_EQ(version.size(), 16u);
  const simdjson::dom::element ood = parser_.parse(model->body)["ood"];  // the trainer stored its statistics
  EXPECT_DOUBLE_EQ(double(ood["limit"]), 0.99);
  EXPECT_EQ(std::uint64_t(ood["min_subwords"]), 4u);
  EXPECT_GT(std::uint64_t(ood["training_posts"]), 1000u);
  EXPECT_EQ(ood["abstain"].error(), simdjson::NO_SUCH_FIELD);  // every post is decided

  const auto res = c.Post("/v1/score", kThreePosts, "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  simdjson::dom::parser parser;
  const simdjson::dom::array posts = parser.parse(res->body)["posts"];
  ASSERT_EQ(posts.size(), 3u);

  // The same posts through `sieve score`: the same fields, the same numbers.
  const RunResult scored = run_sieve(
      "score " + model_ + " -",
      "{\"id\":\"a\",\"text\":\"Trudeau hid the scandal, share before they delete it!\",\"lang\":\"en\"}\n"
      "{\"id\":\"7\",\"text\":\"Belle journée au parc avec les enfants\"}\n"
      "{\"id\":\"c\",\"text\":\"特鲁多总理隐瞒了丑闻\"}\n");
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  std::istringstream lines(scored.out);
  const std::vector<std::string> langs = {"en", "fr", "zh"};
  std::size_t i = 0;
  for (const simdjson::dom::element post : posts) {
    std::string line;
    ASSERT_TRUE(std::getline(lines, line));
    simdjson::dom::parser line_parser;
    const simdjson::dom::element expected = line_parser.parse(line);
    EXPECT_EQ(std::string_view(post["lang"]), langs[i]);
    EXPECT_EQ(std::string_view(post["model_version"]), version);
    for (const char* head : {"coordinated", "machine", "nonnative", "abusive"}) {
      EXPECT_NEAR(double(post["scores"][head]), double(expected["scores"][head]), 1e-6) << head;
    }
    EXPECT_EQ(simdjson::minify(post["decisions"]), simdjson::minify(expected["decisions"]));
    EXPECT_NEAR(double(post["ood"]), double(expected["ood"]), 1e-9);
    EXPECT_EQ(post["abstain"].error(), simdjson::NO_SUCH_FIELD);
    ++i;
  }
  EXPECT_EQ(std::string_view(posts.at(0)["id"]), "a");
  EXPECT_EQ(int64_t(posts.at(1)["id"]), 7);  // ids come back as they were sent
  EXPECT_FALSE(posts.at(0)["explain"].error() == simdjson::SUCCESS);
}

TEST_F(ServeCommand, ExplainAddsTheTopSpansOfEveryHead) {
  auto server = start("--explain-spans 3");
  ASSERT_TRUE(server->ok());
  httplib::Client c = client(*server);
  const auto res = c.Post("/v1/score?explain=1", kThreePosts, "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const simdjson::dom::element post = parser_.parse(res->body)["posts"].at(0);
  const std::string_view normalized = post["normalized"];
  for (const char* head : {"coordinated", "machine", "nonnative", "abusive"}) {
    const simdjson::dom::array spans = post["explain"][head];
    EXPECT_GE(spans.size(), 1u) << head;
    EXPECT_LE(spans.size(), 3u) << head;
    for (const simdjson::dom::element span : spans) {
      const uint64_t begin = span["begin"], end = span["end"];
      EXPECT_EQ(normalized.substr(begin, end - begin), std::string_view(span["span"]));
    }
  }
}

TEST_F(ServeCommand, ModelHealthReadinessAndMetricsEndpoints) {
  auto server = start();
  ASSERT_TRUE(server->ok());
  httplib::Client c = client(*server);
  const auto model = c.Get("/v1/model");
  ASSERT_TRUE(model);
  ASSERT_EQ(model->status, 200);
  const simdjson::dom::element info = parser_.parse(model->body);
  EXPECT_EQ(std::string_view(info["architecture"]), "bag");
  EXPECT_EQ(std::string_view(info["path"]), dir_ + "/model.sieve");
  EXPECT_FALSE(bool(info["quantized"]));
  std::vector<std::string> heads;
  for (const simdjson::dom::element head : info["heads"].get_array()) {
    heads.emplace_back(std::string_view(head["name"]));
    if (std::string_view(head["kind"]) == "binary") {
      const double threshold = head["threshold"];
      EXPECT_TRUE(threshold > 0 && threshold < 1) << threshold;
    }
  }
  for (const char* head : {"coordinated", "machine", "nonnative", "abusive"})
    EXPECT_NE(std::find(heads.begin(), heads.end(), head), heads.end()) << head;
  EXPECT_TRUE(info["provenance"].is_object()) << model->body;
  EXPECT_TRUE(info["provenance"]["created_by"].is_string()) << model->body;
  const std::string version{std::string_view(info["version"])};  // info dies with the next parse

  const auto health = c.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, R"({"status":"ok"})");
  const auto ready = c.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_TRUE(bool(parser_.parse(ready->body)["ready"]));

  ASSERT_EQ(c.Post("/v1/score", kThreePosts, "application/json")->status, 200);
  ASSERT_EQ(c.Post("/v1/score", "{", "application/json")->status, 400);
  const auto metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  const std::string& text = metrics->body;
  for (const std::string& line : std::vector<std::string>{
           "sieve_http_requests_total{route=\"/v1/score\",status=\"200\"} 1",
           "sieve_http_requests_total{route=\"/v1/score\",status=\"400\"} 1",
           "sieve_http_requests_total{route=\"/healthz\",status=\"200\"} 1", "sieve_posts_scored_total 3",
           "sieve_score_request_duration_seconds_count 2", "sieve_batch_posts_count 1", "sieve_queue_posts 0",
           "sieve_model_info{version=\"" + version + "\",path=\"" + dir_ + "/model.sieve\"} 1"}) {
    EXPECT_NE(text.find("\n" + line + "\n"), std::string::npos) << line << "\n" << text;
  }

  // One access log line per request, JSON, with the status.
  const std::string log = file_text(dir_ + "/access.log");
  EXPECT_NE(log.find(R"("method":"POST","path":"/v1/score","status":400)"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("method":"GET","path":"/readyz","status":200)"), std::string::npos) << log;
}

TEST_F(ServeCommand, RefusesBadRequestsWithJsonErrorsAndKeepsServing) {
  auto server = start("--max-posts 4 --max-text-bytes 100 --max-body-bytes 4096");
  ASSERT_TRUE(server->ok());
  httplib::Client c = client(*server);
  EXPECT_NE(message_of(error_of(parser_, c.Post("/v1/score", R"({"posts":[)", "application/json"), 400))
                .find("body: not valid JSON"),
            std::string::npos);
  EXPECT_EQ(message_of(error_of(parser_, c.Post("/v1/score", R"({"posts":"x"})", "application/json"), 400)),
            "posts: must be an array of posts");
  simdjson::dom::element wrong_type = error_of(
      parser_, c.Post("/v1/score", R"({"posts":[{"text":"a"},{"text":false}]})", "application/json"), 400);
  EXPECT_EQ(message_of(wrong_type), "posts[1].text: must be a string");
  EXPECT_EQ(int64_t(wrong_type["post_index"]), 1);
  EXPECT_EQ(std::string_view(wrong_type["code"]), "invalid_request");
  EXPECT_EQ(message_of(error_of(parser_, c.Post("/v1/score", posts_body(5), "application/json"), 400)),
            "posts: 5 posts, more than the limit of 4 per request");
  const std::string long_text =
      R"({"posts":[{"text":"ok"},{"text":"ok"},{"text":")" + std::string(101, 'y') + "\"}]}";
  simdjson::dom::element too_long =
      error_of(parser_, c.Post("/v1/score", long_text, "application/json"), 400);
  EXPECT_EQ(message_of(too_long), "posts[2].text: is 101 bytes, more than the limit of 100");
  EXPECT_EQ(int64_t(too_long["post_index"]), 2);
  simdjson::dom::element too_big =
      error_of(parser_, c.Post("/v1/score", posts_body(4, 2000), "application/json"), 413);
  EXPECT_EQ(message_of(too_big), "the body is larger than the limit of 4096 bytes");
  EXPECT_EQ(std::string_view(too_big["code"]), "payload_too_large");
  EXPECT_EQ(message_of(error_of(parser_, c.Get("/v2/nothing"), 404)), "no endpoint GET /v2/nothing");
  const auto after = c.Post("/v1/score", posts_body(4), "application/json");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200) << after->body;
}

TEST_F(ServeCommand, AFullQueueAnswers429WithRetryAfter) {
  // The first request waits 3 s for others to join its batch: the queue stays full meanwhile.
  auto server = start("--queue-capacity 4 --max-posts 4 --max-batch 64 --max-delay-us 3000000");
  ASSERT_TRUE(server->ok());
  auto first = std::async(std::launch::async, [&] {
    httplib::Client c = client(*server);
    const auto res = c.Post("/v1/score", posts_body(4), "application/json");
    return res ? res->status : -1;
  });
  httplib::Client c = client(*server);
  for (int attempt = 0; attempt < 500; ++attempt) {
    if (c.Get("/metrics")->body.find("\nsieve_queue_posts 4\n") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto refused = c.Post("/v1/score", posts_body(1), "application/json");
  simdjson::dom::element error = error_of(parser_, refused, 429);
  EXPECT_EQ(refused->get_header_value("Retry-After"), "1");
  EXPECT_EQ(message_of(error), "the queue holds 4 posts and cannot take 1 more (limit 4); retry later");
  EXPECT_EQ(first.get(), 200);
}

TEST_F(ServeCommand, ARequestNotScoredWithinItsDeadlineAnswers504) {
  // Batches wait 400 ms for company; the deadline is 1 ms.
  auto server = start("--deadline-ms 1 --max-delay-us 400000");
  ASSERT_TRUE(server->ok());
  httplib::Client c = client(*server);
  EXPECT_EQ(message_of(error_of(parser_, c.Post("/v1/score", posts_body(2), "application/json"), 504)),
            "not scored within the deadline of 1 ms");
  const auto health = c.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(ServeCommand, ReloadsUnderConcurrentLoadWithoutFailingARequest) {
  auto server = start("--max-delay-us 500");
  ASSERT_TRUE(server->ok());
  const RunResult quantized = run_sieve("quantize " + model_ + " " + dir_ + "/model.int8.sieve");
  ASSERT_EQ(quantized.exit_code, 0) << quantized.err;
  httplib::Client admin = client(*server);
  admin.set_bearer_token_auth(kToken);
  const std::string original(std::string_view(parser_.parse(admin.Get("/v1/model")->body)["version"]));

  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::mutex versions_mutex;
  std::set<std::string> versions;
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      httplib::Client c = client(*server);
      simdjson::dom::parser parser;
      while (!stop) {
        const auto res = c.Post("/v1/score", kThreePosts, "application/json");
        if (!res || res->status != 200) {
          ++failed;
          continue;
        }
        ++ok;
        const std::string version(std::string_view(parser.parse(res->body)["posts"].at(2)["model_version"]));
        std::lock_guard<std::mutex> lock(versions_mutex);
        versions.insert(version);
      }
    });
  }
  const auto reload = [&](const std::string& body) {
    const auto res = admin.Post("/admin/reload", body, "application/json");
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body : "no response");
    return res ? std::string(std::string_view(parser_.parse(res->body)["model_version"])) : std::string();
  };
  const std::string int8 = reload(R"({"path":")" + dir_ + R"(/model.int8.sieve"})");
  EXPECT_NE(int8, original);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(reload(R"({"path":")" + dir_ + R"(/model.sieve"})"), original);
  EXPECT_EQ(reload(""), original);  // the path served now, again
  // SIGHUP reloads the path served now too.
  server->signal(SIGHUP);
  for (int attempt = 0; attempt < 600; ++attempt) {
    if (admin.Get("/metrics")->body.find("sieve_model_reloads_total{result=\"ok\"} 4") != std::string::npos)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(failed, 0);
  EXPECT_GT(ok, 0);
  EXPECT_TRUE(versions.count(original)) << ok;
  const std::string metrics = admin.Get("/metrics")->body;
  EXPECT_NE(metrics.find("sieve_model_reloads_total{result=\"ok\"} 4"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("sieve_http_requests_total{route=\"/v1/score\",status=\"200\"} " +
                         std::to_string(ok.load())),
            std::string::npos)
      << metrics;
}

TEST_F(ServeCommand, ABadReloadIsRejectedAndTheOldModelKeepsServing) {
  auto server = start();
  ASSERT_TRUE(server->ok());
  httplib::Client c = client(*server);
  const std::string version(std::string_view(parser_.parse(c.Get("/v1/model")->body)["version"]));

  // No token, a wrong token: refused before anything is loaded.
  EXPECT_EQ(message_of(error_of(parser_, c.Post("/admin/reload", "", "application/json"), 401)),
            "a valid 'Authorization: Bearer <token>' header is required");
  c.set_bearer_token_auth("0123456789abcdef-wrong-token");
  error_of(parser_, c.Post("/admin/reload", "", "application/json"), 401);

  // A truncated model file, then one replaced by garbage at the served path for SIGHUP.
  const std::string bytes = file_text(model_);
  std::ofstream(dir_ + "/truncated.sieve", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  c.set_bearer_token_auth(kToken);
  const std::string message = message_of(error_of(
      parser_, c.Post("/admin/reload", R"({"path":")" + dir_ + R"(/truncated.sieve"})", "application/json"),
      422));
  EXPECT_EQ(message.rfind("the new model was rejected, version " + version + " keeps serving: " + dir_ +
                              "/truncated.sieve",
                          0),
            0u)
      << message;
  std::ofstream(dir_ + "/garbage", std::ios::binary) << "not a model";
  std::filesystem::rename(dir_ + "/garbage", dir_ + "/model.sieve");  // mapped files are replaced, not edited
  server->signal(SIGHUP);
  for (int attempt = 0; attempt < 600; ++attempt) {
    if (c.Get("/metrics")->body.find("sieve_model_reloads_total{result=\"failed\"} 2") != std::string::npos)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(c.Get("/metrics")->body.find("sieve_model_reloads_total{result=\"failed\"} 2"),
            std::string::npos);
  const auto res = c.Post("/v1/score", kThreePosts, "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(std::string_view(parser_.parse(res->body)["posts"].at(0)["model_version"]), version);
  EXPECT_NE(server->standard_error().find("\"event\":\"reload_rejected\""), std::string::npos);
}

TEST_F(ServeCommand, SigtermDrainsTheRequestsInFlightAndExitsZero) {
  // The request in flight waits 1.5 s in the queue for company when SIGTERM arrives.
  auto server = start("--max-delay-us 1500000");
  ASSERT_TRUE(server->ok());
  auto in_flight = std::async(std::launch::async, [&] {
    httplib::Client c = client(*server);
    const auto res = c.Post("/v1/score", kThreePosts, "application/json");
    return res ? res->status : -1;
  });
  httplib::Client c = client(*server);
  bool queued = false;
  for (int attempt = 0; attempt < 500 && !queued; ++attempt) {
    queued = c.Get("/metrics")->body.find("\nsieve_queue_posts 3\n") != std::string::npos;
    if (!queued) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(queued);
  server->signal(SIGTERM);
  EXPECT_EQ(in_flight.get(), 200);
  EXPECT_EQ(server->wait_exit(), 0) << server->standard_error();
  const std::string events = server->standard_error();
  EXPECT_NE(events.find("\"event\":\"draining\""), std::string::npos) << events;
  EXPECT_NE(events.find("\"event\":\"stopped\",\"posts_scored\":3,"), std::string::npos) << events;
  // Nothing listens any more.
  httplib::Client after("127.0.0.1", server->port());
  EXPECT_FALSE(after.Get("/healthz"));
}

TEST_F(ServeCommand, RandomTruncatedAndOversizedBodiesNeverHurtTheServer) {
  auto server = start("--max-body-bytes 65536 --max-posts 64");
  ASSERT_TRUE(server->ok());
  httplib::Client c = client(*server);
  std::mt19937 random(12345);
  const std::string valid = kThreePosts;
  int answered = 0;
  for (int i = 0; i < 400; ++i) {
    std::string body;
    switch (i % 5) {
      case 0:  // random bytes
        body.resize(random() % 300);
        for (char& b : body) b = static_cast<char>(random());
        break;
      case 1:  // a valid body cut anywhere
        body = valid.substr(0, random() % valid.size());
        break;
      case 2:  // oversized
        body = posts_body(64, 1024 + random() % 2048);
        break;
      case 3:  // deep nesting
        body = std::string(1 + random() % 5000, '[');
        break;
      default:  // one byte of a valid body flipped
        body = valid;
        body[random() % body.size()] = static_cast<char>(random());
        break;
    }
    const auto res = c.Post("/v1/score", body, "application/json");
    ASSERT_TRUE(res) << "request " << i << " got no answer";
    EXPECT_TRUE(res->status == 200 || res->status == 400 || res->status == 413) << i << ": " << res->status;
    if (res->status != 200) {
      simdjson::dom::parser parser;
      EXPECT_TRUE(parser.parse(res->body)["error"]["message"].is_string()) << res->body;
    }
    ++answered;
  }
  // Malformed HTTP on a raw socket: a bad request line, a lying Content-Length, a cut connection.
  for (const std::string& raw : {std::string("GARBAGE\r\n\r\n"),
                                 std::string("POST /v1/score HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"po"),
                                 std::string("POST /v1/score HTTP/1.1\r\nContent-Length: -5\r\n\r\n")}) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(server->port()));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::send(fd, raw.data(), raw.size(), 0), static_cast<ssize_t>(raw.size()));
    ::close(fd);
  }
  EXPECT_EQ(answered, 400);
  const auto health = c.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  const auto res = c.Post("/v1/score", valid, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST(ServeCommandStart, RefusesAModelThatDoesNotLoad) {
  const std::string dir = scratch_dir("serve_bad_model");
  std::ofstream(dir + "/model.sieve") << "not a model";
  ServeProcess server(dir + "/model.sieve");
  EXPECT_FALSE(server.ok());
  EXPECT_NE(server.error().find("sieve serve exited with 2: sieve: " + dir + "/model.sieve"),
            std::string::npos)
      << server.error();
  ServeProcess bad_option(dir + "/model.sieve --max-posts 10 --queue-capacity 5");
  EXPECT_NE(
      bad_option.error().find("--queue-capacity: must hold at least one request of --max-posts (10) posts"),
      std::string::npos)
      << bad_option.error();
}

}  // namespace
}  // namespace sieve::testing
