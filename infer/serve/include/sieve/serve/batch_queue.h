#pragma once
// Dynamic micro-batching: requests wait in one bounded queue, and each scoring worker takes a batch of
// consecutive requests once it holds max_batch posts or its oldest request has waited max_delay.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sieve/runtime/out_of_domain.h"

namespace sieve::infer {

struct LoadedModel;

// One request's posts on their way through the queue, and what the worker leaves for the request's
// handler. The queue and the handler share it: a handler that gives up (deadline) leaves it behind safely.
struct ScoreJob {
  using Clock = std::chrono::steady_clock;
  enum class Status { kPending, kScored, kExpired, kFailed };

  std::vector<std::string> texts;
  std::vector<std::string> langs;  // per text: the post's language, as given or guessed (for the metrics)
  Clock::time_point enqueued = Clock::now();
  Clock::time_point deadline = Clock::time_point::max();

  // Filled by the worker before done is set.
  Status status = Status::kPending;
  std::shared_ptr<const LoadedModel> model;  // the model that scored it (a reload may swap in another)
  std::vector<float> probabilities;          // texts.size() rows of the model's output_count()
  std::vector<PostFamiliarity> familiarity;  // per text, when the model has out-of-domain statistics
  std::string failure;                       // kFailed: why
  std::promise<void> done;

  std::size_t posts() const { return texts.size(); }
  // Sets the status and wakes the handler; call once.
  void finish(Status final_status) {
    status = final_status;
    done.set_value();
  }
};

struct BatchQueueOptions {
  std::size_t max_batch = 64;                // posts per batch (a bigger request is a batch alone)
  std::chrono::microseconds max_delay{500};  // longest wait of a batch's first request for others
  std::size_t capacity = 4096;               // posts waiting; a push beyond it is refused
};

class BatchQueue {
 public:
  enum class PushResult { kQueued, kFull, kClosed };

  explicit BatchQueue(BatchQueueOptions options) : options_(options) {}

  // Never blocks: a job that would take the queue past its capacity is refused (the caller answers 429).
  PushResult push(std::shared_ptr<ScoreJob> job);

  // Blocks until a batch is due: jobs in arrival order up to max_batch posts (at least one job). After
  // close(), batches are due at once, and an empty batch means the queue is closed and drained.
  std::vector<std::shared_ptr<ScoreJob>> next_batch();

  // Refuses further pushes; queued jobs are still handed out, without waiting for the delay.
  void close();

  std::size_t depth() const;  // posts waiting
  const BatchQueueOptions& options() const { return options_; }

 private:
  const BatchQueueOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::shared_ptr<ScoreJob>> jobs_;
  std::size_t posts_ = 0;
  bool closed_ = false;
};

}  // namespace sieve::infer
