#pragma once
// Where one process stands among the ranks of a data-parallel run, as torchrun's environment describes it
// (docs/distributed.md). Torch-free: the c10d process group lives in train/communicator.cpp.

#include <string>

namespace sieve::train {

struct DistributedOptions {
  int rank = 0;                           // RANK: 0 writes checkpoints, logs and model.sieve
  int world_size = 1;                     // WORLD_SIZE: 1 is a plain single-process run
  int local_rank = 0;                     // LOCAL_RANK: this process among the ranks of its host
  int local_world_size = 1;               // LOCAL_WORLD_SIZE: ranks on this host (they share its cores)
  std::string master_addr = "127.0.0.1";  // MASTER_ADDR: rank 0's host, where the TCPStore listens
  int master_port = 29500;                // MASTER_PORT
  double timeout_seconds = 300;           // the longest a rank waits for the others (rendezvous,
                                          // collectives, rank 0's dev evaluation) before it fails

  bool enabled() const { return world_size > 1; }
  // Throws Error(kConfig, "<VARIABLE>", ...) for a value out of range.
  void validate() const;
};

// Reads RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT; without WORLD_SIZE,
// a single process. Throws Error(kConfig, "<VARIABLE>", ...) for a value that is not a number or is out
// of range.
DistributedOptions distributed_from_environment();

}  // namespace sieve::train
