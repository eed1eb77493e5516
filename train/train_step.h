#pragma once
// The forward and backward pass of one training step, alone or as one rank of a data-parallel run
// (private to sieve_train).

#include <cstdint>
#include <vector>

#include "communicator.h"
#include "optimizers.h"
#include "sieve/models/classifier.h"
#include "sieve/train/shard_set.h"
#include "sieve/train/train_config.h"
#include "sieve/train/training_records.h"

namespace sieve::train {

// What one step learns from, beside its records: the loss settings and the step's pairs.
struct StepInputs {
  const ShardSet& set;
  const models::ModelConfig& config;
  const std::vector<float>& pos_weight;  // per head
  const std::vector<float>& weights;     // per record × head; empty when every post weighs 1
  const std::vector<LabelPair>& pairs;   // the step's pairs of the paired objective
  const TrainConfig& train;
};

// One forward pass over a step's posts: records[0, count), then the positives and then the negatives of
// pairs. One pass, so that each embedding table gets one sparse gradient per step (two passes would add
// two sparse gradients, which LibTorch sums densely: a full table per step).
struct StepForward {
  std::vector<torch::Tensor> logits;  // per head, of the records alone
  torch::Tensor labels;               // of the records alone
  torch::Tensor pair_loss;            // the margin loss of the pairs; undefined without pairs
};

// The forward pass of records[0, count) and pairs (see StepForward).
StepForward step_forward(models::Classifier& model, const ShardSet& set, const std::uint32_t* records,
                         std::size_t count, const std::vector<LabelPair>& pairs,
                         const models::ModelConfig& config, double margin);

// A single process's step: the loss of records[0, count) (and of the pairs), backpropagated. Returns the
// loss.
torch::Tensor single_process_backward(models::Classifier& model, const StepInputs& in,
                                      const std::uint32_t* records, std::int64_t count);

// A data-parallel step's forward and backward on this rank's part of the global batch records[0, count):
// a contiguous slice, the only records this rank reads. Each head's loss is divided by the number of
// posts labelled for it in the whole batch (one all-reduce of the counts), so that the ranks' gradients,
// summed, are the gradient of the single-process loss of the whole batch. Returns this rank's share of
// that loss.
torch::Tensor data_parallel_backward(Communicator& comm, models::Classifier& model, const StepInputs& in,
                                     const std::uint32_t* records, std::int64_t count,
                                     const Optimizers& optimizer);

}  // namespace sieve::train
