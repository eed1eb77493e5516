#pragma once
// The model a server scores with, swapped atomically on reload: the new model is loaded and self-tested
// beside the old one, then replaces it; requests already holding the old one finish with it.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sieve/runtime/model.h"

namespace sieve::infer {

// A model as served: the runtime model and what a client is told about it.
struct LoadedModel {
  std::unique_ptr<const Model> model;
  std::string path;
  std::string version;  // 16 hex digits of the XXH3 of the file's metadata and tensors: changes with content
  std::chrono::system_clock::time_point loaded_at;
  std::vector<std::string> languages;  // the values of its metrics' "lang" label (drift_metrics.h)
};

// Loads, self-tests and versions one model file. Throws what load_checked_model throws.
std::shared_ptr<const LoadedModel> load_served_model(const std::string& path);

class ModelHolder {
 public:
  // The model to score with; null before the first successful load.
  std::shared_ptr<const LoadedModel> current() const;

  // Loads path beside the current model and swaps it in when it passes its self-test. Throws (and the
  // current model stays) when it does not. Loads are serialized; current() never waits for one.
  std::shared_ptr<const LoadedModel> load(const std::string& path);

 private:
  mutable std::mutex current_mutex_;
  std::shared_ptr<const LoadedModel> current_;
  std::mutex load_mutex_;
};

}  // namespace sieve::infer
