// The retry table: which failures are repeated, for which operations, after how long.
#include "http/retry.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/error.hpp>

#include "client_fixture.hpp"
#include "fake_time.hpp"

namespace paystack::test {
namespace {

using namespace std::chrono_literals;
using detail::decide_retry;
using detail::retry_class;
using clock = std::chrono::steady_clock;

http_reply reply_with(unsigned status, std::vector<std::pair<std::string, std::string>> h = {}) {
  http_reply r;
  r.status_code = status;
  r.headers = std::move(h);
  r.request_sent = r.reply_started = true;
  return r;
}

http_reply failed(bool sent, bool started) {
  http_reply r;
  r.request_sent = sent;
  r.reply_started = started;
  return r;
}

struct decision_case {
  const char* name;
  retry_class cls;
  boost::system::error_code ec;
  http_reply reply;
  bool retry;
};

class Decision : public ::testing::TestWithParam<decision_case> {};

TEST_P(Decision, table) {
  const auto& c = GetParam();
  retry_policy p;
  p.jitter = false;
  const auto now = clock::now();
  auto d =
      decide_retry(c.cls, p, 1, c.ec, c.reply, now, now + 60s, std::chrono::system_clock::now(), 0);
  EXPECT_EQ(d.retry, c.retry) << c.name;
}

const auto idem = retry_class::idempotent;
const auto unsafe = retry_class::unsafe;
const boost::system::error_code conn = error::connection_failed;
const boost::system::error_code tmo = error::timeout;

INSTANTIATE_TEST_SUITE_P(
    Table, Decision,
    ::testing::Values(
        decision_case{"get_503", idem, {}, reply_with(503), true},
        decision_case{"get_500", idem, {}, reply_with(500), true},
        decision_case{"get_429", idem, {}, reply_with(429), true},
        decision_case{"get_404", idem, {}, reply_with(404), false},
        decision_case{"get_400", idem, {}, reply_with(400), false},
        decision_case{"get_200", idem, {}, reply_with(200), false},
        decision_case{"get_conn_before_send", idem, conn, failed(false, false), true},
        decision_case{"get_conn_after_send", idem, conn, failed(true, false), true},
        decision_case{"get_timeout_no_reply", idem, tmo, failed(true, false), true},
        decision_case{"get_timeout_reply_started", idem, tmo, failed(true, true), false},
        decision_case{"get_tls_failed", idem, error::tls_failed, failed(false, false), false},
        decision_case{"get_too_large", idem, error::response_too_large, failed(true, true), false},
        decision_case{"get_cancelled", idem, boost::asio::error::operation_aborted,
                      failed(false, false), false},
        decision_case{"post_503", unsafe, {}, reply_with(503), false},
        decision_case{"post_429", unsafe, {}, reply_with(429), false},
        decision_case{"post_conn_before_send", unsafe, conn, failed(false, false), true},
        decision_case{"post_conn_after_send", unsafe, conn, failed(true, false), false},
        decision_case{"post_timeout_after_send", unsafe, tmo, failed(true, false), false},
        decision_case{"post_timeout_before_send", unsafe, tmo, failed(false, false), true}),
    [](const auto& test_case) { return std::string(test_case.param.name); });

TEST(RetryDelay, exponential_capped_without_jitter) {
  retry_policy p;
  p.jitter = false;
  p.max_attempts = 10;
  p.initial_backoff = 100ms;
  p.max_backoff = 500ms;
  const auto now = clock::now();
  std::vector<long> delays;
  for (unsigned a = 1; a <= 5; ++a)
    delays.push_back(decide_retry(idem, p, a, {}, reply_with(503), now, now + 1h,
                                  std::chrono::system_clock::now(), 0)
                         .delay.count());
  EXPECT_EQ(delays, (std::vector<long>{100, 200, 400, 500, 500}));
}

TEST(RetryDelay, jitter_stays_within_backoff) {
  retry_policy p;
  p.initial_backoff = 1000ms;
  const auto now = clock::now();
  auto lo = decide_retry(idem, p, 1, {}, reply_with(503), now, now + 1h,
                         std::chrono::system_clock::now(), 0);
  auto hi = decide_retry(idem, p, 1, {}, reply_with(503), now, now + 1h,
                         std::chrono::system_clock::now(), 0xffffffffu);
  EXPECT_EQ(lo.delay, 0ms);
  EXPECT_EQ(hi.delay, 1000ms);
}

TEST(RetryDelay, retry_after_and_rate_limit_reset_are_honoured) {
  retry_policy p;
  const auto now = clock::now();
  const auto wall = std::chrono::system_clock::now();
  auto d1 =
      decide_retry(idem, p, 1, {}, reply_with(429, {{"Retry-After", "2"}}), now, now + 1h, wall, 0);
  EXPECT_TRUE(d1.retry);
  EXPECT_EQ(d1.delay, 2000ms);
  auto d2 = decide_retry(idem, p, 1, {}, reply_with(429, {{"x-ratelimit-reset", "3"}}), now,
                         now + 1h, wall, 0);
  EXPECT_EQ(d2.delay, 3000ms);
  // Longer than max_server_delay: give the reply back instead of waiting.
  auto d3 = decide_retry(idem, p, 1, {}, reply_with(429, {{"Retry-After", "3600"}}), now, now + 2h,
                         wall, 0);
  EXPECT_FALSE(d3.retry);
}

TEST(RetryDelay, http_date_retry_after) {
  const auto wall = std::chrono::system_clock::from_time_t(1445412480);  // 07:28:00 GMT
  auto d = detail::server_requested_delay(
      reply_with(503, {{"Retry-After", "Wed, 21 Oct 2015 07:28:05 GMT"}}), wall);
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, 5000ms);
}

TEST(RateLimitWait, every_form_of_the_wait_headers) {
  const auto wall = std::chrono::system_clock::from_time_t(1445412480);  // 07:28:00 GMT
  // Retry-After as seconds (spaces around ignored), as an HTTP date, in the past.
  EXPECT_EQ(rate_limit_wait("7", "", wall), 7000ms);
  EXPECT_EQ(rate_limit_wait(" 7 ", "", wall), 7000ms);
  EXPECT_EQ(rate_limit_wait("Wed, 21 Oct 2015 07:28:05 GMT", "", wall), 5000ms);
  EXPECT_EQ(rate_limit_wait("Wed, 21 Oct 2015 07:27:00 GMT", "", wall), 0ms);
  // Retry-After wins over x-ratelimit-reset; a bad Retry-After lets the reset decide.
  EXPECT_EQ(rate_limit_wait("2", "30", wall), 2000ms);
  EXPECT_EQ(rate_limit_wait("soon", "30", wall), 30'000ms);
  // x-ratelimit-reset as seconds from now, or as a Unix time (larger than 10^9).
  EXPECT_EQ(rate_limit_wait("", "30", wall), 30'000ms);
  EXPECT_EQ(rate_limit_wait("", "1445412490", wall), 10'000ms);
  EXPECT_EQ(rate_limit_wait("", "1445412000", wall), 0ms);
  // Nothing said, or garbage: no wait asked; huge numbers are bounded (a day), never overflow.
  EXPECT_FALSE(rate_limit_wait("", "", wall));
  EXPECT_FALSE(rate_limit_wait("later", "12a", wall));
  EXPECT_EQ(rate_limit_wait("9223372036854775807", "", wall), 86'400'000ms);
  EXPECT_EQ(rate_limit_wait("-5", "", wall), 0ms);
  // response_headers reads its own fields the same way.
  response_headers h;
  h.retry_after = "Wed, 21 Oct 2015 07:28:09 GMT";
  h.rate_limit_reset = 60;
  EXPECT_EQ(h.requested_wait(wall), 9000ms);
  h.retry_after.reset();
  EXPECT_EQ(h.requested_wait(wall), 60'000ms);
  h.rate_limit_reset = 1445412483;
  EXPECT_EQ(h.requested_wait(wall), 3000ms);
}

TEST(RetryDelay, never_past_the_deadline_nor_max_attempts) {
  retry_policy p;
  p.jitter = false;
  p.initial_backoff = 500ms;
  const auto now = clock::now();
  const auto wall = std::chrono::system_clock::now();
  EXPECT_FALSE(decide_retry(idem, p, 1, {}, reply_with(503), now, now + 100ms, wall, 0).retry);
  EXPECT_FALSE(decide_retry(idem, p, 3, {}, reply_with(503), now, now + 1h, wall, 0).retry);
  p.max_attempts = 1;
  EXPECT_FALSE(decide_retry(idem, p, 1, {}, reply_with(503), now, now + 1h, wall, 0).retry);
}

// ---- the retry layer end to end, with the fake transport ----------------------------------

class Retries : public client_fixture {};

TEST_F(Retries, get_retries_5xx_then_succeeds) {
  fake->push(json_reply(503, R"({"status":false,"message":"busy"})"));
  fake->push(json_reply(502, "<html>bad gateway</html>"));
  fake->push(
      json_reply(200, R"({"status":true,"message":"ok","data":{"online":true,"available":true}})"));
  auto [ec, r] = finish(client->async_fetch_terminal_status("T", token));
  EXPECT_FALSE(ec);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.attempts, 3u);
  EXPECT_EQ(fake->request_count(), 3u);
}

TEST_F(Retries, gives_up_after_max_attempts_and_returns_last_reply) {
  for (int i = 0; i < 5; ++i) fake->push(json_reply(503, R"({"status":false,"message":"down"})"));
  auto [ec, r] = finish(client->async_fetch_terminal("T", token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.status_code, 503u);
  EXPECT_EQ(r.message, "down");
  EXPECT_EQ(r.attempts, 3u);
  EXPECT_EQ(fake->request_count(), 3u);
}

TEST_F(Retries, send_event_is_not_repeated_after_it_may_have_been_sent) {
  fake->push(failure(error::connection_failed, /*sent=*/true));
  fake->push(
      json_reply(200, R"({"status":true,"message":"Event sent to Terminal","data":{"id":"x"}})"));
  auto [ec, r] =
      finish(client->async_send_event("T", terminal_event::process_invoice(1, "ref"), token));
  EXPECT_EQ(ec, error::connection_failed);
  EXPECT_EQ(fake->request_count(), 1u);
}

TEST_F(Retries, send_event_is_not_repeated_on_5xx) {
  fake->push(json_reply(503, R"({"status":false,"message":"busy"})"));
  auto [ec, r] = finish(client->async_commission_terminal("SN", token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.status_code, 503u);
  EXPECT_EQ(fake->request_count(), 1u);
}

TEST_F(Retries, post_retried_when_nothing_left_the_client) {
  fake->push(failure(error::connection_failed, /*sent=*/false));
  fake->push(
      json_reply(200, R"({"status":true,"message":"Event sent to Terminal","data":{"id":"x"}})"));
  auto [ec, r] =
      finish(client->async_send_event("T", terminal_event::process_invoice(1, "ref"), token));
  EXPECT_FALSE(ec);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(fake->request_count(), 2u);
}

TEST_F(Retries, per_call_override_disables_retries) {
  fake->push(json_reply(503, R"({"status":false,"message":"busy"})"));
  fake->push(
      json_reply(200, R"({"status":true,"message":"ok","data":{"online":true,"available":true}})"));
  auto [ec, r] = finish(client->with({.retry = retry_policy{.max_attempts = 1}})
                            .async_fetch_terminal_status("T", token));
  EXPECT_EQ(r.status_code, 503u);
  EXPECT_EQ(fake->request_count(), 1u);
}

TEST_F(Retries, logger_sees_each_attempt_without_the_key) {
  std::vector<std::string> lines;
  client_options o = options();
  o.logger = [&](const log_record& rec) {
    lines.push_back(std::string(rec.method) + " " + std::string(rec.path) + " " +
                    std::to_string(rec.status_code) + " attempt=" + std::to_string(rec.attempt) +
                    (rec.will_retry ? " retry" : ""));
  };
  terminal_client c(io.get_executor(), o);
  fake->push(json_reply(500, R"({"status":false,"message":"x"})"));
  fake->push(json_reply(200, R"({"status":true,"message":"ok","data":{"delivered":false}})"));
  auto [ec, r] = finish(c.async_fetch_event_status("T", "E", token));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "GET /terminal/T/event/E 500 attempt=1 retry");
  EXPECT_EQ(lines[1], "GET /terminal/T/event/E 200 attempt=2");
  for (const auto& l : lines) EXPECT_EQ(l.find("sk_test"), std::string::npos);
}

// ---- waits, with injected time (no real sleeping) ----------------------------------------

class TimedRetries : public client_fixture {
 protected:
  TimedRetries() {
    auto o = options();
    o.retry = retry_policy{};  // the defaults: 200 ms doubling, jitter off below
    o.retry.jitter = false;
    o.retry.max_attempts = 4;
    o.time = time;
    client.emplace(io.get_executor(), o);
  }
  std::shared_ptr<fake_time> time = std::make_shared<fake_time>();
  static constexpr const char* presence =
      R"({"status":true,"message":"ok","data":{"online":true,"available":true}})";
};

TEST_F(TimedRetries, backoff_doubles_and_takes_no_real_time) {
  for (int i = 0; i < 3; ++i) fake->push(json_reply(503, R"({"status":false,"message":"busy"})"));
  fake->push(json_reply(200, presence));
  const auto t0 = std::chrono::steady_clock::now();
  auto [ec, r] = finish(client->async_fetch_terminal_status("T", token));
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.attempts, 4u);
  EXPECT_EQ(time->sleeps(), (std::vector<std::chrono::milliseconds>{200ms, 400ms, 800ms}));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1400ms) << "the 1.4 s of backoff was skipped";
}

TEST_F(TimedRetries, retry_after_and_rate_limit_reset_are_waited_exactly) {
  fake->push(json_reply(429, R"({"status":false,"message":"Rate limit exceeded!"})",
                        {{"Retry-After", "7"}}));
  fake->push(json_reply(429, R"({"status":false,"message":"Rate limit exceeded!"})",
                        {{"x-ratelimit-reset", "2"}}));
  fake->push(json_reply(200, presence));
  auto [ec, r] = finish(client->async_fetch_terminal_status("T", token));
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(time->sleeps(), (std::vector<std::chrono::milliseconds>{7000ms, 2000ms}));
}

TEST_F(TimedRetries, the_deadline_bounds_every_wait) {
  // 30 s total: the first 20 s wait fits, the second would end past the deadline.
  for (int i = 0; i < 3; ++i) {
    fake->push(json_reply(503, R"({"status":false,"message":"down"})", {{"Retry-After", "20"}}));
  }
  auto [ec, r] = finish(client->async_fetch_terminal_status("T", token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.status_code, 503u) << "the last reply is returned, not an error";
  EXPECT_EQ(r.attempts, 2u);
  EXPECT_EQ(time->sleeps(), (std::vector<std::chrono::milliseconds>{20000ms}));
}

// ---- the fail matrix: every step of a call fails in turn ---------------------------------
//
// A step's failure is what the transport reports when that step breaks: before the request is
// written (resolve, connect, TLS) nothing reached the server; from the write on it may have.
// `server_saw` counts the attempts that got as far as writing the request.

enum class step { resolve, connect, tls, write, read_headers, read_body, parse };

struct matrix_case {
  const char* name;
  step fails;
  bool post;                       // send event (unsafe) instead of fetch terminal (idempotent)
  boost::system::error_code want;  // the operation's outcome
  unsigned attempts;               // requests the client started
  unsigned server_saw;             // requests that may have reached the server
};

scripted_reply failure_at(step s) {
  switch (s) {
    case step::resolve:
      return failure(boost::asio::error::host_not_found, false);
    case step::connect:
      return failure(error::connection_failed, false);
    case step::tls:
      return failure(error::tls_failed, false);
    case step::write:
      return failure(error::connection_failed, true);
    case step::read_headers:
      return failure(error::timeout, true);
    case step::read_body:
      return failure(error::connection_failed, true, true);
    case step::parse:
      return json_reply(200, "<html>not the envelope</html>");
  }
  return {};
}

class FailMatrix : public client_fixture, public ::testing::WithParamInterface<matrix_case> {};

TEST_P(FailMatrix, outcome_and_requests_seen) {
  const auto& c = GetParam();
  fake->push(failure_at(c.fails));
  fake->push(c.post ? json_reply(200, R"({"status":true,"message":"Event sent to Terminal",)"
                                      R"("data":{"id":"616d721e8c5cd40a0cdd54a6"}})")
                    : json_reply(200, R"({"status":true,"message":"Terminal retrieved",)"
                                      R"("data":{"id":1,"terminal_id":"T","integration":1,)"
                                      R"("domain":"test","status":"active"}})"));
  boost::system::error_code ec;
  std::string raw;
  if (c.post) {
    auto [e, r] =
        finish(client->async_send_event("T", terminal_event::process_invoice(1, "ref"), token));
    ec = e;
    raw = r.raw_body;
  } else {
    auto [e, r] = finish(client->async_fetch_terminal("T", token));
    ec = e;
    raw = r.raw_body;
  }
  EXPECT_EQ(ec, c.want) << ec.message();
  EXPECT_EQ(fake->request_count(), c.attempts);
  const bool first_reached = c.fails >= step::write;
  const unsigned saw = (first_reached ? 1u : 0u) + (c.attempts > 1 ? 1u : 0u);
  EXPECT_EQ(saw, c.server_saw);
  if (c.fails == step::parse) {
    EXPECT_EQ(raw, "<html>not the envelope</html>") << "raw kept";
  }
}

const boost::system::error_code ok{};
INSTANTIATE_TEST_SUITE_P(
    Steps, FailMatrix,
    ::testing::Values(
        // GET: repeated whenever a new attempt can help.
        matrix_case{"get_resolve", step::resolve, false, ok, 2, 1},
        matrix_case{"get_connect", step::connect, false, ok, 2, 1},
        matrix_case{"get_tls", step::tls, false, error::tls_failed, 1, 0},
        matrix_case{"get_write", step::write, false, ok, 2, 2},
        matrix_case{"get_read_headers", step::read_headers, false, ok, 2, 2},
        matrix_case{"get_read_body", step::read_body, false, ok, 2, 2},
        matrix_case{"get_parse", step::parse, false, error::bad_response, 1, 1},
        // POST that acts on a device: repeated only when nothing left the client.
        matrix_case{"post_resolve", step::resolve, true, ok, 2, 1},
        matrix_case{"post_connect", step::connect, true, ok, 2, 1},
        matrix_case{"post_tls", step::tls, true, error::tls_failed, 1, 0},
        matrix_case{"post_write", step::write, true, error::connection_failed, 1, 1},
        matrix_case{"post_read_headers", step::read_headers, true, error::timeout, 1, 1},
        matrix_case{"post_read_body", step::read_body, true, error::connection_failed, 1, 1},
        matrix_case{"post_parse", step::parse, true, error::bad_response, 1, 1}),
    [](const auto& test_case) { return std::string(test_case.param.name); });

}  // namespace
}  // namespace paystack::test

namespace paystack::test {
namespace {

// Destroying the last client handle ends a call that sleeps between attempts at once (the
// real time source: a 20 s Retry-After), instead of when the sleep would have ended.
TEST(Shutdown, destroying_the_client_ends_a_backoff_sleep) {
  boost::asio::io_context io;
  auto fake = std::make_shared<fake_transport>(io.get_executor());
  fake->push(json_reply(503, R"({"status":false,"message":"busy"})", {{"Retry-After", "20"}}));
  client_options o;
  o.secret_key = test_key;
  o.transport = fake;
  std::optional<std::pair<boost::system::error_code, std::string>> done;
  {
    terminal_client client(io.get_executor(), o);
    client.async_fetch_terminal_status(
        "T", [&](boost::system::error_code ec, auto r) { done.emplace(ec, r.error_detail); });
    while (fake->request_count() == 0 && io.run_one() != 0) {
    }
    io.poll();  // the 503 came back: the call now sleeps 20 s before its second attempt
    ASSERT_FALSE(done);
  }
  io.restart();
  io.poll();  // no waiting: only handlers that are ready run
  ASSERT_TRUE(done) << "the call still sleeps after its client was destroyed";
  EXPECT_EQ(done->first, boost::asio::error::operation_aborted);
  EXPECT_EQ(done->second, "cancelled while waiting to retry");
  EXPECT_EQ(fake->request_count(), 1u);
}

// A call cancelled through its handler's slot before its first attempt ran sends nothing and
// reports no attempt.
TEST(Shutdown, a_call_cancelled_before_its_first_attempt_sends_nothing) {
  boost::asio::io_context io;
  auto fake = std::make_shared<fake_transport>(io.get_executor());
  fake->push(
      json_reply(200, R"({"status":true,"message":"ok","data":{"online":true,"available":true}})"));
  client_options o;
  o.secret_key = test_key;
  o.transport = fake;
  terminal_client client(io.get_executor(), o);
  boost::asio::cancellation_signal signal;
  std::optional<std::pair<boost::system::error_code, unsigned>> done;
  client.async_fetch_terminal_status(
      "T", boost::asio::bind_cancellation_slot(
               signal.slot(), [&](auto ec, auto r) { done.emplace(ec, r.attempts); }));
  signal.emit(boost::asio::cancellation_type::terminal);  // before the io_context ran anything
  io.run();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->first, boost::asio::error::operation_aborted);
  EXPECT_EQ(done->second, 0u);
  EXPECT_EQ(fake->request_count(), 0u);
}

}  // namespace
}  // namespace paystack::test
