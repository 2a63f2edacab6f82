// The client against paystack-sim's scripted faults, end to end over loopback: what is retried,
// what is reported, and that a push hit by a reset after sending is never repeated. A decorator
// around the built-in transport (the one seam) adds the x-sim-fault headers to every request.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <deque>
#include <mutex>
#include <paystack/paystack.hpp>
#include <paystack/sim/server.hpp>

#include "fake_time.hpp"
#include "fault_headers.hpp"

namespace paystack::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
constexpr const char* key = "sk_test_sim_faults_5c1e";

class SimFaults : public ::testing::Test {
 protected:
  SimFaults() {
    sim::server_options so;
    so.secret_key = key;
    so.delivery_delay.reset();
    so.auto_pay_delay.reset();
    sim_ = std::make_unique<sim::server>(so);
    sim_->start();
    terminal_ = sim_->terminal_ids().at(0);
  }

  /// A client whose requests carry `spec` (for the first `times` of them; 0: all).
  terminal_client client_with(std::string spec, unsigned times = 0,
                              std::chrono::milliseconds timeout = 10s) {
    auto count = std::make_shared<unsigned>(0);
    std::string why;
    transport_ = make_fault_transport(
        io_, sim_->base_url(),
        [spec, times, count](const http_request&) {
          return times == 0 || (*count)++ < times ? spec : std::string();
        },
        why);
    EXPECT_TRUE(transport_) << why;
    client_options o;
    o.secret_key = key;
    o.base_url = sim_->base_url();
    o.transport = transport_;
    o.time = time_;  // waits (Retry-After, backoff) take no real time
    o.timeout = timeout;
    return terminal_client(io_.get_executor(), o);
  }

  template <class Deferred>
  auto run(Deferred&& op) {
    auto f = std::forward<Deferred>(op)(asio::use_future);
    io_.restart();
    io_.run();
    return f.get();
  }

  /// How many events the simulator holds for the terminal (GET /_sim/state, no fault).
  std::size_t events_on_terminal() {
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    s.connect({asio::ip::make_address("127.0.0.1"), sim_->port()});
    const std::string req = "GET /_sim/state HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    asio::write(s, asio::buffer(req));
    std::string out;
    boost::system::error_code ec;
    asio::read(s, asio::dynamic_buffer(out), ec);
    auto v = boost::json::parse(out.substr(out.find("\r\n\r\n") + 4));
    std::size_t n = 0;
    for (const auto& e : v.at("data").at("events").as_array()) {
      if (e.at("terminal_id").as_string() == terminal_) ++n;
    }
    return n;
  }

  static constexpr auto token = asio::as_tuple(asio::deferred);
  static terminal_event push() { return terminal_event::print_transaction(1504248187); }
  std::unique_ptr<sim::server> sim_;
  asio::io_context io_;
  std::shared_ptr<fault_headers> transport_;
  std::shared_ptr<fake_time> time_ = std::make_shared<fake_time>();
  std::string terminal_;
};

TEST_F(SimFaults, get_survives_two_503s) {
  auto c = client_with("status=503", 2);
  auto [ec, r] = run(c.async_fetch_terminal(terminal_, token));
  EXPECT_FALSE(ec) << r.error_detail;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.attempts, 3u);
  EXPECT_EQ(transport_->sent(), 3u);
}

TEST_F(SimFaults, retry_after_is_honoured) {
  auto c = client_with("retry_after=2", 1);
  auto [ec, r] = run(c.async_list_terminals({}, token));
  EXPECT_FALSE(ec);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.attempts, 2u);
  EXPECT_EQ(time_->sleeps(), (std::vector<std::chrono::milliseconds>{2000ms}));
}

TEST_F(SimFaults, a_429_to_a_push_is_returned_not_repeated) {
  auto c = client_with("retry_after=1", 1);
  auto [ec, r] = run(c.async_send_event(terminal_, push(), token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.status_code, 429u);
  EXPECT_EQ(r.headers.retry_after, "1");
  EXPECT_EQ(transport_->sent(), 1u);
  EXPECT_EQ(events_on_terminal(), 0u);
}

TEST_F(SimFaults, reset_before_read_get_is_retried) {
  auto c = client_with("reset=before_read", 1);
  auto [ec, r] = run(c.async_fetch_terminal_status(terminal_, token));
  EXPECT_FALSE(ec) << r.error_detail;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.attempts, 2u);
}

TEST_F(SimFaults, reset_after_read_push_is_reported_and_not_repeated) {
  auto c = client_with("reset=after_read", 1);
  auto [ec, r] = run(c.async_send_event(terminal_, push(), token));
  EXPECT_EQ(ec, error::connection_failed) << ec.message();
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(transport_->sent(), 1u);
  EXPECT_EQ(events_on_terminal(), 1u) << "the simulator acted once; the client did not repeat it";
}

TEST_F(SimFaults, reset_before_read_push_is_reported_too) {
  // The client cannot know the server dropped it unread: it may have been processed.
  auto c = client_with("reset=before_read", 1);
  auto [ec, r] = run(c.async_send_event(terminal_, push(), token));
  EXPECT_EQ(ec, error::connection_failed);
  EXPECT_EQ(transport_->sent(), 1u);
  EXPECT_EQ(events_on_terminal(), 0u);
}

TEST_F(SimFaults, truncated_body_get_is_retried_post_is_reported) {
  auto c = client_with("truncate", 1);
  auto [ec, r] = run(c.async_fetch_terminal(terminal_, token));
  EXPECT_FALSE(ec) << r.error_detail;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.attempts, 2u);
  auto p = client_with("truncate", 1);
  auto [pec, pr] = run(p.async_send_event(terminal_, push(), token));
  EXPECT_EQ(pec, error::connection_failed) << pec.message();
  EXPECT_EQ(transport_->sent(), 1u);
}

TEST_F(SimFaults, html_502_is_retried_then_kept_raw) {
  auto once = client_with("html502", 1);
  auto [ec, r] = run(once.async_fetch_terminal(terminal_, token));
  EXPECT_FALSE(ec);
  EXPECT_TRUE(r.ok());
  auto always = client_with("html502");
  auto [aec, ar] = run(always.async_fetch_terminal(terminal_, token));
  EXPECT_EQ(aec, error::bad_response);
  EXPECT_EQ(ar.status_code, 502u);
  EXPECT_EQ(ar.attempts, 3u);
  EXPECT_NE(ar.raw_body.find("<html"), std::string::npos) << "the HTML page is kept";
}

TEST_F(SimFaults, trickling_reply_cannot_hold_a_call_past_its_deadline) {
  auto c = client_with("trickle_ms=300", 0, 1s);
  auto [ec, r] = run(c.async_fetch_terminal(terminal_, token));
  EXPECT_EQ(ec, error::timeout) << ec.message();
}

}  // namespace
}  // namespace paystack::test

namespace paystack::test {
namespace {

// Stopping the io_context with calls in flight, then destroying the client and the context:
// nothing crashes or hangs, and (under ASan's leak check) nothing leaks. The handlers are
// destroyed uncalled, as Asio does for any work left on a stopped context.
TEST_F(SimFaults, stopping_the_io_context_with_calls_in_flight_leaks_nothing) {
  auto completed = std::make_shared<int>(0);
  {
    auto c = client_with("delay_ms=2000");
    for (int i = 0; i < 20; ++i) {
      c.async_fetch_terminal(terminal_, [completed](auto, auto) { ++*completed; });
      c.async_send_event(terminal_, push(), [completed](auto, auto) { ++*completed; });
    }
    io_.restart();
    for (int i = 0; i < 200 && io_.poll_one() != 0; ++i) {
    }  // the requests are on their way; the replies are 2 s away
    io_.stop();
  }  // the client goes first, the io_context (and the uncalled handlers) with the fixture
  EXPECT_EQ(*completed, 0);
  EXPECT_GE(transport_->sent(), 1u);
}

}  // namespace
}  // namespace paystack::test
