#include "model_scoring.h"

#include <torch/torch.h>

#include <algorithm>

#include "sieve/train/exporter.h"

namespace sieve::train {

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

}  // namespace sieve::train
