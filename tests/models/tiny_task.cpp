#include "tiny_task.h"

#include <torch/optim/adam.h>

#include <random>

#include "sieve/models/multi_task_loss.h"

namespace sieve::models::testing {

std::vector<PostFeatures> TinyTask::posts() const {
  std::vector<PostFeatures> out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    out.push_back({ids[i].data(), ids[i].size(), subword_counts[i], labels[i].data()});
  }
  return out;
}

TinyTask make_tiny_task() {
  std::mt19937 rng(20240601);  // raw mt19937 output is fixed by the standard: same posts everywhere
  TinyTask task;
  for (int i = 0; i < 32; ++i) {
    std::vector<std::uint32_t> subwords;
    std::vector<std::int8_t> labels(3);
    if (i < 31) {
      const std::uint32_t filler = 3 + rng() % 6;
      for (std::uint32_t f = 0; f < filler; ++f) subwords.push_back(6 + rng() % (kTinyVocab - 6));
      const bool marked1 = (i & 1) != 0;
      const bool marked2 = ((i >> 1) & 1) != 0;
      const int kind = (i / 4 + i) % 3;
      std::vector<std::uint32_t> markers{static_cast<std::uint32_t>(3 + kind)};
      if (marked1) markers.push_back(1);
      if (marked2) markers.push_back(2);
      for (const std::uint32_t m : markers) {
        subwords.insert(subwords.begin() + static_cast<std::ptrdiff_t>(rng() % (subwords.size() + 1)), m);
      }
      labels = {static_cast<std::int8_t>(marked1), static_cast<std::int8_t>(marked2),
                static_cast<std::int8_t>(kind)};
    } else {
      labels = {0, 0, kMissingLabel};
    }
    if (i % 7 == 3) labels[0] = kMissingLabel;
    if (i % 5 == 1) labels[1] = kMissingLabel;
    if (i % 6 == 2) labels[2] = kMissingLabel;
    std::vector<std::uint32_t> ids = subwords;
    const std::uint32_t hashed = subwords.empty() ? 0 : 2 + rng() % 5;
    for (std::uint32_t h = 0; h < hashed; ++h) ids.push_back(kTinyVocab + rng() % (kTinyTable - kTinyVocab));
    task.ids.push_back(std::move(ids));
    task.subword_counts.push_back(static_cast<std::uint32_t>(subwords.size()));
    task.labels.push_back(std::move(labels));
  }
  return task;
}

ModelConfig tiny_config(Architecture architecture) {
  ModelConfig config;
  config.architecture = architecture;
  config.vocab_size = kTinyVocab;
  config.table_size = kTinyTable;
  config.dim = 16;
  config.dropout = 0.1f;
  config.max_subwords = 16;
  config.sparse_embeddings = false;  // the tiny tasks train every parameter with Adam
  config.heads = {{"marked1", 2}, {"marked2", 2}, {"kind", 3}};
  config.cnn.filters = 8;
  config.transformer.layers = 2;
  config.transformer.d_model = 32;
  config.transformer.attention_heads = 4;
  config.transformer.ffn_multiplier = 2;
  return config;
}

double accuracy(ClassifierImpl& model, const FeatureBatch& batch) {
  torch::NoGradGuard no_grad;
  model.eval();
  const std::vector<torch::Tensor> logits = model.forward(batch);
  std::int64_t right = 0;
  std::int64_t labelled = 0;
  for (std::size_t k = 0; k < logits.size(); ++k) {
    const torch::Tensor y = batch.labels.select(1, static_cast<std::int64_t>(k));
    const torch::Tensor predicted =
        logits[k].dim() == 1 ? (logits[k] > 0).to(torch::kInt64) : logits[k].argmax(1);
    const torch::Tensor known = y >= 0;
    right += ((predicted == y) & known).sum().item<std::int64_t>();
    labelled += known.sum().item<std::int64_t>();
  }
  model.train();
  return static_cast<double>(right) / static_cast<double>(labelled);
}

void train_steps(ClassifierImpl& model, const FeatureBatch& batch, double lr, int steps) {
  torch::optim::Adam optimizer(model.parameters(), torch::optim::AdamOptions(lr));
  model.train();
  for (int step = 0; step < steps; ++step) {
    optimizer.zero_grad();
    multi_task_loss(model.forward(batch), batch.labels).total.backward();
    optimizer.step();
  }
}

int steps_to_fit(ClassifierImpl& model, const FeatureBatch& batch, double lr, int max_steps) {
  torch::optim::Adam optimizer(model.parameters(), torch::optim::AdamOptions(lr));
  model.train();
  for (int step = 1; step <= max_steps; ++step) {
    optimizer.zero_grad();
    multi_task_loss(model.forward(batch), batch.labels).total.backward();
    optimizer.step();
    if (step % 5 == 0 && accuracy(model, batch) == 1.0) return step;
  }
  return -1;
}

}  // namespace sieve::models::testing
