#include "cli_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace cli_test {

child::child(const std::string& exe, const std::vector<std::string>& args,
             const std::vector<std::string>& env) {
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe");
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> argv_s{exe};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv, envp;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s = env;
  // ThreadSanitizer's settings reach the child as they reach the test (the preset's
  // suppressions: tests/tsan.supp lists a false positive of Asio's that the child meets too),
  // unless the test sets them itself.
  for (const char* name : {"TSAN_OPTIONS"}) {
    const char* value = std::getenv(name);
    const std::string prefix = std::string(name) + "=";
    bool given = false;
    for (const auto& e : env_s) given = given || e.rfind(prefix, 0) == 0;
    if (value && !given) env_s.push_back(prefix + value);
  }
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  const int rc = ::posix_spawn(&pid_, exe.c_str(), &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);
  ::close(err[1]);
  out_fd_ = out[0];
  err_fd_ = err[0];
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot start " + exe);
  }
}

child::~child() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (out_fd_ >= 0) ::close(out_fd_);
  if (err_fd_ >= 0) ::close(err_fd_);
}

bool child::pump(std::chrono::milliseconds wait) {
  pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  if (out_fd_ < 0 && err_fd_ < 0) return false;
  const int n = ::poll(fds, 2, static_cast<int>(wait.count()));
  if (n <= 0) return true;
  char buf[4096];
  int* fd_of[2] = {&out_fd_, &err_fd_};
  std::string* sink[2] = {&out_, &err_};
  for (int i = 0; i < 2; ++i) {
    if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
    if (got > 0) {
      sink[i]->append(buf, static_cast<std::size_t>(got));
    } else {
      ::close(*fd_of[i]);
      *fd_of[i] = -1;
    }
  }
  return out_fd_ >= 0 || err_fd_ >= 0;
}

bool child::wait_for_stderr(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (err_.find(text) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !pump(std::min(left, std::chrono::milliseconds{100}))) {
      return err_.find(text) != std::string::npos;
    }
  }
  return true;
}

void child::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

run_result child::finish(std::chrono::milliseconds timeout) {
  run_result r;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline && pump(std::chrono::milliseconds{100})) {
  }
  int status = 0;
  if (out_fd_ >= 0 || err_fd_ >= 0) {  // still writing at the deadline: a hang
    r.timed_out = true;
    ::kill(pid_, SIGKILL);
  }
  ::waitpid(pid_, &status, 0);  // both pipes closed: the child is exiting
  pid_ = -1;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = std::move(out_);
  r.err = std::move(err_);
  return r;
}

run_result run(const std::string& exe, const std::vector<std::string>& args,
               const std::vector<std::string>& env) {
  child c(exe, args, env);
  return c.finish(std::chrono::seconds(30));
}

}  // namespace cli_test
