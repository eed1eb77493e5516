#include "serve_process.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "run_sieve.h"

extern char** environ;

namespace sieve::testing {
namespace {

std::atomic<int> started{0};

}  // namespace

ServeProcess::ServeProcess(const std::string& args, const std::string& workdir) {
  dir_ = scratch_dir("serve_" + std::to_string(getpid()) + "_" + std::to_string(started++));
  const std::string command = (workdir.empty() ? "" : "cd '" + workdir + "' && ") + "exec " +
                              std::string(SIEVE_BINARY) + " serve " + args + " --port 0 > " + dir_ +
                              "/out 2> " + dir_ + "/err";
  std::vector<char*> argv = {const_cast<char*>("/bin/sh"), const_cast<char*>("-c"),
                             const_cast<char*>(command.c_str()), nullptr};
  if (posix_spawn(&pid_, "/bin/sh", nullptr, nullptr, argv.data(), environ) != 0) {
    error_ = "cannot start " + command;
    pid_ = -1;
    return;
  }
  // Loading and self-testing the model takes a moment; the port line comes after it.
  const std::string marker = "listening on ";
  for (int attempt = 0; attempt < 1200; ++attempt) {
    const std::string out = file_text(dir_ + "/out");
    const std::size_t at = out.find(marker);
    const std::size_t colon = at == std::string::npos ? at : out.find(':', at);
    if (colon != std::string::npos && out.find('\n', colon) != std::string::npos) {
      port_ = std::stoi(out.substr(colon + 1));
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      error_ = "sieve serve exited with " + std::to_string(exit_code_) + ": " + standard_error();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  error_ = "sieve serve printed no port: " + standard_error();
}

ServeProcess::~ServeProcess() {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void ServeProcess::signal(int number) const {
  if (pid_ > 0 && !exited_) kill(pid_, number);
}

int ServeProcess::wait_exit() {
  // A server that does not stop within a minute is killed: the test then fails on the exit code.
  for (int attempt = 0; pid_ > 0 && !exited_ && attempt < 600; ++attempt) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      return exit_code_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    exited_ = true;
    exit_code_ = -2;
  }
  return exit_code_;
}

std::string ServeProcess::standard_error() const { return file_text(dir_ + "/err"); }

}  // namespace sieve::testing
