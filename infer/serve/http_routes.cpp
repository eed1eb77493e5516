#include "http_routes.h"

#include <simdjson.h>

#include <chrono>
#include <ctime>

#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"
#include "sieve/runtime/score_json.h"
#include "sieve/serve/post_annotator.h"
#include "sieve/serve/score_request.h"

namespace sieve::infer {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kJson = "application/json";

// Arrival of the request being served on this thread (a connection is served by one thread).
thread_local Clock::time_point request_start;

const char* code_for(int status) {
  switch (status) {
    case 400:
      return "invalid_request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 413:
      return "payload_too_large";
    case 422:
      return "reload_failed";
    case 429:
      return "overloaded";
    case 503:
      return "unavailable";
    case 504:
      return "deadline_exceeded";
    default:
      return status >= 500 ? "internal" : "error";
  }
}

void send_error(httplib::Response& res, int status, const std::string& message, long post_index = -1) {
  JsonWriter w;
  w.begin_object().key("error").begin_object();
  w.key("status").value(status).key("code").value(code_for(status)).key("message").value(message);
  if (post_index >= 0) w.key("post_index").value(static_cast<std::int64_t>(post_index));
  w.end_object().end_object();
  res.status = status;
  res.set_content(w.take(), kJson);
}

void send_json(httplib::Response& res, JsonWriter& w) {
  res.status = 200;
  res.set_content(w.take(), kJson);
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
  for (const char* route : {"/v1/score", "/v1/model", "/healthz", "/readyz", "/metrics", "/admin/reload"}) {
    if (path == route) return route;
  }
  return "other";
}

bool wants_explanation(const httplib::Request& req) {
  if (!req.has_param("explain")) return false;
  const std::string value = req.get_param_value("explain");
  return value == "1" || value == "true";
}

void write_post(JsonWriter& w, const LoadedModel& model, const ScorePost& post, const float* probabilities,
                const PostFamiliarity* familiarity, bool explain, const ServerOptions& options) {
  w.begin_object().key("id").raw(post.id_json).key("lang").value(post.lang);
  write_scores(w, *model.model, probabilities, post.lang, familiarity, options.abstain);
  if (explain) {
    thread_local ScoreWorkspace workspace;
    write_explanation(w, *model.model, post.text, options.explain_spans, workspace);
  }
  if (options.annotator) options.annotator->annotate(post, w);
  w.key("model_version").value(model.version).end_object();
}

void handle_score(ServerState& state, const httplib::Request& req, httplib::Response& res) {
  const auto arrived = request_start;
  ScoreRequest request;
  try {
    request = parse_score_request(req.body, {state.options.max_posts, state.options.max_text_bytes});
  } catch (const RequestError& e) {
    send_error(res, 400, e.what(), e.post_index());
    return;
  }
  auto job = std::make_shared<ScoreJob>();
  job->texts.reserve(request.posts.size());
  for (const ScorePost& post : request.posts) job->texts.push_back(post.text);
  job->enqueued = Clock::now();
  job->deadline = arrived + std::chrono::milliseconds(state.options.deadline_ms);
  std::future<void> done = job->done.get_future();
  switch (state.queue.push(job)) {
    case BatchQueue::PushResult::kQueued:
      break;
    case BatchQueue::PushResult::kFull:
      res.set_header("Retry-After", "1");
      send_error(res, 429,
                 "the queue holds " + std::to_string(state.queue.depth()) + " posts and cannot take " +
                     std::to_string(job->posts()) + " more (limit " +
                     std::to_string(state.options.queue_capacity) + "); retry later");
      return;
    case BatchQueue::PushResult::kClosed:
      send_error(res, 503, "the server is shutting down");
      return;
  }
  if (done.wait_until(job->deadline) == std::future_status::timeout) {
    send_error(res, 504,
               "not scored within the deadline of " + std::to_string(state.options.deadline_ms) + " ms");
    return;
  }
  if (job->status == ScoreJob::Status::kExpired) {
    send_error(res, 504,
               "not scored within the deadline of " + std::to_string(state.options.deadline_ms) + " ms");
    return;
  }
  if (job->status != ScoreJob::Status::kScored) {
    send_error(res, 500, "scoring failed: " + job->failure);
    return;
  }
  const LoadedModel& model = *job->model;
  const std::size_t width = model.model->output_count();
  const bool explain = wants_explanation(req);
  JsonWriter w;
  w.begin_object().key("posts").begin_array();
  for (std::size_t i = 0; i < request.posts.size(); ++i)
    write_post(w, model, request.posts[i], &job->probabilities[i * width],
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
    const double limit = ood->limit(state.options.abstain);
    w.begin_object().key("training_posts").value(ood->posts()).key("limit").value(limit);
    w.key("min_subwords").value(static_cast<std::uint64_t>(ood->min_subwords()));
    w.key("abstain").value(state.options.abstain.abstain).end_object();
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

void handle_reload(ServerState& state, const httplib::Request& req, httplib::Response& res) {
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
  if (!req.body.empty()) {
    simdjson::dom::parser parser;
    simdjson::dom::element body;
    std::string_view path_view;
    if (parser.parse(req.body).get(body) || !body.is_object()) {
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
  // A request the library refused before routing (a malformed request line) never set request_start.
  const double seconds = request_start == Clock::time_point{}
                             ? 0.0
                             : std::chrono::duration<double>(Clock::now() - request_start).count();
  request_start = Clock::time_point{};
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
      .value(static_cast<std::uint64_t>(req.body.size()));
  w.key("response_bytes").value(static_cast<std::uint64_t>(res.body.size())).end_object();
  state.access_log.write(w.str());
}

}  // namespace

void install_routes(httplib::Server& http, ServerState& state) {
  http.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    request_start = Clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.Post("/v1/score",
            [&state](const httplib::Request& req, httplib::Response& res) { handle_score(state, req, res); });
  http.Get("/v1/model",
           [&state](const httplib::Request&, httplib::Response& res) { handle_model(state, res); });
  http.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", kJson);
  });
  http.Get("/readyz",
           [&state](const httplib::Request&, httplib::Response& res) { handle_ready(state, res); });
  http.Get("/metrics", [&state](const httplib::Request&, httplib::Response& res) {
    MetricsSnapshot snapshot;
    snapshot.queue_posts = state.queue.depth();
    const std::shared_ptr<const LoadedModel> loaded = state.models.current();
    snapshot.model_version = loaded->version;
    snapshot.model_path = loaded->path;
    snapshot.ready = !state.draining;
    std::string text = state.metrics.render(snapshot);
    if (state.options.annotator) state.options.annotator->render_metrics(text);
    res.set_content(text, "text/plain; version=0.0.4; charset=utf-8");
  });
  http.Post("/admin/reload", [&state](const httplib::Request& req, httplib::Response& res) {
    handle_reload(state, req, res);
  });
  // Errors the library answers itself (404, 413, a request it cannot parse) get a JSON body too.
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([&state](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string message = "request failed";
        if (res.status == 404) message = "no endpoint " + req.method + " " + req.path;
        if (res.status == 413) {
          message = "the body is larger than the limit of " + std::to_string(state.options.max_body_bytes) +
                    " bytes";
        }
        if (res.status == 400) message = "malformed HTTP request";
        send_error(res, res.status, message);
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

}  // namespace sieve::infer
