// `paystack-terminal serve` as a process (issue 24): its flags are parsed strictly (a bad
// --listen, an out-of-range number or duration, an unknown flag, a missing token file: exit 2,
// nothing created, nothing sent), its API token comes from --token-file before
// PAYSTACK_SERVE_TOKEN and must have 16 characters, a port already taken exits 3, SIGTERM
// drains and exits 0, and no secret (the token, the secret key) ever reaches its output.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <filesystem>
#include <fstream>
#include <paystack/sim/server.hpp>
#include <regex>

#include "cli_runner.hpp"
#include "raw_http.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr const char* key = "sk_test_serve_cli_8d41c7e2a0";
constexpr const char* env_token = "env-token-6a1f0c93d2b84e57";
constexpr const char* file_token = "file-token-0c7d2e91b3a54f68";
const std::string exe = PAYSTACK_TERMINAL_EXE;

class ServeCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("paystack-serve-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (sim_) sim_->stop();
    fs::remove_all(dir_);
  }

  /// The environment: the key, a base URL (the simulator, or a closed port where anything sent
  /// would fail), and PAYSTACK_SERVE_TOKEN when `token` is set.
  std::vector<std::string> env(std::optional<std::string> token = std::string(env_token)) const {
    std::vector<std::string> e{
        "PATH=/usr/bin:/bin", "LANG=C", std::string("PAYSTACK_SECRET_KEY=") + key,
        "PAYSTACK_BASE_URL=" + (sim_ ? sim_->base_url() : std::string("http://127.0.0.1:1"))};
    if (token) e.push_back("PAYSTACK_SERVE_TOKEN=" + *token);
    return e;
  }

  void start_sim() {
    paystack::sim::server_options o;
    o.secret_key = key;
    sim_ = std::make_unique<paystack::sim::server>(o);
    sim_->start();
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::string write_file(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
    return path(name);
  }

  /// Neither token nor the secret key in `text`.
  static void expect_no_secret(const std::string& text) {
    for (const char* s : {key, env_token, file_token})
      EXPECT_EQ(text.find(s), std::string::npos) << "a secret was printed: " << text;
  }

  /// `serve` started on a free port: waits for its whole "serving charges on URL (store ...)"
  /// line; the port.
  std::uint16_t serving(cli_test::child& c) {
    EXPECT_TRUE(c.wait_for_stderr(" (store ", 30s)) << c.err();
    std::smatch m;
    const std::string err = c.err();
    if (!std::regex_search(err, m, std::regex(R"(serving charges on http://127\.0\.0\.1:(\d+))")))
      return 0;
    return static_cast<std::uint16_t>(std::stoi(m[1]));
  }

  /// GET `target` with `bearer` (none when empty): the status.
  static int get(std::uint16_t port, const std::string& target, const std::string& bearer) {
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!bearer.empty()) req += "Authorization: Bearer " + bearer + "\r\n";
    return paystack::test::raw_http(port, req + "Connection: close\r\n\r\n").status;
  }

  /// SIGTERM, then the whole run: it must drain and exit 0, printing no secret.
  void drain(cli_test::child& c) {
    c.signal(SIGTERM);
    auto r = c.finish(30s);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("draining"), std::string::npos) << r.err;
    expect_no_secret(r.out);
    expect_no_secret(r.err);
  }

  fs::path dir_;
  std::unique_ptr<paystack::sim::server> sim_;
};

}  // namespace

TEST_F(ServeCli, bad_flags_exit_2_before_anything_is_created_or_sent) {
  const auto db = path("charges.db");
  const std::string huge = "99999999999999999999";
  const std::vector<std::vector<std::string>> cases{
      {"--listen", "localhost"},
      {"--listen", "127.0.0.1"},
      {"--listen", "127.0.0.1:"},
      {"--listen", "127.0.0.1:70000"},
      {"--listen", "127.0.0.1:-1"},
      {"--listen", "127.0.0.1:" + huge},
      {"--listen", "pos.example:8080"},
      {"--listen", ":8080"},
      {"--webhook-listen", "0.0.0.0"},
      {"--drain-timeout", "2h"},
      {"--drain-timeout", "soon"},
      {"--drain-timeout", "-1s"},
      {"--housekeeping-interval", "86401"},
      {"--housekeeping-interval", huge},
      {"--max-in-flight", "0"},
      {"--max-in-flight", "-5"},
      {"--lease-ttl", "0"},
      {"--lease-ttl", "601"},
      {"--token-file", path("no-such-token")},
      {"--frobnicate"},
  };
  for (const auto& extra : cases) {
    std::vector<std::string> args{"serve", "--store", db};
    args.insert(args.end(), extra.begin(), extra.end());
    SCOPED_TRACE(extra.front() + " " + extra.back());
    auto r = cli_test::run(exe, args, env());
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_FALSE(r.err.empty()) << "no message";
    EXPECT_EQ(r.err.find("serving charges"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(db)) << "the store was created";
    expect_no_secret(r.out + r.err);
  }
  auto no_store = cli_test::run(exe, {"serve"}, env());
  EXPECT_EQ(no_store.exit_code, 2) << no_store.err;
  EXPECT_NE(no_store.err.find("--store"), std::string::npos) << no_store.err;
}

TEST_F(ServeCli, a_missing_or_short_token_exits_2_and_is_not_printed) {
  const auto db = path("charges.db");
  const auto short_file = write_file("short", "tooshort\n");
  const std::vector<std::pair<std::vector<std::string>, std::optional<std::string>>> cases{
      {{}, std::nullopt},                            // neither the variable nor a file
      {{}, std::string("tooshort")},                 // 8 characters
      {{}, std::string()},                           // set, empty
      {{"--token-file", short_file}, env_token},     // the file wins, and it is short
      {{"--token-file", dir_.string()}, env_token},  // not a file
  };
  for (const auto& [extra, token] : cases) {
    std::vector<std::string> args{"serve", "--listen", "127.0.0.1:0", "--store", db};
    args.insert(args.end(), extra.begin(), extra.end());
    SCOPED_TRACE((extra.empty() ? std::string("env") : extra.back()) + " / " +
                 token.value_or("(unset)"));
    auto r = cli_test::run(exe, args, env(token));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err.find("serving charges"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(db)) << "the store was created";
    EXPECT_EQ(r.err.find("tooshort"), std::string::npos) << "the token was printed: " << r.err;
    expect_no_secret(r.out + r.err);
  }
  auto none = cli_test::run(exe, {"serve", "--store", db}, env(std::nullopt));
  EXPECT_NE(none.err.find("PAYSTACK_SERVE_TOKEN"), std::string::npos) << none.err;
  EXPECT_NE(none.err.find("16 characters"), std::string::npos) << none.err;
}

TEST_F(ServeCli, the_token_comes_from_the_environment) {
  start_sim();
  cli_test::child c(exe, {"serve", "--listen", "127.0.0.1:0", "--store", path("charges.db")},
                    env());
  const auto port = serving(c);
  ASSERT_NE(port, 0) << c.err();
  EXPECT_EQ(get(port, "/v1/charges", env_token), 200);
  EXPECT_EQ(get(port, "/v1/charges", file_token), 401);
  EXPECT_EQ(get(port, "/v1/charges", ""), 401);
  EXPECT_EQ(get(port, "/healthz", ""), 200);
  drain(c);
}

TEST_F(ServeCli, the_token_file_wins_over_the_environment) {
  start_sim();
  const auto file = write_file("token", std::string(file_token) + "\r\n");
  cli_test::child c(
      exe,
      {"serve", "--listen", "127.0.0.1:0", "--store", path("charges.db"), "--token-file", file},
      env());
  const auto port = serving(c);
  ASSERT_NE(port, 0) << c.err();
  EXPECT_EQ(get(port, "/v1/charges", file_token), 200);
  EXPECT_EQ(get(port, "/v1/charges", env_token), 401) << "the variable's token must not work";
  drain(c);
}

TEST_F(ServeCli, a_listen_port_already_taken_exits_3) {
  start_sim();
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor taken(
      io, {boost::asio::ip::make_address("127.0.0.1"), 0});  // listening: the port is in use
  const auto port = taken.local_endpoint().port();
  auto r = cli_test::run(
      exe,
      {"serve", "--listen", "127.0.0.1:" + std::to_string(port), "--store", path("charges.db")},
      env());
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("cannot serve on 127.0.0.1:" + std::to_string(port)), std::string::npos)
      << r.err;
  expect_no_secret(r.out + r.err);
}
