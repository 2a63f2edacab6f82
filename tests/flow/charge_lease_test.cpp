// Terminal leases on the SQLite store (issue 21: leases follow their holder's life): a running
// charge renews its lease, a second runner of the same key is fenced out and records nothing,
// a cancel of a running charge is refused, and a lease whose holder stopped renewing is taken
// over by the same key once it expires. Two stores on one file stand for two processes (each
// store is a lease holder of its own). In process against the embedded simulator.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <paystack/charge.hpp>
#include <paystack/charge_recovery.hpp>
#include <paystack/charge_store.hpp>
#include <paystack/error.hpp>
#include <paystack/payment_request_client.hpp>
#include <paystack/sim/server.hpp>
#include <paystack/store_url.hpp>

#include "charge_harness.hpp"
#include "test_support.hpp"

using namespace paystack;
using namespace std::chrono_literals;

namespace {

constexpr const char* key = "sk_test_leases_7f31c2a9e0";
using outcome_pair = test::charge_outcome_pair;

class ChargeLease : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::server_options so;
    so.secret_key = key;
    so.delivery_delay = std::chrono::milliseconds{0};
    so.auto_pay_delay.reset();  // the customer acts when the test says
    sim_ = std::make_unique<sim::server>(so);
    sim_->start();
    terminal_ = sim_->terminal_ids().at(0);
    client_options co;
    co.secret_key = key;
    co.base_url = sim_->base_url();
    client_.emplace(io_.io().get_executor(), co);
    path_ = (std::filesystem::temp_directory_path() /
             ("paystack-lease-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    remove_db();
    a_ = open();
    b_ = open();
  }
  void TearDown() override {
    sim_->stop();
    client_.reset();
    a_.reset();
    b_.reset();
    EXPECT_TRUE(io_.stop()) << "work was left running";
    remove_db();
  }
  void remove_db() {
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + s);
  }
  std::shared_ptr<charge_store> open() {
    boost::system::error_code ec;
    std::string why;
    auto s = open_charge_store(io_.io().get_executor(), path_, ec, why);
    EXPECT_TRUE(s) << why;
    return s;
  }

  charge_params params(const std::shared_ptr<charge_store>& store, const std::string& k) {
    charge_params p;
    p.customer = "CUS_leases00001";
    p.amount = 3100;
    p.timeout = 20s;
    p.delivery_poll_initial = 20ms;
    p.verify_poll_interval = 50ms;
    p.key = k;
    p.store = store;
    p.lease_ttl = 1s;
    return p;
  }

  /// Starts a charge; `waiting` is ready once it waits for the customer (request code).
  std::future<outcome_pair> charge(charge_params p,
                                   std::shared_ptr<std::promise<std::string>> waiting = {}) {
    if (waiting)
      p.on_progress = [waiting,
                       once = std::make_shared<std::once_flag>()](const charge_progress& pr) {
        if (pr.stage == charge_stage::awaiting_payment && pr.request_code)
          std::call_once(*once, [&] { waiting->set_value(*pr.request_code); });
      };
    return test::start_charge(*client_, terminal_, std::move(p));
  }
  static outcome_pair get(std::future<outcome_pair>& f) { return test::wait_charge(f, 30s); }
  std::optional<charge_record> load(const std::string& k) {
    std::promise<std::optional<charge_record>> p;
    a_->async_load(k, [&p](boost::system::error_code, std::optional<charge_record> r) {
      p.set_value(std::move(r));
    });
    return p.get_future().get();
  }
  terminal_lease acquire(const std::shared_ptr<charge_store>& s, const std::string& k,
                         std::chrono::milliseconds ttl) {
    std::promise<terminal_lease> p;
    s->async_acquire_lease(terminal_, k, ttl, [&p](boost::system::error_code ec, terminal_lease l) {
      EXPECT_FALSE(ec) << ec.message();
      p.set_value(std::move(l));
    });
    return p.get_future().get();
  }
  /// The payment requests at the simulator (archived ones included).
  std::size_t requests() {
    std::promise<std::size_t> p;
    list_payment_requests_params lp;
    lp.include_archive = true;
    lp.per_page = 100;
    payment_request_client(*client_).async_list_payment_requests(
        lp, [&p](boost::system::error_code ec, response<std::vector<payment_request>> r) {
          p.set_value(!ec && r.ok() ? r.data->size() : 0);
        });
    return p.get_future().get();
  }

  flow_test::io_thread io_;
  std::unique_ptr<sim::server> sim_;
  std::string terminal_;
  std::optional<terminal_client> client_;
  std::string path_;
  std::shared_ptr<charge_store> a_, b_;
};

TEST_F(ChargeLease, the_sqlite_store_leases_terminals) {
  EXPECT_TRUE(a_->leases_terminals());
  auto first = acquire(a_, "order-1", 5s);
  ASSERT_TRUE(first.acquired);
  EXPECT_GT(first.fencing_token, 0);
  auto other = acquire(b_, "order-2", 5s);
  EXPECT_FALSE(other.acquired) << "one charge per terminal across the processes of a machine";
  EXPECT_EQ(other.charge_key, "order-1");
  EXPECT_EQ(other.holder, first.holder);
}

TEST_F(ChargeLease, a_running_charge_renews_its_lease_and_keeps_the_terminal) {
  auto waiting = std::make_shared<std::promise<std::string>>();
  auto code_f = waiting->get_future();
  auto f = charge(params(a_, "order-renew"), waiting);
  ASSERT_EQ(code_f.wait_for(10s), std::future_status::ready);
  const auto code = code_f.get();
  // For three lease lifetimes, another charge never gets the terminal: the lease is renewed.
  const auto until = std::chrono::steady_clock::now() + 3s;
  int tries = 0;
  while (std::chrono::steady_clock::now() < until && tries < 1000) {
    ++tries;
    auto l = acquire(b_, "order-other", 1s);
    ASSERT_FALSE(l.acquired) << "the running charge's lease expired after " << tries << " tries";
    EXPECT_EQ(l.charge_key, "order-renew");
  }
  EXPECT_GT(tries, 1);
  ASSERT_EQ(sim_->approve_payment(code), sim::control_result::ok);
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(r.outcome, charge_outcome::paid) << r.reason;
  // Released at the end: the terminal is free at once.
  EXPECT_TRUE(acquire(b_, "order-other", 1s).acquired);
}

TEST_F(ChargeLease, a_second_runner_of_one_key_is_fenced_out_and_records_nothing) {
  auto waiting = std::make_shared<std::promise<std::string>>();
  auto code_f = waiting->get_future();
  auto first = charge(params(a_, "order-twice"), waiting);
  ASSERT_EQ(code_f.wait_for(10s), std::future_status::ready);
  const auto code = code_f.get();
  const auto version = load("order-twice")->version;
  // The same key from another process while the first runs (a second till, or resume --all).
  auto second_f = charge(params(b_, "order-twice"));
  auto [ec2, second] = get(second_f);
  EXPECT_EQ(ec2, error::store_conflict) << second.reason;
  EXPECT_NE(second.reason.find("is running in"), std::string::npos) << second.reason;
  EXPECT_FALSE(second.replayed);
  EXPECT_EQ(load("order-twice")->version, version) << "the second runner wrote nothing";
  EXPECT_EQ(requests(), 1u) << "one payment request for the key";
  ASSERT_EQ(sim_->approve_payment(code), sim::control_result::ok);
  auto [ec, r] = get(first);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(r.outcome, charge_outcome::paid) << r.reason;
  EXPECT_EQ(load("order-twice")->outcome, charge_outcome::paid);
}

TEST_F(ChargeLease, a_cancel_of_a_running_charge_is_refused) {
  auto waiting = std::make_shared<std::promise<std::string>>();
  auto code_f = waiting->get_future();
  auto f = charge(params(a_, "order-busy"), waiting);
  ASSERT_EQ(code_f.wait_for(10s), std::future_status::ready);
  const auto code = code_f.get();
  std::promise<std::pair<boost::system::error_code, cancel_result>> p;
  async_cancel_charge(*client_, b_, "order-busy",
                      [&p](boost::system::error_code ec, cancel_result r) {
                        p.set_value({ec, std::move(r)});
                      });
  auto [cec, cr] = p.get_future().get();
  EXPECT_EQ(cec, error::store_conflict) << cr.action;
  EXPECT_FALSE(cr.cancelled);
  EXPECT_NE(cr.action.find("running in"), std::string::npos) << cr.action;
  ASSERT_EQ(sim_->approve_payment(code), sim::control_result::ok);
  auto [ec, r] = get(f);
  EXPECT_EQ(r.outcome, charge_outcome::paid) << r.reason;
  EXPECT_EQ(load("order-busy")->outcome, charge_outcome::paid);
}

TEST_F(ChargeLease, a_lease_nobody_renews_is_taken_over_by_its_key_when_it_expires) {
  // A holder that took the lease for the key and then stopped renewing it (a process that
  // died on another machine): the same key waits for its expiry, then charges.
  auto stale = acquire(b_, "order-dead", 1500ms);
  ASSERT_TRUE(stale.acquired);
  auto waiting = std::make_shared<std::promise<std::string>>();
  auto code_f = waiting->get_future();
  const auto started = std::chrono::steady_clock::now();
  auto f = charge(params(a_, "order-dead"), waiting);
  ASSERT_EQ(code_f.wait_for(10s), std::future_status::ready);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 1s) << "it waited for the expiry";
  ASSERT_EQ(sim_->approve_payment(code_f.get()), sim::control_result::ok);
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(r.outcome, charge_outcome::paid) << r.reason;
  EXPECT_EQ(requests(), 1u);
}

}  // namespace
