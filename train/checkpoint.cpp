#include "checkpoint.h"

#include <ATen/CPUGeneratorImpl.h>

#include <filesystem>
#include <mutex>

#include "sieve/core/error.h"

namespace sieve::train {

namespace {

torch::Tensor text_tensor(const std::string& text) {
  return torch::from_blob(const_cast<char*>(text.data()), {static_cast<std::int64_t>(text.size())},
                          torch::kUInt8)
      .clone();
}

}  // namespace

void save_checkpoint(const std::string& path, models::Classifier& model, Optimizers& optimizer,
                     const Position& at, const std::string& config_toml) {
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive model_archive, optimizer_archive;
  model->save(model_archive);
  optimizer.save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("position", torch::tensor({at.step, at.epoch, at.offset, at.evaluations_without_gain}));
  archive.write("best_score", torch::tensor({at.best_score}, torch::kFloat64));
  {
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    archive.write("rng", generator.get_state());
  }
  archive.write("config", text_tensor(config_toml));
  const std::string partial = path + ".partial";
  archive.save_to(partial);
  std::filesystem::rename(partial, path);
}

Position load_checkpoint(const std::string& path, models::Classifier& model, Optimizers& optimizer,
                         const std::string* bytes) {
  if (!bytes && !std::filesystem::exists(path))
    throw Error(ErrorKind::kIo, path, "no checkpoint to resume from");
  torch::serialize::InputArchive archive, model_archive, optimizer_archive;
  try {
    if (bytes) {
      archive.load_from(bytes->data(), bytes->size());
    } else {
      archive.load_from(path);
    }
    archive.read("model", model_archive);
    archive.read("optimizer", optimizer_archive);
    model->load(model_archive);
    optimizer.load(optimizer_archive);
    torch::Tensor position, best, rng;
    archive.read("position", position);
    archive.read("best_score", best);
    archive.read("rng", rng);
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(rng);
    const auto p = position.accessor<std::int64_t, 1>();
    return {p[0], p[1], p[2], p[3], best.item<double>()};
  } catch (const c10::Error& e) {
    throw Error(ErrorKind::kFormat, path,
                std::string("not a checkpoint of this model: ") + e.what_without_backtrace());
  }
}

}  // namespace sieve::train
