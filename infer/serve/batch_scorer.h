#pragma once
// The scoring workers of the server: each takes the next due batch from the queue, scores its posts
// with the current model in one oneTBB arena shared by all workers, and hands each request its rows.

#include <tbb/task_arena.h>

#include <thread>
#include <vector>

#include "server_state.h"

namespace sieve::infer {

class BatchScorer {
 public:
  // Starts `workers` threads over an arena of `threads` threads.
  BatchScorer(ServerState& state, int workers, int threads);
  ~BatchScorer();  // joins: close the queue first
  BatchScorer(const BatchScorer&) = delete;
  BatchScorer& operator=(const BatchScorer&) = delete;

  // Returns once the queue is closed and every batch in it is scored.
  void join();

 private:
  void work();
  void score(std::vector<std::shared_ptr<ScoreJob>>& batch);

  ServerState& state_;
  tbb::task_arena arena_;
  std::vector<std::thread> workers_;
};

}  // namespace sieve::infer
