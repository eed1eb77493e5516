#include "network_fixtures.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace sieve::infer::testing {

ModelConfig small_config(Architecture architecture, int hidden, bool multiclass) {
  ModelConfig c;
  c.architecture = architecture;
  c.vocab_size = 50;
  c.table_size = 300;
  c.dim = 24;
  c.hidden = hidden;
  c.max_subwords = 12;
  c.heads = {{"coordinated", 2}};
  if (multiclass) c.heads.push_back({"lang", 3});
  c.cnn.widths = {1, 3, 5};
  c.cnn.filters = 8;
  c.transformer.layers = 2;
  c.transformer.d_model = 16;
  c.transformer.attention_heads = 4;
  c.transformer.ffn_multiplier = 2;
  c.validate();
  return c;
}

TensorSpec& find_spec(std::vector<TensorSpec>& tensors, const std::string& name) {
  for (TensorSpec& t : tensors) {
    if (t.name == name) return t;
  }
  ADD_FAILURE() << "no tensor " << name;
  return tensors.front();
}

std::string temp_path(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("sieve_network_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

}  // namespace sieve::infer::testing
