// The soak (issue 14): keyed charges (200 in the dev build, 60 under the sanitizers) over 10
// simulated terminals, charging processes killed at random recovery points (seeded: the same run
// every time), then `charges resume --all` and `charges reconcile`: every key has exactly one
// payment request, every request the customers paid is recorded paid, and nothing is left
// unfinished or open without a reason.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <paystack/charge_store.hpp>
#include <paystack/sim/server.hpp>
#include <paystack/store_url.hpp>
#include <random>
#include <set>

#include "cli_runner.hpp"
#include "raw_http.hpp"
#include "running_context.hpp"

using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

constexpr const char* exe = PAYSTACK_TERMINAL_EXE;
constexpr const char* secret = "sk_test_charge_soak_0b7e29";

}  // namespace

TEST(ChargeSoak, charges_killed_at_random_then_resumed_and_reconciled_end_exactly_once) {
  paystack::sim::server_options so;
  so.secret_key = secret;
  so.seed_terminals = 10;
  so.delivery_delay = std::chrono::milliseconds{0};
  so.auto_pay_delay = std::chrono::milliseconds{0};  // every customer pays on delivery
  paystack::sim::server sim(so);
  sim.start();
  const auto terminals = sim.terminal_ids();
  ASSERT_EQ(terminals.size(), 10u);
  const auto db = (std::filesystem::temp_directory_path() /
                   ("paystack-soak-" + std::to_string(::getpid()) + ".db"))
                      .string();
  auto remove = [&] {
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(db + s);
  };
  remove();
  const std::vector<std::string> env{"PATH=/usr/bin:/bin",
                                     std::string("PAYSTACK_SECRET_KEY=") + secret,
                                     "PAYSTACK_BASE_URL=" + sim.base_url()};
  const std::vector<std::string> points{"",
                                        "",
                                        "before_create",
                                        "after_create",
                                        "before_push",
                                        "after_push",
                                        "journal_write",
                                        "awaiting_delivery",
                                        "awaiting_outcome"};
  std::mt19937 rng(14);
  int killed = 0;
  // 10 charges a round: 20 rounds (the 200 charges, ~50 s on a loaded 2-core VM) in the
  // dev build, 6 under the sanitizers (tests/cli/CMakeLists.txt); PAYSTACK_SOAK_ROUNDS overrides.
  const char* rounds_env = std::getenv("PAYSTACK_SOAK_ROUNDS");
  const int rounds = rounds_env ? std::max(1, std::atoi(rounds_env)) : PAYSTACK_SOAK_ROUNDS_DEFAULT;
  const std::size_t charges = static_cast<std::size_t>(rounds) * 10;
  for (int round = 0; round < rounds; ++round) {
    std::vector<std::unique_ptr<cli_test::child>> running;
    for (std::size_t t = 0; t < terminals.size(); ++t) {
      const auto n = round * 10 + static_cast<int>(t);
      auto e = env;
      const auto& point = points[rng() % points.size()];
      if (!point.empty()) e.push_back("PAYSTACK_FAILPOINT=" + point);
      running.push_back(std::make_unique<cli_test::child>(
          exe,
          std::vector<std::string>{"charge", terminals[t], "--amount", std::to_string(1000 + n),
                                   "--customer", "CUS_soak" + std::to_string(n), "--key",
                                   "soak-" + std::to_string(n), "--store", db, "--timeout", "20s",
                                   "--verify-interval", "20ms",
                                   // A charge killed in the round before still holds the
                                   // terminal's lease (another key): wait until it expires.
                                   "--wait-for-terminal", "--lease-ttl", "1"},
          e));
    }
    for (auto& c : running) {
      auto r = c->finish(30s);
      if (r.exit_code == 128 + SIGKILL) ++killed;
    }
  }
  EXPECT_GT(killed, rounds * 10 / 4) << "the soak must actually kill charging processes";

  cli_test::child resuming(exe, {"charges", "resume", "--all", "--store", db, "--timeout", "10s"},
                           env);
  auto resume = resuming.finish(150s);
  EXPECT_EQ(resume.exit_code, 0) << resume.out << resume.err;
  auto reconcile = cli_test::run(exe, {"charges", "reconcile", "--store", db}, env);
  EXPECT_EQ(reconcile.exit_code, 0) << reconcile.out << reconcile.err;

  // The simulator's requests and the store's records.
  auto a = paystack::test::raw_http(
      sim.port(), "GET /_sim/state HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  const auto state = json::parse(a.raw.substr(a.raw.find("\r\n\r\n") + 4)).as_object();
  std::map<std::string, std::string> status_of;  // request code -> status
  for (const auto& v : state.at("data").as_object().at("payment_requests").as_array())
    status_of[std::string(v.at("request_code").as_string())] =
        std::string(v.at("status").as_string());

  paystack::test::running_context ctx;
  boost::system::error_code ec;
  std::string why;
  auto store = paystack::open_charge_store(ctx.io.get_executor(), db, ec, why);
  ASSERT_TRUE(store) << why;
  std::promise<std::vector<paystack::charge_record>> p;
  store->async_list({}, [&p](boost::system::error_code, std::vector<paystack::charge_record> r) {
    p.set_value(std::move(r));
  });
  const auto records = p.get_future().get();
  ASSERT_EQ(records.size(), charges);
  std::set<std::string> codes;
  std::size_t paid = 0;
  for (const auto& r : records) {
    SCOPED_TRACE(r.key);
    EXPECT_EQ(r.stage, paystack::charge_journal_stage::finished) << r.reason;
    ASSERT_TRUE(r.request_code) << "every key reached one request: " << r.reason;
    EXPECT_TRUE(codes.insert(*r.request_code).second) << "two keys share a request";
    if (status_of[*r.request_code] == "success") {
      ++paid;
      EXPECT_EQ(r.outcome, paystack::charge_outcome::paid) << "the customer paid: " << r.reason;
    } else {
      // Not paid at the simulator (e.g. pushed to a terminal busy with another invoice): the
      // charge ended without a payment and says why; it stays open for a late payment.
      EXPECT_NE(r.outcome, paystack::charge_outcome::paid);
      EXPECT_FALSE(r.reason.empty()) << "left without a reason";
    }
    if (r.open) {
      EXPECT_FALSE(r.reason.empty()) << "open without a reason";
    }
  }
  EXPECT_GT(paid, charges * 3 / 4) << "most customers pay on delivery here";
  EXPECT_EQ(status_of.size(), charges) << "exactly one request per key, none extra";
  store.reset();
  sim.stop();
  remove();
}
