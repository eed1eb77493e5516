#pragma once
// The server's structured logs: one JSON object per line, whole lines written under a lock, to a file or
// standard error. Used for the access log (one line per request) and for server events.

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace sieve::infer {

class JsonLineLog {
 public:
  // target: a file path (appended to), "-" for standard error, "" for no log.
  // Throws Error(kIo, target) when the file cannot be opened.
  explicit JsonLineLog(const std::string& target);
  ~JsonLineLog();
  JsonLineLog(const JsonLineLog&) = delete;
  JsonLineLog& operator=(const JsonLineLog&) = delete;

  bool enabled() const { return file_ != nullptr; }
  // line: one JSON object without the newline.
  void write(std::string_view line);

 private:
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;
};

// Now as "2024-05-01T12:00:00.123Z".
std::string utc_timestamp();

}  // namespace sieve::infer
