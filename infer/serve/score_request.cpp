#include "sieve/serve/score_request.h"

#include <simdjson.h>

#include "sieve/tokenizer/script_hint.h"

namespace sieve::infer {
namespace {

std::string post_key(std::size_t index, const char* key) {
  return "posts[" + std::to_string(index) + "]" + (*key ? std::string(".") + key : std::string());
}

ScorePost parse_post(simdjson::dom::element element, std::size_t index, const RequestLimits& limits) {
  const long at = static_cast<long>(index);
  simdjson::dom::object object;
  if (element.get_object().get(object))
    throw RequestError(post_key(index, ""), "must be an object with a \"text\"", at);
  ScorePost post;
  simdjson::dom::element text;
  if (object["text"].get(text)) throw RequestError(post_key(index, "text"), "missing", at);
  std::string_view text_view;
  if (text.get_string().get(text_view)) throw RequestError(post_key(index, "text"), "must be a string", at);
  if (text_view.size() > limits.max_text_bytes) {
    throw RequestError(post_key(index, "text"),
                       "is " + std::to_string(text_view.size()) + " bytes, more than the limit of " +
                           std::to_string(limits.max_text_bytes),
                       at);
  }
  post.text = std::string(text_view);
  simdjson::dom::element id;
  if (!object["id"].get(id)) {
    if (!id.is_string() && !id.is_int64() && !id.is_uint64())
      throw RequestError(post_key(index, "id"), "must be a string or an integer", at);
    post.id_json = simdjson::minify(id);
  }
  simdjson::dom::element lang;
  if (!object["lang"].get(lang) && !lang.is_null()) {
    std::string_view lang_view;
    if (lang.get_string().get(lang_view)) throw RequestError(post_key(index, "lang"), "must be a string", at);
    post.lang = std::string(lang_view);
  }
  if (post.lang.empty()) post.lang = std::string(tokenizer::guess_language(post.text));
  simdjson::dom::element group;
  if (!object["group"].get(group) && !group.is_null()) {
    std::string_view group_view;
    if (group.get_string().get(group_view))
      throw RequestError(post_key(index, "group"), "must be a string", at);
    post.group = std::string(group_view);
  }
  simdjson::dom::element time;
  if (!object["time"].get(time) && !time.is_null()) {
    if (time.get_int64().get(post.time))
      throw RequestError(post_key(index, "time"), "must be an integer (seconds since 1970)", at);
  }
  return post;
}

}  // namespace

ScoreRequest parse_score_request(std::string_view body, const RequestLimits& limits) {
  // One parser per thread: it keeps its buffers between requests.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (const auto error = parser.parse(body.data(), body.size()).get(root)) {
    throw RequestError("body", std::string("not valid JSON: ") + simdjson::error_message(error));
  }
  simdjson::dom::object object;
  if (root.get_object().get(object)) throw RequestError("body", "must be a JSON object with \"posts\"");
  simdjson::dom::element posts;
  if (object["posts"].get(posts)) throw RequestError("posts", "missing");
  simdjson::dom::array array;
  if (posts.get_array().get(array)) throw RequestError("posts", "must be an array of posts");
  const std::size_t count = array.size();
  if (count == 0) throw RequestError("posts", "must hold at least one post");
  if (count > limits.max_posts) {
    throw RequestError("posts", std::to_string(count) + " posts, more than the limit of " +
                                    std::to_string(limits.max_posts) + " per request");
  }
  ScoreRequest request;
  request.posts.reserve(count);
  std::size_t index = 0;
  for (const simdjson::dom::element element : array) {
    request.posts.push_back(parse_post(element, index, limits));
    ++index;
  }
  return request;
}

}  // namespace sieve::infer
