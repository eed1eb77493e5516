#include "sieve/serve/batch_queue.h"

namespace sieve::infer {

BatchQueue::PushResult BatchQueue::push(std::shared_ptr<ScoreJob> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return PushResult::kClosed;
    if (posts_ + job->posts() > options_.capacity) return PushResult::kFull;
    posts_ += job->posts();
    jobs_.push_back(std::move(job));
  }
  changed_.notify_all();
  return PushResult::kQueued;
}

std::vector<std::shared_ptr<ScoreJob>> BatchQueue::next_batch() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (jobs_.empty()) {
      if (closed_) return {};
      changed_.wait(lock);
      continue;
    }
    // Another worker may take the front while this one sleeps: the deadline is the current front's.
    const auto flush_at = jobs_.front()->enqueued + options_.max_delay;
    if (closed_ || posts_ >= options_.max_batch || ScoreJob::Clock::now() >= flush_at) break;
    changed_.wait_until(lock, flush_at);
  }
  std::vector<std::shared_ptr<ScoreJob>> batch;
  std::size_t posts = 0;
  while (!jobs_.empty() && (batch.empty() || posts + jobs_.front()->posts() <= options_.max_batch)) {
    posts += jobs_.front()->posts();
    batch.push_back(std::move(jobs_.front()));
    jobs_.pop_front();
  }
  posts_ -= posts;
  const bool more = !jobs_.empty();
  lock.unlock();
  if (more) changed_.notify_all();  // the rest may already make another batch for another worker
  return batch;
}

void BatchQueue::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

std::size_t BatchQueue::depth() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return posts_;
}

}  // namespace sieve::infer
