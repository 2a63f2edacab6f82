// Runs paystack-terminal as a child process with pipes for stdout and stderr, a chosen
// environment and a deadline (the child is killed when it passes). Used by the CLI tests.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace cli_test {

struct run_result {
  int exit_code = -1;  ///< exit status, 128+signal when killed
  std::string out;     ///< stdout
  std::string err;     ///< stderr
  bool timed_out = false;
};

/// A running child. Its output is collected as it comes.
class child {
 public:
  /// Starts `exe` with `args` and exactly `env` ("NAME=value") as its environment.
  child(const std::string& exe, const std::vector<std::string>& args,
        const std::vector<std::string>& env);
  ~child();  ///< kills and reaps the child if still running
  child(const child&) = delete;
  child& operator=(const child&) = delete;

  /// Reads output until stderr contains `text` or the timeout passes; returns whether it did.
  bool wait_for_stderr(const std::string& text, std::chrono::milliseconds timeout);
  /// Sends a signal.
  void signal(int sig);
  /// Reads until both pipes close and the child exits (killed at the timeout).
  run_result finish(std::chrono::milliseconds timeout);

  const std::string& err() const noexcept { return err_; }

 private:
  /// One poll round; false when both pipes are closed.
  bool pump(std::chrono::milliseconds wait);
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_, err_;
};

/// Runs to completion (30 s at most).
run_result run(const std::string& exe, const std::vector<std::string>& args,
               const std::vector<std::string>& env);

}  // namespace cli_test
