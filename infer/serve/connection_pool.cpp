#include "connection_pool.h"

namespace sieve::infer {

ConnectionPool::ConnectionPool(std::size_t core, std::size_t max, std::chrono::milliseconds idle_exit)
    : core_(core), max_(max < core ? core : max), idle_exit_(idle_exit) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (std::size_t i = 0; i < core_; ++i) {
    std::thread thread([this] { work(); });
    threads_.emplace(thread.get_id(), std::move(thread));
  }
}

ConnectionPool::~ConnectionPool() { shutdown(); }

std::size_t ConnectionPool::threads() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return threads_.size();
}

void ConnectionPool::enqueue(std::function<void()> job) {
  join_retired();
  std::lock_guard<std::mutex> lock(mutex_);
  if (shutdown_) return;  // the library stops accepting before it shuts the queue down
  jobs_.push_back(std::move(job));
  // Each queued job needs an idle thread of its own; a woken thread counts as idle until it takes one.
  if (jobs_.size() > idle_ && threads_.size() < max_) {
    std::thread thread([this] { work(); });
    threads_.emplace(thread.get_id(), std::move(thread));
  } else {
    ready_.notify_one();
  }
}

void ConnectionPool::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (shutdown_) return;
    shutdown_ = true;
  }
  ready_.notify_all();
  std::map<std::thread::id, std::thread> threads;
  {
    // No thread starts after shutdown_, and none retires: the set is final.
    std::lock_guard<std::mutex> lock(mutex_);
    threads.swap(threads_);
  }
  for (auto& entry : threads) entry.second.join();
  join_retired();
}

void ConnectionPool::join_retired() {
  std::vector<std::thread> retired;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    retired.swap(retired_);
  }
  for (std::thread& thread : retired) thread.join();
}

void ConnectionPool::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    ++idle_;
    const bool woken = ready_.wait_for(lock, idle_exit_, [this] { return !jobs_.empty() || shutdown_; });
    --idle_;
    if (jobs_.empty()) {
      if (shutdown_) return;
      if (!woken && threads_.size() > core_) {
        // Idle for idle_exit_ beyond the core: end; the next enqueue or shutdown joins this thread.
        const auto self = threads_.find(std::this_thread::get_id());
        retired_.push_back(std::move(self->second));
        threads_.erase(self);
        return;
      }
      continue;
    }
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

}  // namespace sieve::infer
