#include "sieve/core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace sieve {

Progress::Progress(std::string task) : task_(std::move(task)), tty_(isatty(STDERR_FILENO)) {}

void Progress::update(std::size_t done, double seconds, std::size_t total) {
  const double interval = tty_ ? 0.2 : 10.0;
  if (seconds - last_ < interval) return;
  last_ = seconds;
  print(done, seconds, total, false);
}

void Progress::finish(std::size_t done, double seconds) { print(done, seconds, 0, true); }

void Progress::print(std::size_t done, double seconds, std::size_t total, bool final) {
  const double rate = seconds > 0 ? done / seconds : 0;
  if (tty_) {
    std::fprintf(stderr, "\rsieve: %s: %zu", task_.c_str(), done);
    if (total) std::fprintf(stderr, "/%zu, ETA %.0f s", total, rate > 0 ? (total - done) / rate : 0.0);
    std::fprintf(stderr, " (%.0f/s, %.1f s)%s", rate, seconds, final ? "\n" : "   ");
  } else {
    std::fprintf(stderr,
                 "{\"task\":\"%s\",\"done\":%zu,\"total\":%zu,\"seconds\":%.3f,\"rate\":%.1f,\"final\":%s}\n",
                 task_.c_str(), done, total, seconds, rate, final ? "true" : "false");
  }
  std::fflush(stderr);
}

}  // namespace sieve
