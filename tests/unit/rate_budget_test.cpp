// The rate budget (paystack/rate_budget.hpp): which calls are payment-critical, the budget of one
// process, and the client asking it before each attempt (a wait, a 429 built by the client when
// the deadline comes first, cancellation, Paystack's headers shrinking the bucket, a failing
// budget letting calls through).
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <ctime>
#include <paystack/error.hpp>
#include <paystack/rate_budget.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "client_fixture.hpp"
#include "samples.hpp"

namespace paystack::test {
namespace {

using std::chrono::milliseconds;

http_request request(http_method m, std::string target) {
  http_request r;
  r.method = m;
  r.target = std::move(target);
  return r;
}

TEST(RateBudgetPriority, the_payment_path_is_critical_and_the_rest_housekeeping) {
  using enum http_method;
  const auto critical = call_priority::payment_critical;
  const auto housekeeping = call_priority::housekeeping;
  EXPECT_EQ(classify_request(request(post, "/paymentrequest")), critical);
  EXPECT_EQ(classify_request(request(get, "/paymentrequest/verify/PRQ_1")), critical);
  EXPECT_EQ(classify_request(request(post, "/terminal/2872S934/event")), critical);
  EXPECT_EQ(classify_request(request(get, "/terminal/2872S934/event/616d721e8c5cd40a")), critical);
  EXPECT_EQ(classify_request(request(post, "/v1/paymentrequest")), critical) << "base path";
  EXPECT_EQ(classify_request(request(get, "/v1/terminal/T1/event/E1?x=1")), critical);
  EXPECT_EQ(classify_request(request(get, "/terminal/2872S934/presence")), housekeeping);
  EXPECT_EQ(classify_request(request(get, "/terminal?perPage=50")), housekeeping);
  EXPECT_EQ(classify_request(request(get, "/terminal/2872S934")), housekeeping);
  EXPECT_EQ(classify_request(request(get, "/paymentrequest?perPage=50")), housekeeping);
  EXPECT_EQ(classify_request(request(get, "/paymentrequest/PRQ_1")), housekeeping);
  EXPECT_EQ(classify_request(request(post, "/paymentrequest/archive/PRQ_1")), housekeeping);
  EXPECT_EQ(classify_request(request(get, "/transaction?terminal_id=T1")), housekeeping);
  EXPECT_EQ(classify_request(request(post, "/refund")), housekeeping);
  EXPECT_EQ(classify_request(request(get, "/terminal/T1/event")), housekeeping);
}

TEST(RateBudgetOptions, defaults_are_resolved_and_nonsense_refused) {
  rate_budget_options o;
  o.per_minute = 600;
  auto r = resolved(o);
  EXPECT_EQ(r.capacity, 600);
  EXPECT_EQ(r.housekeeping_reserve, 120);
  o.housekeeping_reserve = 1000;
  EXPECT_EQ(resolved(o).housekeeping_reserve, 600);
  o.per_minute = 0;
  EXPECT_THROW(resolved(o), std::invalid_argument);
  o.per_minute = 100;
  o.integration.clear();
  EXPECT_THROW(resolved(o), std::invalid_argument);
}

/// A budget that counts the takes it answered "wait" (the call then waits for a token).
class counting_budget : public rate_budget {
 public:
  explicit counting_budget(std::shared_ptr<rate_budget> inner) : inner_(std::move(inner)) {}
  void async_take(call_priority p,
                  boost::asio::any_completion_handler<rate_take_signature> h) override {
    inner_->async_take(
        p, [this, h = std::move(h)](boost::system::error_code ec, milliseconds wait) mutable {
          if (wait.count() > 0) ++waits;
          std::move(h)(ec, wait);
        });
  }
  void observe(std::int64_t limit, std::int64_t remaining) override {
    inner_->observe(limit, remaining);
  }
  void observe_reset(milliseconds until_reset) override { inner_->observe_reset(until_reset); }
  int waits = 0;

 private:
  std::shared_ptr<rate_budget> inner_;
};

/// A budget answering every take with a store failure (a fleet's database gone).
class failing_budget : public rate_budget {
 public:
  explicit failing_budget(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}
  void async_take(call_priority,
                  boost::asio::any_completion_handler<rate_take_signature> h) override {
    boost::asio::post(ex_, boost::asio::append(std::move(h), make_error_code(error::store_failed),
                                               milliseconds(0)));
  }
  void observe(std::int64_t, std::int64_t) override {}

 private:
  boost::asio::any_io_executor ex_;
};

class RateBudgetClient : public client_fixture {
 protected:
  /// A client asking `budget` before each attempt (rebuilt: options are read at construction).
  void use(std::shared_ptr<rate_budget> budget, std::optional<call_priority> priority = {},
           milliseconds timeout = milliseconds(2000)) {
    auto o = options();
    o.rate_budget = std::move(budget);
    o.rate_priority = priority;
    o.timeout = timeout;
    client.emplace(io.get_executor(), o);
  }
  /// Tokens that never come back within a test: capacity `n`, reserve `reserve`.
  std::shared_ptr<rate_budget> bucket(double n, double reserve, double per_minute = 0.001) {
    rate_budget_options o;
    o.per_minute = per_minute;
    o.capacity = n;
    o.housekeeping_reserve = reserve;
    return make_local_rate_budget(io.get_executor(), o);
  }
  void answer_ok(int n) {
    for (int i = 0; i < n; ++i)
      fake->push(json_reply(200, sample_body("api/terminal/terminal-status", "200")));
  }
  auto presence() { return finish(client->async_fetch_terminal_status("2872S934", token)); }
  auto verify() {
    return finish(payment_request_client(*client).async_verify_payment_request("PRQ_1", token));
  }
};

TEST_F(RateBudgetClient, housekeeping_leaves_the_reserve_to_the_payment_path) {
  use(bucket(3, 1));
  answer_ok(2);
  for (int i = 0; i < 2; ++i) {
    auto [ec, r] = presence();
    EXPECT_FALSE(ec);
    EXPECT_EQ(r.status_code, 200u);
  }
  // The third housekeeping call would take the reserve: the budget says wait, longer than the
  // call's deadline allows, so the client answers 429 itself and sends nothing.
  auto [ec, r] = presence();
  EXPECT_EQ(r.status_code, 429u);
  EXPECT_EQ(r.code, "rate_limited");
  EXPECT_NE(r.message.find("not sent"), std::string::npos) << r.message;
  EXPECT_EQ(fake->request_count(), 2u);
  // A verify (payment-critical) still gets the last token.
  fake->push(json_reply(200, sample_body("api/payment-requests/verify", "200")));
  auto [vec, v] = verify();
  EXPECT_FALSE(vec) << vec.message() << " " << v.message;
  EXPECT_EQ(v.status_code, 200u);
  EXPECT_EQ(fake->request_count(), 3u);
}

TEST_F(RateBudgetClient, a_call_waits_for_the_next_token_within_its_deadline) {
  use(bucket(1, 0, 600));  // one token, then one every 100 ms
  answer_ok(2);
  auto [ec1, r1] = presence();
  auto [ec2, r2] = presence();  // waited for the refill
  EXPECT_EQ(r1.status_code, 200u);
  EXPECT_EQ(r2.status_code, 200u);
  EXPECT_EQ(fake->request_count(), 2u);
}

TEST_F(RateBudgetClient, a_client_given_a_priority_uses_it_for_every_call) {
  use(bucket(2, 2), call_priority::housekeeping);  // everything is housekeeping: no token at all
  auto [ec, v] = verify();
  EXPECT_EQ(v.status_code, 429u);
  EXPECT_EQ(fake->request_count(), 0u);
}

TEST_F(RateBudgetClient, paystacks_headers_and_a_429_shrink_the_bucket) {
  use(bucket(100, 0));
  fake->push(json_reply(200, sample_body("api/terminal/terminal-status", "200"),
                        {{"x-ratelimit-limit", "100"}, {"x-ratelimit-remaining", "1"}}));
  fake->push(json_reply(429, R"({"status":false,"message":"Rate limit exceeded!"})"));
  auto [ec1, r1] = presence();  // remaining 1: the bucket keeps one token
  EXPECT_EQ(r1.status_code, 200u);
  // Paystack's own 429 says nothing remains: the retry layer's next attempt is held back by
  // the client (a 429 of its own), not sent.
  auto [ec2, r2] = presence();
  EXPECT_EQ(r2.status_code, 429u);
  EXPECT_NE(r2.message.find("not sent"), std::string::npos) << r2.message;
  EXPECT_EQ(fake->request_count(), 2u) << "the client held the retry back";
}

/// What a take of `budget` answers now (the wait; zero: taken).
milliseconds take_now(boost::asio::io_context& io, rate_budget& budget, call_priority p) {
  milliseconds out{-1};
  budget.async_take(p, [&](boost::system::error_code, milliseconds wait) { out = wait; });
  io.restart();
  io.run();
  return out;
}

TEST(RateBudgetLocal, paystacks_reset_holds_the_bucket_until_then_and_fills_it_after) {
  boost::asio::io_context io;
  rate_budget_options o;
  o.per_minute = 6000;  // a token every 10 ms
  o.capacity = 10;
  o.housekeeping_reserve = 0;
  auto held = make_local_rate_budget(io.get_executor(), o);
  held->observe(10, 0);
  held->observe_reset(std::chrono::seconds(30));
  const auto wait = take_now(io, *held, call_priority::payment_critical);
  EXPECT_GT(wait, std::chrono::seconds(29)) << "held until the reset, not the next refill";
  EXPECT_LE(wait, std::chrono::seconds(30));

  // A reset that has come: the window is full again (without it, the second take would wait).
  auto reset = make_local_rate_budget(io.get_executor(), o);
  reset->observe(10, 0);
  reset->observe_reset(milliseconds(0));
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(take_now(io, *reset, call_priority::housekeeping), milliseconds(0)) << i;
  auto empty = make_local_rate_budget(io.get_executor(), o);
  empty->observe(10, 0);
  EXPECT_GT(take_now(io, *empty, call_priority::housekeeping), milliseconds(0));
}

std::string http_date(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

TEST_F(RateBudgetClient, a_429s_reset_in_each_form_holds_the_next_call_back) {
  const auto later = std::chrono::system_clock::now() + std::chrono::seconds(40);
  const auto unix_later =
      std::chrono::duration_cast<std::chrono::seconds>(later.time_since_epoch()).count();
  const std::vector<std::pair<std::string, std::string>> forms = {
      {"x-ratelimit-reset", "30"},                        // seconds from now
      {"x-ratelimit-reset", std::to_string(unix_later)},  // a Unix time
      {"Retry-After", "30"},                              // seconds
      {"Retry-After", http_date(later)},                  // an HTTP date
      {"", ""},                                           // none: the bucket refills at once
  };
  for (const auto& [name, value] : forms) {
    fake = std::make_shared<fake_transport>(io.get_executor());
    use(bucket(100, 0, 6000));  // without a reset, a token every 10 ms
    std::vector<std::pair<std::string, std::string>> headers = {{"x-ratelimit-remaining", "0"}};
    if (!name.empty()) headers.emplace_back(name, value);
    fake->push(json_reply(429, R"({"status":false,"message":"Rate limit exceeded!"})", headers));
    answer_ok(1);
    auto [ec1, r1] = presence();
    if (name.empty()) {
      // No reset said: the retry layer's backoff is within the deadline and the bucket refills
      // meanwhile, so the retry goes out and is answered.
      EXPECT_EQ(r1.status_code, 200u) << "the refill let the retry through";
      EXPECT_EQ(fake->request_count(), 2u);
      continue;
    }
    // A reset 30 s or more away: no retry within the 2 s deadline, and the next call is held
    // back by the bucket (a 429 of the client's own), not sent.
    EXPECT_EQ(r1.status_code, 429u) << name;
    auto [ec2, r2] = presence();
    EXPECT_EQ(r2.status_code, 429u) << name << ": " << value;
    EXPECT_NE(r2.message.find("not sent"), std::string::npos) << name << ": " << r2.message;
    EXPECT_EQ(fake->request_count(), 1u) << name << ": held until Paystack's reset";
  }
}

TEST_F(RateBudgetClient, a_failing_budget_lets_calls_through) {
  use(std::make_shared<failing_budget>(io.get_executor()));
  answer_ok(1);
  auto [ec, r] = presence();
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.status_code, 200u);
  EXPECT_EQ(fake->request_count(), 1u);
}

TEST_F(RateBudgetClient, a_call_waiting_for_a_token_is_cancelled) {
  auto counted = std::make_shared<counting_budget>(bucket(1, 0, 1));  // next token in 60 s
  use(counted, {}, milliseconds(120000));
  answer_ok(1);
  auto [ec1, r1] = presence();
  ASSERT_EQ(r1.status_code, 200u);
  boost::asio::cancellation_signal stop;
  auto f = client->async_fetch_terminal_status(
      "2872S934", boost::asio::bind_cancellation_slot(stop.slot(), boost::asio::use_future));
  io.restart();
  for (int i = 0; i < 1000 && counted->waits == 0; ++i) io.run_one();  // until it waits
  ASSERT_EQ(counted->waits, 1);
  stop.emit(boost::asio::cancellation_type::terminal);
  io.run();
  try {
    f.get();
    ADD_FAILURE() << "the call completed instead of being cancelled";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), boost::asio::error::operation_aborted);
  }
  EXPECT_EQ(fake->request_count(), 1u);
}

}  // namespace
}  // namespace paystack::test
