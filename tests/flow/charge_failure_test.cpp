// The charge flow's failure matrix (issue 11): every step (presence, create, push, event-status
// poll, verify poll) against every way a call can fail (refused, reset before the reply, reset
// mid-reply, timeout, 4xx envelope, 5xx, HTML, truncated JSON). Each case asserts the outcome,
// that the invoice was pushed at most once, that at most one payment request reached the
// server, and that charge_result carries what is known (request code, event id). The failures
// are real: a closed port, and the simulator's x-sim-fault header on the chosen step's requests
// (a transport decorator picks them); "truncated JSON" cuts a complete 200 reply in half.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <limits>
#include <paystack/charge.hpp>
#include <paystack/error.hpp>
#include <paystack/sim/server.hpp>

#include "charge_harness.hpp"
#include "fake_time.hpp"
#include "http/builtin_transport.hpp"  // the built-in transport (tests see src/)
#include "test_support.hpp"

using namespace paystack;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

constexpr const char* key = "sk_test_4c0ffee5ca1ab1e0f00d";

enum class step { presence, create, push, event_status, verify };
enum class failure {
  refused,          ///< nothing listens on the port
  reset,            ///< the server processes the request, then resets without answering
  reset_mid_reply,  ///< half the reply, then the connection closes
  timeout,          ///< the reply comes later than the read timeout
  envelope_4xx,     ///< 400 with Paystack's error envelope
  error_5xx,        ///< 503 with an error envelope
  html,             ///< a proxy's HTML 502
  truncated_json,   ///< a complete 200 whose JSON body is cut in half
  rate_limited,     ///< 429 (Paystack did not act): the flow waits and sends again
};

const char* name(step s) {
  switch (s) {
    case step::presence:
      return "presence";
    case step::create:
      return "create";
    case step::push:
      return "push";
    case step::event_status:
      return "event_status";
    case step::verify:
      return "verify";
  }
  return "?";
}

const char* name(failure f) {
  switch (f) {
    case failure::refused:
      return "refused";
    case failure::reset:
      return "reset";
    case failure::reset_mid_reply:
      return "reset_mid_reply";
    case failure::timeout:
      return "timeout";
    case failure::envelope_4xx:
      return "envelope_4xx";
    case failure::error_5xx:
      return "error_5xx";
    case failure::html:
      return "html";
    case failure::truncated_json:
      return "truncated_json";
    case failure::rate_limited:
      return "rate_limited";
  }
  return "?";
}

/// The simulator fault that produces `f` (empty: not a simulator fault).
std::string sim_fault(failure f) {
  switch (f) {
    case failure::reset:
      return "reset=after_read";
    case failure::reset_mid_reply:
      return "truncate";
    case failure::timeout:
      return "delay_ms=600";  // the read timeout below is 100 ms
    case failure::envelope_4xx:
      return "status=400";
    case failure::error_5xx:
      return "status=503";
    case failure::html:
      return "html502";
    case failure::rate_limited:
      return "status=429";
    case failure::refused:
    case failure::truncated_json:
      break;
  }
  return {};
}

std::optional<step> step_of(const http_request& r) {
  const std::string_view t = r.target;
  if (r.method == http_method::post && t.ends_with("/event")) return step::push;
  if (r.method == http_method::post && t.ends_with("/paymentrequest")) return step::create;
  if (t.find("/presence") != std::string_view::npos) return step::presence;
  if (t.find("/paymentrequest/verify/") != std::string_view::npos) return step::verify;
  if (t.find("/event/") != std::string_view::npos) return step::event_status;
  return std::nullopt;
}

/// Sends every request to the simulator, except the first `times` requests of the target step,
/// which fail as asked. Counts the creates and pushes that reached the simulator.
class injector : public transport {
 public:
  injector(std::shared_ptr<transport> sim, std::shared_ptr<transport> closed, step target,
           failure what, unsigned times)
      : sim_(std::move(sim)),
        closed_(std::move(closed)),
        target_(target),
        what_(what),
        times_(times) {}

  void async_send(const http_request& request, clock::time_point deadline,
                  handler_type handler) override {
    const auto s = step_of(request);
    const bool inject = s == target_ && injected_ < times_;
    if (inject) ++injected_;
    if (inject && what_ == failure::refused)
      return closed_->async_send(request, deadline, std::move(handler));
    // A 429 is not acted on: only the creates and pushes the simulator carried out count.
    const bool not_acted = inject && what_ == failure::rate_limited;
    if (s == step::create && !not_acted) ++creates_;
    if (s == step::push && !not_acted) ++pushes_;
    // The decorated copy lives until the handler runs; executor and cancellation slot are kept.
    auto copy = std::make_shared<http_request>(request);
    if (inject && !sim_fault(what_).empty()) {
      // A passing rate limit says when to send again (Retry-After: 0); a lasting one sends only
      // Paystack's x-ratelimit-reset (60 s, past the deadline: the flow ends at once).
      const bool passing = what_ == failure::rate_limited && times_ < 100;
      copy->headers.emplace_back("x-sim-fault", passing ? "retry_after=0" : sim_fault(what_));
    }
    const bool cut = inject && what_ == failure::truncated_json;
    auto slot = asio::get_associated_cancellation_slot(handler);
    auto ex = asio::get_associated_executor(handler);
    const http_request& sent = *copy;
    sim_->async_send(sent, deadline,
                     asio::bind_cancellation_slot(
                         slot, asio::bind_executor(
                                   ex, [copy, cut, h = std::move(handler)](
                                           boost::system::error_code ec, http_reply reply) mutable {
                                     if (cut && !ec) reply.body.resize(reply.body.size() / 2);
                                     std::move(h)(ec, std::move(reply));
                                   })));
  }
  void shutdown() noexcept override {
    sim_->shutdown();
    closed_->shutdown();
  }

  int creates() const { return creates_; }
  int pushes() const { return pushes_; }
  unsigned injected() const { return injected_; }

 private:
  std::shared_ptr<transport> sim_, closed_;
  step target_;
  failure what_;
  unsigned times_;
  std::atomic<unsigned> injected_{0};
  std::atomic<int> creates_{0}, pushes_{0};
};

std::uint16_t closed_port(asio::io_context& io) {
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();  // closed when `a` goes
}

struct matrix_case {
  step where;
  failure what;
  bool persistent;  ///< polls and 429s: every request of the step fails (else the first two)
};

std::string case_name(const ::testing::TestParamInfo<matrix_case>& info) {
  return std::string(name(info.param.where)) + "_" + name(info.param.what) +
         (info.param.persistent ? "_always" : "");
}

using test::charge_outcome_pair;

class ChargeFailure : public ::testing::TestWithParam<matrix_case> {
 protected:
  void SetUp() override {
    sim::server_options so;
    so.secret_key = key;
    so.delivery_delay = 0ms;  // the device picks the event up at once...
    so.auto_pay_delay = 0ms;  // ...and the customer pays at once
    so.webhook_max_attempts = 1;
    sim_ = std::make_unique<sim::server>(so);
    sim_->start();

    const auto& c = GetParam();
    const bool poll = c.where == step::event_status || c.where == step::verify;
    const bool rate_limited = c.what == failure::rate_limited;
    const unsigned times =
        (!poll && !rate_limited) || c.persistent ? std::numeric_limits<unsigned>::max() : 2;
    auto strand = asio::make_strand(io_.io());
    detail::transport_settings ts;
    ts.idle_read_timeout = 100ms;
    ts.connect_timeout = 1s;
    std::string why;
    auto to = [&](const std::string& url) {
      detail::endpoint ep;
      EXPECT_FALSE(detail::parse_endpoint(url, false, ep, why)) << why;
      boost::system::error_code ec;
      auto t = detail::make_builtin_transport(strand, ep, ts, ec, why);
      EXPECT_FALSE(ec) << why;
      return t;
    };
    auto closed = to("http://127.0.0.1:" + std::to_string(closed_port(io_.io())));
    injector_ = std::make_shared<injector>(to(sim_->base_url()), closed, c.where, c.what, times);

    client_options co;
    co.secret_key = key;
    co.base_url = sim_->base_url();
    co.transport = injector_;
    co.retry.initial_backoff = 1ms;
    co.retry.max_backoff = 5ms;
    // Every poll fails: the charge's deadline is what ends it, and it passes in simulated time
    // (the flow's sleeps complete at once); only the transport's own timeouts are real.
    // A 429 is waited out (250 ms, then 500 ms...) in simulated time too.
    if ((poll && c.persistent) || rate_limited) co.time = std::make_shared<test::fake_time>();
    client_.emplace(io_.io().get_executor(), co);
  }

  void TearDown() override {
    client_.reset();
    if (sim_) sim_->stop();
    EXPECT_TRUE(io_.stop()) << "work was left running";
  }

  /// simulated: the deadline passes in simulated time (fewer, longer polls).
  charge_outcome_pair charge(bool simulated) {
    charge_params p;
    p.customer = "CUS_failmatrix001";
    p.amount = 5000;
    p.timeout = simulated ? 1s : 10s;
    p.delivery_poll_initial = simulated ? 100ms : 10ms;
    p.delivery_poll_max = simulated ? 400ms : 40ms;
    p.verify_poll_interval = simulated ? 200ms : 20ms;
    auto fut = test::start_charge(*client_, sim_->terminal_ids().at(0), std::move(p));
    return test::wait_charge(fut, 30s);
  }

  flow_test::io_thread io_;
  std::unique_ptr<sim::server> sim_;
  std::shared_ptr<injector> injector_;
  std::optional<terminal_client> client_;
};

/// Failures that never reach the server's handler with a usable reply.
bool no_reply(failure f) {
  return f == failure::refused || f == failure::reset || f == failure::reset_mid_reply ||
         f == failure::timeout || f == failure::truncated_json || f == failure::html;
}

TEST_P(ChargeFailure, ends_as_documented_and_reports_what_is_known) {
  const auto& c = GetParam();
  const bool poll = c.where == step::event_status || c.where == step::verify;
  // A failing poll is repeated until the deadline, which then passes in simulated time.
  auto [ec, r] = charge((poll && c.persistent) || c.what == failure::rate_limited);
  SCOPED_TRACE(std::string(to_string(r.outcome)) + ": " + r.reason);

  if (c.what == failure::rate_limited) {
    // A 429 never ends a charge while its deadline allows waiting (issue 15).
    EXPECT_GE(injector_->injected(), 1u) << "the failure was injected";
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_LE(injector_->creates(), 1);
    EXPECT_LE(injector_->pushes(), 1);
    if (!c.persistent || poll) {
      // A poll limited until the deadline: closing the unpaid charge verifies once more (Fetch
      // answers when Verify is refused) and finds the customer's payment.
      EXPECT_EQ(r.outcome, charge_outcome::paid);
      EXPECT_EQ(injector_->creates(), 1);
      EXPECT_EQ(injector_->pushes(), 1);
      return;
    }
    // Rate limited until the deadline: the step ends as refused, saying so and what is known.
    EXPECT_EQ(r.outcome, charge_outcome::failed);
    ASSERT_TRUE(r.last_reply);
    EXPECT_EQ(r.last_reply->status_code, 429u);
    EXPECT_NE(r.reason.find("429"), std::string::npos);
    EXPECT_EQ(injector_->pushes(), 0);
    if (c.where == step::push) {
      ASSERT_TRUE(r.request);
      EXPECT_NE(r.reason.find(r.request->request_code), std::string::npos);
    } else {
      EXPECT_EQ(injector_->creates(), 0);
    }
    return;
  }

  EXPECT_GE(injector_->injected(), 1u) << "the failure was injected";
  EXPECT_LE(injector_->pushes(), 1) << "the invoice is pushed at most once";
  EXPECT_LE(injector_->creates(), 1) << "at most one payment request";
  EXPECT_FALSE(r.reason.empty());
  ASSERT_TRUE(r.last_reply) << "the last call is reported";

  switch (c.where) {
    case step::presence:
      EXPECT_EQ(r.outcome, charge_outcome::failed);
      EXPECT_EQ(r.stage, charge_stage::checking_presence);
      EXPECT_EQ(r.last_reply->operation, "fetch_terminal_status");
      EXPECT_EQ(injector_->creates(), 0);
      EXPECT_EQ(injector_->pushes(), 0);
      EXPECT_FALSE(r.request);
      EXPECT_EQ(bool(ec), no_reply(c.what)) << ec.message();
      break;
    case step::create:
      EXPECT_EQ(r.outcome, charge_outcome::failed);
      EXPECT_EQ(r.stage, charge_stage::creating_request);
      EXPECT_EQ(r.last_reply->operation, "create_payment_request");
      EXPECT_EQ(injector_->pushes(), 0);
      EXPECT_FALSE(r.request);
      EXPECT_FALSE(r.event_id);
      EXPECT_EQ(bool(ec), no_reply(c.what)) << ec.message();
      break;
    case step::push:
      EXPECT_EQ(r.outcome, charge_outcome::failed);
      EXPECT_EQ(r.stage, charge_stage::pushing_event);
      EXPECT_EQ(r.last_reply->operation, "send_event");
      ASSERT_TRUE(r.request) << "the payment request the customer may pay is reported";
      EXPECT_FALSE(r.request->request_code.empty());
      EXPECT_FALSE(r.event_id);
      EXPECT_EQ(bool(ec), no_reply(c.what)) << ec.message();
      // The push may have reached the terminal: the reason names the request to verify.
      EXPECT_NE(r.reason.find(r.request->request_code), std::string::npos);
      break;
    case step::event_status:
    case step::verify:
      EXPECT_FALSE(ec) << "a failing poll never ends the charge with an error: " << ec.message();
      EXPECT_EQ(injector_->pushes(), 1);
      EXPECT_EQ(injector_->creates(), 1);
      ASSERT_TRUE(r.request);
      EXPECT_FALSE(r.request->request_code.empty());
      EXPECT_TRUE(r.event_id) << "the pushed event is reported";
      if (c.persistent && (c.where == step::event_status || c.what == failure::envelope_4xx)) {
        // The customer paid, the polls could not see it, and closing the unpaid charge did:
        // its verify (or, Verify refused with a 4xx, its Fetch) finds the payment.
        EXPECT_EQ(r.outcome, charge_outcome::paid);
        EXPECT_NE(r.reason.find("found when closing"), std::string::npos);
      } else if (c.persistent) {
        // The customer paid, but neither the flow nor the close can see it: it says so, never
        // "failed", and leaves the charge open (the request may still be payable).
        EXPECT_EQ(r.outcome, charge_outcome::timed_out);
        EXPECT_NE(r.reason.find(r.request->request_code), std::string::npos);
        EXPECT_NE(r.reason.find("may still be payable"), std::string::npos);
        EXPECT_TRUE(r.open);
        EXPECT_EQ(r.delivered, c.where == step::verify);
      } else {
        EXPECT_EQ(r.outcome, charge_outcome::paid) << "two failed polls, then the answer";
        EXPECT_TRUE(r.delivered);
      }
      break;
  }
}

std::vector<matrix_case> all_cases() {
  std::vector<matrix_case> out;
  const failure failures[] = {failure::refused, failure::reset,         failure::reset_mid_reply,
                              failure::timeout, failure::envelope_4xx,  failure::error_5xx,
                              failure::html,    failure::truncated_json};
  for (auto s : {step::presence, step::create, step::push, step::event_status, step::verify}) {
    for (auto f : failures) {
      out.push_back({s, f, false});
      if (s == step::event_status || s == step::verify) out.push_back({s, f, true});
    }
    out.push_back({s, failure::rate_limited, false});  // twice, then the answer
    out.push_back({s, failure::rate_limited, true});   // until the deadline
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(EveryStepEveryFailure, ChargeFailure, ::testing::ValuesIn(all_cases()),
                         case_name);

}  // namespace
