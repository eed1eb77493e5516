#include "training_session.h"

#include <torch/nn.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "model_scoring.h"
#include "sieve/core/error.h"
#include "sieve/core/file_bytes.h"
#include "sieve/core/hash.h"
#include "sieve/core/json_writer.h"
#include "sieve/models/model_factory.h"
#include "sieve/train/exporter.h"
#include "sieve/train/initial_weights.h"
#include "train_step.h"

namespace sieve::train {
namespace {

void append_line(const std::string& path, const std::string& line) {
  std::ofstream out(path, std::ios::app);
  out << line << "\n";
  if (!out) throw Error(ErrorKind::kIo, path, "cannot append");
}

// With --new-heads-only or --train-heads, everything but the heads that train keeps its initial weights.
void freeze_for_fine_tuning(models::Classifier& model, const std::vector<bool>& loaded, const TrainRun& run) {
  if (!run.train_new_heads_only && run.train_heads_only.empty()) return;
  const char* option = run.train_new_heads_only ? "--new-heads-only" : "--train-heads";
  if (run.init.empty()) throw Error(ErrorKind::kConfig, option, "needs --init");
  std::vector<bool> trainable(loaded.size());
  for (std::size_t k = 0; k < loaded.size(); ++k) trainable[k] = !loaded[k];
  if (run.train_new_heads_only &&
      std::none_of(trainable.begin(), trainable.end(), [](bool b) { return b; })) {
    throw Error(ErrorKind::kConfig, option, "the shards declare no head that " + run.init + " lacks");
  }
  const auto& heads = model->config().heads;
  for (const std::string& name : run.train_heads_only) {
    const auto it = std::find_if(heads.begin(), heads.end(),
                                 [&](const infer::HeadConfig& head) { return head.name == name; });
    if (it == heads.end())
      throw Error(ErrorKind::kConfig, option, "the shards declare no head '" + name + "'");
    trainable[static_cast<std::size_t>(it - heads.begin())] = true;
  }
  freeze_all_but(model, trainable);
}

// A dev or test set is read by the model of the training set: the same heads and the same feature table.
void require_compatible(const ShardSet& other, const ShardSet& train_set) {
  if (!(other.schema() == train_set.schema()) || other.table_size() != train_set.table_size()) {
    throw Error(ErrorKind::kInvalidInput, other.dir(),
                "prepared with other heads or another tokenizer than " + train_set.dir());
  }
}

}  // namespace

TrainingSession::TrainingSession(const TrainRun& run)
    : run_(run),
      train_set_(run.train_dir),
      dev_set_(run.dev_dir.empty() ? nullptr : std::make_unique<ShardSet>(run.dev_dir)),
      config_(resolve_config()),
      last_path_(run.out_dir + "/last.ckpt"),
      best_path_(run.out_dir + "/best.ckpt"),
      log_path_(run.out_dir + "/metrics.jsonl") {
  select_records();
  build_model();
  start_or_resume();
}

models::ModelConfig TrainingSession::resolve_config() const {
  if (dev_set_) require_compatible(*dev_set_, train_set_);
  if (train_set_.size() == 0) throw Error(ErrorKind::kInvalidInput, run_.train_dir, "no records to train on");
  models::ModelConfig config = run_.model;
  config.table_size = train_set_.table_size();
  config.vocab_size = train_set_.vocab_size();
  config.dense_inputs = static_cast<int>(train_set_.dense_width());
  config.heads.clear();
  for (const auto& head : train_set_.schema().heads) config.heads.push_back({head.name, head.num_values()});
  config.validate();
  return config;
}

// The records outside the excluded sources, their loss weights and the pairs of the paired objective.
void TrainingSession::select_records() {
  const TrainConfig& train = run_.train;
  for (const auto& head : config_.heads) {
    const auto it = train.pos_weight.find(head.name);
    pos_weight_.push_back(it == train.pos_weight.end() ? 1.0f : static_cast<float>(it->second));
  }
  selected_ = records_outside(train_set_, train.exclude_sources, true);
  if (selected_.empty())
    throw Error(ErrorKind::kConfig, "train.exclude_sources", "no record left to train on");
  if (dev_set_) dev_records_ = records_outside(*dev_set_, train.exclude_sources, false);
  if (train.balance == "source_label")
    weights_ = source_label_weights(train_set_, selected_, train.balance_cap);
  weights_ = with_source_weights(train_set_, selected_, train.source_weight, std::move(weights_));
  if (train.pair_weight > 0) pairs_ = group_pairs(train_set_, selected_, train.seed);
  const auto records = static_cast<std::int64_t>(selected_.size());
  const std::int64_t steps_per_epoch = (records + train.batch_size - 1) / train.batch_size;
  total_steps_ = train.max_steps > 0 ? train.max_steps : steps_per_epoch * train.epochs;
  eval_every_ = train.eval_every > 0 ? train.eval_every : steps_per_epoch;
}

void TrainingSession::build_model() {
  const std::string& embeddings = run_.train.init_embeddings;
  if (!embeddings.empty() && !run_.init.empty()) {
    throw Error(ErrorKind::kConfig, "train.init_embeddings",
                "cannot start from " + embeddings + " and from --init " + run_.init + " at once");
  }
  if (run_.distributed.enabled()) comm_ = std::make_unique<Communicator>(run_.distributed);
  lead_ = !comm_ || comm_->rank() == 0;
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  at::set_num_threads(run_.train.threads > 0 ? run_.train.threads
                      : comm_                ? std::max(1, cores / run_.distributed.local_world_size)
                                             : cores);
  std::vector<bool> loaded;
  {
    // The initial weights come from the process-wide generator: ranks that share a process (tests) take
    // turns, so that rank 0 draws exactly what a single process draws.
    static std::mutex generator_mutex;
    std::lock_guard<std::mutex> lock(generator_mutex);
    torch::manual_seed(run_.train.seed);
    model_ = models::make_classifier(config_);
    if (!run_.init.empty()) loaded = load_initial_weights(model_, run_.init);
  }
  // Only the lead rank reads the file: the others receive its weights with the first broadcast; a resumed
  // run takes them from its checkpoint.
  if (!embeddings.empty() && lead_ && !run_.resume)
    load_initial_embeddings(model_, datasets::TableIdentity::of_shards(run_.train_dir), embeddings,
                            run_.train.init_embeddings_scale);
  if (config_.dense_inputs > 0 && run_.init.empty()) {
    const auto [shift, scale] = dense_standardization(train_set_, selected_);
    model_->set_dense_standardization(torch::tensor(shift), torch::tensor(scale));
  }
  freeze_for_fine_tuning(model_, loaded, run_);
  optimizer_ = make_optimizers(run_.train, model_);
  if (lead_) std::filesystem::create_directories(run_.out_dir);
}

void TrainingSession::start_or_resume() {
  if (!run_.resume) {
    if (lead_) std::ofstream(log_path_, std::ios::trunc);
    if (comm_) {
      std::vector<torch::Tensor> state = model_->parameters();
      for (const torch::Tensor& b : model_->buffers()) state.push_back(b);
      comm_->broadcast(state);
    }
    return;
  }
  if (lead_ && std::filesystem::exists(best_path_)) {
    load_checkpoint(best_path_, model_, optimizer_);
    snapshot_best();
  }
  if (!comm_) {
    at_ = load_checkpoint(last_path_, model_, optimizer_);
    return;
  }
  // Only rank 0's host needs the checkpoints: it sends last.ckpt to the others. Nothing in it depends on
  // the number of ranks, so a run may resume on more or fewer of them.
  std::string bytes =
      lead_ && std::filesystem::exists(last_path_) ? read_file(last_path_, "checkpoint") : std::string();
  comm_->broadcast(bytes);
  if (bytes.empty()) throw Error(ErrorKind::kIo, last_path_, "no checkpoint to resume from");
  at_ = load_checkpoint(last_path_, model_, optimizer_, &bytes);
}

TrainResult TrainingSession::run() {
  model_->train();
  loop_start_ = Clock::now();
  const auto records = static_cast<std::int64_t>(selected_.size());
  while (at_.step < total_steps_) {
    const std::vector<std::uint32_t> order =
        epoch_order_of(train_set_, selected_, run_.train.seed, static_cast<std::uint64_t>(at_.epoch));
    StepOutcome outcome = StepOutcome::kGoOn;
    while (at_.offset < records && at_.step < total_steps_ && outcome == StepOutcome::kGoOn)
      outcome = train_step(order);
    if (outcome == StepOutcome::kInterrupted) {
      next_epoch_if_done();
      write_checkpoints();
      result_.interrupted = true;
      result_.steps = at_.step;
      return result_;
    }
    next_epoch_if_done();
    if (outcome == StepOutcome::kStopped) {
      result_.stopped_early = true;
      break;
    }
  }
  return finish();
}

TrainingSession::StepOutcome TrainingSession::train_step(const std::vector<std::uint32_t>& order) {
  const TrainConfig& train = run_.train;
  const auto records = static_cast<std::int64_t>(selected_.size());
  const std::int64_t count = std::min(train.batch_size, records - at_.offset);
  optimizer_.set_learning_rate(learning_rate(train, at_.step, total_steps_), train);
  optimizer_.zero_grad();
  const std::vector<LabelPair> step_pairs =
      pairs_of_step(pairs_, static_cast<std::size_t>(train.pair_batch), train.seed, at_.step);
  const StepInputs in{train_set_, config_, pos_weight_, weights_, step_pairs, train};
  const std::uint32_t* batch_records = order.data() + at_.offset;
  torch::Tensor loss;
  if (comm_) {
    // Each rank draws its own dropout masks, fixed by (seed, step, rank) so that a resumed run draws the
    // same ones.
    torch::manual_seed(hash_pair(static_cast<std::uint32_t>(at_.step),
                                 static_cast<std::uint32_t>(comm_->rank()), train.seed));
    loss = data_parallel_backward(*comm_, model_, in, batch_records, count, optimizer_);
  } else {
    loss = single_process_backward(model_, in, batch_records, count);
  }
  if (train.clip_norm > 0) torch::nn::utils::clip_grad_norm_(optimizer_.dense_parameters, train.clip_norm);
  optimizer_.step();
  at_.offset += count;
  ++at_.step;
  if (at_.step % 50 == 0 || at_.step == total_steps_) log_step(loss);
  if (lead_) {
    progress_.update(static_cast<std::size_t>(at_.step), seconds_since(start_),
                     static_cast<std::size_t>(total_steps_));
  }
  if (at_.step % eval_every_ == 0 && at_.step < total_steps_ && evaluate_and_decide_stop())
    return StepOutcome::kStopped;
  if (run_.stop_after > 0 && at_.step >= run_.stop_after && at_.step < total_steps_)
    return StepOutcome::kInterrupted;
  return StepOutcome::kGoOn;
}

void TrainingSession::log_step(torch::Tensor loss) {
  if (comm_) comm_->all_reduce({loss});  // the ranks' shares: the loss of the whole batch
  if (!lead_) return;
  JsonWriter w;
  w.begin_object().key("event").value("step").key("step").value(at_.step).key("epoch").value(at_.epoch);
  w.key("loss")
      .value(loss.item<double>())
      .key("lr")
      .value(learning_rate(run_.train, at_.step - 1, total_steps_));
  w.key("seconds").value(seconds_since(loop_start_));
  if (comm_) w.key("ranks").value(comm_->world_size()).key("allreduce_seconds").value(comm_->seconds());
  w.end_object();
  append_line(log_path_, w.str());
}

// Evaluates on dev, writes checkpoints when they are due, and says whether patience has run out (rank 0
// decides for all).
bool TrainingSession::evaluate_and_decide_stop() {
  evaluate_now();
  if (lead_ && seconds_since(last_write_) >= run_.train.checkpoint_seconds) write_checkpoints();
  bool stop = run_.train.patience > 0 && at_.evaluations_without_gain >= run_.train.patience;
  if (comm_) stop = comm_->broadcast(stop);
  return stop;
}

void TrainingSession::evaluate_now() {
  if (!dev_set_ || !lead_) return;
  const Evaluation e = evaluate(score(model_, *dev_set_, dev_records_, config_, 1024), dev_set_->schema());
  JsonWriter w;
  w.begin_object().key("event").value("eval").key("step").value(at_.step).key("epoch").value(at_.epoch);
  w.key("mean_pr_auc").value(e.mean_pr_auc).key("metrics").raw(e.to_json()).end_object();
  append_line(log_path_, w.str());
  if (e.mean_pr_auc > at_.best_score) {
    at_.best_score = e.mean_pr_auc;
    at_.evaluations_without_gain = 0;
    result_.best = e;
    snapshot_best();
    best_unsaved_ = true;
  } else {
    ++at_.evaluations_without_gain;
  }
}

void TrainingSession::write_checkpoints() {
  if (!lead_) return;
  save_checkpoint(last_path_, model_, optimizer_, at_, run_.config_toml);
  if (best_unsaved_) {
    swap_in_best();
    save_checkpoint(best_path_, model_, optimizer_, at_, run_.config_toml);
    swap_in_best();
    best_unsaved_ = false;
  }
  last_write_ = Clock::now();
}

void TrainingSession::snapshot_best() {
  best_weights_.clear();
  for (const torch::Tensor& p : model_->parameters()) best_weights_.push_back(p.detach().clone());
}

// Exchanges the model's weights with best_weights_.
void TrainingSession::swap_in_best() {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> params = model_->parameters();
  for (std::size_t i = 0; i < params.size(); ++i) {
    torch::Tensor current = params[i].detach().clone();
    params[i].copy_(best_weights_[i]);
    best_weights_[i] = current;
  }
}

void TrainingSession::next_epoch_if_done() {
  if (at_.offset < static_cast<std::int64_t>(selected_.size())) return;
  ++at_.epoch;
  at_.offset = 0;
}

// The last evaluation and checkpoints, then the export of the best weights and their test evaluation
// (rank 0 alone).
TrainResult TrainingSession::finish() {
  result_.steps = at_.step;
  if (!lead_) {
    result_.seconds = seconds_since(start_);
    return result_;
  }
  if (!result_.stopped_early) evaluate_now();
  write_checkpoints();
  progress_.finish(static_cast<std::size_t>(at_.step), seconds_since(start_));
  if (!best_weights_.empty()) swap_in_best();
  result_.model_path = run_.out_dir + "/model.sieve";
  export_model(result_.model_path, model_, config_, train_set_, selected_, result_.best, run_.config_toml);
  if (!run_.test_dir.empty()) {
    const ShardSet test_set(run_.test_dir);
    require_compatible(test_set, train_set_);
    result_.test = evaluate(score(model_, test_set, all_records(test_set), config_, 1024), test_set.schema());
    std::ofstream(run_.out_dir + "/test_metrics.json", std::ios::trunc) << result_.test.to_json() << "\n";
  }
  result_.seconds = seconds_since(start_);
  return result_;
}

double TrainingSession::seconds_since(Clock::time_point t) const {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace sieve::train
