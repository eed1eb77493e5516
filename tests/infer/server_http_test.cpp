// The HTTP front end of sieve::infer::Server in the test process, on raw sockets: how bodies are read
// (any content type, chunked, bodyless, over the limit), slow clients, methods, the reload answer and the
// event log. A small model of random weights stands in for a trained one: these are quick tests.

#include <gtest/gtest.h>
#include <httplib.h>
#include <simdjson.h>
#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "network_fixtures.h"
#include "server_fixture.h"
#include "sieve/runtime/checked_model.h"

namespace sieve::infer::testing {
namespace {

constexpr const char* kToken = "0123456789abcdef-test-token";
constexpr const char* kGetHealth = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

// The message of a JSON error answer, after checking that it repeats the status.
std::string message_of(const HttpAnswer& answer) {
  simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (parser.parse(answer.body).get(body)) return "not JSON: " + answer.body;
  EXPECT_EQ(int64_t(body["error"]["status"]), answer.status) << answer.body;
  EXPECT_EQ(answer.header("content-type"), "application/json");
  return std::string(std::string_view(body["error"]["message"]));
}

std::string code_of(const HttpAnswer& answer) {
  simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (parser.parse(answer.body).get(body)) return "not JSON";
  return std::string(std::string_view(body["error"]["code"]));
}

std::size_t posts_in(const HttpAnswer& answer) {
  simdjson::dom::parser parser;
  simdjson::dom::array posts;
  if (parser.parse(answer.body)["posts"].get(posts)) return 0;
  return posts.size();
}

ServerOptions with_token(ServerOptions options = small_server_options()) {
  options.admin_token_file = temp_path("admin.token");
  std::ofstream(options.admin_token_file) << kToken << "\n";
  return options;
}

TEST(ServerHttp, AFormEncodedJsonBodyOverEightKilobytesIsScored) {
  RunningServer server;
  const std::string body = posts_body(40, 400);  // 17 kB, twice the library's form-body cap
  ASSERT_GT(body.size(), 16000u);
  const HttpAnswer answer =
      exchange(server.port(), post_request("/v1/score", body, "application/x-www-form-urlencoded"));
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(posts_in(answer), 40u);
  // Any other type is JSON too, as is a body without a Content-Type.
  const HttpAnswer text = exchange(server.port(), post_request("/v1/score", body, "text/plain"));
  EXPECT_EQ(text.status, 200) << text.body;
}

TEST(ServerHttp, AMultipartBodyIs415NamingItsContentType) {
  RunningServer server;
  const std::string body = "--xyz\r\nContent-Disposition: form-data; name=\"posts\"\r\n\r\n{}\r\n--xyz--\r\n";
  const HttpAnswer answer =
      exchange(server.port(), post_request("/v1/score", body, "multipart/form-data; boundary=xyz"));
  EXPECT_EQ(answer.status, 415);
  EXPECT_EQ(message_of(answer),
            "Content-Type multipart/form-data is not accepted: send the JSON document itself as the body");
  EXPECT_EQ(code_of(answer), "unsupported_media_type");
}

TEST(ServerHttp, AChunkedBodyIsScored) {
  RunningServer server;
  const std::string head =
      "POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
      "Content-Type: application/json\r\n\r\n";
  const HttpAnswer answer = exchange(server.port(), head + chunked(posts_body(3), 7));
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(posts_in(answer), 3u);
}

TEST(ServerHttp, AChunkedBodyOverTheLimitIs413AndTheConnectionCloses) {
  ServerOptions options = small_server_options();
  options.max_body_bytes = 4096;
  RunningServer server(options);
  RawConnection connection(server.port());
  connection.send("POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" +
                  chunked(posts_body(4, 2000), 1000));
  const HttpAnswer answer = connection.read_answer();
  EXPECT_EQ(answer.status, 413);
  EXPECT_EQ(message_of(answer), "the body is larger than the limit of 4096 bytes");
  EXPECT_EQ(code_of(answer), "payload_too_large");
  EXPECT_EQ(answer.header("connection"), "close");
  EXPECT_TRUE(connection.closed_by_server());
}

TEST(ServerHttp, AnEndlessChunkedBodyIsCutOffAtTheLimit) {
  ServerOptions options = small_server_options();
  options.max_body_bytes = 1 << 20;
  RunningServer server(options);
  RawConnection connection(server.port());
  ASSERT_TRUE(
      connection.send("POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"));
  // Up to 256 MB in 64 kB chunks, until the server stops taking them.
  const std::string chunk = "10000\r\n" + std::string(65536, 'x') + "\r\n";
  std::size_t sent = 0;
  while (sent < (std::size_t{256} << 20) && connection.send(chunk)) sent += chunk.size();
  EXPECT_LT(sent, std::size_t{64} << 20) << "the server read on past its limit";
  const HttpAnswer answer = connection.read_answer();
  EXPECT_EQ(answer.status, 413);
  EXPECT_EQ(message_of(answer), "the body is larger than the limit of 1048576 bytes");
  EXPECT_EQ(exchange(server.port(), kGetHealth).status, 200);
}

// data in zlib's format, which the library's gzip decoder reads for "gzip" and "deflate" alike.
std::string deflated(const std::string& data) {
  uLongf size = compressBound(data.size());
  std::string out(size, '\0');
  compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(data.data()),
            data.size(), 9);
  out.resize(size);
  return out;
}

TEST(ServerHttp, ACompressedBodyIsReadDecodedAndTheLimitHoldsForTheDecodedBytes) {
  ServerOptions options = small_server_options();
  options.max_body_bytes = 1 << 20;
  RunningServer server(options);
  const HttpAnswer scored = exchange(
      server.port(),
      post_request("/v1/score", deflated(posts_body(3)), "application/json", "Content-Encoding: gzip\r\n"));
  ASSERT_EQ(scored.status, 200) << scored.body;
  EXPECT_EQ(posts_in(scored), 3u);
  // 64 MB of one byte deflate to 64 kB: refused at the first decoded byte past the limit.
  const HttpAnswer bomb =
      exchange(server.port(), post_request("/v1/score", deflated(std::string(64 << 20, ' ')),
                                           "application/json", "Content-Encoding: deflate\r\n"));
  EXPECT_EQ(bomb.status, 413);
  EXPECT_EQ(message_of(bomb), "the body is larger than the limit of 1048576 bytes");
  const HttpAnswer unknown =
      exchange(server.port(),
               post_request("/v1/score", posts_body(1), "application/json", "Content-Encoding: zstd\r\n"));
  EXPECT_EQ(unknown.status, 415);
  EXPECT_EQ(message_of(unknown),
            "Content-Encoding 'zstd' is not supported: send the body as it is, or as gzip, deflate or br");
  const HttpAnswer broken =
      exchange(server.port(),
               post_request("/v1/score", posts_body(1), "application/json", "Content-Encoding: gzip\r\n"));
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(message_of(broken),
            "the body ended before its announced length, or its chunked encoding is malformed, or it is not "
            "valid gzip data");
}

TEST(ServerHttp, AContentLengthOverTheLimitIs413BeforeAnyBodyByte) {
  ServerOptions options = small_server_options();
  options.max_body_bytes = 4096;
  RunningServer server(options);
  RawConnection connection(server.port());
  connection.send("POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 120000000\r\n\r\n");
  const HttpAnswer answer = connection.read_answer(std::chrono::seconds(1));
  EXPECT_EQ(answer.status, 413);
  EXPECT_EQ(message_of(answer), "the body is larger than the limit of 4096 bytes");
  EXPECT_EQ(answer.header("connection"), "close");
  EXPECT_TRUE(connection.closed_by_server());
}

TEST(ServerHttp, ExpectContinueOverTheLimitIs413InsteadOfContinue) {
  ServerOptions options = small_server_options();
  options.max_body_bytes = 4096;
  RunningServer server(options);
  RawConnection connection(server.port());
  connection.send(
      "POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
  const HttpAnswer answer = connection.read_answer(std::chrono::seconds(1));
  EXPECT_EQ(answer.status, 413);
  EXPECT_EQ(message_of(answer), "the body is larger than the limit of 4096 bytes");
  // Within the limit: 100 Continue, then the answer.
  RawConnection within(server.port());
  within.send(
      "POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(within.read_answer(std::chrono::seconds(1)).status, 100);
  within.send("{\"x\":");
  EXPECT_EQ(within.read_answer().status, 400);
}

TEST(ServerHttp, ABodylessPostIsAnsweredAtOnce) {
  RunningServer server(with_token());
  // No Content-Length, no Transfer-Encoding: an empty body (RFC 9112, 6.3), not a wait for more.
  const HttpAnswer score =
      exchange(server.port(), "POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", std::chrono::seconds(1));
  EXPECT_EQ(score.status, 400);
  EXPECT_NE(message_of(score).find("body: not valid JSON"), std::string::npos) << score.body;
  const HttpAnswer reload =
      exchange(server.port(),
               std::string("POST /admin/reload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ") +
                   kToken + "\r\n\r\n",
               std::chrono::seconds(2));
  EXPECT_EQ(reload.status, 200) << reload.body;
  EXPECT_NE(reload.body.find("\"reloaded\":true"), std::string::npos) << reload.body;
}

TEST(ServerHttp, AStalledBodyIs408AndTheConnectionCloses) {
  ServerOptions options = small_server_options();
  options.read_timeout_ms = 300;
  RunningServer server(options);
  RawConnection connection(server.port());
  connection.send("POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"posts\":[");
  const HttpAnswer answer = connection.read_answer(std::chrono::seconds(3));
  EXPECT_EQ(answer.status, 408);
  EXPECT_EQ(message_of(answer), "the request stalled: no bytes arrived for 300 ms");
  EXPECT_EQ(code_of(answer), "request_timeout");
  EXPECT_GE(answer.seconds, 0.25);
  EXPECT_EQ(answer.header("connection"), "close");
  EXPECT_TRUE(connection.closed_by_server());
}

TEST(ServerHttp, StalledHeadersAre408) {
  ServerOptions options = small_server_options();
  options.read_timeout_ms = 300;
  RunningServer server(options);
  RawConnection connection(server.port());
  connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  const HttpAnswer answer = connection.read_answer(std::chrono::seconds(3));
  EXPECT_EQ(answer.status, 408);
  EXPECT_EQ(message_of(answer), "the request stalled: no bytes arrived for 300 ms");
  EXPECT_TRUE(connection.closed_by_server());
}

TEST(ServerHttp, SlowClientsDelayNeitherHealthNorReadiness) {
  ServerOptions options = small_server_options();
  options.http_threads = 2;
  options.read_timeout_ms = 3000;
  RunningServer server(options);
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 12; ++i) {
    slow.push_back(std::make_unique<RawConnection>(server.port()));
    slow.back()->send(
        "POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{\"posts\":[");
  }
  for (const char* path : {"/healthz", "/readyz", "/healthz"}) {
    const HttpAnswer answer =
        exchange(server.port(), std::string("GET ") + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_EQ(answer.status, 200) << path;
    EXPECT_LT(answer.seconds, 1.0) << path;
  }
  const HttpAnswer scored = exchange(server.port(), post_request("/v1/score", posts_body(2)));
  EXPECT_EQ(scored.status, 200);
  EXPECT_LT(scored.seconds, 1.0);
}

TEST(ServerHttp, AWrongMethodIs405WithAllow) {
  RunningServer server(with_token());
  const HttpAnswer get = exchange(server.port(), "GET /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.header("allow"), "POST");
  EXPECT_EQ(message_of(get), "GET is not allowed on /v1/score; it takes POST");
  EXPECT_EQ(code_of(get), "method_not_allowed");
  const HttpAnswer post = exchange(server.port(), post_request("/healthz", "{}"));
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.header("allow"), "GET, HEAD");
  EXPECT_EQ(message_of(post), "POST is not allowed on /healthz; it takes GET, HEAD");
  for (const char* request : {"GET /admin/reload HTTP/1.1\r\n", "DELETE /v1/model HTTP/1.1\r\n",
                              "PUT /metrics HTTP/1.1\r\nContent-Length: 0\r\n"}) {
    EXPECT_EQ(exchange(server.port(), std::string(request) + "Host: 127.0.0.1\r\n\r\n").status, 405)
        << request;
  }
  const HttpAnswer unknown = exchange(server.port(), "GET /v2/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(message_of(unknown), "no endpoint GET /v2/nothing");
}

TEST(ServerHttp, TheBodyOfARefusedRequestIsNeverRead) {
  RunningServer server;
  for (const std::string path : {"/nothing", "/healthz"}) {
    RawConnection connection(server.port());
    ASSERT_TRUE(connection.send("POST " + path +
                                " HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"));
    const HttpAnswer answer = connection.read_answer(std::chrono::seconds(1));
    EXPECT_EQ(answer.status, path == "/healthz" ? 405 : 404) << path;
    EXPECT_EQ(answer.header("connection"), "close") << path;
    EXPECT_TRUE(connection.closed_by_server()) << path;
  }
}

TEST(ServerHttp, ABrokenBodyFramingIsRefusedAndTheConnectionCloses) {
  RunningServer server;
  const HttpAnswer encoding = exchange(
      server.port(), "POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip\r\n\r\nxx");
  EXPECT_EQ(encoding.status, 501);
  EXPECT_EQ(message_of(encoding),
            "Transfer-Encoding 'gzip' is not supported: send a Content-Length or a chunked body");
  for (const char* length : {"-5", "12abc", "1, 2"}) {
    RawConnection connection(server.port());
    connection.send(std::string("POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ") + length +
                    "\r\n\r\n");
    const HttpAnswer answer = connection.read_answer(std::chrono::seconds(1));
    EXPECT_EQ(answer.status, 400) << length;
    EXPECT_EQ(message_of(answer), std::string("Content-Length '") + length + "' is not a byte count");
    EXPECT_TRUE(connection.closed_by_server());
  }
  const HttpAnswer cut = exchange(server.port(),
                                  "POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: "
                                  "chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
  EXPECT_EQ(cut.status, 400);
  EXPECT_EQ(message_of(cut),
            "the body ended before its announced length, or its chunked encoding is malformed");
}

// Found by http_fuzzer: the library cut answers, error bodies included, to a request's Range.
TEST(ServerHttp, ARangeHeaderIsIgnoredAndAMalformedOneIs416) {
  RunningServer server;
  const HttpAnswer scored = exchange(
      server.port(), post_request("/v1/score", posts_body(2), "application/json", "Range: bytes=0-1\r\n"));
  EXPECT_EQ(scored.status, 200);
  EXPECT_EQ(posts_in(scored), 2u);
  EXPECT_EQ(scored.header("content-range"), "");
  const HttpAnswer refused =
      exchange(server.port(), post_request("/v1/score", "{", "application/json", "Range: bytes=0-1\r\n"));
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(message_of(refused).find("body: not valid JSON"), std::string::npos) << refused.body;
  const HttpAnswer malformed =
      exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=9-1\r\n\r\n");
  EXPECT_EQ(malformed.status, 416);
  EXPECT_EQ(message_of(malformed),
            "Range 'bytes=9-1' is malformed; answers are whole documents, send no Range");
}

TEST(ServerHttp, AClientGetsEveryAnswerThroughRefusalsThatCloseItsConnection) {
  ServerOptions options = small_server_options();
  options.max_body_bytes = 65536;
  RunningServer server(options);
  httplib::Client client("127.0.0.1", server.port());
  std::mt19937 random(7);
  for (int i = 0; i < 60; ++i) {
    std::string body;
    if (i % 3 == 0) body = posts_body(64, 1024 + random() % 4096);  // 65 to 330 kB: 413, connection closed
    if (i % 3 == 1) body = posts_body(1 + random() % 8);
    if (i % 3 == 2) body = std::string(1 + random() % 300, '[');
    const auto res = client.Post("/v1/score", body, "application/json");
    ASSERT_TRUE(res) << "request " << i << " got no answer: " << httplib::to_string(res.error());
    EXPECT_EQ(res->status, i % 3 == 0 ? 413 : i % 3 == 1 ? 200 : 400) << i << ": " << res->body;
  }
}

TEST(ServerHttp, KeepAliveServesPipelinedRequestsInOrder) {
  RunningServer server;
  RawConnection connection(server.port());
  connection.send(std::string(kGetHealth) + post_request("/v1/score", posts_body(2)) +
                  "GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(connection.read_answer().body, R"({"status":"ok"})");
  EXPECT_EQ(posts_in(connection.read_answer()), 2u);
  const HttpAnswer ready = connection.read_answer();
  EXPECT_EQ(ready.status, 200);
  EXPECT_NE(ready.body.find("\"ready\":true"), std::string::npos);
  EXPECT_EQ(ready.header("connection"), "");
}

TEST(ServerHttp, RawBytesOfAConnectionAreAnsweredInTheProcess) {
  RunningServer server;
  const std::string written = server.server().serve_bytes(
      std::string(kGetHealth) + "POST /v1/score HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" +
      chunked(posts_body(1), 5) + "GET /nothing HTTP/1.1\r\n\r\n");
  EXPECT_EQ(written.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << written;
  EXPECT_NE(written.find("{\"status\":\"ok\"}HTTP/1.1 200 OK\r\n"), std::string::npos) << written;
  EXPECT_NE(written.find("\"model_version\""), std::string::npos) << written;
  EXPECT_NE(written.find("HTTP/1.1 404 Not Found\r\n"), std::string::npos) << written;
}

TEST(ServerHttp, StopClosesIdleKeepAliveConnectionsAtOnce) {
  RunningServer server;
  RawConnection idle(server.port());
  idle.send(kGetHealth);
  ASSERT_EQ(idle.read_answer().status, 200);
  const auto start = std::chrono::steady_clock::now();
  server.stop();
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 0.5);
  EXPECT_TRUE(idle.closed_by_server(std::chrono::milliseconds(100)));
}

TEST(ServerHttp, AReloadOfANonModelFileAnswersOnlyTheReadersMessage) {
  RunningServer server(with_token());
  const std::string text = temp_path("passwd");
  {
    std::ofstream out(text);
    out << "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";
    if (std::filesystem::exists("/etc/passwd")) out << std::ifstream("/etc/passwd").rdbuf();
  }
  std::string reader_message;
  try {
    load_checked_model(text);
  } catch (const std::exception& e) {
    reader_message = e.what();
  }
  ASSERT_FALSE(reader_message.empty());
  const HttpAnswer model = exchange(server.port(), "GET /v1/model HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const std::string version = model.body.substr(model.body.find("\"version\":\"") + 11, 16);
  const HttpAnswer answer =
      exchange(server.port(), post_request("/admin/reload", R"({"path":")" + text + "\"}", "application/json",
                                           std::string("Authorization: Bearer ") + kToken + "\r\n"));
  EXPECT_EQ(answer.status, 422);
  EXPECT_EQ(message_of(answer),
            "the new model was rejected, version " + version + " keeps serving: " + reader_message);
  std::istringstream lines(std::string(std::istreambuf_iterator<char>(std::ifstream(text).rdbuf()), {}));
  for (std::string line; std::getline(lines, line);) {
    if (line.size() < 8) continue;
    EXPECT_EQ(answer.body.find(line.substr(0, 8)), std::string::npos) << line;
  }
}

TEST(ServerHttp, TheStoppedEventCountsPostsAsANumber) {
  ::testing::internal::CaptureStderr();
  {
    RunningServer server;
    EXPECT_EQ(exchange(server.port(), post_request("/v1/score", posts_body(3))).status, 200);
    server.stop();
  }
  const std::string events = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(events.find("\"event\":\"stopped\",\"posts_scored\":3,"), std::string::npos) << events;
}

}  // namespace
}  // namespace sieve::infer::testing
