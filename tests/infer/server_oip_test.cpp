// The Open Inference Protocol (KServe v2) routes of sieve::infer::Server, driven as a client written from
// the protocol's specification would: request bodies built by hand, answers checked field by field (names,
// datatypes, shapes, row-major data), scores against /v1/score's for the same posts, and each error as a
// status with the protocol's {"error": "<message>"} body. The small model of random weights has a binary
// head "coordinated" and a 3-class head "lang".

#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <cmath>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "runtime_model_files.h"
#include "server_fixture.h"

namespace sieve::infer::testing {
namespace {

constexpr const char* kInfer = "/v2/models/sieve/infer";

std::string get_request(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

// A JSON string literal of text (the posts here hold no characters that need escaping but quotes).
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\\\"") : std::string(1, c);
  return out + "\"";
}

// {"name": name, "shape": [n], "datatype": "BYTES", "data": [...]} of the given strings.
std::string bytes_tensor(const std::string& name, const std::vector<std::string>& data) {
  std::string tensor = R"({"name":")" + name + R"(","shape":[)" + std::to_string(data.size()) +
                       R"(],"datatype":"BYTES","data":[)";
  for (std::size_t i = 0; i < data.size(); ++i) tensor += (i ? "," : "") + quoted(data[i]);
  return tensor + "]}";
}

std::string infer_body(const std::vector<std::string>& texts) {
  return R"({"inputs":[)" + bytes_tensor("text", texts) + "]}";
}

// The protocol's error body: exactly {"error": "<message>"}; returns the message.
std::string oip_error(const HttpAnswer& answer) {
  simdjson::dom::parser parser;
  simdjson::dom::object body;
  if (parser.parse(answer.body).get(body)) return "not a JSON object: " + answer.body;
  EXPECT_EQ(body.size(), 1u) << answer.body;
  EXPECT_EQ(answer.header("content-type"), "application/json");
  std::string_view message;
  if (body["error"].get_string().get(message)) return "no string \"error\": " + answer.body;
  return std::string(message);
}

// The output tensor named name of an infer answer.
simdjson::dom::object output_named(simdjson::dom::element answer, std::string_view name) {
  for (const simdjson::dom::element output : answer["outputs"].get_array()) {
    if (std::string_view(output["name"]) == name) return output.get_object();
  }
  ADD_FAILURE() << "no output " << name;
  return {};
}

std::vector<std::int64_t> shape_of(simdjson::dom::object tensor) {
  std::vector<std::int64_t> shape;
  for (const simdjson::dom::element d : tensor["shape"].get_array()) shape.push_back(std::int64_t(d));
  return shape;
}

// A small model with out-of-domain statistics, so that infer has an "ood" output.
const std::string& model_with_ood() {
  static const std::string path = [] {
    ModelParts parts = bag_parts();
    for (std::uint32_t r = 0; r < parts.table_size; ++r) parts.ood_rarity.push_back(float(r % 10));
    parts.ood_json = R"({"posts":5000,"limit":0.9,"min_subwords":3,"overall":[0,1,2,3,4,5,6,7,8,9,10],)"
                     R"("languages":{"en":[0,20],"de":[0,10]}})";
    return write(parts, "oip_ood_model.sieve");
  }();
  return path;
}

ServerOptions ood_options() {
  ServerOptions options = small_server_options();
  options.model_path = model_with_ood();
  return options;
}

TEST(ServerOip, HealthServerMetadataAndModelReadinessAnswer) {
  RunningServer server;
  const HttpAnswer live = exchange(server.port(), get_request("/v2/health/live"));
  EXPECT_EQ(live.status, 200);
  const HttpAnswer ready = exchange(server.port(), get_request("/v2/health/ready"));
  EXPECT_EQ(ready.status, 200);
  const HttpAnswer metadata = exchange(server.port(), get_request("/v2"));
  ASSERT_EQ(metadata.status, 200) << metadata.body;
  simdjson::dom::parser parser;
  simdjson::dom::element server_metadata = parser.parse(metadata.body);
  EXPECT_EQ(std::string_view(server_metadata["name"]), "sieve");
  EXPECT_FALSE(std::string_view(server_metadata["version"]).empty());
  EXPECT_EQ(server_metadata["extensions"].get_array().size(), 0u);
  const HttpAnswer model_ready = exchange(server.port(), get_request("/v2/models/sieve/ready"));
  EXPECT_EQ(model_ready.status, 200) << model_ready.body;
}

TEST(ServerOip, ModelMetadataListsTheInputsAndOneTensorPerHeadOutputDecisionAndOod) {
  RunningServer server(ood_options());
  const HttpAnswer answer = exchange(server.port(), get_request("/v2/models/sieve"));
  ASSERT_EQ(answer.status, 200) << answer.body;
  simdjson::dom::parser parser;
  simdjson::dom::element metadata = parser.parse(answer.body);
  EXPECT_EQ(std::string_view(metadata["name"]), "sieve");
  EXPECT_EQ(std::string_view(metadata["platform"]), "sieve");
  ASSERT_EQ(metadata["versions"].get_array().size(), 1u);
  EXPECT_EQ(std::string_view(metadata["versions"].at(0)).size(), 16u);
  std::vector<std::string> inputs;
  for (const simdjson::dom::element input : metadata["inputs"].get_array()) {
    inputs.emplace_back(std::string_view(input["name"]));
    EXPECT_EQ(std::string_view(input["datatype"]), "BYTES");
    EXPECT_EQ(shape_of(input.get_object()), std::vector<std::int64_t>{-1});
  }
  EXPECT_EQ(inputs, (std::vector<std::string>{"text", "lang"}));
  std::vector<std::string> outputs;
  for (const simdjson::dom::element output : metadata["outputs"].get_array())
    outputs.push_back(std::string(std::string_view(output["name"])) + " " +
                      std::string(std::string_view(output["datatype"])) + " " +
                      std::to_string(shape_of(output.get_object()).size()));
  EXPECT_EQ(outputs,
            (std::vector<std::string>{"coordinated FP32 1", "lang FP32 2", "coordinated_decision BOOL 1",
                                      "lang_decision BYTES 1", "ood FP32 1"}));
  EXPECT_EQ(shape_of(output_named(metadata, "lang")), (std::vector<std::int64_t>{-1, 3}));
}

TEST(ServerOip, InferScoresEqualThoseOfV1ScoreForTheSamePosts) {
  RunningServer server(ood_options());
  const std::vector<std::string>& posts = sample_posts();
  std::string v1 = R"({"posts":[)";
  for (std::size_t i = 0; i < posts.size(); ++i)
    v1 += std::string(i ? "," : "") + R"({"text":)" + quoted(posts[i]) + "}";
  const HttpAnswer scored = exchange(server.port(), post_request("/v1/score", v1 + "]}"));
  const HttpAnswer inferred =
      exchange(server.port(), post_request(kInfer, R"({"id":"r-1",)" + infer_body(posts).substr(1)));
  ASSERT_EQ(scored.status, 200) << scored.body;
  ASSERT_EQ(inferred.status, 200) << inferred.body;
  simdjson::dom::parser v1_parser, oip_parser;
  simdjson::dom::array v1_posts = v1_parser.parse(scored.body)["posts"].get_array();
  simdjson::dom::element answer = oip_parser.parse(inferred.body);
  EXPECT_EQ(std::string_view(answer["model_name"]), "sieve");
  EXPECT_EQ(std::string_view(answer["model_version"]), std::string_view(v1_posts.at(0)["model_version"]));
  EXPECT_EQ(std::string_view(answer["id"]), "r-1");
  const std::size_t n = posts.size();
  simdjson::dom::object coordinated = output_named(answer, "coordinated");
  simdjson::dom::object lang = output_named(answer, "lang");
  simdjson::dom::object decision = output_named(answer, "coordinated_decision");
  simdjson::dom::object lang_decision = output_named(answer, "lang_decision");
  simdjson::dom::object ood = output_named(answer, "ood");
  EXPECT_EQ(std::string_view(coordinated["datatype"]), "FP32");
  EXPECT_EQ(shape_of(coordinated), std::vector<std::int64_t>{std::int64_t(n)});
  EXPECT_EQ(shape_of(lang), (std::vector<std::int64_t>{std::int64_t(n), 3}));
  EXPECT_EQ(std::string_view(decision["datatype"]), "BOOL");
  EXPECT_EQ(std::string_view(lang_decision["datatype"]), "BYTES");
  ASSERT_EQ(lang["data"].get_array().size(), 3 * n);
  std::size_t i = 0;
  for (const simdjson::dom::element post : v1_posts) {
    EXPECT_NEAR(double(coordinated["data"].at(i)), double(post["scores"]["coordinated"]), 1e-6);
    EXPECT_EQ(bool(decision["data"].at(i)), bool(post["decisions"]["coordinated"]));
    std::size_t c = 0;
    for (const auto field : post["scores"]["lang"].get_object())  // classes in the model's order
      EXPECT_NEAR(double(lang["data"].at(3 * i + c++)), double(field.value), 1e-6) << field.key;
    EXPECT_EQ(std::string_view(lang_decision["data"].at(i)), std::string_view(post["decisions"]["lang"]));
    EXPECT_NEAR(double(ood["data"].at(i)), double(post["ood"]), 1e-6);
    ++i;
  }
}

TEST(ServerOip, InferReturnsTheOutputsAskedForInTheirOrderAndTakesNxOneShapesAndLanguages) {
  RunningServer server;
  const std::string body =
      R"({"inputs":[{"name":"text","shape":[2,1],"datatype":"BYTES","data":[["first post"],["second"]]},)"
      R"({"name":"lang","shape":[2],"datatype":"BYTES","data":["en",""]}],)"
      R"("outputs":[{"name":"lang_decision"},{"name":"coordinated"}]})";
  const HttpAnswer answer = exchange(server.port(), post_request(kInfer, body));
  ASSERT_EQ(answer.status, 200) << answer.body;
  simdjson::dom::parser parser;
  simdjson::dom::element parsed = parser.parse(answer.body);
  simdjson::dom::array outputs = parsed["outputs"].get_array();
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(std::string_view(outputs.at(0)["name"]), "lang_decision");
  EXPECT_EQ(std::string_view(outputs.at(1)["name"]), "coordinated");
  EXPECT_EQ(outputs.at(1)["data"].get_array().size(), 2u);
  EXPECT_TRUE(parsed["id"].error()) << "no id was sent, none comes back";
}

struct ErrorCase {
  std::string body;
  const char* message;
};

TEST(ServerOip, MalformedRequestsAre400WithTheProtocolsErrorNamingTheField) {
  ServerOptions options = small_server_options();
  options.max_posts = 3;
  options.max_text_bytes = 100;
  RunningServer server(options);
  const std::string text = R"({"name":"text","shape":[1],"datatype":"BYTES","data":["a"]})";
  const ErrorCase cases[] = {
      {R"({"inputs":[)", "body: not valid JSON: "},
      {R"([1,2])", R"(body: must be a JSON object with "inputs")"},
      {R"({"id":7,"inputs":[]})", "id: must be a string"},
      {R"({"inputs":[]})", R"(inputs: no "text" input: one BYTES tensor of the posts' texts)"},
      {R"({"inputs":[{"name":"lang","shape":[1],"datatype":"BYTES","data":["en"]}]})",
       R"(inputs: no "text" input)"},
      {R"({"inputs":[{"name":"text","shape":[1],"datatype":"FP32","data":[1.5]}]})",
       R"(inputs[0].datatype: must be "BYTES", not "FP32")"},
      {R"({"inputs":[{"name":"text","shape":[2],"datatype":"BYTES","data":["a"]}]})",
       "inputs[0].data: holds 1 values, but the shape says 2"},
      {R"({"inputs":[{"name":"text","shape":[4],"datatype":"BYTES","data":["a","b","c","d"]}]})",
       "inputs[0].shape: 4 posts, more than the limit of 3 per request"},
      {R"({"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":[")" + std::string(101, 'x') +
           "\"]}]}",
       "inputs[0].data[0]: is 101 bytes, more than the limit of 100"},
      {R"({"inputs":[{"name":"txt","shape":[1],"datatype":"BYTES","data":["a"]}]})",
       R"(inputs[0].name: unknown input "txt")"},
      {(R"({"inputs":[)" + text + "," + text + "]}"), R"(inputs[1].name: input "text" given twice)"},
      {(R"({"inputs":[)" + text + R"(,{"name":"lang","shape":[2],"datatype":"BYTES","data":["en","fr"]}]})"),
       R"(inputs: "lang" has 2 rows and "text" (inputs[0]) 1)"},
      {(R"({"inputs":[)" + text + R"(],"outputs":[{"name":"nope"}]})"),
       R"(outputs[0].name: unknown output "nope"; the outputs are "coordinated", "lang", )"},
  };
  for (const ErrorCase& error : cases) {
    const HttpAnswer answer = exchange(server.port(), post_request(kInfer, error.body));
    EXPECT_EQ(answer.status, 400) << error.body;
    EXPECT_EQ(oip_error(answer).rfind(error.message, 0), 0u) << oip_error(answer) << "\n" << error.body;
  }
}

TEST(ServerOip, HostileTensorsAre400AndNeverHurtTheServer) {
  RunningServer server;
  const std::string head = R"({"inputs":[{"name":"text","datatype":"BYTES",)";
  const std::string hostile[] = {
      head + R"("shape":[9223372036854775807],"data":["a"]}]})",
      head + R"("shape":[18446744073709551615],"data":["a"]}]})",
      head + R"("shape":[1e300],"data":["a"]}]})",
      head + R"("shape":[-1],"data":["a"]}]})",
      head + R"("shape":[4294967296,4294967296],"data":["a"]}]})",
      head + R"("shape":[1,1,1],"data":[[["a"]]]}]})",
      head + R"("shape":"1","data":["a"]}]})",
      head + R"("shape":[],"data":[]}]})",
      head + R"("shape":[0],"data":[]}]})",
      head + R"("shape":[1],"data":[17]}]})",
      head + R"("shape":[1],"data":[null]}]})",
      head + R"("shape":[1],"data":[{"text":"a"}]}]})",
      head + R"("shape":[1],"data":[["a"]]}]})",
      head + R"("shape":[1,1],"data":[[["a"]]]}]})",
      head + R"("shape":[1,1],"data":[["a","b"]]}]})",
      head + R"("shape":[1],"data":"a"}]})",
      head + R"("shape":[1]}]})",
      R"({"inputs":[)" + std::string(20000, '[') + std::string(20000, ']') + "]}",
      R"({"inputs":{"text":["a"]}})",
      R"({"inputs":[null]})",
  };
  for (const std::string& body : hostile) {
    const HttpAnswer answer = exchange(server.port(), post_request(kInfer, body));
    EXPECT_EQ(answer.status, 400) << body.substr(0, 200) << " → " << answer.body;
    EXPECT_FALSE(oip_error(answer).empty());
  }
  EXPECT_EQ(exchange(server.port(), get_request("/v2/health/live")).status, 200);
  EXPECT_EQ(exchange(server.port(), post_request(kInfer, infer_body({"still scoring"}))).status, 200);
}

TEST(ServerOip, AnUnknownModelOrVersionIs404AndAWrongMethod405) {
  RunningServer server;
  const HttpAnswer metadata = exchange(server.port(), get_request("/v2/models/bert"));
  EXPECT_EQ(metadata.status, 404);
  EXPECT_EQ(oip_error(metadata), R"(model "bert" is not served here; the model is "sieve")");
  const HttpAnswer infer = exchange(server.port(), post_request("/v2/models/bert/infer", infer_body({"a"})));
  EXPECT_EQ(infer.status, 404);
  EXPECT_EQ(oip_error(infer), R"(model "bert" is not served here; the model is "sieve")");
  EXPECT_EQ(exchange(server.port(), get_request("/v2/models/bert/ready")).status, 404);
  const HttpAnswer version =
      exchange(server.port(), post_request("/v2/models/sieve/versions/0000/infer", infer_body({"a"})));
  EXPECT_EQ(version.status, 404);
  EXPECT_EQ(oip_error(version).rfind(R"(model "sieve" has no version "0000"; it serves )", 0), 0u);
  const HttpAnswer get_infer = exchange(server.port(), get_request(kInfer));
  EXPECT_EQ(get_infer.status, 405);
  EXPECT_EQ(get_infer.header("allow"), "POST");
  EXPECT_EQ(oip_error(get_infer), "GET is not allowed on /v2/models/sieve/infer; it takes POST");
}

TEST(ServerOip, ABodyOverTheLimitIs413) {
  ServerOptions options = small_server_options();
  options.max_body_bytes = 4096;
  RunningServer server(options);
  const HttpAnswer answer = exchange(
      server.port(), post_request(kInfer, infer_body(std::vector<std::string>(4, std::string(2000, 'x')))));
  EXPECT_EQ(answer.status, 413);
  EXPECT_EQ(oip_error(answer), "the body is larger than the limit of 4096 bytes");
}

TEST(ServerOip, AFullQueueIs429WithRetryAfterAndALateAnswer504) {
  ServerOptions options = small_server_options();
  options.queue_capacity = 4;
  options.max_posts = 4;
  options.max_delay_us = 2000000;  // the first request waits 2 s for company: the queue stays full
  RunningServer server(options);
  auto first = std::async(std::launch::async, [&] {
    return exchange(server.port(), post_request(kInfer, infer_body({"a", "b", "c", "d"}))).status;
  });
  for (int attempt = 0; attempt < 400; ++attempt) {
    if (exchange(server.port(), get_request("/metrics")).body.find("\nsieve_queue_posts 4\n") !=
        std::string::npos)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const HttpAnswer refused = exchange(server.port(), post_request(kInfer, infer_body({"e"})));
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.header("retry-after"), "1");
  EXPECT_EQ(oip_error(refused), "the queue holds 4 posts and cannot take 1 more (limit 4); retry later");
  EXPECT_EQ(first.get(), 200);

  ServerOptions late = small_server_options();
  late.deadline_ms = 1;
  late.max_delay_us = 300000;
  RunningServer slow(late);
  const HttpAnswer timed_out = exchange(slow.port(), post_request(kInfer, infer_body({"a", "b"})));
  EXPECT_EQ(timed_out.status, 504);
  EXPECT_EQ(oip_error(timed_out), "not scored within the deadline of 1 ms");
}

TEST(ServerOip, InferRequestsAreCountedInTheMetricsByRouteAndPostsScored) {
  RunningServer server;
  ASSERT_EQ(exchange(server.port(), post_request(kInfer, infer_body({"a", "b", "c"}))).status, 200);
  ASSERT_EQ(exchange(server.port(), post_request(kInfer, "{")).status, 400);
  const std::string metrics = exchange(server.port(), get_request("/metrics")).body;
  EXPECT_NE(metrics.find("sieve_http_requests_total{route=\"/v2/models/{name}/infer\",status=\"200\"} 1\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("sieve_http_requests_total{route=\"/v2/models/{name}/infer\",status=\"400\"} 1\n"),
            std::string::npos);
  EXPECT_NE(metrics.find("\nsieve_posts_scored_total 3\n"), std::string::npos);
}

}  // namespace
}  // namespace sieve::infer::testing
