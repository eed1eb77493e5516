#include "oip_routes.h"

#include <simdjson.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http_answers.h"
#include "oip_request.h"
#include "queued_scoring.h"
#include "sieve/core/json_writer.h"

namespace sieve::infer {
namespace {

constexpr const char* kJson = "application/json";
constexpr const char* kModelsPrefix = "/v2/models/";

constexpr Endpoint kServer{"/v2", false};
constexpr Endpoint kLive{"/v2/health/live", false};
constexpr Endpoint kReady{"/v2/health/ready", false};
// Per model: metadata, ready, infer; the same three under /versions/{version}.
constexpr Endpoint kModel[] = {{"/v2/models/{name}", false},
                               {"/v2/models/{name}/ready", false},
                               {"/v2/models/{name}/infer", true},
                               {"/v2/models/{name}/versions/{version}", false},
                               {"/v2/models/{name}/versions/{version}/ready", false},
                               {"/v2/models/{name}/versions/{version}/infer", true}};

// The regular expressions of the model routes: group 1 the name, group 2 the version when given.
constexpr const char* kModelPattern = R"(/v2/models/([^/]+)(?:/versions/([^/]+))?)";

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> parts;
  for (std::size_t at = 0;;) {
    const std::size_t slash = path.find('/', at);
    parts.push_back(path.substr(at, slash == std::string_view::npos ? std::string_view::npos : slash - at));
    if (slash == std::string_view::npos) return parts;
    at = slash + 1;
  }
}

// One output tensor of the served model: a head's probabilities, its decisions, or the posts' ood.
struct OutputTensor {
  enum class Kind { kScores, kDecisions, kOod };
  std::string name;
  Kind kind;
  std::size_t head = 0;
};

std::vector<OutputTensor> output_tensors(const Model& model) {
  std::vector<OutputTensor> tensors;
  for (std::size_t h = 0; h < model.heads().size(); ++h)
    tensors.push_back({model.heads()[h].name, OutputTensor::Kind::kScores, h});
  for (std::size_t h = 0; h < model.heads().size(); ++h)
    tensors.push_back({model.heads()[h].name + "_decision", OutputTensor::Kind::kDecisions, h});
  if (model.out_of_domain()) tensors.push_back({"ood", OutputTensor::Kind::kOod, 0});
  return tensors;
}

const char* datatype_of(const Model& model, const OutputTensor& tensor) {
  if (tensor.kind != OutputTensor::Kind::kDecisions) return "FP32";
  return model.heads()[tensor.head].binary ? "BOOL" : "BYTES";
}

// The shape of tensor for rows posts (-1: any number of posts, as the metadata says).
void write_shape(JsonWriter& w, const Model& model, const OutputTensor& tensor, std::int64_t rows) {
  w.key("shape").begin_array().value(rows);
  const HeadInfo& head = model.heads()[tensor.head];
  if (tensor.kind == OutputTensor::Kind::kScores && !head.binary)
    w.value(static_cast<std::int64_t>(head.labels.size()));
  w.end_array();
}

// The tensors asked for by name (all when names is empty), in the order asked. Throws RequestError
// naming outputs[i].name for an unknown name.
std::vector<OutputTensor> select_outputs(std::vector<OutputTensor> tensors,
                                         const std::vector<std::string>& names) {
  if (names.empty()) return tensors;
  std::vector<OutputTensor> selected;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto it = std::find_if(tensors.begin(), tensors.end(),
                                 [&](const OutputTensor& t) { return t.name == names[i]; });
    if (it == tensors.end()) {
      std::string known;
      for (const OutputTensor& t : tensors) known += (known.empty() ? "\"" : ", \"") + t.name + "\"";
      throw RequestError("outputs[" + std::to_string(i) + "].name",
                         "unknown output \"" + names[i] + "\"; the outputs are " + known);
    }
    selected.push_back(*it);
  }
  return selected;
}

// The model a request's path names, when it is the one served (and, with /versions/{v}, of that
// version); else answers 404 and returns null.
std::shared_ptr<const LoadedModel> named_model(const ServerState& state, const httplib::Request& req,
                                               httplib::Response& res) {
  const std::string name = req.matches.size() > 1 ? req.matches[1].str() : std::string();
  if (name != state.options.model_name) {
    send_error(
        res, 404,
        "model \"" + name + "\" is not served here; the model is \"" + state.options.model_name + "\"");
    return nullptr;
  }
  std::shared_ptr<const LoadedModel> loaded = state.models.current();
  const std::string version = req.matches.size() > 2 ? req.matches[2].str() : std::string();
  if (!version.empty() && version != loaded->version) {
    send_error(res, 404,
               "model \"" + name + "\" has no version \"" + version + "\"; it serves " + loaded->version);
    return nullptr;
  }
  return loaded;
}

bool accepts_work(const ServerState& state, httplib::Response& res) {
  if (state.draining) {
    send_error(res, 503, "draining: the server is shutting down");
    return false;
  }
  if (!state.models.current()) {
    send_error(res, 503, "no model loaded");
    return false;
  }
  return true;
}

void handle_model_metadata(const ServerState& state, const httplib::Request& req, httplib::Response& res) {
  const std::shared_ptr<const LoadedModel> loaded = named_model(state, req, res);
  if (!loaded) return;
  const Model& model = *loaded->model;
  JsonWriter w;
  w.begin_object().key("name").value(state.options.model_name);
  w.key("versions").begin_array().value(loaded->version).end_array().key("platform").value("sieve");
  w.key("inputs").begin_array();
  for (const char* input : {"text", "lang"}) {
    w.begin_object().key("name").value(input).key("datatype").value("BYTES");
    w.key("shape").begin_array().value(-1).end_array().end_object();
  }
  w.end_array().key("outputs").begin_array();
  for (const OutputTensor& tensor : output_tensors(model)) {
    w.begin_object().key("name").value(tensor.name).key("datatype").value(datatype_of(model, tensor));
    write_shape(w, model, tensor, -1);
    w.end_object();
  }
  w.end_array().end_object();
  send_json(res, w);
}

void write_data(JsonWriter& w, const Model& model, const OutputTensor& tensor, const ScoreJob& job) {
  const std::size_t width = model.output_count();
  const HeadInfo& head = model.heads()[tensor.head];
  const std::size_t offset = model.output_offset(tensor.head);
  w.key("data").begin_array();
  for (std::size_t i = 0; i < job.posts(); ++i) {
    const float* p = &job.probabilities[i * width + offset];
    if (tensor.kind == OutputTensor::Kind::kOod) {
      w.value(job.familiarity.empty() ? 0.0
                                      : model.out_of_domain()->ood(job.familiarity[i].rarity, job.langs[i]));
    } else if (tensor.kind == OutputTensor::Kind::kScores) {
      for (int c = 0; c < head.outputs(); ++c) w.value(static_cast<double>(p[c]));
    } else if (head.binary) {
      w.value(p[0] >= head.threshold_for(job.langs[i]));
    } else {
      w.value(head.labels[static_cast<std::size_t>(std::max_element(p, p + head.labels.size()) - p)]);
    }
  }
  w.end_array();
}

void write_infer_answer(JsonWriter& w, const ServerState& state, const OipRequest& request,
                        const ScoreJob& job) {
  const Model& model = *job.model->model;
  w.begin_object().key("model_name").value(state.options.model_name);
  w.key("model_version").value(job.model->version);
  if (request.has_id) w.key("id").value(request.id);
  w.key("outputs").begin_array();
  for (const OutputTensor& tensor : select_outputs(output_tensors(model), request.outputs)) {
    w.begin_object().key("name").value(tensor.name).key("datatype").value(datatype_of(model, tensor));
    write_shape(w, model, tensor, static_cast<std::int64_t>(job.posts()));
    write_data(w, model, tensor, job);
    w.end_object();
  }
  w.end_array().end_object();
}

void handle_infer(ServerState& state, const httplib::Request& req, const std::string& body,
                  httplib::Response& res) {
  const auto arrived = request_arrival();
  const std::shared_ptr<const LoadedModel> named = named_model(state, req, res);
  if (!named) return;
  OipRequest request;
  auto job = std::make_shared<ScoreJob>();
  try {
    request = parse_oip_request(body, {state.options.max_posts, state.options.max_text_bytes});
    select_outputs(output_tensors(*named->model), request.outputs);
  } catch (const RequestError& e) {
    send_error(res, 400, e.what());
    return;
  }
  job->texts = std::move(request.texts);
  job->langs = std::move(request.langs);
  if (!score_queued(state, job, arrived, res)) return;
  JsonWriter w;
  try {
    write_infer_answer(w, state, request, *job);
  } catch (const RequestError& e) {  // a reload between the check and the scoring removed an output
    send_error(res, 409, std::string(e.what()) + " (the model was reloaded)");
    return;
  }
  send_json(res, w);
}

}  // namespace

const Endpoint* find_oip_endpoint(const std::string& path) {
  if (path == kServer.path) return &kServer;
  if (path == kLive.path) return &kLive;
  if (path == kReady.path) return &kReady;
  if (path.compare(0, std::char_traits<char>::length(kModelsPrefix), kModelsPrefix) != 0) return nullptr;
  const std::vector<std::string_view> parts =
      split(std::string_view(path).substr(std::char_traits<char>::length(kModelsPrefix)));
  if (std::any_of(parts.begin(), parts.end(), [](std::string_view part) { return part.empty(); }))
    return nullptr;
  std::size_t at = 1, base = 0;
  if (parts.size() >= 3 && parts[1] == "versions") {
    at = 3;
    base = 3;
  }
  if (parts.size() == at) return &kModel[base];
  if (parts.size() != at + 1) return nullptr;
  if (parts[at] == "ready") return &kModel[base + 1];
  if (parts[at] == "infer") return &kModel[base + 2];
  return nullptr;
}

bool is_oip_path(const std::string& path) { return find_oip_endpoint(path) != nullptr; }

void reshape_as_oip_error(httplib::Response& res) {
  simdjson::dom::parser parser;
  simdjson::dom::element error;
  std::string_view message;
  // A body that is not JSON, or has no "error", gets the status alone: error stays unset then.
  const bool has_error = !parser.parse(res.body).at_key("error").get(error);
  if (has_error && error.is_string()) return;  // already so
  std::string text = "request failed with status " + std::to_string(res.status);
  if (has_error && !error.at_key("message").get_string().get(message)) text = std::string(message);
  JsonWriter w;
  w.begin_object().key("error").value(text).end_object();
  res.set_content(w.take(), kJson);
}

void install_oip_routes(httplib::Server& http, ServerState& state) {
  http.Get("/v2", [&state](const httplib::Request&, httplib::Response& res) {
    JsonWriter w;
    w.begin_object().key("name").value(state.options.model_name).key("version").value(SIEVE_SERVER_VERSION);
    w.key("extensions").begin_array().end_array().end_object();
    send_json(res, w);
  });
  http.Get("/v2/health/live", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"live":true})", kJson);
  });
  http.Get("/v2/health/ready", [&state](const httplib::Request&, httplib::Response& res) {
    if (accepts_work(state, res)) res.set_content(R"({"ready":true})", kJson);
  });
  http.Get(kModelPattern, [&state](const httplib::Request& req, httplib::Response& res) {
    handle_model_metadata(state, req, res);
  });
  http.Get(
      std::string(kModelPattern) + "/ready", [&state](const httplib::Request& req, httplib::Response& res) {
        if (!named_model(state, req, res) || !accepts_work(state, res)) return;
        JsonWriter w;
        w.begin_object().key("name").value(state.options.model_name).key("ready").value(true).end_object();
        send_json(res, w);
      });
  http.Post(std::string(kModelPattern) + "/infer",
            with_body(state, [&state](const httplib::Request& req, const std::string& body,
                                      httplib::Response& res) { handle_infer(state, req, body, res); }));
}

}  // namespace sieve::infer
