// sieve_serve_load: a closed-loop HTTP load client for `sieve serve`. C connections each send POST
// /v1/score requests (or, with --route oip, Open Inference Protocol infer requests to
// /v2/models/sieve/infer) of B posts (texts of the corpus' test.jsonl, in turn) back to back for S
// seconds; prints one JSON line: requests, posts/s, p50/p99 latency and errors.
//
// Usage: sieve_serve_load --port P [--host H] [--batch B] [--connections C] [--seconds S] [--file test.jsonl]
//                         [--route v1|oip]

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "corpus.h"
#include "sieve/core/json_writer.h"

namespace {

struct LoadOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  std::size_t batch = 1;            // posts per request
  int connections = 16;             // requests in flight at once
  double seconds = 10;              // how long to send
  std::string file = "test.jsonl";  // in the corpus folder
  std::string route = "v1";         // v1: POST /v1/score; oip: POST /v2/models/sieve/infer
};

LoadOptions parse(int argc, char** argv) {
  LoadOptions options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--host")
      options.host = value;
    else if (key == "--port")
      options.port = std::atoi(value.c_str());
    else if (key == "--batch")
      options.batch = std::strtoul(value.c_str(), nullptr, 10);
    else if (key == "--connections")
      options.connections = std::atoi(value.c_str());
    else if (key == "--seconds")
      options.seconds = std::atof(value.c_str());
    else if (key == "--file")
      options.file = value;
    else if (key == "--route")
      options.route = value;
    else {
      std::fprintf(stderr, "sieve_serve_load: unknown option %s\n", key.c_str());
      std::exit(2);
    }
  }
  if (options.route != "v1" && options.route != "oip") {
    std::fprintf(stderr, "sieve_serve_load: --route is v1 or oip, not %s\n", options.route.c_str());
    std::exit(2);
  }
  if (options.port <= 0 || options.batch < 1 || options.connections < 1 || options.seconds <= 0) {
    std::fprintf(stderr, "sieve_serve_load: needs --port and positive --batch, --connections, --seconds\n");
    std::exit(2);
  }
  return options;
}

// Open Inference Protocol request bodies: one BYTES tensor "text" of batch posts, as make_bodies.
std::vector<std::string> make_oip_bodies(const std::vector<std::string>& texts, std::size_t batch) {
  std::vector<std::string> bodies;
  for (std::size_t start = 0; start < texts.size(); start += batch) {
    std::string body =
        R"({"inputs":[{"name":"text","datatype":"BYTES","shape":[)" + std::to_string(batch) + R"(],"data":[)";
    for (std::size_t i = 0; i < batch; ++i) {
      if (i) body += ',';
      sieve::append_json_string(body, texts[(start + i) % texts.size()]);
    }
    bodies.push_back(body + "]}]}");
  }
  return bodies;
}

// Request bodies that together use every text once (the last one wraps around).
std::vector<std::string> make_bodies(const std::vector<std::string>& texts, std::size_t batch) {
  std::vector<std::string> bodies;
  for (std::size_t start = 0; start < texts.size(); start += batch) {
    std::string body = R"({"posts":[)";
    for (std::size_t i = 0; i < batch; ++i) {
      if (i) body += ',';
      body += R"({"id":")" + std::to_string(start + i) + R"(","text":)";
      sieve::append_json_string(body, texts[(start + i) % texts.size()]);
      body += '}';
    }
    bodies.push_back(body + "]}");
  }
  return bodies;
}

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  const std::size_t at = std::min(values.size() - 1, static_cast<std::size_t>(p * values.size()));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(at), values.end());
  return values[at];
}

}  // namespace

int main(int argc, char** argv) {
  const LoadOptions options = parse(argc, argv);
  const std::vector<std::string> texts = sieve::testing::read_corpus_texts(options.file);
  if (texts.empty()) {
    std::fprintf(stderr, "sieve_serve_load: no texts in %s\n", options.file.c_str());
    return 2;
  }
  const bool oip = options.route == "oip";
  const std::vector<std::string> bodies =
      oip ? make_oip_bodies(texts, options.batch) : make_bodies(texts, options.batch);
  const std::string path = oip ? "/v2/models/sieve/infer" : "/v1/score";
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(options.seconds);
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(options.connections));
  std::atomic<std::size_t> errors{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < options.connections; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client(options.host, options.port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);  // else Nagle holds the body behind the headers for a delayed ACK
      client.set_read_timeout(30, 0);
      std::vector<double>& mine = latencies[static_cast<std::size_t>(c)];
      for (std::size_t i = static_cast<std::size_t>(c); Clock::now() < end; i += options.connections) {
        const auto sent = Clock::now();
        const auto res = client.Post(path, bodies[i % bodies.size()], "application/json");
        if (!res || res->status != 200) {
          ++errors;
          continue;
        }
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
      }
    });
  }
  for (auto& client : clients) client.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (const auto& mine : latencies) all.insert(all.end(), mine.begin(), mine.end());
  const double requests = static_cast<double>(all.size());
  const double p50 = percentile(all, 0.50), p99 = percentile(all, 0.99);
  std::printf(
      "{\"route\":\"%s\",\"batch\":%zu,\"connections\":%d,\"seconds\":%.2f,\"requests\":%.0f,"
      "\"requests_per_s\":%.1f,\"posts_per_s\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"errors\":%zu}\n",
      options.route.c_str(), options.batch, options.connections, elapsed, requests, requests / elapsed,
      requests * static_cast<double>(options.batch) / elapsed, p50, p99, errors.load());
  return errors.load() == 0 ? 0 : 1;
}
