#include "sieve/train/trainer.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn.h>
#include <torch/optim.h>
#include <torch/serialize.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "communicator.h"
#include "sieve/core/error.h"
#include "sieve/core/hash.h"
#include "sieve/core/json_writer.h"
#include "sieve/core/progress.h"
#include "sieve/models/feature_batch.h"
#include "sieve/models/model_factory.h"
#include "sieve/models/multi_task_loss.h"
#include "sieve/models/pair_loss.h"
#include "sieve/train/exporter.h"
#include "sieve/train/initial_weights.h"
#include "sieve/train/shard_set.h"
#include "sieve/train/training_records.h"

namespace sieve::train {
namespace {

using Clock = std::chrono::steady_clock;

// Where training stands: enough to continue exactly (with the model, optimiser and RNG states).
struct Position {
  std::int64_t step = 0;
  std::int64_t epoch = 0;
  std::int64_t offset = 0;  // records of the current epoch already seen
  std::int64_t evaluations_without_gain = 0;
  double best_score = -1;
};

}  // namespace

models::FeatureBatch batch_of(const ShardSet& set, const std::uint32_t* records, std::size_t count,
                              const models::ModelConfig& config) {
  std::vector<models::PostFeatures> posts(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t index = 0;
    const datasets::ShardReader& shard = set.shard_of(records[i], index);
    posts[i] = {shard.ids(index), shard.id_count(index), shard.subword_count(index), shard.labels(index),
                shard.dense(index)};
  }
  return models::make_feature_batch(posts, config);
}

namespace {

// The optimisers of a model. With sparse embeddings (the default), the big tables learn by plain SGD on
// the rows a batch touches, as fastText does; everything else by the configured optimiser. A dense
// AdamW step over a table of 250k rows costs far more than the rest of the step.
struct Optimizers {
  std::unique_ptr<torch::optim::Optimizer> dense;
  std::unique_ptr<torch::optim::SGD> sparse;     // null without sparse embeddings
  std::vector<torch::Tensor> dense_parameters;   // what gradient clipping applies to
  std::vector<torch::Tensor> sparse_parameters;  // the tables of sparse, when there is one

  void zero_grad() {
    dense->zero_grad();
    if (sparse) sparse->zero_grad();
  }
  void step() {
    dense->step();
    if (sparse) sparse->step();
  }
  void set_learning_rate(double lr, const TrainConfig& c) {
    for (auto& group : dense->param_groups()) group.options().set_lr(lr);
    if (sparse) {
      const double scale = c.embedding_lr * static_cast<double>(c.batch_size) / c.lr;
      for (auto& group : sparse->param_groups()) group.options().set_lr(lr * scale);
    }
  }
  void save(torch::serialize::OutputArchive& archive) const {
    torch::serialize::OutputArchive dense_archive, sparse_archive;
    dense->save(dense_archive);
    archive.write("dense", dense_archive);
    if (sparse) {
      sparse->save(sparse_archive);
      archive.write("sparse", sparse_archive);
    }
  }
  void load(torch::serialize::InputArchive& archive) {
    torch::serialize::InputArchive dense_archive, sparse_archive;
    archive.read("dense", dense_archive);
    dense->load(dense_archive);
    if (sparse) {
      archive.read("sparse", sparse_archive);
      sparse->load(sparse_archive);
    }
  }
};

Optimizers make_optimizers(const TrainConfig& c, models::Classifier& model) {
  std::vector<torch::Tensor> dense, tables;
  const std::vector<torch::Tensor> embeddings = model->embedding_weights();
  for (const torch::Tensor& p : model->parameters()) {
    if (!p.requires_grad()) continue;  // frozen for fine-tuning
    const bool table = model->config().sparse_embeddings &&
                       std::any_of(embeddings.begin(), embeddings.end(),
                                   [&](const torch::Tensor& e) { return e.is_same(p); });
    (table ? tables : dense).push_back(p);
  }
  Optimizers o;
  o.dense_parameters = dense;
  o.sparse_parameters = tables;
  if (c.optimizer == "sgd") {
    o.dense = std::make_unique<torch::optim::SGD>(
        dense, torch::optim::SGDOptions(c.lr).momentum(c.momentum).weight_decay(c.weight_decay));
  } else {
    o.dense = std::make_unique<torch::optim::AdamW>(
        dense, torch::optim::AdamWOptions(c.lr).weight_decay(c.weight_decay));
  }
  if (!tables.empty()) {
    o.sparse =
        std::make_unique<torch::optim::SGD>(tables, torch::optim::SGDOptions(c.embedding_lr * c.batch_size));
  }
  return o;
}

// Per-record scores of every head (see ScoredSet) on a whole shard set, in record order.
ScoredSet score(models::Classifier& model, const ShardSet& set, const std::vector<std::uint32_t>& order,
                const models::ModelConfig& config, std::int64_t batch_size) {
  torch::NoGradGuard no_grad;
  model->eval();
  ScoredSet scored;
  scored.heads = config.heads.size();
  scored.lang_names = set.langs();
  scored.source_names = set.sources();
  for (std::size_t begin = 0; begin < order.size(); begin += batch_size) {
    const std::size_t count = std::min<std::size_t>(batch_size, order.size() - begin);
    const models::FeatureBatch batch = batch_of(set, order.data() + begin, count, config);
    const std::vector<torch::Tensor> logits = model->forward(batch);
    std::vector<torch::Tensor> head_scores;
    for (std::size_t h = 0; h < logits.size(); ++h) {
      if (config.heads[h].binary()) {
        head_scores.push_back(torch::sigmoid(logits[h]));
      } else {
        head_scores.push_back(logits[h].argmax(1).eq(batch.labels.select(1, h)).to(torch::kFloat));
      }
    }
    const torch::Tensor table = torch::stack(head_scores, 1).contiguous();  // [count, heads]
    const float* values = table.data_ptr<float>();
    scored.scores.insert(scored.scores.end(), values, values + table.numel());
    const torch::Tensor labels = batch.labels.to(torch::kInt8).contiguous();
    scored.labels.insert(scored.labels.end(), labels.data_ptr<std::int8_t>(),
                         labels.data_ptr<std::int8_t>() + labels.numel());
    for (std::size_t i = 0; i < count; ++i) {
      scored.langs.push_back(set.lang(order[begin + i]));
      scored.sources.push_back(set.source(order[begin + i]));
    }
  }
  model->train();
  return scored;
}

std::vector<std::uint32_t> all_records(const ShardSet& set) {
  std::vector<std::uint32_t> records(set.size());
  for (std::uint32_t i = 0; i < records.size(); ++i) records[i] = i;
  return records;
}

// The loss weights of count records as a [count, heads] tensor; undefined when every post weighs 1.
torch::Tensor batch_weights(const std::vector<float>& weights, std::size_t heads,
                            const std::uint32_t* records, std::size_t count) {
  if (weights.empty()) return {};
  torch::Tensor out = torch::empty({static_cast<std::int64_t>(count), static_cast<std::int64_t>(heads)});
  float* values = out.data_ptr<float>();
  for (std::size_t i = 0; i < count; ++i)
    std::copy_n(&weights[records[i] * heads], heads, values + i * heads);
  return out;
}

// One forward pass over a step's posts: records[0, count), then the positives and then the negatives of
// pairs. One pass, so that each embedding table gets one sparse gradient per step (two passes would add
// two sparse gradients, which LibTorch sums densely: a full table per step).
struct StepForward {
  std::vector<torch::Tensor> logits;  // per head, of the records alone
  torch::Tensor labels;               // of the records alone
  torch::Tensor pair_loss;            // the margin loss of the pairs; undefined without pairs
};

StepForward step_forward(models::Classifier& model, const ShardSet& set, const std::uint32_t* records,
                         std::size_t count, const std::vector<LabelPair>& pairs,
                         const models::ModelConfig& config, double margin) {
  std::vector<std::uint32_t> posts(records, records + count);
  std::vector<std::uint32_t> pair_heads;
  for (const LabelPair& pair : pairs) posts.push_back(pair.positive);
  for (const LabelPair& pair : pairs) {
    posts.push_back(pair.negative);
    pair_heads.push_back(pair.head);
  }
  const models::FeatureBatch batch = batch_of(set, posts.data(), posts.size(), config);
  const std::vector<torch::Tensor> all = model->forward(batch);
  const auto n = static_cast<std::int64_t>(count), p = static_cast<std::int64_t>(2 * pairs.size());
  StepForward out;
  std::vector<torch::Tensor> pair_logits;
  for (const torch::Tensor& logits : all) {
    out.logits.push_back(logits.narrow(0, 0, n));
    pair_logits.push_back(logits.narrow(0, n, p));
  }
  out.labels = batch.labels.narrow(0, 0, n);
  if (!pairs.empty()) out.pair_loss = models::pair_margin_loss(pair_logits, pair_heads, margin);
  return out;
}

torch::Tensor text_tensor(const std::string& text) {
  return torch::from_blob(const_cast<char*>(text.data()), {static_cast<std::int64_t>(text.size())},
                          torch::kUInt8)
      .clone();
}

void save_checkpoint(const std::string& path, models::Classifier& model, Optimizers& optimizer,
                     const Position& at, const std::string& config_toml) {
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive model_archive, optimizer_archive;
  model->save(model_archive);
  optimizer.save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("position", torch::tensor({at.step, at.epoch, at.offset, at.evaluations_without_gain}));
  archive.write("best_score", torch::tensor({at.best_score}, torch::kFloat64));
  {
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    archive.write("rng", generator.get_state());
  }
  archive.write("config", text_tensor(config_toml));
  const std::string partial = path + ".partial";
  archive.save_to(partial);
  std::filesystem::rename(partial, path);
}

// From the file at path, or, when bytes is given, from its contents read by rank 0 (path names them).
Position load_checkpoint(const std::string& path, models::Classifier& model, Optimizers& optimizer,
                         const std::string* bytes = nullptr) {
  if (!bytes && !std::filesystem::exists(path))
    throw Error(ErrorKind::kIo, path, "no checkpoint to resume from");
  torch::serialize::InputArchive archive, model_archive, optimizer_archive;
  try {
    if (bytes) {
      archive.load_from(bytes->data(), bytes->size());
    } else {
      archive.load_from(path);
    }
    archive.read("model", model_archive);
    archive.read("optimizer", optimizer_archive);
    model->load(model_archive);
    optimizer.load(optimizer_archive);
    torch::Tensor position, best, rng;
    archive.read("position", position);
    archive.read("best_score", best);
    archive.read("rng", rng);
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(rng);
    const auto p = position.accessor<std::int64_t, 1>();
    return {p[0], p[1], p[2], p[3], best.item<double>()};
  } catch (const c10::Error& e) {
    throw Error(ErrorKind::kFormat, path,
                std::string("not a checkpoint of this model: ") + e.what_without_backtrace());
  }
}

std::string file_bytes_or_empty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return in ? std::string(std::istreambuf_iterator<char>(in), {}) : std::string();
}

// A data-parallel step's forward and backward on this rank's part of the global batch records[0, count):
// a contiguous slice, the only records this rank reads. Each head's loss is divided by the number of
// posts labelled for it in the whole batch (one all-reduce of the counts), so that the ranks' gradients,
// summed, are the gradient of the single-process loss of the whole batch. Returns this rank's share of
// that loss.
torch::Tensor data_parallel_backward(Communicator& comm, models::Classifier& model, const ShardSet& set,
                                     const std::uint32_t* records, std::int64_t count,
                                     const models::ModelConfig& config, const std::vector<float>& pos_weight,
                                     const std::vector<float>& weights, const std::vector<LabelPair>& pairs,
                                     const TrainConfig& train, const Optimizers& optimizer) {
  const std::int64_t begin = count * comm.rank() / comm.world_size();
  const std::int64_t end = count * (comm.rank() + 1) / comm.world_size();
  // This rank's contiguous part of the step's pairs, weighted by its share of them.
  const auto pair_count = static_cast<std::int64_t>(pairs.size());
  const std::int64_t pair_begin = pair_count * comm.rank() / comm.world_size();
  const std::int64_t pair_end = pair_count * (comm.rank() + 1) / comm.world_size();
  const std::vector<LabelPair> mine(pairs.begin() + pair_begin, pairs.begin() + pair_end);
  const auto posts = static_cast<std::size_t>(end - begin);
  torch::Tensor labelled = torch::zeros({static_cast<std::int64_t>(config.heads.size())}, torch::kLong);
  StepForward step;
  const bool works = posts > 0 || !mine.empty();
  if (works) {
    step = step_forward(model, set, records + begin, posts, mine, config, train.pair_margin);
    labelled = step.labels.ge(0).sum(0);
  }
  comm.all_reduce({labelled});
  torch::Tensor share = torch::zeros({});
  if (posts > 0) {
    const models::MultiTaskLoss loss =
        models::multi_task_loss(step.logits, step.labels, pos_weight,
                                batch_weights(weights, config.heads.size(), records + begin, posts));
    const auto global = labelled.accessor<std::int64_t, 1>();
    for (std::size_t k = 0; k < loss.per_head.size(); ++k) {
      // A head without labels here has L_k = 0, still in the graph: every gradient gets defined.
      const double scale = global[k] > 0 ? static_cast<double>(loss.labelled[k]) / global[k] : 0.0;
      share = k == 0 ? loss.per_head[k] * scale : share + loss.per_head[k] * scale;
    }
  }
  if (!mine.empty()) {
    const double pair_share = static_cast<double>(mine.size()) / static_cast<double>(pair_count);
    share = share + step.pair_loss * (train.pair_weight * pair_share);
  }
  if (works) share.backward();
  comm.all_reduce_gradients(optimizer.dense_parameters, optimizer.sparse_parameters);
  return share.detach();
}

void append_line(const std::string& path, const std::string& line) {
  std::ofstream out(path, std::ios::app);
  out << line << "\n";
  if (!out) throw Error(ErrorKind::kIo, path, "cannot append");
}

// A dev or test set is read by the model of the training set: the same heads and the same feature table.
void require_compatible(const ShardSet& other, const ShardSet& train_set) {
  if (!(other.schema() == train_set.schema()) || other.table_size() != train_set.table_size()) {
    throw Error(ErrorKind::kInvalidInput, other.dir(),
                "prepared with other heads or another tokenizer than " + train_set.dir());
  }
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

}  // namespace

TrainResult train_model(const TrainRun& run) {
  run.train.validate();
  const auto start = Clock::now();
  const ShardSet train_set(run.train_dir);
  std::unique_ptr<ShardSet> dev_set = run.dev_dir.empty() ? nullptr : std::make_unique<ShardSet>(run.dev_dir);
  if (dev_set) require_compatible(*dev_set, train_set);
  if (train_set.size() == 0) throw Error(ErrorKind::kInvalidInput, run.train_dir, "no records to train on");
  models::ModelConfig config = run.model;
  config.table_size = train_set.table_size();
  config.vocab_size = train_set.vocab_size();
  config.dense_inputs = static_cast<int>(train_set.dense_width());
  config.heads.clear();
  for (const auto& head : train_set.schema().heads) config.heads.push_back({head.name, head.num_values()});
  config.validate();
  std::vector<float> pos_weight;
  for (const auto& head : config.heads) {
    const auto it = run.train.pos_weight.find(head.name);
    pos_weight.push_back(it == run.train.pos_weight.end() ? 1.0f : static_cast<float>(it->second));
  }
  // What the run learns from (docs/training.md, "Learning the signal"): the records outside the excluded
  // sources, their loss weights and the pairs of the paired objective.
  const std::vector<std::uint32_t> selected = records_outside(train_set, run.train.exclude_sources, true);
  if (selected.empty())
    throw Error(ErrorKind::kConfig, "train.exclude_sources", "no record left to train on");
  const std::vector<std::uint32_t> dev_records =
      dev_set ? records_outside(*dev_set, run.train.exclude_sources, false) : std::vector<std::uint32_t>();
  const std::vector<float> weights = run.train.balance == "source_label"
                                         ? source_label_weights(train_set, selected, run.train.balance_cap)
                                         : std::vector<float>();
  const std::vector<LabelPair> pairs =
      run.train.pair_weight > 0 ? group_pairs(train_set, selected, run.train.seed) : std::vector<LabelPair>();

  // Data-parallel (docs/distributed.md): every rank builds the same model; rank 0 alone writes.
  std::unique_ptr<Communicator> comm =
      run.distributed.enabled() ? std::make_unique<Communicator>(run.distributed) : nullptr;
  const bool lead = !comm || comm->rank() == 0;
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  at::set_num_threads(run.train.threads > 0 ? run.train.threads
                      : comm                ? std::max(1, cores / run.distributed.local_world_size)
                                            : cores);
  models::Classifier model;
  std::vector<bool> loaded;
  {
    // The initial weights come from the process-wide generator: ranks that share a process (tests) take
    // turns, so that rank 0 draws exactly what a single process draws.
    static std::mutex generator_mutex;
    std::lock_guard<std::mutex> lock(generator_mutex);
    torch::manual_seed(run.train.seed);
    model = models::make_classifier(config);
    if (!run.init.empty()) loaded = load_initial_weights(model, run.init);
  }
  if (config.dense_inputs > 0 && run.init.empty()) {
    const auto [shift, scale] = dense_standardization(train_set, selected);
    model->set_dense_standardization(torch::tensor(shift), torch::tensor(scale));
  }
  freeze_for_fine_tuning(model, loaded, run);
  Optimizers optimizer = make_optimizers(run.train, model);
  if (lead) std::filesystem::create_directories(run.out_dir);
  const std::string last_path = run.out_dir + "/last.ckpt", best_path = run.out_dir + "/best.ckpt";
  const std::string log_path = run.out_dir + "/metrics.jsonl";
  // The best weights live in memory and reach best.ckpt together with last.ckpt: writing 2 × the model
  // at every evaluation would cost more than the training of a small run.
  std::vector<torch::Tensor> best_weights;
  bool best_unsaved = false;
  auto snapshot_best = [&] {
    best_weights.clear();
    for (const torch::Tensor& p : model->parameters()) best_weights.push_back(p.detach().clone());
  };
  auto swap_in_best = [&] {  // exchanges the model's weights with best_weights
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> params = model->parameters();
    for (std::size_t i = 0; i < params.size(); ++i) {
      torch::Tensor current = params[i].detach().clone();
      params[i].copy_(best_weights[i]);
      best_weights[i] = current;
    }
  };
  Position at;
  if (run.resume) {
    if (lead && std::filesystem::exists(best_path)) {
      load_checkpoint(best_path, model, optimizer);
      snapshot_best();
    }
    if (comm) {
      // Only rank 0's host needs the checkpoints: it sends last.ckpt to the others. Nothing in it depends
      // on the number of ranks, so a run may resume on more or fewer of them.
      std::string bytes = lead ? file_bytes_or_empty(last_path) : std::string();
      comm->broadcast(bytes);
      if (bytes.empty()) throw Error(ErrorKind::kIo, last_path, "no checkpoint to resume from");
      at = load_checkpoint(last_path, model, optimizer, &bytes);
    } else {
      at = load_checkpoint(last_path, model, optimizer);
    }
  } else {
    if (lead) std::ofstream(log_path, std::ios::trunc);
    if (comm) {
      std::vector<torch::Tensor> state = model->parameters();
      for (const torch::Tensor& b : model->buffers()) state.push_back(b);
      comm->broadcast(state);
    }
  }
  auto last_write = Clock::now();
  auto write_checkpoints = [&] {
    if (!lead) return;
    save_checkpoint(last_path, model, optimizer, at, run.config_toml);
    if (best_unsaved) {
      swap_in_best();
      save_checkpoint(best_path, model, optimizer, at, run.config_toml);
      swap_in_best();
      best_unsaved = false;
    }
    last_write = Clock::now();
  };

  const auto batch_size = run.train.batch_size;
  const auto records = static_cast<std::int64_t>(selected.size());
  const std::int64_t steps_per_epoch = (records + batch_size - 1) / batch_size;
  const std::int64_t total_steps =
      run.train.max_steps > 0 ? run.train.max_steps : steps_per_epoch * run.train.epochs;
  const std::int64_t eval_every = run.train.eval_every > 0 ? run.train.eval_every : steps_per_epoch;
  TrainResult result;
  Progress progress("train");
  model->train();
  const auto loop_start = Clock::now();

  auto evaluate_now = [&] {
    if (!dev_set || !lead) return;
    const Evaluation e = evaluate(score(model, *dev_set, dev_records, config, 1024), dev_set->schema());
    JsonWriter w;
    w.begin_object().key("event").value("eval").key("step").value(at.step).key("epoch").value(at.epoch);
    w.key("mean_pr_auc").value(e.mean_pr_auc).key("metrics").raw(e.to_json()).end_object();
    append_line(log_path, w.str());
    if (e.mean_pr_auc > at.best_score) {
      at.best_score = e.mean_pr_auc;
      at.evaluations_without_gain = 0;
      result.best = e;
      snapshot_best();
      best_unsaved = true;
    } else {
      ++at.evaluations_without_gain;
    }
  };

  while (at.step < total_steps && !result.stopped_early) {
    const std::vector<std::uint32_t> order =
        epoch_order_of(train_set, selected, run.train.seed, static_cast<std::uint64_t>(at.epoch));
    while (at.offset < records && at.step < total_steps) {
      const std::int64_t count = std::min(batch_size, records - at.offset);
      optimizer.set_learning_rate(learning_rate(run.train, at.step, total_steps), run.train);
      optimizer.zero_grad();
      const std::vector<LabelPair> step_pairs =
          pairs_of_step(pairs, static_cast<std::size_t>(run.train.pair_batch), run.train.seed, at.step);
      torch::Tensor loss_value;
      if (comm) {
        // Each rank draws its own dropout masks, fixed by (seed, step, rank) so that a resumed run draws
        // the same ones.
        torch::manual_seed(hash_pair(static_cast<std::uint32_t>(at.step),
                                     static_cast<std::uint32_t>(comm->rank()), run.train.seed));
        loss_value = data_parallel_backward(*comm, model, train_set, order.data() + at.offset, count, config,
                                            pos_weight, weights, step_pairs, run.train, optimizer);
      } else {
        const std::uint32_t* batch_records = order.data() + at.offset;
        const StepForward step =
            step_forward(model, train_set, batch_records, static_cast<std::size_t>(count), step_pairs, config,
                         run.train.pair_margin);
        const models::MultiTaskLoss loss = models::multi_task_loss(
            step.logits, step.labels, pos_weight,
            batch_weights(weights, config.heads.size(), batch_records, static_cast<std::size_t>(count)));
        torch::Tensor total = loss.total;
        if (!step_pairs.empty()) total = total + step.pair_loss * run.train.pair_weight;
        total.backward();
        loss_value = total;
      }
      if (run.train.clip_norm > 0)
        torch::nn::utils::clip_grad_norm_(optimizer.dense_parameters, run.train.clip_norm);
      optimizer.step();
      at.offset += count;
      ++at.step;
      if (at.step % 50 == 0 || at.step == total_steps) {
        if (comm) comm->all_reduce({loss_value});  // the ranks' shares: the loss of the whole batch
        JsonWriter w;
        w.begin_object().key("event").value("step").key("step").value(at.step).key("epoch").value(at.epoch);
        w.key("loss")
            .value(loss_value.item<double>())
            .key("lr")
            .value(learning_rate(run.train, at.step - 1, total_steps));
        w.key("seconds").value(std::chrono::duration<double>(Clock::now() - loop_start).count());
        if (comm) w.key("ranks").value(comm->world_size()).key("allreduce_seconds").value(comm->seconds());
        w.end_object();
        if (lead) append_line(log_path, w.str());
      }
      if (lead) {
        progress.update(static_cast<std::size_t>(at.step),
                        std::chrono::duration<double>(Clock::now() - start).count(),
                        static_cast<std::size_t>(total_steps));
      }
      if (at.step % eval_every == 0 && at.step < total_steps) {
        evaluate_now();
        if (lead && std::chrono::duration<double>(Clock::now() - last_write).count() >=
                        run.train.checkpoint_seconds) {
          write_checkpoints();
        }
        bool stop = run.train.patience > 0 && at.evaluations_without_gain >= run.train.patience;
        if (comm) stop = comm->broadcast(stop);  // rank 0 evaluated: its decision holds for all
        if (stop) {
          result.stopped_early = true;
          break;
        }
      }
      if (run.stop_after > 0 && at.step >= run.stop_after && at.step < total_steps) {
        if (at.offset >= records) {
          ++at.epoch;
          at.offset = 0;
        }
        write_checkpoints();
        result.interrupted = true;
        result.steps = at.step;
        return result;
      }
    }
    if (at.offset >= records) {
      ++at.epoch;
      at.offset = 0;
    }
  }
  result.steps = at.step;
  if (!lead) {  // rank 0 evaluates, checkpoints and exports
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return result;
  }
  if (!result.stopped_early) evaluate_now();
  write_checkpoints();
  progress.finish(static_cast<std::size_t>(at.step),
                  std::chrono::duration<double>(Clock::now() - start).count());

  if (!best_weights.empty()) swap_in_best();  // export the best weights
  result.model_path = run.out_dir + "/model.sieve";
  export_model(result.model_path, model, config, train_set, selected, result.best, run.config_toml);
  if (!run.test_dir.empty()) {
    const ShardSet test_set(run.test_dir);
    require_compatible(test_set, train_set);
    result.test = evaluate(score(model, test_set, all_records(test_set), config, 1024), test_set.schema());
    std::ofstream(run.out_dir + "/test_metrics.json", std::ios::trunc) << result.test.to_json() << "\n";
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace sieve::train
