// The paystack-sim executable (flags, output, graceful SIGTERM) and curl as a plain client.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>

#include "paystack/sim/server.hpp"
#include "sim_test_support.hpp"

using namespace std::chrono_literals;

namespace {

std::string run_capture(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

bool have_curl() {
  return std::filesystem::exists("/usr/bin/curl");
}

TEST(Curl, plain_http_client_sees_the_same_api) {
  if (!have_curl()) GTEST_SKIP() << "curl not installed";
  paystack::sim::server_options o;
  o.secret_key = "sk_test_curl_1";
  o.delivery_delay = std::chrono::milliseconds{0};
  o.auto_pay_delay.reset();
  paystack::sim::server sim(o);
  sim.start();
  auto base = sim.base_url();
  auto auth = std::string(" -H 'Authorization: Bearer sk_test_curl_1' ");
  auto list = run_capture("curl -s -i --max-time 10" + auth + base + "/terminal");
  EXPECT_EQ(list.rfind("HTTP/1.1 200 OK", 0), 0u) << list;
  EXPECT_NE(list.find("\"message\":\"Terminals retrieved successfully\""), std::string::npos);

  auto created = run_capture("curl -s --max-time 10" + auth + base +
                             "/paymentrequest -d '{\"customer\":\"CUS_curl\",\"amount\":5000}'");
  auto pr = boost::json::parse(created);
  ASSERT_EQ(pr.at("status"), true) << created;
  auto terminal = sim.terminal_ids().at(0);
  auto event =
      run_capture("curl -s --max-time 10" + auth + "-H 'Content-Type: application/json' " + base +
                  "/terminal/" + terminal +
                  "/event -d '{\"type\":\"invoice\",\"action\":\"process\",\"data\":{\"id\":" +
                  std::to_string(pr.at("data").at("id").as_int64()) + ",\"reference\":" +
                  std::string(pr.at("data").at("offline_reference").as_string()) + "}}'");
  auto ev = boost::json::parse(event);
  ASSERT_EQ(ev.at("message"), "Event sent to Terminal") << event;
  auto status = run_capture("curl -s --max-time 10" + auth + base + "/terminal/" + terminal +
                            "/event/" + std::string(ev.at("data").at("id").as_string()));
  EXPECT_EQ(boost::json::parse(status).at("data").at("delivered"), true) << status;

  auto unauth =
      run_capture("curl -s -o /dev/null -w '%{http_code}' --max-time 10 " + base + "/terminal");
  EXPECT_EQ(unauth, "401");
  auto faulted = run_capture(
      "curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H 'x-sim-fault: html502' " + base +
      "/terminal");
  EXPECT_EQ(faulted, "502");
}

TEST(Executable, serves_and_stops_on_sigterm) {
  int out_pipe[2];
  ASSERT_EQ(pipe(out_pipe), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    close(out_pipe[0]);
    close(out_pipe[1]);
    execl(PAYSTACK_SIM_EXE, PAYSTACK_SIM_EXE, "--port", "0", "--secret-key", "sk_test_exe_secret",
          "--seed", "5", "--terminals", "2", "--devices", "1", "--delivery-delay", "manual",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out_pipe[1]);
  // Read until the banner names the URL and the seeded devices (bounded by the pipe closing).
  std::string out;
  std::array<char, 1024> buf{};
  FILE* f = fdopen(out_pipe[0], "r");
  ASSERT_NE(f, nullptr);
  while (out.find("waiting to be commissioned") == std::string::npos &&
         fgets(buf.data(), static_cast<int>(buf.size()), f) != nullptr) {
    out += buf.data();
  }
  auto at = out.find("http://127.0.0.1:");
  ASSERT_NE(at, std::string::npos) << out;
  auto port = static_cast<std::uint16_t>(std::stoi(out.substr(at + 17)));
  EXPECT_EQ(out.find("sk_test_exe_secret"), std::string::npos);  // never printed

  simtest::http_client c(port, "sk_test_exe_secret");
  auto list = c.get("/terminal").json();
  EXPECT_EQ(list.at("data").as_array().size(), 2u);

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  while (fgets(buf.data(), static_cast<int>(buf.size()), f) != nullptr) out += buf.data();
  fclose(f);
  EXPECT_NE(out.find("stopped"), std::string::npos) << out;
}

TEST(Options, delay_values_are_milliseconds_up_to_an_hour_or_manual) {
  std::optional<std::chrono::milliseconds> d = 5ms;
  EXPECT_TRUE(paystack::sim::parse_delay_option("0", d));
  EXPECT_EQ(d, 0ms);
  EXPECT_TRUE(paystack::sim::parse_delay_option("3600000", d));
  EXPECT_EQ(d, paystack::sim::max_option_delay);
  EXPECT_TRUE(paystack::sim::parse_delay_option("manual", d));
  EXPECT_EQ(d, std::nullopt);
  d = 7ms;
  for (const char* bad : {"3600001", "-1", "", "10ms", " 5", "9223372036854775808", "Manual"}) {
    EXPECT_FALSE(paystack::sim::parse_delay_option(bad, d)) << bad;
    EXPECT_EQ(d, 7ms) << bad;  // left alone
  }
}

TEST(Executable, rejects_bad_flags) {
  auto out = run_capture(std::string(PAYSTACK_SIM_EXE) + " --port notaport 2>&1; echo rc=$?");
  EXPECT_NE(out.find("rc=2"), std::string::npos) << out;
  // Delays past an hour would overflow the clock arithmetic: refused before anything starts.
  for (const char* flags :
       {"--delivery-delay 9223372036854775807", "--auto-pay-delay 3600001",
        "--latency 9223372036854775807", "--delivery-delay -1", "--auto-pay-delay soon"}) {
    out = run_capture("timeout 10 " + std::string(PAYSTACK_SIM_EXE) + " " + flags +
                      " 2>&1; echo rc=$?");
    EXPECT_NE(out.find("rc=2"), std::string::npos) << flags << ": " << out;
    EXPECT_NE(out.find("invalid value"), std::string::npos) << flags << ": " << out;
  }
  out = run_capture(std::string(PAYSTACK_SIM_EXE) + " --help; echo rc=$?");
  EXPECT_NE(out.find("--webhook-url"), std::string::npos);
  EXPECT_NE(out.find("rc=0"), std::string::npos);
}

}  // namespace
