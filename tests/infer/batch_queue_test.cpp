// The batching queue: batches by size, by delay, in arrival order, bounded, and drained on close.

#include "sieve/serve/batch_queue.h"

#include <gtest/gtest.h>

#include <thread>

namespace sieve::infer {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<ScoreJob> job_of(std::size_t posts, const std::string& tag = "post") {
  auto job = std::make_shared<ScoreJob>();
  for (std::size_t i = 0; i < posts; ++i) job->texts.push_back(tag + std::to_string(i));
  return job;
}

std::vector<std::size_t> sizes(const std::vector<std::shared_ptr<ScoreJob>>& batch) {
  std::vector<std::size_t> out;
  for (const auto& job : batch) out.push_back(job->posts());
  return out;
}

TEST(BatchQueue, ABatchIsDueOnceItHoldsMaxBatchPostsWithoutWaitingForTheDelay) {
  // With an hour of delay, only the size rule can make these batches due.
  BatchQueue queue({8, std::chrono::hours(1), 100});
  for (std::size_t posts : {3, 5, 4, 4, 2})
    ASSERT_EQ(queue.push(job_of(posts)), BatchQueue::PushResult::kQueued);
  EXPECT_EQ(sizes(queue.next_batch()), (std::vector<std::size_t>{3, 5}));
  EXPECT_EQ(sizes(queue.next_batch()), (std::vector<std::size_t>{4, 4}));
  EXPECT_EQ(queue.depth(), 2u);
}

TEST(BatchQueue, ASmallBatchIsDueAfterTheDelayOfItsFirstRequest) {
  BatchQueue queue({64, 2ms, 100});
  queue.push(job_of(1, "a"));
  queue.push(job_of(2, "b"));
  const auto batch = queue.next_batch();
  ASSERT_EQ(sizes(batch), (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(batch[0]->texts[0], "a0");
  EXPECT_EQ(batch[1]->texts[1], "b1");
  EXPECT_EQ(queue.depth(), 0u);
}

TEST(BatchQueue, ARequestLargerThanMaxBatchIsABatchOfItsOwn) {
  BatchQueue queue({4, std::chrono::hours(1), 100});
  queue.push(job_of(10));
  queue.push(job_of(1));
  EXPECT_EQ(sizes(queue.next_batch()), (std::vector<std::size_t>{10}));
}

TEST(BatchQueue, RefusesAJobThatWouldPassTheCapacityAndTakesOneThatFits) {
  BatchQueue queue({64, std::chrono::hours(1), 8});
  EXPECT_EQ(queue.push(job_of(5)), BatchQueue::PushResult::kQueued);
  EXPECT_EQ(queue.push(job_of(4)), BatchQueue::PushResult::kFull);
  EXPECT_EQ(queue.push(job_of(3)), BatchQueue::PushResult::kQueued);
  EXPECT_EQ(queue.push(job_of(1)), BatchQueue::PushResult::kFull);
  EXPECT_EQ(queue.depth(), 8u);
}

TEST(BatchQueue, CloseHandsOutWhatIsQueuedAtOnceThenEmptyBatches) {
  BatchQueue queue({64, std::chrono::hours(1), 100});
  queue.push(job_of(2));
  queue.close();
  EXPECT_EQ(queue.push(job_of(1)), BatchQueue::PushResult::kClosed);
  EXPECT_EQ(sizes(queue.next_batch()), (std::vector<std::size_t>{2}));
  EXPECT_TRUE(queue.next_batch().empty());
}

TEST(BatchQueue, CloseWakesAWorkerWaitingOnAnEmptyQueue) {
  BatchQueue queue({64, 1ms, 100});
  std::thread worker([&] { EXPECT_TRUE(queue.next_batch().empty()); });
  queue.close();
  worker.join();
}

TEST(BatchQueue, WorkersOnSeveralThreadsTakeEveryJobExactlyOnce) {
  BatchQueue queue({16, 100us, 100000});
  std::atomic<std::size_t> posts{0}, jobs{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 3; ++w) {
    workers.emplace_back([&] {
      for (auto batch = queue.next_batch(); !batch.empty(); batch = queue.next_batch()) {
        std::size_t batch_posts = 0;
        for (const auto& job : batch) batch_posts += job->posts();
        EXPECT_TRUE(batch.size() == 1 || batch_posts <= 16);
        posts += batch_posts;
        jobs += batch.size();
      }
    });
  }
  std::size_t pushed = 0;
  for (std::size_t i = 0; i < 500; ++i) {
    queue.push(job_of(1 + i % 7));
    pushed += 1 + i % 7;
  }
  queue.close();
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(jobs, 500u);
  EXPECT_EQ(posts, pushed);
}

}  // namespace
}  // namespace sieve::infer
