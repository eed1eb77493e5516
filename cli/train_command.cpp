// sieve train ARGS: runs sieve-train, installed beside sieve, with the same arguments. The trainer lives
// in its own executable because LibTorch and SentencePiece cannot share a process.
// sieve train --nproc N ARGS: runs N sieve-train processes as the ranks of one data-parallel run on this
// host, with torchrun's environment (docs/distributed.md).

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>

#include "command.h"
#include "sieve/core/error.h"
#include "sieve/core/free_port.h"
#include "trainer_process.h"

namespace sieve::cli {
namespace {

// Takes --nproc N (or --nproc=N) out of args; 0 when absent.
int take_nproc(std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string value;
    std::size_t taken = 0;
    if (args[i] == "--nproc") {
      if (i + 1 >= args.size()) throw Error(ErrorKind::kConfig, "--nproc", "needs a number of ranks");
      value = args[i + 1];
      taken = 2;
    } else if (args[i].rfind("--nproc=", 0) == 0) {
      value = args[i].substr(8);
      taken = 1;
    } else {
      continue;
    }
    char* end = nullptr;
    const long n = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || n < 1 || n > 256) {
      throw Error(ErrorKind::kConfig, "--nproc", "must be a whole number from 1 to 256, got '" + value + "'");
    }
    args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
               args.begin() + static_cast<std::ptrdiff_t>(i + taken));
    return static_cast<int>(n);
  }
  return 0;
}

// One local rank: its process and, for ranks above 0, the pipe of its output (printed with a prefix).
struct LocalRank {
  pid_t pid = -1;
  int output = -1;
  std::string partial;  // the unfinished last line
  bool running = true;
  int status = 0;
};

LocalRank spawn_rank(const std::string& trainer, const std::vector<std::string>& args, int rank, int nproc,
                     int port) {
  int fds[2] = {-1, -1};
  if (rank > 0 && ::pipe2(fds, O_CLOEXEC) != 0) throw Error(ErrorKind::kIo, "pipe", std::strerror(errno));
  LocalRank r;
  r.pid = ::fork();
  if (r.pid < 0) throw Error(ErrorKind::kIo, trainer, std::string("cannot start: ") + std::strerror(errno));
  if (r.pid == 0) {
    if (rank > 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::dup2(fds[1], STDERR_FILENO);
    }
    const std::string n = std::to_string(nproc), me = std::to_string(rank), p = std::to_string(port);
    ::setenv("RANK", me.c_str(), 1);
    ::setenv("LOCAL_RANK", me.c_str(), 1);
    ::setenv("WORLD_SIZE", n.c_str(), 1);
    ::setenv("LOCAL_WORLD_SIZE", n.c_str(), 1);
    ::setenv("MASTER_ADDR", "127.0.0.1", 1);
    ::setenv("MASTER_PORT", p.c_str(), 1);
    std::vector<char*> argv = trainer_argv(args);
    ::execv(trainer.c_str(), argv.data());
    std::cerr << "sieve: " << trainer << ": cannot run: " << std::strerror(errno) << "\n";
    ::_exit(1);
  }
  if (rank > 0) {
    ::close(fds[1]);
    r.output = fds[0];
  }
  return r;
}

// Copies what a rank wrote, line by line, to stderr as "[rank r] line".
void forward_output(LocalRank& r, int rank, bool drain) {
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(r.output, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (!r.partial.empty()) std::cerr << "[rank " << rank << "] " << r.partial << "\n";
      r.partial.clear();
      ::close(r.output);
      r.output = -1;
      return;
    }
    r.partial.append(buffer, static_cast<std::size_t>(n));
    for (std::size_t end; (end = r.partial.find('\n')) != std::string::npos;) {
      std::cerr << "[rank " << rank << "] " << r.partial.substr(0, end + 1);
      r.partial.erase(0, end + 1);
    }
    if (!drain) return;
  }
}

std::string describe(int status) {
  if (WIFSIGNALED(status)) {
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) +
           ")";
  }
  return "ended with exit code " + std::to_string(WEXITSTATUS(status));
}

bool failed(int status) { return !WIFEXITED(status) || WEXITSTATUS(status) != 0; }

// Runs nproc ranks, forwards their output, waits for all. When one fails, the others are stopped
// (SIGTERM, then SIGKILL after 10 s) and the exit code is the failed rank's (1 for a signal).
int run_local_ranks(const std::string& trainer, const std::vector<std::string>& args, int nproc) {
  const int port = free_port();
  std::vector<LocalRank> ranks;
  for (int r = 0; r < nproc; ++r) ranks.push_back(spawn_rank(trainer, args, r, nproc, port));
  int first_failure = -1;
  std::chrono::steady_clock::time_point kill_at{};
  for (int running = nproc; running > 0 || std::any_of(ranks.begin(), ranks.end(),
                                                       [](const LocalRank& r) { return r.output >= 0; });) {
    std::vector<pollfd> fds;
    std::vector<int> owners;
    for (int r = 0; r < nproc; ++r) {
      if (ranks[r].output < 0) continue;
      fds.push_back({ranks[r].output, POLLIN, 0});
      owners.push_back(r);
    }
    if (::poll(fds.data(), fds.size(), 100) > 0) {
      for (std::size_t i = 0; i < fds.size(); ++i) {
        if (fds[i].revents != 0) forward_output(ranks[owners[i]], owners[i], false);
      }
    }
    // Of ranks that end together, the one killed by a signal is the cause; the others lost it.
    std::vector<int> failures;
    for (int r = 0; r < nproc; ++r) {
      LocalRank& rank = ranks[r];
      if (!rank.running || ::waitpid(rank.pid, &rank.status, WNOHANG) != rank.pid) continue;
      rank.running = false;
      --running;
      if (failed(rank.status)) failures.push_back(r);
    }
    if (first_failure < 0 && !failures.empty()) {
      first_failure = failures.front();
      for (int r : failures) {
        if (WIFSIGNALED(ranks[r].status)) {
          first_failure = r;
          break;
        }
      }
      for (LocalRank& other : ranks) {
        if (other.running) ::kill(other.pid, SIGTERM);
      }
      kill_at = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    }
    if (first_failure >= 0 && running > 0 && std::chrono::steady_clock::now() > kill_at) {
      for (LocalRank& other : ranks) {
        if (other.running) ::kill(other.pid, SIGKILL);
      }
    }
  }
  if (first_failure < 0) return 0;
  const int status = ranks[first_failure].status;
  std::cerr << "sieve: train: rank " << first_failure << " of " << nproc << " " << describe(status)
            << "; stopped the other ranks\n";
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int run_train(std::vector<std::string> args) {
  const std::string trainer = trainer_path();
  const int nproc = take_nproc(args);
  if (nproc > 1) return run_local_ranks(trainer, args, nproc);
  std::vector<char*> argv = trainer_argv(args);
  ::execv(trainer.c_str(), argv.data());
  throw Error(ErrorKind::kIo, trainer, std::string("cannot run: ") + std::strerror(errno));
}

}  // namespace

std::vector<Command> add_train_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand("train",
                                         "Train a classifier on prepared shards (runs sieve-train; "
                                         "--nproc N runs N data-parallel ranks; see sieve train --help)");
  command->prefix_command();  // every argument goes to sieve-train, --help included
  command->set_help_flag();
  return {{command, [command] { return run_train(command->remaining()); }}};
}

}  // namespace sieve::cli
