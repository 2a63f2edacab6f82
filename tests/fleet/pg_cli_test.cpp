// paystack-terminal with a PostgreSQL store (doc/fleet.md): charge --key --store postgres://...,
// the same key again (replayed, nothing sent), charges list/show, and the operator's leases
// list/release (golden files in tests/cli/golden).
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <paystack/charge_store.hpp>
#include <paystack/sim/server.hpp>
#include <regex>

#include "golden.hpp"
#include "pg_test_support.hpp"
#include "store_behaviour.hpp"

namespace fleet_test {
namespace {

using cli_test::run_result;
using store_behaviour::wait;

constexpr const char* key = "sk_test_fleet_cli_8e21c4";
constexpr const char* exe = PAYSTACK_TERMINAL_EXE;

class PgCli : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    paystack::sim::server_options o;
    o.secret_key = key;
    o.seed = 7;
    o.delivery_delay = 100ms;
    o.auto_pay_delay = 300ms;
    sim_ = std::make_unique<paystack::sim::server>(o);
    sim_->start();
    terminal_ = sim_->terminal_ids().at(0);
  }
  void TearDown() override {
    if (sim_) sim_->stop();
    PgTest::TearDown();
  }

  /// The CLI's environment; `failpoint`: killed there (PAYSTACK_FAILPOINT).
  std::vector<std::string> env(const std::string& failpoint = {}) const {
    std::vector<std::string> e{"PATH=/usr/bin:/bin", "LANG=C",
                               std::string("PAYSTACK_SECRET_KEY=") + key,
                               "PAYSTACK_BASE_URL=" + sim_->base_url()};
    if (!failpoint.empty()) e.push_back("PAYSTACK_FAILPOINT=" + failpoint);
    return e;
  }

  /// Runs the CLI with the store; `failpoint`: killed there.
  run_result cli(std::vector<std::string> args, const std::string& failpoint = {}) const {
    args.push_back("--store");
    args.push_back(url_);
    auto r = cli_test::run(exe, args, env(failpoint));
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.out.find(key), std::string::npos) << "the secret key was printed";
    EXPECT_EQ(r.err.find(key), std::string::npos) << "the secret key was printed";
    return r;
  }

  std::unique_ptr<paystack::sim::server> sim_;
  std::string terminal_;
};

TEST_F(PgCli, charge_with_a_postgres_store_then_the_same_key_is_replayed) {
  const std::vector<std::string> charge{
      "charge",        terminal_, "--amount",    "5000",      "--customer",
      "CUS_fleetcli1", "--key",   "pos-order-1", "--timeout", "10s"};
  auto first = cli(charge);
  EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("PAID"), std::string::npos) << first.out;
  auto again = cli(charge);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("PAID"), std::string::npos) << again.out;

  auto list = cli({"charges", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("pos-order-1"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("paid"), std::string::npos) << list.out;
  auto show = cli({"charges", "show", "pos-order-1"});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  for (const char* stage : {"started", "creating", "created", "pushing", "pushed", "finished"})
    EXPECT_NE(show.out.find(stage), std::string::npos) << stage << " missing in\n" << show.out;
}

TEST_F(PgCli, a_charge_killed_after_its_push_is_paid_by_its_rerun_at_once) {
  const std::vector<std::string> charge{
      "charge",        terminal_, "--amount",     "5100",      "--customer",
      "CUS_fleetcli3", "--key",   "pos-killed-1", "--timeout", "10s"};
  auto killed = cli(charge, "after_push");
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.out << killed.err;
  auto leases = cli({"leases", "list", "--json"});
  EXPECT_NE(leases.out.find("pos-killed-1"), std::string::npos)
      << "the dead holder's lease is left: " << leases.out;
  // The same command at once: the dead holder (this machine, its PID gone) is seen, its lease
  // taken over; never "busy" for the charge's own key.
  auto again = cli(charge);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("PAID"), std::string::npos) << again.out;
  EXPECT_EQ(again.out.find("BUSY"), std::string::npos) << again.out;
  auto show = cli({"charges", "show", "pos-killed-1", "--json"});
  EXPECT_NE(show.out.find(R"("outcome":"paid")"), std::string::npos) << show.out;
}

TEST_F(PgCli, a_dead_holders_terminal_is_free_for_another_key_within_its_lease_figure) {
  // Killed while it waits for the outcome (the customer pays meanwhile: auto-pay).
  const std::vector<std::string> charge{
      "charge",        terminal_, "--amount",   "5200",      "--customer",
      "CUS_fleetcli4", "--key",   "pos-dead-1", "--timeout", "10s"};
  auto killed = cli(charge, "awaiting_outcome");
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.out << killed.err;
  // Another sale on that terminal waits for the dead holder's lease to expire (10 s): the time
  // from the kill until it checks the terminal's presence (its first step under the lease).
  const auto started = std::chrono::steady_clock::now();
  cli_test::child other(
      exe,
      {"charge", terminal_, "--amount", "5300", "--customer", "CUS_fleetcli5", "--key",
       "pos-next-1", "--timeout", "30s", "--wait-for-terminal", "--store", url_},
      env());
  ASSERT_TRUE(other.wait_for_stderr("is online and available", 25s)) << other.err();
  const auto waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
  auto done = other.finish(30s);
  EXPECT_EQ(done.exit_code, 0) << done.out << done.err;
  EXPECT_LT(waited.count(), 15.0) << "a dead holder's lease is gone within 15 s";
  std::printf("figure: a dead holder's terminal was unusable to another key for %.1f s\n",
              waited.count());
  // The dead charge's paid request is recorded by the reconciler (its holder is gone).
  auto rec = cli({"charges", "reconcile"});
  EXPECT_EQ(rec.exit_code, 0) << rec.out << rec.err;
  auto show = cli({"charges", "show", "pos-dead-1", "--json"});
  EXPECT_NE(show.out.find(R"("outcome":"paid")"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find(R"("stage":"finished")"), std::string::npos) << show.out;
}

TEST_F(PgCli, a_bad_postgres_store_is_a_usage_error_without_the_password) {
  auto r = cli_test::run(
      exe,
      {"charges", "list", "--store", "postgres://pos:hunter2pw@127.0.0.1:1/pos?connect_timeout=2"},
      {"PATH=/usr/bin:/bin", "LANG=C"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("postgres://pos@127.0.0.1:1/pos"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("hunter2pw"), std::string::npos) << r.err;
}

TEST_F(PgCli, leases_list_and_release_only_the_holder_named) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto [ec1, lease] = wait<paystack::lease_acquire_signature>(
      store->async_acquire_lease("TRM_fleet01", "order-77", std::chrono::minutes(5)));
  ASSERT_FALSE(ec1);
  ASSERT_TRUE(lease.acquired);
  // What changes from run to run: the holder (host, pid), the token.
  const auto held_by = lease.holder;  // a structured binding is not captured (clang-tidy)
  const auto token = lease.fencing_token;
  auto stable = [&](run_result r) {
    r.out = std::regex_replace(
        r.out,
        std::regex(std::regex_replace(held_by, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)")),
        "HOLDER");
    r.out = std::regex_replace(r.out, std::regex(" " + std::to_string(token) + " "), " TOKEN ");
    r.out = std::regex_replace(r.out, std::regex(R"(\b(29\d|300) s\b)"), "~300 s");
    r.out = std::regex_replace(r.out, std::regex(" {2,}"), "  ");  // column widths follow them
    return r;
  };
  auto list = stable(cli({"leases", "list"}));
  cli_test::expect_golden("fleet_leases_list", list);
  auto wrong = stable(cli({"leases", "release", "TRM_fleet01", "--holder", "pos9:1/1"}));
  cli_test::expect_golden("fleet_leases_release_wrong_holder", wrong);
  auto right = stable(cli({"leases", "release", "TRM_fleet01", "--holder", lease.holder}));
  cli_test::expect_golden("fleet_leases_release", right);
  auto empty = cli({"leases", "list"});
  EXPECT_EQ(empty.exit_code, 0);
  EXPECT_EQ(empty.out.find("TRM_fleet01"), std::string::npos) << empty.out;
}

TEST_F(PgCli, a_leased_terminal_is_busy_unless_the_charge_waits_for_it) {
  auto store = open_store();
  ASSERT_TRUE(store);
  // Another register's sale holds the terminal, then stops (its lease stays until it expires).
  auto [ec1, lease] = wait<paystack::lease_acquire_signature>(
      store->async_acquire_lease(terminal_, "other-register-sale", 60s));
  ASSERT_FALSE(ec1);
  ASSERT_TRUE(lease.acquired);
  auto [ec2, stopped] = wait<paystack::lease_release_signature>(
      store->async_stop_lease(terminal_, lease.fencing_token, 60s));
  ASSERT_FALSE(ec2);
  EXPECT_TRUE(stopped);
  auto list = cli({"leases", "list", "--json"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find(R"("stopped":true)"), std::string::npos) << list.out;

  const std::vector<std::string> sale{"charge",     terminal_,       "--amount",  "5000",
                                      "--customer", "CUS_fleetcli2", "--timeout", "30s"};
  auto busy_args = sale;
  busy_args.insert(busy_args.end(), {"--key", "busy-1"});
  auto busy = cli(busy_args);
  EXPECT_EQ(busy.exit_code, 1) << busy.out << busy.err;
  EXPECT_NE(busy.out.find("BUSY"), std::string::npos) << busy.out;
  // The lease now expires in 3 s: the charge that waits for the terminal gets it then (or at
  // once, on a machine slower to start it than that).
  auto [uec, updated] = query(*admin_,
                              "UPDATE " + schema_ +
                                  ".paystack_terminal_leases SET expires_at = clock_timestamp() +"
                                  " interval '3 seconds' WHERE terminal_id = $1",
                              {terminal_});
  ASSERT_FALSE(uec) << updated.message();
  auto waiting_args = sale;
  waiting_args.insert(waiting_args.end(), {"--key", "waits-1", "--wait-for-terminal"});
  auto waited = cli(waiting_args);
  EXPECT_EQ(waited.exit_code, 0) << waited.out << waited.err;
  EXPECT_NE(waited.out.find("PAID"), std::string::npos) << waited.out;
}

TEST_F(PgCli, an_empty_holder_releases_no_live_lease) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto [ec1, lease] = wait<paystack::lease_acquire_signature>(
      store->async_acquire_lease("TRM_fleet02", "order-78", std::chrono::minutes(5)));
  ASSERT_FALSE(ec1);
  ASSERT_TRUE(lease.acquired);
  auto r = cli({"leases", "release", "TRM_fleet02", "--holder", ""});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--holder"), std::string::npos) << r.err;
  auto list = cli({"leases", "list", "--json"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("TRM_fleet02"), std::string::npos) << "released: " << list.out;
}

TEST_F(PgCli, leases_on_a_memory_store_are_refused) {
  auto r = cli_test::run(exe, {"leases", "list", "--store", "memory:"}, {"PATH=/usr/bin:/bin"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no terminal leases"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace fleet_test
