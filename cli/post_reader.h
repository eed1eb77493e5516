#pragma once
// Reads posts for the text commands: one per line, as plain text or as JSON lines with a text field.
// A bad line is reported as "sieve: <file>:<line>: <reason>", counted and skipped; the rest still flow.

#include <simdjson.h>

#include <cstddef>
#include <cstdio>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

namespace sieve::cli {

struct PostReaderOptions {
  std::string path = "-";      // "-" reads standard input
  bool jsonl = false;          // JSON lines instead of plain text lines
  std::string field = "text";  // the JSON field holding the post
};

struct Post {
  std::size_t line = 0;
  std::string_view text;     // valid until the next call to next()
  std::string_view id_json;  // the JSON "id" field as JSON (a quoted string or a number), when present
};

class PostReader {
 public:
  // Throws Error(kIo) when the file cannot be opened.
  explicit PostReader(PostReaderOptions options);

  // The next good post, or false at the end of the input.
  bool next(Post& post);

  const std::string& name() const { return name_; }
  std::size_t lines() const { return line_; }
  std::size_t rejected() const { return rejected_; }

 private:
  bool parse_json(Post& post);
  void reject(const std::string& reason);

  PostReaderOptions options_;
  std::string name_;
  std::unique_ptr<std::istream> file_;
  std::istream* in_ = nullptr;
  std::string line_text_;
  std::size_t line_ = 0;
  std::size_t rejected_ = 0;
  simdjson::dom::parser parser_;
  std::string id_;
};

// Prints "sieve: <name>: <n> of <m> lines rejected" when any were; returns the process exit code
// contribution (2 when lines were rejected, else 0).
int finish_input(const PostReader& reader);

}  // namespace sieve::cli
