// Charges and webhook receivers of several instances on one PostgreSQL store (doc/fleet.md):
// each instance is a store of its own (its own connection and name) in this process. Two charges
// on one terminal: one is terminal_busy; a charge decided by a webhook another instance received
// (the inbox, LISTEN/NOTIFY); two receivers given the same event hand it over once; how long an
// instance takes to learn an event another one stored.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>
#include <condition_variable>
#include <paystack/charge.hpp>
#include <paystack/charge_recovery.hpp>
#include <paystack/charge_store.hpp>
#include <paystack/error.hpp>
#include <paystack/sim/server.hpp>
#include <paystack/store_url.hpp>
#include <paystack/webhook_server.hpp>

#include "charge_harness.hpp"
#include "pg_test_support.hpp"
#include "raw_http.hpp"
#include "store_behaviour.hpp"

namespace fleet_test {
namespace {

using boost::system::error_code;
using namespace paystack;
using store_behaviour::wait;

constexpr const char* key = "sk_test_fleet_5d0c2e71a9b4";
using paystack::test::charge_outcome_pair;

class PgFleet : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    a_ = open_store();
    b_ = open_store();
    ASSERT_TRUE(a_ && b_);
  }

  /// The simulator; its webhooks go to `hook_url` when given. Payments only by the test.
  void start_sim(const std::string& hook_url = {}) {
    sim::server_options so;
    so.secret_key = key;
    so.delivery_delay = std::chrono::milliseconds{0};
    so.auto_pay_delay.reset();
    if (!hook_url.empty()) so.webhook_url = hook_url;
    so.webhook_max_attempts = 1;
    sim_ = std::make_unique<sim::server>(so);
    sim_->start();
    terminal_ = sim_->terminal_ids().at(0);
    client_options co;
    co.secret_key = key;
    co.base_url = sim_->base_url();
    client_.emplace(ctx_.io.get_executor(), co);
  }

  charge_params params(std::string k, std::shared_ptr<charge_store> store) {
    charge_params p;
    p.customer = "CUS_fleet0001";
    p.amount = 5000;
    p.timeout = 15s;
    p.delivery_poll_initial = 10ms;
    p.verify_poll_interval = 50ms;
    p.key = std::move(k);
    p.store = std::move(store);
    p.lease_ttl = 2s;  // a second runner waits out a live lease quickly
    return p;
  }

  std::future<charge_outcome_pair> charge(charge_params p) {
    return paystack::test::start_charge(*client_, terminal_, std::move(p));
  }

  /// A charge that cancel() cancels (one at a time: the signal has one slot).
  std::future<charge_outcome_pair> cancellable_charge(charge_params p) {
    return paystack::test::start_charge(*client_, terminal_, std::move(p), cancel_.slot());
  }

  /// Cancels the cancellable charge (as a POS closing its sale screen).
  void cancel() {
    boost::asio::post(ctx_.io, [this] { cancel_.emit(boost::asio::cancellation_type::terminal); });
  }

  /// Resumes `k` with instance `store` (charges resume KEY).
  std::future<charge_outcome_pair> resume(const std::string& k,
                                          const std::shared_ptr<charge_store>& store) {
    return paystack::test::start_resume(*client_, store, k, params(k, store));
  }

  static charge_outcome_pair get(std::future<charge_outcome_pair>& f) {
    return paystack::test::wait_charge(f, std::chrono::seconds(20));
  }

  /// on_progress that records the pushed request's code; pushed() waits (bounded) for it.
  std::function<void(const charge_progress&)> record_push() {
    return [this](const charge_progress& pr) {
      std::lock_guard lk(mutex_);
      if (pr.request_code && pr.event_id && code_.empty()) {
        code_ = *pr.request_code;
        pushed_.notify_all();
      }
    };
  }
  std::string pushed() {
    std::unique_lock lk(mutex_);
    if (!pushed_.wait_for(lk, 10s, [this] { return !code_.empty(); }))
      ADD_FAILURE() << "no payment request was pushed";
    return code_;
  }

  void TearDown() override {
    if (sim_) sim_->stop();
    PgTest::TearDown();
  }

  std::shared_ptr<charge_store> a_, b_;
  std::unique_ptr<sim::server> sim_;
  std::optional<terminal_client> client_;
  std::string terminal_;
  std::mutex mutex_;
  std::condition_variable pushed_;
  std::string code_;
  boost::asio::cancellation_signal cancel_;
};

TEST_F(PgFleet, two_charges_on_one_terminal_from_two_instances_one_is_busy) {
  start_sim();
  auto pa = params("sale-a", a_);
  pa.on_progress = record_push();
  auto first = charge(std::move(pa));
  const auto code = pushed();  // A holds the terminal's lease and waits for the customer
  auto second = charge(params("sale-b", b_));
  auto [ecb, rb] = get(second);
  EXPECT_FALSE(ecb) << ecb.message();
  EXPECT_EQ(rb.outcome, charge_outcome::terminal_busy) << rb.reason;
  EXPECT_NE(rb.reason.find("sale-a"), std::string::npos) << rb.reason;
  EXPECT_FALSE(rb.request) << "nothing was created for the busy charge";
  EXPECT_EQ(sim_->approve_payment(code), sim::control_result::ok);
  auto [eca, ra] = get(first);
  EXPECT_FALSE(eca) << eca.message();
  EXPECT_EQ(ra.outcome, charge_outcome::paid) << ra.reason;
  // A released the lease at its end: the terminal is free for the next sale.
  auto [ecl, leases] = wait<lease_list_signature>(b_->async_list_leases());
  ASSERT_FALSE(ecl);
  EXPECT_TRUE(leases.empty()) << leases.size() << " lease(s) left";
  // The busy charge is recorded finished (a replay says busy again without calling Paystack).
  auto [ecr, rec] = wait<charge_load_signature>(a_->async_load("sale-b"));
  ASSERT_FALSE(ecr);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->outcome, charge_outcome::terminal_busy);
  EXPECT_FALSE(rec->open);
}

TEST_F(PgFleet, resuming_a_charge_another_instance_runs_leaves_it_unfinished) {
  start_sim();
  auto pa = params("run-a", a_);
  pa.on_progress = record_push();
  auto first = charge(std::move(pa));
  const auto code = pushed();  // A runs the charge and holds the terminal
  // B's background resume finds the charge unfinished: the lease says A still runs it (A
  // renews it while B waits out its lifetime), so B records nothing and leaves it to A.
  auto resumed = resume("run-a", b_);
  auto [ecb, rb] = get(resumed);
  EXPECT_EQ(ecb, make_error_code(error::store_conflict)) << rb.reason;
  EXPECT_NE(rb.reason.find("is running in"), std::string::npos) << rb.reason;
  EXPECT_TRUE(rb.open) << "the charge stays unfinished";
  EXPECT_EQ(sim_->approve_payment(code), sim::control_result::ok);
  auto [eca, ra] = get(first);
  EXPECT_FALSE(eca) << eca.message();
  EXPECT_EQ(ra.outcome, charge_outcome::paid) << ra.reason << " (B's resume did not disturb A)";
  auto [ecr, rec] = wait<charge_load_signature>(b_->async_load("run-a"));
  ASSERT_FALSE(ecr);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->outcome, charge_outcome::paid);
  EXPECT_EQ(rec->pushes, 1u) << "pushed once";
  // Nothing in the journal is B's: one outcome, A's.
  auto [ech, journal] = wait<charge_history_signature>(b_->async_history("run-a"));
  ASSERT_FALSE(ech);
  int finished = 0;
  for (const auto& e : journal)
    if (e.stage == charge_journal_stage::finished) ++finished;
  EXPECT_EQ(finished, 1) << "the resume recorded an outcome of its own";
  ASSERT_FALSE(journal.empty());
  EXPECT_EQ(journal.back().detail, "paid");
}

TEST_F(PgFleet, a_charge_stopped_after_its_push_keeps_the_terminal_until_its_key_resumes) {
  start_sim();
  auto pa = params("stop-a", a_);
  pa.on_progress = record_push();
  auto first = cancellable_charge(std::move(pa));
  const auto code = pushed();
  cancel();  // A stops unfinished while the customer may still pay at the terminal
  auto [eca, ra] = get(first);
  EXPECT_EQ(eca, boost::asio::error::operation_aborted) << ra.reason;
  EXPECT_TRUE(ra.open);
  auto [ecl, leases] = wait<lease_list_signature>(b_->async_list_leases());
  ASSERT_FALSE(ecl);
  ASSERT_EQ(leases.size(), 1u) << "the lease stays while the customer may pay";
  EXPECT_TRUE(leases[0].stopped);
  EXPECT_EQ(leases[0].charge_key, "stop-a");
  // Another sale on that terminal would push over the customer: it is refused.
  auto second = charge(params("stop-b", b_));
  auto [ecb, rb] = get(second);
  EXPECT_FALSE(ecb) << ecb.message();
  EXPECT_EQ(rb.outcome, charge_outcome::terminal_busy) << rb.reason;
  EXPECT_FALSE(rb.request);
  // The customer paid; B resumes the key: it takes the stopped lease over and ends paid.
  EXPECT_EQ(sim_->approve_payment(code), sim::control_result::ok);
  auto resumed = resume("stop-a", b_);
  auto [ecr, rr] = get(resumed);
  EXPECT_FALSE(ecr) << ecr.message() << ": " << rr.reason;
  EXPECT_EQ(rr.outcome, charge_outcome::paid) << rr.reason;
  auto [ecs, rec] = wait<charge_load_signature>(a_->async_load("stop-a"));
  ASSERT_FALSE(ecs);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->pushes, 1u) << "not pushed again";
  auto [ecl2, after] = wait<lease_list_signature>(b_->async_list_leases());
  ASSERT_FALSE(ecl2);
  EXPECT_TRUE(after.empty()) << "released at the end of the resumed charge";
}

TEST_F(PgFleet, a_charge_waits_for_a_leased_terminal_when_asked) {
  start_sim();
  auto pa = params("wait-a", a_);
  pa.on_progress = record_push();
  auto first = charge(std::move(pa));
  const auto code = pushed();
  auto pb = params("wait-b", b_);
  pb.wait_for_terminal = true;
  pb.on_progress = [this](const charge_progress& pr) {
    if (pr.request_code && pr.event_id && *pr.request_code != code_)
      sim_->approve_payment(*pr.request_code);  // the second customer pays at once
  };
  auto second = charge(std::move(pb));
  EXPECT_EQ(sim_->approve_payment(code), sim::control_result::ok);
  auto [eca, ra] = get(first);
  EXPECT_EQ(ra.outcome, charge_outcome::paid) << ra.reason;
  auto [ecb, rb] = get(second);
  EXPECT_FALSE(ecb) << ecb.message();
  EXPECT_EQ(rb.outcome, charge_outcome::paid) << rb.reason << " (it waited for the terminal)";
}

TEST_F(PgFleet, a_charge_in_one_instance_is_decided_by_a_webhook_another_received) {
  // Instance B receives the webhooks; instance A charges with no webhook receiver of its own.
  webhook_server_options wo;
  wo.secret_key = key;
  wo.store = b_;
  webhook_server hooks(ctx_.io.get_executor(), wo);
  hooks.start();
  start_sim(hooks.url());
  auto p = params("cross-1", a_);
  p.verify_poll_interval = 60s;  // verify polling would decide too late: only the inbox can
  p.verify_fallback_interval = 60s;
  p.on_progress = record_push();
  auto running = charge(std::move(p));
  const auto code = pushed();
  EXPECT_EQ(sim_->approve_payment(code), sim::control_result::ok);
  auto [ec, r] = get(running);
  hooks.stop();
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(r.outcome, charge_outcome::paid) << r.reason;
  // Polling would first verify after 60 s: an earlier outcome came from an event in the inbox,
  // either read directly (paymentrequest.success) or as the cue to verify at once (a
  // charge.success the flow cannot match by itself, ADR 0005).
  EXPECT_LT(r.elapsed, 10s) << "decided by " << r.decided_by;
  EXPECT_TRUE(r.decided_by == "webhook" || r.decided_by == "verify") << r.decided_by;
  EXPECT_GE(hooks.stats().accepted, 1u) << "B received the webhook";
  // Handed over once fleet-wide: the events A acted on are claimed by A (B received them all).
  auto [eci, inbox] =
      query(*admin_, "SELECT semantic_key, received_by, handed_over_to FROM " + schema_ +
                         ".paystack_webhook_inbox WHERE handed_over_to IS NOT NULL");
  ASSERT_FALSE(eci) << inbox.message();
  EXPECT_GE(inbox.rows(), 1) << "the event that decided the charge was claimed";
  for (int i = 0; i < inbox.rows(); ++i)
    EXPECT_NE(inbox.value(i, 1), inbox.value(i, 2)) << inbox.value(i, 0) << " claimed by A";
  // The charge's own statements: each journal record is one (begin included), plus the lease's
  // acquire and release (the inbox feed's LISTEN and reads are per store, not per charge).
  auto [ech, hist] = wait<charge_history_signature>(a_->async_history("cross-1"));
  ASSERT_FALSE(ech);
  EXPECT_GE(hist.size(), 6u);
  std::printf(
      "[ figure ] database round trips of a paid charge: %zu (%zu journal records, lease "
      "acquire and release)\n",
      hist.size() + 2, hist.size());
}

TEST_F(PgFleet, two_receivers_given_the_same_event_hand_it_over_once) {
  std::atomic<int> handed{0};
  auto receiver = [&](std::shared_ptr<charge_store> store) {
    webhook_server_options o;
    o.secret_key = key;
    o.store = std::move(store);
    o.on_event = [&](const webhook_event&) { ++handed; };
    auto s = std::make_unique<webhook_server>(ctx_.io.get_executor(), o);
    s->start();
    return s;
  };
  auto ra = receiver(a_);
  auto rb = receiver(b_);
  const std::string body =
      R"({"event":"paymentrequest.success","data":{"id":3136406,"request_code":"PRQ_fleet0001","status":"success","paid":true,"amount":10000,"currency":"NGN"}})";
  auto post = [&](const webhook_server& s) {
    return paystack::test::raw_http(s.port(), paystack::test::webhook_request(
                                                  body, sign_webhook_payload(body, key), "/"))
        .status;
  };
  EXPECT_EQ(post(*ra), 200);
  EXPECT_EQ(post(*rb), 200);
  EXPECT_EQ(post(*rb), 200);
  EXPECT_EQ(handed.load(), 1) << "handed over once across both receivers";
  EXPECT_EQ(ra->stats().accepted + rb->stats().accepted, 1u);
  EXPECT_EQ(ra->stats().duplicates + rb->stats().duplicates, 2u);
  ra->stop();
  rb->stop();
}

TEST_F(PgFleet, an_instance_whose_connection_dropped_catches_up_from_the_inbox) {
  // A's store (and so its feed's LISTEN connection) is named, so that its backends can be cut.
  const std::string app = "feed_cut_" + schema_;
  error_code ec;
  std::string why;
  auto a = open_charge_store(ctx_.io.get_executor(), url_ + "&application_name=" + app, ec, why);
  ASSERT_TRUE(a) << why;
  auto feed = a->shared_webhooks();
  ASSERT_TRUE(feed);
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> seen;
  auto sub = feed->subscribe([&](const webhook_event& e) {
    std::lock_guard lk(m);
    seen.push_back(std::get<payment_request>(e.data).request_code);
    cv.notify_all();
  });
  auto store_event = [&](const std::string& id) {
    const std::string body = R"({"event":"paymentrequest.success","data":{"id":)" + id +
                             R"(,"request_code":"PRQ_cut)" + id +
                             R"(","status":"success","paid":true,"amount":100,"currency":"NGN"}})";
    auto [e, fresh] = wait<webhook_record_signature>(
        b_->async_record_webhook("paymentrequest.success:" + id, body));
    EXPECT_FALSE(e);
    EXPECT_TRUE(fresh);
  };
  auto seen_code = [&](const std::string& code) {
    std::unique_lock lk(m);
    return cv.wait_for(lk, 10s,
                       [&] { return std::find(seen.begin(), seen.end(), code) != seen.end(); });
  };
  // Events stored by B reach A (also those stored while A's feed was connecting: it starts with
  // the last 30 s of the inbox).
  store_event("7100001");
  store_event("7100002");
  ASSERT_TRUE(seen_code("PRQ_cut7100001")) << "the feed never read the inbox";
  ASSERT_TRUE(seen_code("PRQ_cut7100002")) << "the feed never read the inbox";
  // A's connection is cut; B stores an event while A cannot be notified (A reconnects after a
  // pause): A reads it from the table when it is back.
  auto [ec2, r] = query(*admin_,
                        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM "
                        "pg_stat_activity WHERE application_name = $1) t",
                        {app});
  ASSERT_FALSE(ec2) << r.message();
  ASSERT_GE(r.integer(0, 0), 1) << "the feed's connection was not found";
  store_event("7100003");
  EXPECT_TRUE(seen_code("PRQ_cut7100003")) << "the missed event was not read after reconnecting";
  std::lock_guard lk(m);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "PRQ_cut7100003"), 1) << "published once";
}

TEST_F(PgFleet, an_instance_learns_an_event_another_one_stored_figure) {
  // A's inbox feed (LISTEN/NOTIFY) against B storing events: the time from B's store call to
  // A's feed publishing it. A figure (doc/performance.md), asserted only to arrive.
  auto feed = a_->shared_webhooks();
  ASSERT_TRUE(feed);
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::chrono::steady_clock::time_point> arrived;
  auto sub = feed->subscribe([&](const webhook_event&) {
    std::lock_guard lk(m);
    arrived.push_back(std::chrono::steady_clock::now());
    cv.notify_all();
  });
  // The feed listens once its connection is up: a first event proves it.
  constexpr int events = 30;
  std::vector<double> ms;
  for (int i = 0; i <= events; ++i) {
    const std::string id = std::to_string(5000000 + i);
    const std::string body = R"({"event":"paymentrequest.success","data":{"id":)" + id +
                             R"(,"request_code":"PRQ_lat)" + id +
                             R"(","status":"success","paid":true,"amount":100,"currency":"NGN"}})";
    const auto sent = std::chrono::steady_clock::now();
    auto [ec, fresh] = wait<webhook_record_signature>(
        b_->async_record_webhook("paymentrequest.success:" + id, body));
    ASSERT_FALSE(ec);
    ASSERT_TRUE(fresh);
    std::unique_lock lk(m);
    const auto want = static_cast<std::size_t>(i) + 1;
    if (i == 0) {
      // Not measured: the listener may still be connecting; a later event catches it up.
      cv.wait_for(lk, 5s, [&] { return arrived.size() >= want; });
      arrived.resize(want);
      continue;
    }
    ASSERT_TRUE(cv.wait_for(lk, 10s, [&] { return arrived.size() >= want; }))
        << "event " << i << " never reached the other instance";
    ms.push_back(std::chrono::duration<double, std::milli>(arrived[want - 1] - sent).count());
  }
  std::sort(ms.begin(), ms.end());
  std::printf(
      "[ figure ] another instance learns a stored event: median %.2f ms, p90 %.2f ms, "
      "max %.2f ms (%d events)\n",
      ms[ms.size() / 2], ms[ms.size() * 9 / 10], ms.back(), events);
  EXPECT_EQ(ms.size(), static_cast<std::size_t>(events));
}

}  // namespace
}  // namespace fleet_test
