#include "access_log.h"

#include <chrono>
#include <cstring>
#include <ctime>

#include "sieve/core/error.h"

namespace sieve::infer {

JsonLineLog::JsonLineLog(const std::string& target) {
  if (target.empty()) return;
  if (target == "-") {
    file_ = stderr;
    return;
  }
  file_ = std::fopen(target.c_str(), "a");
  if (!file_)
    throw Error(ErrorKind::kIo, target, std::string("cannot open the log: ") + std::strerror(errno));
  owned_ = true;
}

JsonLineLog::~JsonLineLog() {
  if (owned_) std::fclose(file_);
}

void JsonLineLog::write(std::string_view line) {
  if (!file_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fputc('\n', file_);
  std::fflush(file_);
}

std::string utc_timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[40];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(millis));
  return text;
}

}  // namespace sieve::infer
