#include "sieve/serve/model_holder.h"

#include <cstdio>

#include "sieve/core/hash.h"
#include "sieve/runtime/checked_model.h"
#include "sieve/serve/drift_metrics.h"

namespace sieve::infer {
namespace {

std::string content_version(const ModelFile& file) {
  Hasher64 hasher;
  for (const auto& [key, value] : file.metadata()) {
    hasher.update(key.data(), key.size());
    hasher.update(value.data(), value.size());
  }
  for (const Tensor& tensor : file.tensors()) {
    hasher.update(tensor.name.data(), tensor.name.size());
    hasher.update(tensor.data, tensor.bytes);
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hasher.digest()));
  return text;
}

}  // namespace

std::shared_ptr<const LoadedModel> load_served_model(const std::string& path) {
  auto loaded = std::make_shared<LoadedModel>();
  loaded->model = load_checked_model(path);
  loaded->path = path;
  loaded->version = content_version(loaded->model->file());
  loaded->loaded_at = std::chrono::system_clock::now();
  loaded->languages = metric_languages(*loaded->model);
  return loaded;
}

std::shared_ptr<const LoadedModel> ModelHolder::current() const {
  std::lock_guard<std::mutex> lock(current_mutex_);
  return current_;
}

std::shared_ptr<const LoadedModel> ModelHolder::load(const std::string& path) {
  std::lock_guard<std::mutex> serial(load_mutex_);
  std::shared_ptr<const LoadedModel> loaded = load_served_model(path);
  std::lock_guard<std::mutex> lock(current_mutex_);
  current_ = loaded;
  return loaded;
}

}  // namespace sieve::infer
