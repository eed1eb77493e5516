#include "communicator.h"

#include <ATen/ATen.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "sieve/core/error.h"

namespace sieve::train {

struct Communicator::Group {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

namespace {

using Clock = std::chrono::steady_clock;

// Big enough that a bag model's dense parameters take one or two buckets, small enough that Gloo's two
// worker threads can reduce one bucket while the next is being flattened.
constexpr std::int64_t kBucketBytes = 4 << 20;

bool is_loopback(const std::string& address) {
  return address == "localhost" || address == "::1" || address.rfind("127.", 0) == 0;
}

// The first line of a c10d or Gloo message, without Gloo's "[source.cc:123] " prefix.
std::string first_line(const std::exception& e) {
  const auto* c10_error = dynamic_cast<const c10::Error*>(&e);
  std::string text = c10_error ? c10_error->what_without_backtrace() : e.what();
  text = text.substr(0, text.find('\n'));
  if (!text.empty() && text[0] == '[') {
    const std::size_t end = text.find("] ");
    if (end != std::string::npos) text = text.substr(end + 2);
  }
  return text;
}

std::shared_ptr<::gloo::transport::Device> make_device(const std::string& master_addr) {
  // As torch.distributed does: GLOO_SOCKET_IFNAME names the interface to use; else a local run stays on
  // the loopback, and a run over hosts binds to the address this host's name resolves to.
  const char* interface = std::getenv("GLOO_SOCKET_IFNAME");
  if (interface != nullptr && *interface != '\0')
    return c10d::ProcessGroupGloo::createDeviceForInterface(interface);
  if (is_loopback(master_addr)) return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

}  // namespace

Communicator::Communicator(const DistributedOptions& options)
    : options_(options), group_(std::make_unique<Group>()) {
  options_.validate();
  // A write to a peer that died must come back as an error from the collective, not end this process.
  std::signal(SIGPIPE, SIG_IGN);
  const auto timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(options_.timeout_seconds * 1000.0));
  try {
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<std::uint16_t>(options_.master_port);
    store_options.isServer = options_.rank == 0;
    store_options.numWorkers = static_cast<std::size_t>(options_.world_size);
    store_options.timeout = timeout;
    group_->store = c10::make_intrusive<c10d::TCPStore>(options_.master_addr, store_options);
    auto group_options = c10d::ProcessGroupGloo::Options::create(timeout);
    group_options->devices.push_back(make_device(options_.master_addr));
    group_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(group_->store, options_.rank,
                                                                options_.world_size, group_options);
  } catch (const std::exception& e) {
    throw Error(ErrorKind::kIo,
                "rank " + std::to_string(options_.rank) + " of " + std::to_string(options_.world_size),
                "could not meet the other ranks at " + options_.master_addr + ":" +
                    std::to_string(options_.master_port) + " within " +
                    std::to_string(static_cast<long>(options_.timeout_seconds)) + " s: " + first_line(e));
  }
}

Communicator::~Communicator() = default;

void Communicator::fail(const std::exception& e) const {
  throw Error(ErrorKind::kIo,
              "rank " + std::to_string(options_.rank) + " of " + std::to_string(options_.world_size),
              "lost the other ranks (one failed, was killed, or did not answer within " +
                  std::to_string(static_cast<long>(options_.timeout_seconds)) + " s): " + first_line(e));
}

namespace {

// Dense tensors of one dtype, flattened into one buffer for one collective.
struct Bucket {
  std::vector<at::Tensor> members;
  std::int64_t bytes = 0;
  at::Tensor flat;
  c10::intrusive_ptr<c10d::Work> work;
};

std::vector<Bucket> buckets_of(const std::vector<at::Tensor>& tensors) {
  std::vector<Bucket> buckets;
  for (const at::Tensor& t : tensors) {
    const auto bytes = static_cast<std::int64_t>(t.nbytes());
    if (buckets.empty() || buckets.back().members.front().scalar_type() != t.scalar_type() ||
        buckets.back().bytes + bytes > kBucketBytes) {
      buckets.emplace_back();
    }
    buckets.back().members.push_back(t);
    buckets.back().bytes += bytes;
  }
  for (Bucket& b : buckets) {
    std::vector<at::Tensor> flat;
    for (const at::Tensor& t : b.members) flat.push_back(t.detach().reshape({-1}));
    b.flat = at::cat(flat);
  }
  return buckets;
}

void unflatten(std::vector<Bucket>& buckets) {
  at::NoGradGuard no_grad;
  for (Bucket& b : buckets) {
    std::int64_t offset = 0;
    for (at::Tensor& t : b.members) {
      t.copy_(b.flat.narrow(0, offset, t.numel()).view(t.sizes()));
      offset += t.numel();
    }
  }
}

}  // namespace

void Communicator::all_reduce_gradients(const std::vector<at::Tensor>& parameters,
                                        const std::vector<at::Tensor>& sparse_tables) {
  const auto start = Clock::now();
  std::vector<at::Tensor> dense;
  std::vector<c10::intrusive_ptr<c10d::Work>> sparse_works;
  try {
    for (const at::Tensor& p : sparse_tables) {
      at::Tensor& grad = p.mutable_grad();
      if (!grad.defined()) {  // a rank without records in this batch: no rows
        grad = at::sparse_coo_tensor(at::empty({1, 0}, at::kLong), at::empty({0, p.size(1)}, p.options()),
                                     p.sizes());
      }
      std::vector<at::Tensor> io{grad};
      sparse_works.push_back(group_->group->allreduce(io));
    }
    for (const at::Tensor& p : parameters) {
      at::Tensor& grad = p.mutable_grad();
      if (!grad.defined()) grad = at::zeros_like(p);
      dense.push_back(grad);
    }
    std::vector<Bucket> buckets = buckets_of(dense);
    for (Bucket& b : buckets) {
      std::vector<at::Tensor> io{b.flat};
      b.work = group_->group->allreduce(io);
    }
    for (auto& work : sparse_works) work->wait();
    for (Bucket& b : buckets) b.work->wait();
    unflatten(buckets);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    fail(e);
  }
  seconds_ += std::chrono::duration<double>(Clock::now() - start).count();
}

void Communicator::all_reduce(std::vector<at::Tensor> tensors) {
  const auto start = Clock::now();
  try {
    std::vector<Bucket> buckets = buckets_of(tensors);
    for (Bucket& b : buckets) {
      std::vector<at::Tensor> io{b.flat};
      b.work = group_->group->allreduce(io);
    }
    for (Bucket& b : buckets) b.work->wait();
    unflatten(buckets);
  } catch (const std::exception& e) {
    fail(e);
  }
  seconds_ += std::chrono::duration<double>(Clock::now() - start).count();
}

void Communicator::broadcast(const std::vector<at::Tensor>& tensors) {
  if (tensors.empty()) return;
  const auto start = Clock::now();
  try {
    std::vector<Bucket> buckets = buckets_of(tensors);
    for (Bucket& b : buckets) {
      std::vector<at::Tensor> io{b.flat};
      b.work = group_->group->broadcast(io);
    }
    for (Bucket& b : buckets) b.work->wait();
    unflatten(buckets);
  } catch (const std::exception& e) {
    fail(e);
  }
  seconds_ += std::chrono::duration<double>(Clock::now() - start).count();
}

void Communicator::broadcast(std::string& bytes) {
  at::Tensor size = at::full({1}, static_cast<std::int64_t>(bytes.size()), at::kLong);
  broadcast(std::vector<at::Tensor>{size});
  const std::int64_t n = size.item<std::int64_t>();
  if (n == 0) {
    bytes.clear();
    return;
  }
  at::Tensor data = at::empty({n}, at::kByte);
  if (rank() == 0) std::memcpy(data.data_ptr(), bytes.data(), bytes.size());
  broadcast(std::vector<at::Tensor>{data});
  bytes.assign(static_cast<const char*>(data.data_ptr()), static_cast<std::size_t>(n));
}

bool Communicator::broadcast(bool flag) {
  at::Tensor value = at::full({1}, flag ? 1 : 0, at::kInt);
  broadcast(std::vector<at::Tensor>{value});
  return value.item<int>() != 0;
}

}  // namespace sieve::train
