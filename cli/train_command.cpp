// sieve train ARGS: runs sieve-train, installed beside sieve, with the same arguments. The trainer lives
// in its own executable because LibTorch and SentencePiece cannot share a process.

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "command.h"
#include "sieve/core/error.h"

namespace sieve::cli {
namespace {

std::string trainer_path() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::filesystem::path trainer =
      (ec ? std::filesystem::path(".") : self.parent_path()) / "sieve-train";
  if (!std::filesystem::exists(trainer)) {
    throw Error(ErrorKind::kConfig, trainer.string(),
                "not found: this sieve was built without training (SIEVE_WITH_TRAINING=OFF)");
  }
  return trainer.string();
}

int run_train(const std::vector<std::string>& args) {
  const std::string trainer = trainer_path();
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>("sieve-train"));
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  ::execv(trainer.c_str(), argv.data());
  throw Error(ErrorKind::kIo, trainer, std::string("cannot run: ") + std::strerror(errno));
}

}  // namespace

std::vector<Command> add_train_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand("train",
                                         "Train a classifier on prepared shards (runs sieve-train; "
                                         "see sieve train --help)");
  command->prefix_command();  // every argument goes to sieve-train, --help included
  command->set_help_flag();
  return {{command, [command] { return run_train(command->remaining()); }}};
}

}  // namespace sieve::cli
