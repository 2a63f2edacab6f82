// run_with_sim PROGRAM [ARGS...]: starts an embedded simulator, points PAYSTACK_BASE_URL and
// PAYSTACK_SECRET_KEY at it, runs PROGRAM and returns its exit status. Used to run the
// examples in CI the way a user runs them against `paystack-terminal sim`.
#include <spawn.h>
#include <sys/wait.h>

#include <cstdlib>
#include <iostream>
#include <paystack/sim/server.hpp>

extern char** environ;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: run_with_sim PROGRAM [ARGS...]\n";
    return 2;
  }
  paystack::sim::server_options o;
  o.secret_key = "sk_test_examples";
  o.delivery_delay = std::chrono::milliseconds{100};
  o.auto_pay_delay = std::chrono::milliseconds{300};
  paystack::sim::server sim(o);
  sim.start();
  ::setenv("PAYSTACK_BASE_URL", sim.base_url().c_str(), 1);
  ::setenv("PAYSTACK_SECRET_KEY", o.secret_key.c_str(), 1);
  pid_t pid = 0;
  if (::posix_spawn(&pid, argv[1], nullptr, nullptr, argv + 1, environ) != 0) {
    std::cerr << "run_with_sim: cannot start " << argv[1] << '\n';
    return 2;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  sim.stop();
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
