#pragma once
// The optimisers of a training run (private to sieve_train).

#include <torch/optim.h>
#include <torch/serialize.h>

#include <memory>
#include <vector>

#include "sieve/models/classifier.h"
#include "sieve/train/train_config.h"

namespace sieve::train {

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

// The optimisers of model's trainable parameters under the settings c.
Optimizers make_optimizers(const TrainConfig& c, models::Classifier& model);

}  // namespace sieve::train
