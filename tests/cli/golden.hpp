// The golden files of the CLI tests (tests/cli/golden): a run's exit code, stdout and stderr,
// with what changes from run to run replaced, compared with <name>.txt (UPDATE_GOLDEN=1 rewrites
// them). Shared by every CLI test file.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli_runner.hpp"

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

}  // namespace cli_test
