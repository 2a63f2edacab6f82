// async_cancel_charge and the reconciler's POS transaction sweep, in process against the
// embedded simulator, with failures injected per request (fault_headers: the simulator's
// x-sim-fault headers on the chosen paths). The crash points of cancel (SIGKILL before and
// after the archive) are in tests/cli/crash_matrix_test.cpp.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <paystack/charge.hpp>
#include <paystack/charge_recovery.hpp>
#include <paystack/charge_store.hpp>
#include <paystack/error.hpp>
#include <paystack/payment_request_client.hpp>
#include <paystack/sim/server.hpp>

#include "charge_harness.hpp"
#include "fault_headers.hpp"
#include "test_support.hpp"

using namespace paystack;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

constexpr const char* key = "sk_test_recovery_4b7e21c09d";

/// The paths whose requests fail (HTTP 500, on every attempt) while set.
struct failing_paths {
  std::mutex mutex;
  std::vector<std::string> paths;
  bool matches(const std::string& target) {
    std::lock_guard lk(mutex);
    for (auto& p : paths)
      if (target.find(p) != std::string::npos) return true;
    return false;
  }
  void set(std::vector<std::string> p) {
    std::lock_guard lk(mutex);
    paths = std::move(p);
  }
};

class ChargeRecovery : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::server_options so;
    so.secret_key = key;
    so.delivery_delay = std::chrono::milliseconds{0};
    so.auto_pay_delay.reset();  // the customer acts when the test says
    sim_ = std::make_unique<sim::server>(so);
    sim_->start();
    std::string why;
    auto t = test::make_fault_transport(
        io_.io(), sim_->base_url(),
        [this](const http_request& r) {
          // The customer pays the moment the archive is sent (issue 21, C1).
          if (pay_on_archive_ && r.target.starts_with("/paymentrequest/archive/"))
            (void)sim_->approve_payment(
                r.target.substr(std::string("/paymentrequest/archive/").size()));
          return failing_.matches(r.target) ? std::string("status=500") : std::string();
        },
        why);
    ASSERT_TRUE(t) << why;
    transport_ = t;
    client_options co;
    co.secret_key = key;
    co.base_url = sim_->base_url();
    co.transport = t;
    co.retry.initial_backoff = 1ms;
    co.retry.max_backoff = 5ms;
    co.logger = [this](const log_record&) { ++calls_; };
    client_.emplace(io_.io().get_executor(), co);
    store_ = make_memory_charge_store(io_.io().get_executor());
  }
  void TearDown() override {
    sim_->stop();
    client_.reset();
    store_.reset();
    EXPECT_TRUE(io_.stop()) << "work was left running";
  }

  /// A charge the customer walks away from: it ends timed out, kept open for a late payment
  /// (charge_params::keep_open: its request is not archived).
  charge_record walked_away(const std::string& k, std::size_t terminal = 0) {
    charge_params p;
    p.keep_open = true;
    p.customer = "CUS_recovery001";
    p.amount = 4200;
    p.timeout = 300ms;
    p.delivery_poll_initial = 10ms;
    p.verify_poll_interval = 50ms;
    p.key = k;
    p.store = store_;
    auto f = test::start_charge(*client_, sim_->terminal_ids().at(terminal), p);
    auto r = test::wait_charge(f).second;
    EXPECT_EQ(r.outcome, charge_outcome::timed_out) << r.reason;
    auto rec = load(k);
    EXPECT_TRUE(rec && rec->open && rec->request_code);
    return rec.value_or(charge_record{});
  }

  std::optional<charge_record> load(const std::string& k) {
    auto p = std::make_shared<std::promise<std::optional<charge_record>>>();
    auto f = p->get_future();
    store_->async_load(k, [p](boost::system::error_code, std::optional<charge_record> r) {
      p->set_value(std::move(r));
    });
    return f.get();
  }

  std::pair<boost::system::error_code, cancel_result> cancel(const std::string& k) {
    auto p = std::make_shared<std::promise<std::pair<boost::system::error_code, cancel_result>>>();
    auto f = p->get_future();
    async_cancel_charge(*client_, store_, k, [p](boost::system::error_code ec, cancel_result r) {
      p->set_value({ec, std::move(r)});
    });
    EXPECT_EQ(f.wait_for(15s), std::future_status::ready);
    return f.get();
  }

  std::pair<boost::system::error_code, reconcile_report> reconcile(reconcile_params rp = {}) {
    auto p =
        std::make_shared<std::promise<std::pair<boost::system::error_code, reconcile_report>>>();
    auto f = p->get_future();
    async_reconcile_charges(*client_, store_, rp,
                            [p](boost::system::error_code ec, reconcile_report r) {
                              p->set_value({ec, std::move(r)});
                            });
    EXPECT_EQ(f.wait_for(30s), std::future_status::ready);
    return f.get();
  }

  /// Fetch Payment Request says the request is archived.
  bool archived_at_sim(const std::string& code) {
    auto p = std::make_shared<std::promise<bool>>();
    auto f = p->get_future();
    payment_request_client(*client_).async_fetch_payment_request(
        code, [p](boost::system::error_code ec, response<payment_request> r) {
          p->set_value(!ec && r.ok() && r.data->archived.value_or(false));
        });
    return f.get();
  }

  flow_test::io_thread io_;
  std::unique_ptr<sim::server> sim_;
  std::shared_ptr<test::fault_headers> transport_;
  std::optional<terminal_client> client_;
  std::shared_ptr<charge_store> store_;
  failing_paths failing_;
  std::atomic<bool> pay_on_archive_{false};
  std::atomic<int> calls_{0};
};

TEST_F(ChargeRecovery, cancel_archives_an_unpaid_request_and_records_cancelled) {
  auto rec = walked_away("order-c1");
  auto [ec, r] = cancel("order-c1");
  ASSERT_FALSE(ec) << r.action;
  EXPECT_TRUE(r.cancelled);
  EXPECT_TRUE(r.archived);
  EXPECT_EQ(r.outcome, charge_outcome::cancelled);
  EXPECT_EQ(r.request_code, rec.request_code);
  auto after = load("order-c1");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->outcome, charge_outcome::cancelled);
  EXPECT_FALSE(after->open);
  EXPECT_EQ(after->stage, charge_journal_stage::finished);

  // Again: already cancelled, answered from the store without any call.
  const int before = calls_;
  auto [ec2, again] = cancel("order-c1");
  EXPECT_FALSE(ec2);
  EXPECT_TRUE(again.cancelled);
  EXPECT_FALSE(again.archived);
  EXPECT_EQ(again.action, "already cancelled");
  EXPECT_EQ(calls_, before);

  // The reconciler no longer looks at it.
  auto [ec3, report] = reconcile();
  EXPECT_FALSE(ec3);
  EXPECT_TRUE(report.entries.empty());
}

TEST_F(ChargeRecovery, a_payment_racing_the_cancel_s_archive_is_recorded_paid) {
  auto rec = walked_away("order-c1race");
  pay_on_archive_ = true;  // the customer pays between the cancel's verify and its archive
  auto [ec, r] = cancel("order-c1race");
  pay_on_archive_ = false;
  EXPECT_FALSE(ec) << r.action;
  EXPECT_FALSE(r.cancelled) << "the customer paid: never recorded cancelled";
  EXPECT_EQ(r.outcome, charge_outcome::paid) << r.action;
  EXPECT_NE(r.action.find("while it was being cancelled"), std::string::npos) << r.action;
  auto after = load("order-c1race");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->outcome, charge_outcome::paid);
  EXPECT_FALSE(after->open);
  EXPECT_EQ(after->stage, charge_journal_stage::finished);
}

TEST_F(ChargeRecovery, cancel_of_a_paid_charge_records_paid_and_does_not_archive) {
  auto rec = walked_away("order-c2");
  ASSERT_EQ(sim_->approve_payment(*rec.request_code), sim::control_result::ok);
  auto [ec, r] = cancel("order-c2");
  EXPECT_FALSE(ec) << r.action;
  EXPECT_FALSE(r.cancelled);
  EXPECT_FALSE(r.archived);
  EXPECT_EQ(r.outcome, charge_outcome::paid);
  auto after = load("order-c2");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->outcome, charge_outcome::paid);
  EXPECT_FALSE(after->open);
}

TEST_F(ChargeRecovery, cancel_that_cannot_verify_or_archive_leaves_the_charge_open) {
  auto rec = walked_away("order-c3");
  failing_.set({"/paymentrequest/verify/"});
  auto [ec, r] = cancel("order-c3");
  EXPECT_TRUE(ec) << "a verify that fails is an error";
  EXPECT_FALSE(r.cancelled);
  EXPECT_NE(r.action.find("500"), std::string::npos) << r.action;
  auto mid = load("order-c3");
  ASSERT_TRUE(mid);
  EXPECT_TRUE(mid->open) << "nothing decided: still open";
  EXPECT_EQ(mid->outcome, charge_outcome::timed_out);

  failing_.set({"/paymentrequest/archive/"});
  auto [ec2, r2] = cancel("order-c3");
  EXPECT_TRUE(ec2) << "an archive that fails is an error";
  EXPECT_FALSE(r2.cancelled);
  EXPECT_FALSE(archived_at_sim(*rec.request_code));
  auto still = load("order-c3");
  ASSERT_TRUE(still);
  EXPECT_TRUE(still->open);
  EXPECT_NE(still->reason.find("cancelling: archiving"), std::string::npos)
      << "the intent was journalled before the archive: " << still->reason;

  failing_.set({});
  auto [ec3, r3] = cancel("order-c3");
  EXPECT_FALSE(ec3) << r3.action;
  EXPECT_TRUE(r3.cancelled);
  EXPECT_TRUE(archived_at_sim(*rec.request_code));
}

TEST_F(ChargeRecovery, cancel_of_an_unknown_key_is_refused) {
  auto [ec, r] = cancel("no-such-order");
  EXPECT_EQ(ec, error::invalid_argument);
  EXPECT_FALSE(r.cancelled);
  EXPECT_EQ(calls_, 0);
  auto p = std::make_shared<std::promise<boost::system::error_code>>();
  auto f = p->get_future();
  async_cancel_charge(*client_, nullptr, "order-x",
                      [p](boost::system::error_code e, cancel_result) { p->set_value(e); });
  EXPECT_EQ(f.get(), error::invalid_argument);
  // Resuming without a store is refused the same way, saying why.
  auto rp = std::make_shared<std::promise<std::pair<boost::system::error_code, std::string>>>();
  auto rf = rp->get_future();
  async_resume_charge(*client_, nullptr, "order-x", charge_params{},
                      [rp](boost::system::error_code e, charge_result res) {
                        rp->set_value({e, res.reason});
                      });
  auto [rec, why] = rf.get();
  EXPECT_EQ(rec, error::invalid_argument);
  EXPECT_EQ(why, "no charge store");
  EXPECT_EQ(calls_, 0);
}

TEST_F(ChargeRecovery, reconcile_closes_an_archived_unpaid_request_as_cancelled) {
  auto rec = walked_away("order-r1");
  // Archived elsewhere (the dashboard, or a cancel that died after the archive).
  failing_.set({});
  std::promise<boost::system::error_code> p;
  payment_request_client(*client_).async_archive_payment_request(
      *rec.request_code, [&p](boost::system::error_code e, response<empty>) { p.set_value(e); });
  ASSERT_FALSE(p.get_future().get());
  auto [ec, report] = reconcile();
  ASSERT_FALSE(ec);
  ASSERT_EQ(report.entries.size(), 1u);
  EXPECT_EQ(report.entries[0].outcome, charge_outcome::cancelled) << report.entries[0].action;
  EXPECT_FALSE(report.entries[0].open);
  EXPECT_EQ(report.closed, 1u);
}

TEST_F(ChargeRecovery, the_sweep_finds_a_payment_verify_cannot_show) {
  auto rec = walked_away("order-s1");
  // Another terminal (the first still shows the unpaid invoice); stays unpaid: the sweep must
  // not match it.
  auto other = walked_away("order-s2", 1);
  ASSERT_EQ(sim_->approve_payment(*rec.request_code), sim::control_result::ok);
  failing_.set({"/paymentrequest/verify/"});

  // Without the sweep: both stay open (verify failed).
  auto [ec0, none] = reconcile({.sweep_transactions = false});
  ASSERT_FALSE(ec0);
  EXPECT_EQ(none.still_open, 2u);
  EXPECT_EQ(none.swept, 0u);

  auto [ec, report] = reconcile();
  ASSERT_FALSE(ec);
  EXPECT_EQ(report.paid, 1u);
  EXPECT_EQ(report.swept, 1u);
  EXPECT_EQ(report.still_open, 1u);
  auto paid = load("order-s1");
  ASSERT_TRUE(paid);
  EXPECT_EQ(paid->outcome, charge_outcome::paid);
  EXPECT_FALSE(paid->open);
  ASSERT_TRUE(paid->transaction_reference);
  EXPECT_EQ(paid->transaction_reference->rfind("pos_", 0), 0u) << *paid->transaction_reference;
  auto open = load("order-s2");
  ASSERT_TRUE(open);
  EXPECT_TRUE(open->open);
  EXPECT_FALSE(open->transaction_reference);
  (void)other;
}

TEST_F(ChargeRecovery, a_failed_sweep_leaves_the_charges_open_and_says_why) {
  auto rec = walked_away("order-s3");
  ASSERT_EQ(sim_->approve_payment(*rec.request_code), sim::control_result::ok);
  failing_.set({"/paymentrequest/verify/", "/transaction"});
  auto [ec, report] = reconcile();
  ASSERT_FALSE(ec);
  ASSERT_EQ(report.entries.size(), 1u);
  EXPECT_TRUE(report.entries[0].open);
  EXPECT_TRUE(report.entries[0].ec);
  EXPECT_NE(report.entries[0].action.find("sweep"), std::string::npos) << report.entries[0].action;
  EXPECT_EQ(report.swept, 0u);
  auto still = load("order-s3");
  ASSERT_TRUE(still && still->open);
}

}  // namespace

TEST_F(ChargeRecovery, reconcile_leaves_an_unfinished_charge_it_cannot_decide_for_its_resume) {
  // Found by the serve fleet test (issue 24): the reconciler recorded such charges finished
  // without an outcome, ending a sale whose customer could still pay.
  auto begin = [this](charge_record r) {
    std::promise<boost::system::error_code> p;
    store_->async_begin(std::move(r),
                        [&p](boost::system::error_code e, charge_record, bool) { p.set_value(e); });
    ASSERT_FALSE(p.get_future().get());
  };
  charge_record started{.key = "order-u1",
                        .terminal_id = sim_->terminal_ids().at(0),
                        .customer = "CUS_recovery01",
                        .amount = 5000};
  begin(started);
  charge_record created = started;
  created.key = "order-u2";
  begin(created);
  created.stage = charge_journal_stage::created;
  created.version = 1;
  created.request_code = "PRQ_neverexisted1";  // Paystack does not know it: nothing decided
  std::promise<boost::system::error_code> saved;
  store_->async_save(created, "created",
                     [&saved](boost::system::error_code e, charge_record) { saved.set_value(e); });
  ASSERT_FALSE(saved.get_future().get());

  auto [ec, report] = reconcile({.sweep_transactions = false});
  ASSERT_FALSE(ec);
  EXPECT_EQ(report.entries.size(), 2u);
  for (const char* k : {"order-u1", "order-u2"}) {
    std::promise<std::optional<charge_record>> loaded;
    store_->async_load(k, [&loaded](boost::system::error_code, std::optional<charge_record> r) {
      loaded.set_value(std::move(r));
    });
    auto rec = loaded.get_future().get();
    ASSERT_TRUE(rec) << k;
    EXPECT_NE(rec->stage, charge_journal_stage::finished) << k;
    EXPECT_FALSE(rec->outcome) << k;
  }
}

TEST_F(ChargeRecovery, a_resumed_charge_stops_when_its_cancellation_slot_is_emitted) {
  // Found by serve's drain test (issue 24): async_resume_charge promised "Cancellation: as
  // async_charge_on_terminal" but dropped its handler's cancellation slot, so a drain or a stop
  // could not stop a resumed charge (it ran to its deadline).
  auto run = [this](bool resume, std::shared_ptr<asio::cancellation_signal> sig,
                    std::shared_ptr<flow_test::recorder<charge_progress>> seen) {
    charge_params p;
    p.customer = "CUS_recovery001";
    p.amount = 4200;
    p.timeout = 60s;
    p.delivery_poll_initial = 10ms;
    p.verify_poll_interval = 50ms;
    p.key = "order-r1";
    p.store = store_;
    p.on_progress = [seen](const charge_progress& pr) { seen->add(pr); };
    auto done = std::make_shared<std::promise<charge_result>>();
    auto h = asio::bind_cancellation_slot(
        sig->slot(),
        [done, sig](boost::system::error_code, charge_result r) { done->set_value(std::move(r)); });
    if (resume)
      async_resume_charge(*client_, store_, "order-r1", p, std::move(h));
    else
      async_charge_on_terminal(*client_, sim_->terminal_ids().at(0), p, std::move(h));
    return done->get_future();
  };
  auto waiting = [](const charge_progress& pr) {
    return pr.stage == charge_stage::awaiting_payment;
  };
  for (bool resume : {false, true}) {
    auto sig = std::make_shared<asio::cancellation_signal>();
    auto seen = std::make_shared<flow_test::recorder<charge_progress>>();
    auto done = run(resume, sig, seen);
    ASSERT_TRUE(seen->wait_for(waiting, 15s)) << "resume=" << resume;
    asio::post(io_.io(), [sig] { sig->emit(asio::cancellation_type::terminal); });
    ASSERT_EQ(done.wait_for(10s), std::future_status::ready)
        << "resume=" << resume << ": the charge did not stop when cancelled";
    auto r = done.get();
    EXPECT_EQ(r.outcome, charge_outcome::cancelled) << r.reason;
    auto rec = load("order-r1");
    ASSERT_TRUE(rec);
    EXPECT_EQ(rec->stage, charge_journal_stage::delivered) << "stopped, left for a resume";
  }
}
