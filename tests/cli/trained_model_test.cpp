// The model the slow front-end tests share: ctest runs this case first (the fixture setup of the others),
// so that they find it in the test cache.

#include <gtest/gtest.h>

#include <filesystem>

#include "trained_model.h"

namespace sieve::testing {
namespace {

class SharedModel : public WithTrainedModel {};

TEST_F(SharedModel, IsTrainedOnceAndKeptInTheTestCache) {
  EXPECT_TRUE(std::filesystem::is_regular_file(model_)) << model_;
  EXPECT_GT(std::filesystem::file_size(model_), 100'000u);
  EXPECT_EQ(&trained_model(), &trained_model());
  EXPECT_NE(model_dir_.find("test-cache"), std::string::npos) << model_dir_;
}

}  // namespace
}  // namespace sieve::testing
