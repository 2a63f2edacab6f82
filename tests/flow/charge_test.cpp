// async_charge_on_terminal against the embedded simulator. The simulator never delivers or pays
// on its own here (delivery_delay / auto_pay_delay unset): each test drives the device.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <paystack/charge.hpp>
#include <paystack/error.hpp>
#include <paystack/payment_request_client.hpp>
#include <paystack/sim/server.hpp>
#include <paystack/webhook_server.hpp>

#include "charge_harness.hpp"
#include "fake_time.hpp"
#include "manual_time.hpp"
#include "test_support.hpp"

using namespace paystack;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using flow_test::raw_http;
using flow_test::webhook_request;

namespace {

constexpr const char* key = "sk_test_9d2c41f07ab35e6c18f2";

using test::charge_outcome_pair;

class Charge : public ::testing::Test {
 protected:
  /// webhooks_to_server: the simulator POSTs its webhooks to our webhook_server. Otherwise it
  /// only records them (the test re-delivers them itself, or never).
  void start(bool webhooks_to_server) {
    webhook_server_options wo;
    wo.secret_key = key;
    wo.path = "/hooks";
    hooks_ = std::make_unique<webhook_server>(io_.io().get_executor(), wo);
    hooks_->start();

    sim::server_options so;
    so.secret_key = key;
    so.delivery_delay.reset();
    so.auto_pay_delay.reset();
    if (webhooks_to_server) so.webhook_url = hooks_->url();
    so.webhook_max_attempts = 1;
    sim_ = std::make_unique<sim::server>(so);
    sim_->start();
    terminal_ = sim_->terminal_ids().at(0);

    client_options co;
    co.secret_key = key;
    co.base_url = sim_->base_url();
    co.time = time_;  // null: the real clock
    co.logger = [this](const log_record& r) {
      std::string path(r.path);
      if (r.method == "POST" && path.ends_with("/event")) ++pushes_;
      if (r.method == "POST" && path.ends_with("/paymentrequest")) ++creates_;
      if (r.method == "POST" && path.starts_with("/paymentrequest/archive/")) ++archives_;
      // The customer pays while the unpaid charge is being closed (after its last verify).
      if (pay_on_close_ && path.starts_with("/paymentrequest/verify/") && archives_ == 0 &&
          closing_)
        (void)sim_->approve_payment(path.substr(std::string("/paymentrequest/verify/").size()));
    };
    client_.emplace(io_.io().get_executor(), co);
  }

  void TearDown() override {
    if (sim_) sim_->stop();
    if (hooks_) hooks_->stop();
    client_.reset();
    EXPECT_TRUE(io_.stop()) << "work was left running";
  }

  /// Fetch Payment Request at the simulator: is `code` archived?
  bool archived(const std::string& code) {
    auto p = std::make_shared<std::promise<bool>>();
    auto f = p->get_future();
    payment_request_client(*client_).async_fetch_payment_request(
        code, [p](boost::system::error_code ec, response<payment_request> r) {
          p->set_value(!ec && r.ok() && r.data->archived.value_or(false));
        });
    return f.get();
  }

  charge_params params() {
    charge_params p;
    p.customer = "CUS_flowtest0001";
    p.amount = 5000;
    p.currency = "NGN";
    p.description = "flow test";
    p.timeout = 20s;
    p.delivery_poll_initial = 20ms;
    p.delivery_poll_max = 100ms;
    p.verify_poll_interval = 50ms;
    p.verify_fallback_interval = 60s;  // tests that want the fallback lower it
    p.on_progress = [log = progress_](const charge_progress& pr) { log->add(pr); };
    return p;
  }

  /// Starts a charge; the future is ready when the handler ran.
  std::future<charge_outcome_pair> charge(charge_params p) {
    return test::start_charge(*client_, terminal_, std::move(p), cancel_.slot());
  }

  static charge_outcome_pair get(std::future<charge_outcome_pair>& f) {
    return test::wait_charge(f);
  }

  /// With a manual_time clock: completes the flow's sleeps one after the other (simulated time)
  /// until the charge ends; bounded in rounds.
  static void drive(test::manual_time& t, std::future<charge_outcome_pair>& f) {
    for (int round = 0; round < 10'000; ++round) {
      if (f.wait_for(std::chrono::seconds(0)) == std::future_status::ready) return;
      if (t.wait_for_sleep(std::chrono::milliseconds(50))) t.advance();
    }
    ADD_FAILURE() << "the charge did not end within 10,000 sleeps";
  }

  std::optional<charge_progress> wait_stage(charge_stage s) {
    return progress_->wait_for(
        [s](const charge_progress& p) { return p.stage == s && p.event_id.has_value(); });
  }

  /// Waits for the pushed event and delivers it.
  std::string deliver() {
    auto p = wait_stage(charge_stage::awaiting_delivery);
    if (!p) {
      ADD_FAILURE() << "no push";
      return {};
    }
    EXPECT_EQ(sim_->deliver_event(*p->event_id), sim::control_result::ok);
    auto paying = wait_stage(charge_stage::awaiting_payment);
    EXPECT_TRUE(paying) << "delivery was not observed";
    return paying ? *paying->request_code : std::string{};
  }

  /// The simulator's log entries for `event` that mention `code`.
  std::vector<sim::webhook_delivery> logged(const std::string& event, const std::string& code) {
    std::vector<sim::webhook_delivery> out;
    for (auto& w : sim_->webhook_log())
      if (w.event == event && w.body.find(code) != std::string::npos) out.push_back(w);
    return out;
  }

  int post(const sim::webhook_delivery& w) {
    // The simulator signs independently of the library: both must agree.
    EXPECT_TRUE(verify_webhook_signature(w.body, w.signature, key));
    return raw_http(hooks_->port(), webhook_request(w.body, w.signature, "/hooks")).status;
  }

  /// Set before start(): the client's (and so the flow's) clock. Null: the real one.
  std::shared_ptr<time_source> time_;
  flow_test::io_thread io_;
  std::unique_ptr<webhook_server> hooks_;
  std::unique_ptr<sim::server> sim_;
  std::optional<terminal_client> client_;
  std::string terminal_;
  std::atomic<int> pushes_{0};
  std::atomic<int> archives_{0};
  std::atomic<bool> pay_on_close_{false};
  std::atomic<bool> closing_{false};
  std::atomic<int> creates_{0};
  asio::cancellation_signal cancel_;
  std::shared_ptr<flow_test::recorder<charge_progress>> progress_ =
      std::make_shared<flow_test::recorder<charge_progress>>();
};

}  // namespace

TEST_F(Charge, paid_through_webhook) {
  start(true);
  auto p = params();
  p.webhooks = hooks_->feed();
  auto f = charge(std::move(p));
  auto code = deliver();
  ASSERT_FALSE(code.empty());
  EXPECT_EQ(sim_->approve_payment(code), sim::control_result::ok);
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(r.outcome, charge_outcome::paid) << r.reason;
  // charge.success arrives first and triggers an immediate verify, which may win the race with
  // paymentrequest.success; either way a webhook started the decision (no fallback poll ran).
  EXPECT_TRUE(r.decided_by == "webhook" || r.decided_by == "verify") << r.decided_by;
  EXPECT_LE(r.verify_polls, 1u);
  ASSERT_TRUE(r.request);
  EXPECT_EQ(r.request->request_code, code);
  EXPECT_TRUE(r.request->offline_reference);
  EXPECT_EQ(r.request->amount, 5000);
  EXPECT_EQ(r.request->currency, "NGN");
  EXPECT_TRUE(r.event_id);
  EXPECT_TRUE(r.delivered);
  EXPECT_TRUE(r.presence && r.presence->online);
  EXPECT_EQ(pushes_, 1);
  EXPECT_EQ(creates_, 1);
  EXPECT_GE(hooks_->stats().accepted, 2u);
  EXPECT_EQ(hooks_->feed()->subscriber_count(), 0u) << "the flow released its subscription";
  auto last = progress_->items().back();
  EXPECT_EQ(last.stage, charge_stage::done);
  EXPECT_NE(last.text.find("paid"), std::string::npos);
  for (const auto& pr : progress_->items()) EXPECT_EQ(pr.text.find(key), std::string::npos);
}

TEST_F(Charge, payment_request_success_webhook_alone_decides) {
  start(false);  // the test hands over only paymentrequest.success
  auto p = params();
  p.webhooks = hooks_->feed();
  auto f = charge(std::move(p));
  auto code = deliver();
  ASSERT_FALSE(code.empty());
  EXPECT_EQ(sim_->approve_payment(code), sim::control_result::ok);
  auto success = logged("paymentrequest.success", code);
  ASSERT_EQ(success.size(), 1u);
  EXPECT_EQ(post(success.front()), 200);
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(r.outcome, charge_outcome::paid) << r.reason;
  EXPECT_EQ(r.decided_by, "webhook");
  EXPECT_EQ(r.verify_polls, 0u) << "the webhook alone decides a payment";
  ASSERT_TRUE(r.request);
  EXPECT_TRUE(r.request->paid);
  EXPECT_EQ(pushes_, 1);
}

TEST_F(Charge, declined_through_webhook) {
  start(true);
  auto p = params();
  p.webhooks = hooks_->feed();
  auto f = charge(std::move(p));
  auto code = deliver();
  ASSERT_FALSE(code.empty());
  EXPECT_EQ(sim_->decline_payment(code), sim::control_result::ok);
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.outcome, charge_outcome::declined) << r.reason;
  EXPECT_EQ(r.decided_by, "webhook");
  EXPECT_GE(r.verify_polls, 1u) << "a decline is confirmed by verify";
  ASSERT_TRUE(r.request);
  EXPECT_FALSE(r.request->paid);
  EXPECT_EQ(pushes_, 1);
}

TEST_F(Charge, a_declined_charge_archives_its_request) {
  start(true);
  auto p = params();
  p.webhooks = hooks_->feed();
  auto f = charge(std::move(p));
  auto code = deliver();
  ASSERT_FALSE(code.empty());
  EXPECT_EQ(sim_->decline_payment(code), sim::control_result::ok);
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.outcome, charge_outcome::declined) << r.reason;
  EXPECT_FALSE(r.open) << "nothing unpaid stays payable";
  EXPECT_EQ(archives_, 1);
  EXPECT_TRUE(archived(code)) << "the declined request cannot be paid by its offline reference";
  EXPECT_NE(r.reason.find("archived"), std::string::npos) << r.reason;
}

TEST_F(Charge, a_timed_out_charge_archives_its_request) {
  start(false);
  auto p = params();
  p.timeout = 400ms;  // the customer never acts
  auto f = charge(std::move(p));
  auto [ec, r] = get(f);
  EXPECT_EQ(r.outcome, charge_outcome::not_delivered) << r.reason;
  ASSERT_TRUE(r.request);
  EXPECT_FALSE(r.open);
  EXPECT_EQ(archives_, 1);
  EXPECT_TRUE(archived(r.request->request_code));
}

TEST_F(Charge, keep_open_leaves_the_request_payable) {
  start(false);
  auto p = params();
  p.timeout = 400ms;
  p.keep_open = true;
  auto f = charge(std::move(p));
  auto [ec, r] = get(f);
  EXPECT_EQ(r.outcome, charge_outcome::not_delivered) << r.reason;
  ASSERT_TRUE(r.request);
  EXPECT_TRUE(r.open) << "kept open for a payment by the offline reference";
  EXPECT_EQ(archives_, 0);
  EXPECT_FALSE(archived(r.request->request_code));
}

TEST_F(Charge, a_payment_racing_the_close_makes_the_charge_paid) {
  start(false);
  auto p = params();
  p.timeout = 400ms;
  p.on_progress = [this](const charge_progress& pr) {
    if (pr.text.starts_with("closing ")) closing_ = true;
  };
  pay_on_close_ = true;
  auto f = charge(std::move(p));
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(r.outcome, charge_outcome::paid) << r.reason;
  EXPECT_FALSE(r.open);
  EXPECT_NE(r.reason.find("found when closing"), std::string::npos) << r.reason;
}

TEST_F(Charge, terminal_offline_is_refused_early) {
  start(false);
  ASSERT_EQ(sim_->set_presence(terminal_, false, false), sim::control_result::ok);
  auto f = charge(params());
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.outcome, charge_outcome::terminal_offline);
  EXPECT_EQ(r.stage, charge_stage::checking_presence);
  EXPECT_NE(r.reason.find("offline"), std::string::npos);
  EXPECT_FALSE(r.request);
  EXPECT_EQ(creates_, 0);
  EXPECT_EQ(pushes_, 0);
}

TEST_F(Charge, terminal_busy_is_refused_early) {
  start(false);
  ASSERT_EQ(sim_->set_presence(terminal_, true, false), sim::control_result::ok);
  auto f = charge(params());
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.outcome, charge_outcome::terminal_busy);
  EXPECT_NE(r.reason.find("busy"), std::string::npos);
  EXPECT_EQ(creates_, 0);
  EXPECT_EQ(pushes_, 0);
}

TEST_F(Charge, event_never_delivered_ends_at_the_deadline) {
  auto clock = std::make_shared<test::manual_time>();  // the deadline passes in simulated time
  time_ = clock;
  start(false);
  auto p = params();
  p.timeout = 800ms;
  auto f = charge(std::move(p));
  auto pushed = wait_stage(charge_stage::awaiting_delivery);
  ASSERT_TRUE(pushed);
  drive(*clock, f);
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.outcome, charge_outcome::not_delivered) << r.reason;
  EXPECT_EQ(r.stage, charge_stage::awaiting_delivery);
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.event_id, pushed->event_id);
  EXPECT_GE(r.delivery_polls, 3u) << "bounded polling with backoff";
  EXPECT_LE(r.delivery_polls, 40u);
  EXPECT_GE(r.elapsed, 800ms);
  EXPECT_LT(r.elapsed, 900ms) << "ends at the deadline, not a poll later";
  EXPECT_EQ(pushes_, 1) << "never pushed twice";
}

TEST_F(Charge, delivered_but_unpaid_times_out) {
  auto clock = std::make_shared<test::manual_time>();  // the deadline passes in simulated time
  time_ = clock;
  start(false);
  auto p = params();
  p.timeout = 1500ms;
  auto f = charge(std::move(p));
  auto pushed = wait_stage(charge_stage::awaiting_delivery);
  ASSERT_TRUE(pushed);
  ASSERT_EQ(sim_->deliver_event(*pushed->event_id), sim::control_result::ok);
  drive(*clock, f);
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.outcome, charge_outcome::timed_out) << r.reason;
  EXPECT_TRUE(r.delivered);
  EXPECT_GE(r.verify_polls, 2u);
  EXPECT_EQ(pushes_, 1);
}

TEST_F(Charge, webhooks_lost_fallback_verify_decides) {
  start(false);  // the simulator's webhooks never reach the server
  auto p = params();
  p.webhooks = hooks_->feed();
  p.verify_fallback_interval = 100ms;
  auto f = charge(std::move(p));
  auto code = deliver();
  ASSERT_FALSE(code.empty());
  EXPECT_EQ(sim_->approve_payment(code), sim::control_result::ok);
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.outcome, charge_outcome::paid) << r.reason;
  EXPECT_EQ(r.decided_by, "verify");
  EXPECT_GE(r.verify_polls, 1u);
  EXPECT_EQ(hooks_->stats().accepted, 0u);
}

TEST_F(Charge, without_feed_verify_polling_decides) {
  start(false);
  auto f = charge(params());
  auto code = deliver();
  ASSERT_FALSE(code.empty());
  EXPECT_EQ(sim_->approve_payment(code), sim::control_result::ok);
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.outcome, charge_outcome::paid);
  EXPECT_EQ(r.decided_by, "verify");
  ASSERT_TRUE(r.request);
  EXPECT_TRUE(r.request->paid);
}

TEST_F(Charge, duplicated_and_reordered_webhooks) {
  start(false);  // the test delivers the simulator's webhooks itself, in its own order
  auto p = params();
  p.webhooks = hooks_->feed();  // verify fallback is 60 s: only webhooks can decide in time
  auto f = charge(std::move(p));
  auto code = deliver();
  ASSERT_FALSE(code.empty());
  ASSERT_EQ(sim_->approve_payment(code), sim::control_result::ok);
  auto success = logged("paymentrequest.success", code);
  auto pending = logged("paymentrequest.pending", code);
  auto charge_ok = logged("charge.success", terminal_);
  ASSERT_EQ(success.size(), 1u);
  ASSERT_EQ(pending.size(), 1u);
  ASSERT_FALSE(charge_ok.empty());
  EXPECT_EQ(post(success[0]), 200);
  EXPECT_EQ(post(success[0]), 200);  // Paystack retried
  EXPECT_EQ(post(pending[0]), 200);  // late, after the success
  EXPECT_EQ(post(charge_ok[0]), 200);
  EXPECT_EQ(post(success[0]), 200);
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.outcome, charge_outcome::paid) << r.reason;
  EXPECT_EQ(r.decided_by, "webhook");
  EXPECT_EQ(r.verify_polls, 0u);
  ASSERT_TRUE(r.request);
  EXPECT_TRUE(r.request->paid);
  auto st = hooks_->stats();
  EXPECT_EQ(st.accepted, 3u);
  EXPECT_EQ(st.duplicates, 2u);
  EXPECT_EQ(pushes_, 1);
}

TEST_F(Charge, stale_failure_after_payment_is_not_a_decline) {
  start(false);
  auto p = params();
  p.webhooks = hooks_->feed();
  auto f = charge(std::move(p));
  auto code = deliver();
  ASSERT_FALSE(code.empty());
  ASSERT_EQ(sim_->decline_payment(code), sim::control_result::ok);  // first card failed
  ASSERT_EQ(sim_->approve_payment(code), sim::control_result::ok);  // second one paid
  auto failed = logged("invoice.payment_failed", code);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(post(failed[0]), 200);  // the success webhooks are "lost"; the failure is late
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.outcome, charge_outcome::paid) << r.reason;
  EXPECT_EQ(r.verify_polls, 1u);
}

TEST_F(Charge, forged_webhook_is_ignored) {
  start(false);
  auto p = params();
  p.webhooks = hooks_->feed();
  auto f = charge(std::move(p));
  auto code = deliver();
  ASSERT_FALSE(code.empty());
  // A forged "paid" for our request, signed with another key, then unsigned.
  ASSERT_EQ(sim_->approve_payment(code), sim::control_result::ok);
  auto success = logged("paymentrequest.success", code);
  ASSERT_EQ(success.size(), 1u);
  const auto& body = success[0].body;
  EXPECT_EQ(raw_http(hooks_->port(),
                     webhook_request(body, sign_webhook_payload(body, "sk_test_forger"), "/hooks"))
                .status,
            401);
  EXPECT_EQ(raw_http(hooks_->port(), webhook_request(body, std::nullopt, "/hooks")).status, 401);
  EXPECT_EQ(hooks_->stats().accepted, 0u);
  EXPECT_EQ(f.wait_for(0s), std::future_status::timeout) << "decided by a forged webhook";
  EXPECT_EQ(post(success[0]), 200);
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.outcome, charge_outcome::paid);
  EXPECT_EQ(hooks_->stats().bad_signature, 2u);
  EXPECT_EQ(hooks_->stats().accepted, 1u);
}

TEST_F(Charge, cancelled_while_waiting_for_delivery) {
  start(false);
  auto f = charge(params());
  ASSERT_TRUE(wait_stage(charge_stage::awaiting_delivery));
  asio::post(io_.io(), [this] { cancel_.emit(asio::cancellation_type::terminal); });
  auto [ec, r] = get(f);
  EXPECT_EQ(ec, asio::error::operation_aborted);
  EXPECT_EQ(r.outcome, charge_outcome::cancelled);
  EXPECT_TRUE(r.event_id) << "the caller can reconcile what was pushed";
  ASSERT_TRUE(r.request);
  EXPECT_EQ(pushes_, 1);
}

TEST_F(Charge, invalid_params_are_refused_before_sending) {
  start(false);
  auto p = params();
  p.customer.clear();
  auto f = charge(std::move(p));
  auto [ec, r] = get(f);
  EXPECT_EQ(ec, make_error_code(error::invalid_argument));
  EXPECT_FALSE(r.reason.empty());
  auto p2 = params();
  p2.amount.reset();
  auto f2 = charge(std::move(p2));
  EXPECT_EQ(get(f2).first, make_error_code(error::invalid_argument));
  // A bad line item is refused before the presence check, as Create Payment Request would.
  auto p3 = params();
  p3.line_items.push_back({.name = "", .amount = 100, .quantity = 1});
  auto f3 = charge(std::move(p3));
  auto [ec3, r3] = get(f3);
  EXPECT_EQ(ec3, make_error_code(error::invalid_argument));
  EXPECT_NE(r3.reason.find("line item"), std::string::npos) << r3.reason;
  EXPECT_FALSE(r3.presence) << "nothing was sent";
  EXPECT_EQ(creates_, 0);
}

TEST_F(Charge, unknown_terminal_fails) {
  start(false);
  terminal_ = "NOPE0000";
  auto f = charge(params());
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.outcome, charge_outcome::failed);
  ASSERT_TRUE(r.last_reply);
  EXPECT_EQ(r.last_reply->operation, "fetch_terminal_status");
  EXPECT_GE(r.last_reply->status_code, 400u);
  EXPECT_EQ(creates_, 0);
}

// Time comes from the client's time_source: Paystack's 48-hour delivery window is reached in
// simulated time, with hourly polls, and no real waiting.
TEST_F(Charge, delivery_window_of48_hours_passes_in_simulated_time) {
  auto clock = std::make_shared<test::fake_time>();  // every sleep completes at once
  time_ = clock;
  start(false);
  auto p = params();
  p.timeout = 72h;
  p.delivery_poll_initial = 1h;
  p.delivery_poll_max = 8h;
  auto f = charge(std::move(p));
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.outcome, charge_outcome::not_delivered) << r.reason;
  EXPECT_GE(r.elapsed, 48h) << "ends when Paystack forgets the delivery status";
  EXPECT_LT(r.elapsed, 49h);
  EXPECT_GE(r.delivery_polls, 7u);  // 1, 2, 4, 8, 8, ... hours apart
  EXPECT_LE(r.delivery_polls, 12u);
  EXPECT_EQ(pushes_, 1);
  EXPECT_FALSE(clock->sleeps().empty());
}

// Once the request exists nothing can undo it: a total-only cancellation is ignored then, and
// the charge goes on to its real outcome; a terminal one still ends it (CancelledWhile...).
TEST_F(Charge, total_cancellation_after_the_push_is_ignored) {
  start(false);
  auto f = charge(params());
  auto pushed = wait_stage(charge_stage::awaiting_delivery);
  ASSERT_TRUE(pushed);
  asio::post(io_.io(), [this] { cancel_.emit(asio::cancellation_type::total); });
  auto code = deliver();
  ASSERT_FALSE(code.empty());
  EXPECT_EQ(sim_->approve_payment(code), sim::control_result::ok);
  auto [ec, r] = get(f);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(r.outcome, charge_outcome::paid) << r.reason;
  EXPECT_EQ(pushes_, 1);
}
