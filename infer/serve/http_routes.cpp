#include "http_routes.h"

#include <simdjson.h>

#include <chrono>
#include <ctime>
#include <functional>

#include "http_answers.h"
#include "http_connection.h"
#include "oip_routes.h"
#include "queued_scoring.h"
#include "request_body.h"
#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"
#include "sieve/runtime/score_json.h"
#include "sieve/serve/post_annotator.h"
#include "sieve/serve/score_request.h"

namespace sieve::infer {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kJson = "application/json";

// The request being served on this thread (a connection is served by one thread).
struct RequestTrace {
  Clock::time_point start;     // arrival: its line and headers read; zero for one the library refused
  std::size_t body_bytes = 0;  // read of its body
};
thread_local RequestTrace request;

constexpr Endpoint kEndpoints[] = {{"/v1/score", true}, {"/v1/model", false}, {"/healthz", false},
                                   {"/readyz", false},  {"/metrics", false},  {"/admin/reload", true}};

const Endpoint* find_endpoint(const std::string& path) {
  for (const Endpoint& endpoint : kEndpoints) {
    if (path == endpoint.path) return &endpoint;
  }
  return find_oip_endpoint(path);
}

std::string iso_time(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

std::string_view route_of(const std::string& path) {
  const Endpoint* endpoint = find_endpoint(path);
  return endpoint ? endpoint->path : "other";
}

// Answers what can be refused from the request line and headers alone, before any body byte is read:
// no such endpoint (404), a method it does not take (405 with Allow), a body framed in a way the server
// does not read or announced over the limit. A body left unread closes the connection after the answer.
bool refuse_before_body(const ServerState& state, const httplib::Request& req, httplib::Response& res) {
  const Endpoint* endpoint = find_endpoint(req.path);
  Refusal refusal;
  std::string allow;
  if (!endpoint) {
    refusal = {404, "no endpoint " + req.method + " " + req.path};
  } else if (endpoint->post ? req.method != "POST" : req.method != "GET" && req.method != "HEAD") {
    allow = endpoint->post ? "POST" : "GET, HEAD";
    refusal = {405, req.method + " is not allowed on " + req.path + "; it takes " + allow};
  } else {
    refusal = check_body_head(req, endpoint->post, state.options.max_body_bytes);
  }
  if (announces_body(req) && (refusal.status != 0 || !endpoint->post)) close_after_answer(req);
  if (refusal.status == 0) return false;
  if (!allow.empty()) res.set_header("Allow", allow);
  send_error(res, refusal.status, refusal.message);
  return true;
}

bool wants_explanation(const httplib::Request& req) {
  if (!req.has_param("explain")) return false;
  const std::string value = req.get_param_value("explain");
  return value == "1" || value == "true";
}

void write_post(JsonWriter& w, const LoadedModel& model, const ScorePost& post, const float* probabilities,
                const PostFamiliarity* familiarity, bool explain, const ServerOptions& options) {
  w.begin_object().key("id").raw(post.id_json).key("lang").value(post.lang);
  write_scores(w, *model.model, probabilities, post.lang, familiarity);
  if (explain) {
    thread_local ScoreWorkspace workspace;
    write_explanation(w, *model.model, post.text, options.explain_spans, workspace);
  }
  if (options.annotator) options.annotator->annotate(post, w);
  w.key("model_version").value(model.version).end_object();
}

void handle_score(ServerState& state, const httplib::Request& req, const std::string& body,
                  httplib::Response& res) {
  const auto arrived = request_arrival();
  ScoreRequest posts;
  try {
    posts = parse_score_request(body, {state.options.max_posts, state.options.max_text_bytes});
  } catch (const RequestError& e) {
    send_error(res, 400, e.what(), e.post_index());
    return;
  }
  auto job = std::make_shared<ScoreJob>();
  job->texts.reserve(posts.posts.size());
  job->langs.reserve(posts.posts.size());
  for (const ScorePost& post : posts.posts) {
    job->texts.push_back(post.text);
    job->langs.push_back(post.lang);
  }
  if (!score_queued(state, job, arrived, res)) return;
  const LoadedModel& model = *job->model;
  const std::size_t width = model.model->output_count();
  const bool explain = wants_explanation(req);
  JsonWriter w;
  w.begin_object().key("posts").begin_array();
  for (std::size_t i = 0; i < posts.posts.size(); ++i)
    write_post(w, model, posts.posts[i], &job->probabilities[i * width],
               job->familiarity.empty() ? nullptr : &job->familiarity[i], explain, state.options);
  w.end_array().end_object();
  send_json(res, w);
}

// The "provenance" object of the model's metadata document, or null.
std::string provenance_json(const Model& model) {
  simdjson::dom::parser parser;
  simdjson::dom::element provenance;
  const std::string& document = model.file().metadata("sieve");
  if (parser.parse(document).at_key("provenance").get(provenance)) return "null";
  return simdjson::minify(provenance);
}

void handle_model(ServerState& state, httplib::Response& res) {
  const std::shared_ptr<const LoadedModel> loaded = state.models.current();
  const Model& model = *loaded->model;
  JsonWriter w;
  w.begin_object().key("version").value(loaded->version).key("path").value(loaded->path);
  w.key("loaded_at").value(iso_time(loaded->loaded_at));
  w.key("architecture").value(architecture_name(model.metadata().model.architecture));
  w.key("quantized").value(model.network().quantized());
  w.key("heads").begin_array();
  for (const HeadInfo& head : model.heads()) {
    w.begin_object().key("name").value(head.name).key("kind").value(head.binary ? "binary" : "multiclass");
    w.key("labels").begin_array();
    for (const std::string& label : head.labels) w.value(label);
    w.end_array();
    if (head.binary) w.key("threshold").value(head.threshold).key("organic").raw(organic_json(head));
    w.key("temperature").value(head.temperature).end_object();
  }
  w.end_array().key("ood");
  if (const OutOfDomain* ood = model.out_of_domain()) {
    w.begin_object().key("training_posts").value(ood->posts()).key("limit").value(ood->limit());
    w.key("min_subwords").value(static_cast<std::uint64_t>(ood->min_subwords())).end_object();
  } else {
    w.null();
  }
  w.key("provenance").raw(provenance_json(model)).end_object();
  send_json(res, w);
}

void handle_ready(ServerState& state, httplib::Response& res) {
  const std::shared_ptr<const LoadedModel> loaded = state.models.current();
  if (!loaded || state.draining) {
    send_error(res, 503, loaded ? "draining: the server is shutting down" : "no model loaded");
    return;
  }
  JsonWriter w;
  w.begin_object().key("ready").value(true).key("model_version").value(loaded->version).end_object();
  send_json(res, w);
}

// Compares all of both strings, so the time taken does not tell how much of a guess was right.
bool same_secret(const std::string& a, const std::string& b) {
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i)
    difference |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  return difference == 0;
}

void handle_reload(ServerState& state, const httplib::Request& req, const std::string& request_body,
                   httplib::Response& res) {
  if (state.admin_token.empty()) {
    send_error(res, 403, "admin endpoints are off: start the server with --admin-token-file");
    return;
  }
  const std::string bearer = "Bearer ";
  const std::string authorization = req.get_header_value("Authorization");
  if (authorization.compare(0, bearer.size(), bearer) != 0 ||
      !same_secret(authorization.substr(bearer.size()), state.admin_token)) {
    res.set_header("WWW-Authenticate", "Bearer");
    send_error(res, 401, "a valid 'Authorization: Bearer <token>' header is required");
    return;
  }
  std::string path;
  if (!request_body.empty()) {
    simdjson::dom::parser parser;
    simdjson::dom::element body;
    std::string_view path_view;
    if (parser.parse(request_body).get(body) || !body.is_object()) {
      send_error(res, 400, "body: must be empty or a JSON object {\"path\": \"model.sieve\"}");
      return;
    }
    simdjson::dom::element path_element;
    if (!body["path"].get(path_element)) {
      if (path_element.get_string().get(path_view)) {
        send_error(res, 400, "path: must be a string");
        return;
      }
      path = std::string(path_view);
    }
  }
  const std::string previous = state.models.current()->version;
  try {
    const std::string version = state.reload(path);
    JsonWriter w;
    w.begin_object().key("reloaded").value(true).key("model_version").value(version);
    w.key("previous_version").value(previous).key("path").value(state.models.current()->path).end_object();
    send_json(res, w);
  } catch (const std::exception& e) {
    send_error(
        res, 422,
        std::string("the new model was rejected, version ") + previous + " keeps serving: " + e.what());
  }
}

void log_request(ServerState& state, const httplib::Request& req, const httplib::Response& res) {
  // A request the library refused before routing (a malformed request line) never set its start.
  const double seconds = request.start == Clock::time_point{}
                             ? 0.0
                             : std::chrono::duration<double>(Clock::now() - request.start).count();
  const std::size_t body_bytes = request.body_bytes;
  request = RequestTrace{};
  const std::string_view route = route_of(req.path);
  state.metrics.count_request(route, res.status);
  if (route == "/v1/score") state.metrics.observe_score_latency(seconds);
  if (!state.access_log.enabled()) return;
  JsonWriter w;
  w.begin_object().key("time").value(utc_timestamp()).key("remote").value(req.remote_addr);
  w.key("method").value(req.method).key("path").value(req.path).key("status").value(res.status);
  w.key("duration_ms")
      .value(seconds * 1000)
      .key("request_bytes")
      .value(static_cast<std::uint64_t>(body_bytes));
  w.key("response_bytes").value(static_cast<std::uint64_t>(res.body.size())).end_object();
  state.access_log.write(w.str());
}

// What the library answers itself: a request line or headers it cannot read, or that stalled (408), a
// target too long. The connection closes after it: where the next request would start is unknown.
void answer_library_error(const ServerState& state, const httplib::Request& req, httplib::Response& res) {
  close_after_answer(req);
  const HttpConnection* connection = HttpConnection::current();
  std::string message = "request failed";
  if (connection && connection->timed_out()) {
    res.status = 408;
    message = stalled_message(connection->read_timeout());
  } else if (res.status == 400) {
    message = "malformed HTTP request";
  } else if (res.status == 414) {
    message = "the request target is too long";
  } else if (res.status == 416) {
    message = "Range '" + req.get_header_value("Range") +
              "' is malformed; answers are whole documents, send no Range";
  } else if (res.status == 404) {
    message = "no endpoint " + req.method + " " + req.path;
  } else if (res.status == 413) {
    message = too_large_message(state.options.max_body_bytes);
  }
  send_error(res, res.status, message);
}

// What runs around every endpoint: the checks before the body, the JSON bodies of the library's own
// errors and of exceptions, the metrics and the access log.
void install_checks(httplib::Server& http, ServerState& state) {
  // Runs before the body is read: what can be refused from the headers never costs a body byte.
  http.set_pre_routing_handler([&state](const httplib::Request& req, httplib::Response& res) {
    request.start = Clock::now();
    ignore_range(req);
    return refuse_before_body(state, req, res) ? httplib::Server::HandlerResponse::Handled
                                               : httplib::Server::HandlerResponse::Unhandled;
  });
  // A client that asks before sending its body gets the refusal instead of 100 Continue.
  http.set_expect_100_continue_handler([&state](const httplib::Request& req, httplib::Response& res) {
    request.start = Clock::now();
    ignore_range(req);
    return refuse_before_body(state, req, res) ? res.status : 100;
  });
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([&state](const httplib::Request& req, httplib::Response& res) {
        // An answer of ours is kept; Handled all the same, so the library gives every error body its
        // Content-Length (it would not for a refusal instead of 100 Continue).
        ignore_range(req);
        if (res.body.empty()) answer_library_error(state, req, res);
        if (is_oip_path(req.path)) reshape_as_oip_error(res);
        return httplib::Server::HandlerResponse::Handled;
      }));
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
    std::string message = "internal error";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      message += std::string(": ") + e.what();
    } catch (...) {
    }
    send_error(res, 500, message);
  });
  // After the handler and before the answer is written (the logger runs after): a client that reads
  // /metrics once it has its answer finds its request counted.
  http.set_post_routing_handler(
      [&state](const httplib::Request& req, httplib::Response& res) { log_request(state, req, res); });
}

void handle_metrics(ServerState& state, httplib::Response& res) {
  MetricsSnapshot snapshot;
  snapshot.queue_posts = state.queue.depth();
  const std::shared_ptr<const LoadedModel> loaded = state.models.current();
  snapshot.model_version = loaded->version;
  snapshot.model_path = loaded->path;
  snapshot.ready = !state.draining;
  std::string text = state.metrics.render(snapshot);
  state.drift.render(text);
  if (state.options.annotator) state.options.annotator->render_metrics(text);
  res.set_content(text, "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace

Clock::time_point request_arrival() { return request.start; }

httplib::Server::HandlerWithContentReader with_body(const ServerState& state, BodyHandler handle) {
  return [&state, handle = std::move(handle)](const httplib::Request& req, httplib::Response& res,
                                              const httplib::ContentReader& reader) {
    std::string body;
    const bool complete = read_body(req, res, reader, state.options.max_body_bytes, body);
    request.body_bytes = body.size();
    if (complete) handle(req, body, res);
  };
}

void install_routes(httplib::Server& http, ServerState& state) {
  install_checks(http, state);
  // The POST endpoints read their bodies themselves (request_body.h), whatever their framing and type.
  http.Post("/v1/score",
            with_body(state, [&state](const httplib::Request& req, const std::string& body,
                                      httplib::Response& res) { handle_score(state, req, body, res); }));
  http.Post("/admin/reload",
            with_body(state, [&state](const httplib::Request& req, const std::string& body,
                                      httplib::Response& res) { handle_reload(state, req, body, res); }));
  http.Get("/v1/model",
           [&state](const httplib::Request&, httplib::Response& res) { handle_model(state, res); });
  http.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", kJson);
  });
  http.Get("/readyz",
           [&state](const httplib::Request&, httplib::Response& res) { handle_ready(state, res); });
  http.Get("/metrics",
           [&state](const httplib::Request&, httplib::Response& res) { handle_metrics(state, res); });
  install_oip_routes(http, state);
}

}  // namespace sieve::infer
