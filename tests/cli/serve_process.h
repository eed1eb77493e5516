#pragma once
// `sieve serve` run as a child process on a free loopback port, for end-to-end tests of the server.

#include <sys/types.h>

#include <string>

namespace sieve::testing {

class ServeProcess {
 public:
  // Starts `sieve serve <args> --port 0` (in workdir when given) and waits until it prints the port it
  // listens on. ok() is false (and error() says why, with its standard error) when it exits first.
  explicit ServeProcess(const std::string& args, const std::string& workdir = "");
  ~ServeProcess();  // kills the server if it still runs
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  bool ok() const { return port_ > 0; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }

  void signal(int number) const;
  // Waits for the process to end; its exit code, -1 when a signal ended it, -2 when it had to be killed
  // after a minute.
  int wait_exit();
  std::string standard_error() const;

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  int exit_code_ = -1;
  bool exited_ = false;
  std::string error_;
};

}  // namespace sieve::testing
