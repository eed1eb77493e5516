#pragma once
// One rank's link to the others of a data-parallel run: c10d's TCPStore for the rendezvous and
// ProcessGroupGloo for the collectives. Private to sieve_train; the c10d headers stay in the .cpp.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sieve/train/distributed.h"

namespace sieve::train {

class Communicator {
 public:
  // Meets the other ranks (rank 0 hosts the store). Throws Error(kIo, "rank <r> of <w>", ...) when they do
  // not all arrive within options.timeout_seconds. Every other failure of a collective (a peer that died,
  // a timeout) is rethrown the same way, as one line.
  explicit Communicator(const DistributedOptions& options);
  ~Communicator();
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;

  int rank() const { return options_.rank; }
  int world_size() const { return options_.world_size; }

  // Sums the gradients of parameters across ranks, in place. Dense gradients travel in flattened buckets
  // of about 4 MB; the sparse (COO) gradients of sparse_tables by Gloo's sparse all-reduce (an all-gather
  // of the rows each rank touched, summed locally). A parameter without a gradient counts as zero.
  void all_reduce_gradients(const std::vector<at::Tensor>& parameters,
                            const std::vector<at::Tensor>& sparse_tables);
  // Sums dense tensors across ranks, in place.
  void all_reduce(std::vector<at::Tensor> tensors);
  // Rank 0's values of dense tensors on every rank, in place (parameters included: no autograd records it).
  void broadcast(const std::vector<at::Tensor>& tensors);
  // Rank 0's bytes on every rank.
  void broadcast(std::string& bytes);
  // Rank 0's flag on every rank.
  bool broadcast(bool flag);

  // Seconds spent in collectives so far (waiting for slower ranks included).
  double seconds() const { return seconds_; }

 private:
  struct Group;
  [[noreturn]] void fail(const std::exception& e) const;

  DistributedOptions options_;
  std::unique_ptr<Group> group_;
  double seconds_ = 0;
};

}  // namespace sieve::train
