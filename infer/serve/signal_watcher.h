#pragma once
// SIGTERM, SIGINT and SIGHUP for the server, taken by sigwait on a thread of its own: no work ever runs
// inside a signal handler, and the callbacks run on that ordinary thread.

#include <atomic>
#include <functional>
#include <thread>

namespace sieve::infer {

class SignalWatcher {
 public:
  // Blocks the three signals in the calling thread; threads it starts afterwards inherit the mask, so
  // the signals stay pending until the watcher thread takes them. Call before any other thread starts.
  static void block_signals();

  // Starts the thread: on_stop for SIGTERM and SIGINT, on_reload for SIGHUP.
  SignalWatcher(std::function<void()> on_stop, std::function<void()> on_reload);
  ~SignalWatcher();  // stops and joins the thread
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  void watch();

  std::function<void()> on_stop_, on_reload_;
  std::atomic<bool> quit_{false};
  std::thread thread_;
};

}  // namespace sieve::infer
