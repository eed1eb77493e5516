// LibTorch's thread count is set explicitly for every model test: one thread makes results bit-for-bit
// reproducible and leaves the other cores to whoever shares the machine.

#include <ATen/Parallel.h>
#include <gtest/gtest.h>

namespace {

class OneTorchThread : public ::testing::Environment {
 public:
  void SetUp() override {
    at::set_num_threads(1);
    at::set_num_interop_threads(1);
  }
};

const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new OneTorchThread);

}  // namespace
