#pragma once
// Progress of long work on stderr: a live line with the rate on a terminal, JSON lines otherwise (so
// that logs of batch jobs stay machine-readable).

#include <cstddef>
#include <string>

namespace sieve {

class Progress {
 public:
  explicit Progress(std::string task);
  // Reports when a terminal line is due (every 0.2 s) or a log line is (every 10 s).
  void update(std::size_t done, double seconds, std::size_t total = 0);
  // The final line (always printed).
  void finish(std::size_t done, double seconds);

 private:
  void print(std::size_t done, double seconds, std::size_t total, bool final);

  std::string task_;
  bool tty_;
  double last_ = -1;
};

}  // namespace sieve
