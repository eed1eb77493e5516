#include "train_step.h"

#include <torch/torch.h>

#include "sieve/models/multi_task_loss.h"
#include "sieve/models/pair_loss.h"
#include "sieve/train/exporter.h"

namespace sieve::train {
namespace {

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

}  // namespace

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

torch::Tensor single_process_backward(models::Classifier& model, const StepInputs& in,
                                      const std::uint32_t* records, std::int64_t count) {
  const auto posts = static_cast<std::size_t>(count);
  const StepForward step =
      step_forward(model, in.set, records, posts, in.pairs, in.config, in.train.pair_margin);
  const models::MultiTaskLoss loss =
      models::multi_task_loss(step.logits, step.labels, in.pos_weight,
                              batch_weights(in.weights, in.config.heads.size(), records, posts));
  torch::Tensor total = loss.total;
  if (!in.pairs.empty()) total = total + step.pair_loss * in.train.pair_weight;
  total.backward();
  return total;
}

torch::Tensor data_parallel_backward(Communicator& comm, models::Classifier& model, const StepInputs& in,
                                     const std::uint32_t* records, std::int64_t count,
                                     const Optimizers& optimizer) {
  const std::vector<LabelPair>& pairs = in.pairs;
  const models::ModelConfig& config = in.config;
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
    step = step_forward(model, in.set, records + begin, posts, mine, config, in.train.pair_margin);
    labelled = step.labels.ge(0).sum(0);
  }
  comm.all_reduce({labelled});
  torch::Tensor share = torch::zeros({});
  if (posts > 0) {
    const models::MultiTaskLoss loss =
        models::multi_task_loss(step.logits, step.labels, in.pos_weight,
                                batch_weights(in.weights, config.heads.size(), records + begin, posts));
    const auto global = labelled.accessor<std::int64_t, 1>();
    for (std::size_t k = 0; k < loss.per_head.size(); ++k) {
      // A head without labels here has L_k = 0, still in the graph: every gradient gets defined.
      const double scale = global[k] > 0 ? static_cast<double>(loss.labelled[k]) / global[k] : 0.0;
      share = k == 0 ? loss.per_head[k] * scale : share + loss.per_head[k] * scale;
    }
  }
  if (!mine.empty()) {
    const double pair_share = static_cast<double>(mine.size()) / static_cast<double>(pair_count);
    share = share + step.pair_loss * (in.train.pair_weight * pair_share);
  }
  if (works) share.backward();
  comm.all_reduce_gradients(optimizer.dense_parameters, optimizer.sparse_parameters);
  return share.detach();
}

}  // namespace sieve::train
