#include "batch_scorer.h"

#include <algorithm>
#include <exception>
#include <string_view>

namespace sieve::infer {

BatchScorer::BatchScorer(ServerState& state, int workers, int threads) : state_(state), arena_(threads) {
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
}

BatchScorer::~BatchScorer() { join(); }

void BatchScorer::join() {
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

void BatchScorer::work() {
  for (;;) {
    std::vector<std::shared_ptr<ScoreJob>> batch = state_.queue.next_batch();
    if (batch.empty()) return;
    score(batch);
  }
}

void BatchScorer::score(std::vector<std::shared_ptr<ScoreJob>>& batch) {
  // Requests past their deadline are not scored: their handlers have answered 504 already.
  const auto now = ScoreJob::Clock::now();
  std::vector<std::shared_ptr<ScoreJob>> live;
  std::vector<std::string_view> texts, langs;
  for (auto& job : batch) {
    if (now > job->deadline) {
      job->finish(ScoreJob::Status::kExpired);
      continue;
    }
    for (std::size_t i = 0; i < job->texts.size(); ++i) {
      texts.push_back(job->texts[i]);
      langs.push_back(i < job->langs.size() ? std::string_view(job->langs[i]) : std::string_view());
    }
    live.push_back(std::move(job));
  }
  if (live.empty()) return;
  state_.metrics.observe_batch(texts.size());
  // One model for the whole batch, even when a reload swaps another in meanwhile.
  std::shared_ptr<const LoadedModel> model = state_.models.current();
  const std::size_t width = model->model->output_count();
  std::vector<float> probabilities(texts.size() * width);
  std::vector<PostFamiliarity> familiarity(model->model->out_of_domain() ? texts.size() : 0);
  try {
    arena_.execute([&] {
      model->model->score_batch(texts, probabilities.data(),
                                familiarity.empty() ? nullptr : familiarity.data());
    });
  } catch (const std::exception& e) {
    for (auto& job : live) {
      job->failure = e.what();
      job->finish(ScoreJob::Status::kFailed);
    }
    return;
  }
  // Counted before any job is answered, so that a client who reads /metrics after its answer sees it.
  state_.metrics.add_posts_scored(texts.size());
  state_.drift.observe({*model->model, model->languages, langs, probabilities.data(),
                        familiarity.empty() ? nullptr : familiarity.data()});
  std::size_t row = 0;
  for (auto& job : live) {
    const auto begin = probabilities.begin() + static_cast<std::ptrdiff_t>(row * width);
    job->probabilities.assign(begin, begin + static_cast<std::ptrdiff_t>(job->posts() * width));
    if (!familiarity.empty()) {
      const auto first = familiarity.begin() + static_cast<std::ptrdiff_t>(row);
      job->familiarity.assign(first, first + static_cast<std::ptrdiff_t>(job->posts()));
    }
    job->model = model;
    row += job->posts();
    job->finish(ScoreJob::Status::kScored);
  }
}

}  // namespace sieve::infer
