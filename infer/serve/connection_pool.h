#pragma once
// The threads that serve connections: httplib hands each accepted connection to a TaskQueue, and a
// connection holds its thread from its first byte to its close, however slowly the client sends. A fixed
// pool lets a few slow clients queue every other connection (health checks included) behind them; this one
// keeps `core` threads and adds one for each connection that finds none idle, up to `max`, so a new
// connection waits only when `max` are being served. Threads beyond `core` end after a while idle.
// Private to sieve_server.

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace sieve::infer {

class ConnectionPool final : public httplib::TaskQueue {
 public:
  ConnectionPool(std::size_t core, std::size_t max, std::chrono::milliseconds idle_exit);
  ~ConnectionPool() override;  // shutdown()
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  void enqueue(std::function<void()> job) override;
  // Runs the jobs already queued, then joins every thread. Once only; later calls do nothing.
  void shutdown() override;

  // Threads now (for tests and measurements).
  std::size_t threads() const;

 private:
  void work();
  // Joins the threads that ended because they were idle (outside the lock).
  void join_retired();

  const std::size_t core_, max_;
  const std::chrono::milliseconds idle_exit_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  std::map<std::thread::id, std::thread> threads_;
  std::vector<std::thread> retired_;
  std::size_t idle_ = 0;  // threads waiting for a job
  bool shutdown_ = false;
};

}  // namespace sieve::infer
