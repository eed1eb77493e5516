#include "signal_watcher.h"

#include <pthread.h>
#include <signal.h>

#include <ctime>

namespace sieve::infer {
namespace {

sigset_t server_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void SignalWatcher::block_signals() {
  const sigset_t set = server_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

SignalWatcher::SignalWatcher(std::function<void()> on_stop, std::function<void()> on_reload)
    : on_stop_(std::move(on_stop)), on_reload_(std::move(on_reload)), thread_([this] { watch(); }) {}

SignalWatcher::~SignalWatcher() {
  quit_ = true;
  thread_.join();
}

void SignalWatcher::watch() {
  const sigset_t set = server_signals();
  // A short timeout instead of a wake-up signal: the destructor only has to set quit_.
  const timespec poll{0, 100 * 1000 * 1000};
  while (!quit_) {
    const int signal = sigtimedwait(&set, nullptr, &poll);
    if (signal == SIGTERM || signal == SIGINT) {
      on_stop_();
    } else if (signal == SIGHUP) {
      on_reload_();
    }
  }
}

}  // namespace sieve::infer
