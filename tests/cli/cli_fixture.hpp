// The fixture of the paystack-terminal end-to-end tests: an embedded simulator, the tool run as
// a child process against it, and golden files (tests/cli/golden; UPDATE_GOLDEN=1 rewrites them).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <paystack/sim/server.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace cli_test {

using namespace std::chrono_literals;

inline constexpr const char* key = "sk_test_cli_golden_5f0c2a9e71";
inline const std::string exe = PAYSTACK_TERMINAL_EXE;
inline const std::string golden_dir = PAYSTACK_GOLDEN_DIR;

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Replaces what changes from run to run: ports, event ids, times, durations, poll counts.
inline std::string normalise(std::string s) {
  static const std::vector<std::pair<std::regex, std::string>> rules{
      {std::regex(R"(127\.0\.0\.1:[0-9]+)"), "127.0.0.1:PORT"},
      {std::regex(R"(\b[0-9a-f]{24}\b)"), "<EVENT_ID>"},
      {std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)"), "<TIME>"},
      {std::regex(R"(\b\d+\.\ds\b)"), "N.Ns"},
      {std::regex(R"(\b\d+\.\d ms\b)"), "N.N ms"},
      {std::regex(R"re("(elapsed_ms|delivery_polls|verify_polls)":\d+)re"), "\"$1\":N"},
      {std::regex(R"(\(poll \d+\))"), "(poll N)"},
  };
  for (const auto& [re, with] : rules) s = std::regex_replace(s, re, with);
  return s;
}

/// Compares a run with tests/cli/golden/<name>.txt (exit code, stdout, stderr).
inline void expect_golden(const std::string& name, const run_result& r, bool with_stderr = true) {
  std::string actual = "exit: " + std::to_string(r.exit_code) + "\n--- stdout\n" + normalise(r.out);
  if (with_stderr) actual += "--- stderr\n" + normalise(r.err);
  const std::string path = golden_dir + "/" + name + ".txt";
  if (std::getenv("UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  EXPECT_EQ(read_file(path), actual)
      << "golden file " << path << " differs (UPDATE_GOLDEN=1 rewrites it)";
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override { start_sim({}); }

  void start_sim(std::function<void(paystack::sim::server_options&)> tweak) {
    if (sim_) sim_->stop();
    paystack::sim::server_options o;
    o.secret_key = key;
    o.seed = 7;
    o.delivery_delay = 100ms;
    o.auto_pay_delay = 300ms;
    if (tweak) tweak(o);
    sim_ = std::make_unique<paystack::sim::server>(o);
    sim_->start();
    terminal_ = sim_->terminal_ids().at(0);
  }

  std::vector<std::string> env(bool with_key = true, bool with_url = true) const {
    std::vector<std::string> e{"PATH=/usr/bin:/bin", "LANG=C"};
    if (with_key) e.push_back(std::string("PAYSTACK_SECRET_KEY=") + key);
    if (with_url) e.push_back("PAYSTACK_BASE_URL=" + sim_->base_url());
    return e;
  }

  run_result cli(const std::vector<std::string>& args) const {
    auto r = cli_test::run(exe, args, env());
    check_no_key(r);
    return r;
  }

  static void check_no_key(const run_result& r) {
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.out.find(key), std::string::npos) << "the secret key was printed";
    EXPECT_EQ(r.err.find(key), std::string::npos) << "the secret key was printed";
  }

  std::unique_ptr<paystack::sim::server> sim_;
  std::string terminal_;
};

}  // namespace cli_test
