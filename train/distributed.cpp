#include "sieve/train/distributed.h"

#include <cstdlib>
#include <string>

#include "sieve/core/error.h"

namespace sieve::train {
namespace {

// The integer in variable name, or fallback when it is unset.
int integer_variable(const char* name, int fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < 0 || value > 1000000) {
    throw Error(ErrorKind::kConfig, name, std::string("must be a non-negative integer, got '") + text + "'");
  }
  return static_cast<int>(value);
}

void require(bool ok, const char* variable, const std::string& message) {
  if (!ok) throw Error(ErrorKind::kConfig, variable, message);
}

}  // namespace

void DistributedOptions::validate() const {
  require(world_size >= 1, "WORLD_SIZE", "must be at least 1");
  require(rank >= 0 && rank < world_size, "RANK",
          "must be in [0, WORLD_SIZE = " + std::to_string(world_size) + "), got " + std::to_string(rank));
  require(local_world_size >= 1, "LOCAL_WORLD_SIZE", "must be at least 1");
  require(local_rank >= 0 && local_rank < local_world_size, "LOCAL_RANK",
          "must be in [0, LOCAL_WORLD_SIZE), got " + std::to_string(local_rank));
  require(master_port > 0 && master_port < 65536, "MASTER_PORT", "must be a TCP port (1-65535)");
  require(!master_addr.empty(), "MASTER_ADDR", "must name rank 0's host");
  require(timeout_seconds > 0, "--dist-timeout", "must be positive");
}

DistributedOptions distributed_from_environment() {
  DistributedOptions options;
  options.world_size = integer_variable("WORLD_SIZE", 1);
  if (options.world_size <= 1) return options;
  options.rank = integer_variable("RANK", -1);
  require(options.rank >= 0, "RANK", "must be set when WORLD_SIZE is");
  options.local_rank = integer_variable("LOCAL_RANK", 0);
  // Without LOCAL_WORLD_SIZE, one rank per host: it may use every core.
  options.local_world_size = integer_variable("LOCAL_WORLD_SIZE", 1);
  if (const char* addr = std::getenv("MASTER_ADDR"); addr != nullptr && *addr != '\0') {
    options.master_addr = addr;
  }
  options.master_port = integer_variable("MASTER_PORT", options.master_port);
  options.validate();
  return options;
}

}  // namespace sieve::train
