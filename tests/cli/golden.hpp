// The golden files of the CLI tests (tests/cli/golden): a run's exit code, stdout and stderr,
// with what changes from run to run replaced, compared with <name>.txt (UPDATE_GOLDEN=1 rewrites
// them); and the run of paystack-terminal against the embedded simulator that produces them.
// Shared by every CLI test file.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli_runner.hpp"
#include "paystack/sim/server.hpp"

namespace cli_test {

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
      {std::regex(R"re("(created_at_ms|updated_at_ms|at_ms)":\d+)re"), "\"$1\":N"},
  };
  for (const auto& [re, with] : rules) s = std::regex_replace(s, re, with);
  return s;
}

/// Compares a run with tests/cli/golden/<name>.txt (exit code, stdout, stderr).
inline void expect_golden(const std::string& name, const run_result& r, bool with_stderr = true) {
  std::string actual = "exit: " + std::to_string(r.exit_code) + "\n--- stdout\n" + normalise(r.out);
  if (with_stderr) actual += "--- stderr\n" + normalise(r.err);
  const std::string path = std::string(PAYSTACK_GOLDEN_DIR) + "/" + name + ".txt";
  if (std::getenv("UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  EXPECT_EQ(read_file(path), actual)
      << "golden file " << path << " differs (UPDATE_GOLDEN=1 rewrites it)";
}

/// Options of the golden tests' embedded simulator: `key`, seed 7 (the same ids every run),
/// deliveries and payments immediate (delays 0); a test changes what it needs before starting it.
inline paystack::sim::server_options golden_sim_options(const std::string& key) {
  paystack::sim::server_options o;
  o.secret_key = key;
  o.seed = 7;
  o.delivery_delay = std::chrono::milliseconds{0};
  o.auto_pay_delay = std::chrono::milliseconds{0};
  return o;
}

/// Runs paystack-terminal with `args` in an environment of PATH, LANG=C, the secret `key` and
/// PAYSTACK_BASE_URL=`base_url`; expects it to end in time and never to print the key.
inline run_result run_cli(const std::vector<std::string>& args, const std::string& key,
                          const std::string& base_url) {
  const std::vector<std::string> env{"PATH=/usr/bin:/bin", "LANG=C", "PAYSTACK_SECRET_KEY=" + key,
                                     "PAYSTACK_BASE_URL=" + base_url};
  auto r = run(PAYSTACK_TERMINAL_EXE, args, env);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.out.find(key), std::string::npos) << "the secret key was printed";
  EXPECT_EQ(r.err.find(key), std::string::npos) << "the secret key was printed";
  return r;
}

}  // namespace cli_test
