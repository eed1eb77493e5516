#include "trainer_process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "sieve/core/error.h"

namespace sieve::cli {

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

std::vector<char*> trainer_argv(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>("sieve-train"));
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  return argv;
}

int run_trainer_logged(const std::vector<std::string>& args, const std::string& log_path) {
  const std::string trainer = trainer_path();
  const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) throw Error(ErrorKind::kIo, log_path, std::string("cannot write: ") + std::strerror(errno));
  std::vector<char*> argv = trainer_argv(args);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log);
    throw Error(ErrorKind::kIo, trainer, std::string("cannot start: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    ::execv(trainer.c_str(), argv.data());
    std::cerr << "sieve: " << trainer << ": cannot run: " << std::strerror(errno) << "\n";
    ::_exit(1);
  }
  ::close(log);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error(ErrorKind::kIo, trainer, std::string("lost: ") + std::strerror(errno));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace sieve::cli
