// Soak (bounded, loopback): thousands of calls, 64 in flight, with a random scripted fault on a
// third of them, against paystack-sim. Every call completes exactly once, with a reply or an
// error; a push is never repeated; memory after the second batch is back to its level after the
// first (warm) batch.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <fstream>
#include <paystack/paystack.hpp>
#include <paystack/sim/server.hpp>
#include <random>

#include "fake_time.hpp"
#include "fault_headers.hpp"

namespace paystack::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
constexpr const char* key = "sk_test_soak_7d3a";

/// Resident set size in KiB (/proc/self/statm).
long rss_kib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

struct tally {
  std::vector<int> completions;  // per call: how many times its handler ran
  std::size_t replies = 0, errors = 0, pushes_failed_after_send = 0;
};

/// Runs `n` calls, `in_flight` at a time, on `io`; returns when all completed.
void run_batch(asio::io_context& io, const terminal_client& client, const std::string& terminal,
               std::size_t n, std::size_t in_flight, std::mt19937& rng, tally& t) {
  const std::size_t base = t.completions.size();
  t.completions.resize(base + n, 0);
  std::size_t next = 0;
  std::function<void()> launch = [&] {
    if (next >= n) return;
    const std::size_t i = base + next++;
    auto done = [&t, &launch, i](boost::system::error_code ec, unsigned status, bool push) {
      ++t.completions[i];
      if (ec) {
        ++t.errors;
        if (push && ec == error::connection_failed) ++t.pushes_failed_after_send;
      } else {
        EXPECT_NE(status, 0u);
        ++t.replies;
      }
      launch();
    };
    switch (rng() % 4) {
      case 0:
        client.async_fetch_terminal(terminal,
                                    [done](auto ec, auto r) { done(ec, r.status_code, false); });
        break;
      case 1:
        client.async_fetch_terminal_status(
            terminal, [done](auto ec, auto r) { done(ec, r.status_code, false); });
        break;
      case 2:
        client.async_list_terminals({.per_page = 2},
                                    [done](auto ec, auto r) { done(ec, r.status_code, false); });
        break;
      default:
        client.async_send_event(terminal, terminal_event::print_transaction(42),
                                [done](auto ec, auto r) { done(ec, r.status_code, true); });
    }
  };
  for (std::size_t k = 0; k < in_flight; ++k) launch();
  io.restart();
  io.run();
}

TEST(Soak, thousands_of_calls_with_random_faults_complete_exactly_once) {
  sim::server_options so;
  so.secret_key = key;
  so.delivery_delay.reset();
  so.auto_pay_delay.reset();
  sim::server sim(so);
  sim.start();
  const std::string terminal = sim.terminal_ids().at(0);

  asio::io_context io;
  static const std::vector<std::string> faults{
      "status=503", "status=500", "reset=before_read", "reset=after_read",
      "truncate",   "html502",    "retry_after=0",     "delay_ms=2"};
  std::mt19937 fault_rng(20261125);
  std::string why;
  auto decorated = make_fault_transport(
      io, sim.base_url(),
      [&](const http_request&) {
        return fault_rng() % 3 == 0 ? faults[fault_rng() % faults.size()] : std::string();
      },
      why);
  ASSERT_TRUE(decorated) << why;
  client_options o;
  o.secret_key = key;
  o.base_url = sim.base_url();
  o.transport = decorated;
  o.time = std::make_shared<fake_time>();
  o.timeout = 10s;
  o.max_connections_per_host = 16;
  std::mt19937 rng(7);
  tally t;
  long warm = 0, after = 0;
  {
    terminal_client client(io.get_executor(), o);
    run_batch(io, client, terminal, 1000, 64, rng, t);
    warm = rss_kib();
    run_batch(io, client, terminal, 3000, 64, rng, t);
    after = rss_kib();
  }
  io.restart();
  io.run();  // nothing may be left: returns at once when the client left no work behind

  for (std::size_t i = 0; i < t.completions.size(); ++i) {
    ASSERT_EQ(t.completions[i], 1) << "call " << i << " completed " << t.completions[i] << " times";
  }
  EXPECT_EQ(t.replies + t.errors, 4000u);
  EXPECT_GT(t.replies, 3000u) << "most calls get through the faults";
  EXPECT_GT(t.errors, 0u) << "faults that cannot be retried are reported";
  EXPECT_GT(t.pushes_failed_after_send, 0u);
  std::cout << "soak: " << t.replies << " replies, " << t.errors << " errors, " << decorated->sent()
            << " requests sent, RSS " << warm << " KiB after 1000 calls, " << after
            << " KiB after 4000\n";
#if !defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(after - warm, 4096) << "memory grew by " << (after - warm) << " KiB over 3000 calls";
#endif
}

}  // namespace
}  // namespace paystack::test

namespace paystack::test {
namespace {

// The pool is first come, first served: with 8 calls in flight on 2 connections and every
// completion starting a new call, a call is overtaken by the 7 that were in flight when it
// started and, at most, by a few newer calls served on the other connection while its own reply
// was on the way; never by hundreds (a newer call used to grab a released connection before an
// older waiter: a call could wait while 1,999 others completed).
TEST(Soak, the_pool_serves_waiting_calls_in_order) {
  sim::server_options so;
  so.secret_key = key;
  sim::server sim(so);
  sim.start();
  const std::string terminal = sim.terminal_ids().at(0);
  asio::io_context io;
  client_options o;
  o.secret_key = key;
  o.base_url = sim.base_url();
  o.max_connections_per_host = 2;
  o.retry.max_attempts = 1;
  terminal_client client(io.get_executor(), o);

  constexpr std::size_t total = 2000, in_flight = 8;
  std::size_t started = 0, completed = 0, worst = 0, failures = 0;
  std::function<void()> launch = [&] {
    if (started == total) return;
    ++started;
    const std::size_t done_before = completed;
    client.async_fetch_terminal_status(terminal, [&, done_before](auto ec, auto r) {
      if (ec || !r.ok()) ++failures;
      worst = std::max(worst, completed - done_before);  // completions that overtook this call
      ++completed;
      launch();
    });
  };
  for (std::size_t i = 0; i < in_flight; ++i) launch();
  io.run();
  EXPECT_EQ(completed, total);
  EXPECT_EQ(failures, 0u);
  EXPECT_LE(worst, 2 * in_flight) << "a call waited while " << worst << " later calls completed";
}

}  // namespace
}  // namespace paystack::test
