#include "queued_scoring.h"

#include <string>

#include "http_answers.h"

namespace sieve::infer {
namespace {

std::string deadline_message(long deadline_ms) {
  return "not scored within the deadline of " + std::to_string(deadline_ms) + " ms";
}

}  // namespace

bool score_queued(ServerState& state, const std::shared_ptr<ScoreJob>& job,
                  std::chrono::steady_clock::time_point arrived, httplib::Response& res) {
  job->enqueued = ScoreJob::Clock::now();
  job->deadline = arrived + std::chrono::milliseconds(state.options.deadline_ms);
  std::future<void> done = job->done.get_future();
  switch (state.queue.push(job)) {
    case BatchQueue::PushResult::kQueued:
      break;
    case BatchQueue::PushResult::kFull:
      res.set_header("Retry-After", "1");
      send_error(res, 429,
                 "the queue holds " + std::to_string(state.queue.depth()) + " posts and cannot take " +
                     std::to_string(job->posts()) + " more (limit " +
                     std::to_string(state.options.queue_capacity) + "); retry later");
      return false;
    case BatchQueue::PushResult::kClosed:
      send_error(res, 503, "the server is shutting down");
      return false;
  }
  if (done.wait_until(job->deadline) == std::future_status::timeout ||
      job->status == ScoreJob::Status::kExpired) {
    send_error(res, 504, deadline_message(state.options.deadline_ms));
    return false;
  }
  if (job->status != ScoreJob::Status::kScored) {
    send_error(res, 500, "scoring failed: " + job->failure);
    return false;
  }
  return true;
}

}  // namespace sieve::infer
