#include "post_reader.h"

#include <fstream>
#include <iostream>

#include "sieve/core/error.h"

namespace sieve::cli {
namespace {

// Longer lines are rejected rather than read into memory whole: a post is never this long.
constexpr std::size_t kMaxLineBytes = 16u << 20;

}  // namespace

PostReader::PostReader(PostReaderOptions options) : options_(std::move(options)) {
  if (options_.path == "-") {
    name_ = "<stdin>";
    in_ = &std::cin;
    return;
  }
  name_ = options_.path;
  file_ = std::make_unique<std::ifstream>(options_.path, std::ios::binary);
  if (!*file_) throw Error(ErrorKind::kIo, options_.path, "cannot open");
  in_ = file_.get();
}

void PostReader::reject(const std::string& reason) {
  ++rejected_;
  std::cerr << "sieve: " << name_ << ":" << line_ << ": " << reason << "\n";
}

bool PostReader::next(Post& post) {
  while (std::getline(*in_, line_text_)) {
    ++line_;
    if (!line_text_.empty() && line_text_.back() == '\r') line_text_.pop_back();
    if (line_text_.size() > kMaxLineBytes) {
      reject("line of " + std::to_string(line_text_.size()) + " bytes is longer than the limit of " +
             std::to_string(kMaxLineBytes));
      continue;
    }
    post.line = line_;
    post.id_json = {};
    if (!options_.jsonl) {
      post.text = line_text_;
      return true;
    }
    if (line_text_.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines between records
    if (parse_json(post)) return true;
  }
  if (in_->bad()) throw Error(ErrorKind::kIo, name_, "read error after line " + std::to_string(line_));
  return false;
}

bool PostReader::parse_json(Post& post) {
  simdjson::dom::element doc;
  if (const auto error = parser_.parse(line_text_).get(doc)) {
    reject(std::string("malformed JSON: ") + simdjson::error_message(error));
    return false;
  }
  simdjson::dom::element text;
  if (doc.at_key(options_.field).get(text)) {
    reject("no \"" + options_.field + "\" field");
    return false;
  }
  if (!text.is_string()) {
    reject("\"" + options_.field + "\" is not a string");
    return false;
  }
  post.text = std::string_view(text);
  simdjson::dom::element id;
  if (!doc.at_key("id").get(id)) {
    id_ = simdjson::minify(id);
    post.id_json = id_;
  }
  return true;
}

int finish_input(const PostReader& reader) {
  if (reader.rejected() == 0) return 0;
  std::cerr << "sieve: " << reader.name() << ": " << reader.rejected() << " of " << reader.lines()
            << " lines rejected\n";
  return 2;
}

}  // namespace sieve::cli
