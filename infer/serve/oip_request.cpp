#include "oip_request.h"

#include <simdjson.h>

#include "sieve/tokenizer/script_hint.h"

namespace sieve::infer {
namespace {

std::string indexed(const std::string& base, std::size_t index) {
  return base + "[" + std::to_string(index) + "]";
}

std::string_view string_field(simdjson::dom::object object, const char* key, const std::string& where) {
  simdjson::dom::element element;
  if (object[key].get(element)) throw RequestError(where + "." + key, "missing");
  std::string_view value;
  if (element.get_string().get(value)) throw RequestError(where + "." + key, "must be a string");
  return value;
}

// The rows of a tensor's "shape": [n] or [n, 1], n from 1 to the limit of posts. Sets rank.
std::size_t shape_rows(simdjson::dom::object tensor, const std::string& where, const RequestLimits& limits,
                       std::size_t& rank) {
  const std::string key = where + ".shape";
  simdjson::dom::element element;
  simdjson::dom::array shape;
  if (tensor["shape"].get(element)) throw RequestError(key, "missing");
  if (element.get_array().get(shape)) throw RequestError(key, "must be an array of integers");
  rank = shape.size();
  std::int64_t dims[2] = {0, 1};
  std::size_t d = 0;
  for (const simdjson::dom::element dim : shape) {
    if (d >= 2) break;
    if (dim.get_int64().get(dims[d]) || dims[d] < 0)
      throw RequestError(key, "must hold non-negative integers, not " + simdjson::minify(dim));
    ++d;
  }
  const std::string form = "must be [n] or [n, 1] (one string per post), not ";
  if (rank < 1 || rank > 2) throw RequestError(key, form + "of rank " + std::to_string(rank));
  if (dims[1] != 1) throw RequestError(key, form + "[n, " + std::to_string(dims[1]) + "]");
  if (dims[0] == 0) throw RequestError(key, "must hold at least one post");
  if (static_cast<std::uint64_t>(dims[0]) > limits.max_posts) {
    throw RequestError(key, std::to_string(dims[0]) + " posts, more than the limit of " +
                                std::to_string(limits.max_posts) + " per request");
  }
  return static_cast<std::size_t>(dims[0]);
}

// One value of a BYTES tensor's data: a string or, for shape [n, 1], an array of one string.
std::string_view row_string(simdjson::dom::element value, std::size_t rank, const std::string& where) {
  simdjson::dom::array nested;
  simdjson::dom::element inner;
  if (rank == 2 && !value.get_array().get(nested) && nested.size() == 1 && !nested.at(0).get(inner))
    value = inner;
  std::string_view text;
  if (value.get_string().get(text))
    throw RequestError(where, rank == 2 ? "must be a string or an array of one string" : "must be a string");
  return text;
}

// The strings of a BYTES tensor of one string per post, checked against its shape and the limits.
std::vector<std::string_view> tensor_strings(simdjson::dom::object tensor, const std::string& where,
                                             const RequestLimits& limits, std::size_t max_bytes) {
  const std::string_view datatype = string_field(tensor, "datatype", where);
  if (datatype != "BYTES")
    throw RequestError(where + ".datatype", "must be \"BYTES\", not \"" + std::string(datatype) + "\"");
  std::size_t rank = 0;
  const std::size_t rows = shape_rows(tensor, where, limits, rank);
  simdjson::dom::element element;
  simdjson::dom::array data;
  if (tensor["data"].get(element)) throw RequestError(where + ".data", "missing");
  if (element.get_array().get(data)) throw RequestError(where + ".data", "must be an array of strings");
  if (data.size() != rows) {
    throw RequestError(where + ".data", "holds " + std::to_string(data.size()) +
                                            " values, but the shape says " + std::to_string(rows));
  }
  std::vector<std::string_view> strings;
  strings.reserve(rows);
  for (const simdjson::dom::element value : data) {
    const std::string key = indexed(where + ".data", strings.size());
    const std::string_view text = row_string(value, rank, key);
    if (text.size() > max_bytes) {
      throw RequestError(key, "is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                                  std::to_string(max_bytes));
    }
    strings.push_back(text);
  }
  return strings;
}

std::vector<std::string> requested_outputs(simdjson::dom::object root) {
  std::vector<std::string> names;
  simdjson::dom::element element;
  if (root["outputs"].get(element) || element.is_null()) return names;
  simdjson::dom::array outputs;
  if (element.get_array().get(outputs))
    throw RequestError("outputs", "must be an array of objects with a \"name\"");
  for (const simdjson::dom::element output : outputs) {
    const std::string where = indexed("outputs", names.size());
    simdjson::dom::object object;
    if (output.get_object().get(object)) throw RequestError(where, "must be an object with a \"name\"");
    names.emplace_back(string_field(object, "name", where));
  }
  return names;
}

}  // namespace

OipRequest parse_oip_request(std::string_view body, const RequestLimits& limits) {
  // One parser per thread: it keeps its buffers between requests.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root_element;
  if (const auto error = parser.parse(body.data(), body.size()).get(root_element))
    throw RequestError("body", std::string("not valid JSON: ") + simdjson::error_message(error));
  simdjson::dom::object root;
  if (root_element.get_object().get(root))
    throw RequestError("body", "must be a JSON object with \"inputs\"");
  OipRequest request;
  simdjson::dom::element id;
  if (!root["id"].get(id)) {
    std::string_view id_view;
    if (id.get_string().get(id_view)) throw RequestError("id", "must be a string");
    request.has_id = true;
    request.id = std::string(id_view);
  }
  simdjson::dom::element element;
  simdjson::dom::array inputs;
  if (root["inputs"].get(element)) throw RequestError("inputs", "missing");
  if (element.get_array().get(inputs)) throw RequestError("inputs", "must be an array of input tensors");
  std::vector<std::string_view> texts, langs;
  std::string text_where;
  std::size_t index = 0;
  for (const simdjson::dom::element input : inputs) {
    const std::string where = indexed("inputs", index++);
    simdjson::dom::object tensor;
    if (input.get_object().get(tensor)) throw RequestError(where, "must be an object (an input tensor)");
    const std::string_view name = string_field(tensor, "name", where);
    if (name != "text" && name != "lang") {
      throw RequestError(where + ".name",
                         "unknown input \"" + std::string(name) + "\"; the inputs are \"text\" and \"lang\"");
    }
    std::vector<std::string_view>& strings = name == "text" ? texts : langs;
    if (!strings.empty())
      throw RequestError(where + ".name", "input \"" + std::string(name) + "\" given twice");
    strings = tensor_strings(tensor, where, limits, limits.max_text_bytes);
    if (name == "text") text_where = where;
  }
  if (texts.empty()) throw RequestError("inputs", "no \"text\" input: one BYTES tensor of the posts' texts");
  if (!langs.empty() && langs.size() != texts.size()) {
    throw RequestError("inputs", "\"lang\" has " + std::to_string(langs.size()) + " rows and \"text\" (" +
                                     text_where + ") " + std::to_string(texts.size()));
  }
  request.texts.assign(texts.begin(), texts.end());
  request.langs.resize(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (!langs.empty()) request.langs[i] = std::string(langs[i]);
    if (request.langs[i].empty()) request.langs[i] = std::string(tokenizer::guess_language(texts[i]));
  }
  request.outputs = requested_outputs(root);
  return request;
}

}  // namespace sieve::infer
