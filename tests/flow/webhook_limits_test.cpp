// webhook_server under attack (issue 11): header blocks, chunk lines and trailers over their caps
// are refused at once (431/413) instead of being buffered; idle, slow and crowding connections
// give way to a real delivery; `Expect: 100-continue` is answered. In every attack a legitimately
// signed delivery made while the hostile connections are open must still get its 200.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "webhook_fixture.hpp"

using namespace paystack;
using namespace std::chrono_literals;
using flow_test::raw_connection;
using webhook_test::key;
using webhook_test::sample;

namespace {

const std::string chunked_head =
    "POST /paystack/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
    "Connection: close\r\n\r\n";

std::string hex(std::size_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%zx", n);
  return buf;
}

/// A signed delivery sent chunked: `ext` after each chunk size, `trailer` after the last chunk.
std::string chunked_delivery(const std::string& body, const std::string& ext,
                             const std::string& trailer) {
  const auto half = body.size() / 2;
  return "POST /paystack/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
         "x-paystack-signature: " +
         sign_webhook_payload(body, key) + "\r\nConnection: close\r\n\r\n" + hex(half) + ext +
         "\r\n" + body.substr(0, half) + "\r\n" + hex(body.size() - half) + ext + "\r\n" +
         body.substr(half) + "\r\n0" + ext + "\r\n" + trailer + "\r\n";
}

/// Opens `n` connections to the server that send nothing.
std::vector<boost::asio::ip::tcp::socket> idle_connections(boost::asio::io_context& io,
                                                           std::uint16_t port, std::size_t n) {
  std::vector<boost::asio::ip::tcp::socket> out;
  for (std::size_t i = 0; i < n; ++i) {
    out.emplace_back(io).connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }
  return out;
}

/// True when the server closed `s` (EOF or reset) within 10 s.
bool closed_by_server(boost::asio::ip::tcp::socket& s) {
  timeval tv{10, 0};
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char c;
  boost::system::error_code ec;
  s.read_some(boost::asio::buffer(&c, 1), ec);
  return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
}

}  // namespace

class WebhookLimits : public WebhookServer {
 protected:
  /// A signed delivery on a new connection; expects 200 and the event handed over.
  void deliver_one() {
    auto body = sample("terminal/deferred/events/payment-request-successful.json");
    EXPECT_EQ(post(body, sign_webhook_payload(body, key)).status, 200);
    EXPECT_TRUE(fed_.wait_for([](const std::string& s) { return s == "paymentrequest.success"; }));
  }
  /// Eight connections that each send `prefix` and then wait; a delivery in the middle; then
  /// every hostile connection must have been answered `status` and closed.
  void eight_hostile(const std::string& prefix, int status) {
    std::vector<std::unique_ptr<raw_connection>> hostile;
    for (int i = 0; i < 8; ++i) {
      hostile.push_back(std::make_unique<raw_connection>(server_->port()));
      hostile.back()->send(prefix);
    }
    deliver_one();
    for (auto& h : hostile) {
      EXPECT_TRUE(h->read_to_end());
      EXPECT_EQ(h->status(), status) << h->received();
    }
  }
  /// io_timeout short, so that a server that buffers without limit fails these tests quickly.
  static webhook_server_options short_io() {
    webhook_server_options o;
    o.io_timeout = 2s;
    return o;
  }
};

// ---- memory bounded in bytes ------------------------------------------------------------------

TEST_F(WebhookLimits, header_block_over_the_cap_is431) {
  start(short_io());
  eight_hostile(
      "POST /paystack/webhook HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(64 << 10, 'a'), 431);
  EXPECT_EQ(server_->stats().header_too_large, 8u);
}

TEST_F(WebhookLimits, endless_chunk_extension_is413) {
  start(short_io());
  eight_hostile(chunked_head + "1;" + std::string(64 << 10, 'e'), 413);
  EXPECT_EQ(server_->stats().too_large, 8u);
}

TEST_F(WebhookLimits, endless_trailer_is413) {
  start(short_io());
  eight_hostile(chunked_head + "5\r\nhello\r\n0\r\nX-Trailer: " + std::string(64 << 10, 't'), 413);
  EXPECT_EQ(server_->stats().too_large, 8u);
}

TEST_F(WebhookLimits, chunk_line_and_trailer_caps_are_exact) {
  auto o = short_io();
  o.max_chunk_line_bytes = 64;
  o.max_trailer_bytes = 32;
  start(std::move(o));
  auto body = sample("terminal/deferred/events/transaction-successful.json");
  // Chunk lines of exactly 64 bytes (size and extension) and a 32-byte trailer section.
  const auto digits = hex(body.size() / 2).size();
  ASSERT_EQ(hex(body.size() - body.size() / 2).size(), digits);
  const std::string ext = ";x=" + std::string(64 - digits - 3, 'v');
  const std::string trailer = "X-T: " + std::string(32 - 5 - 2 - 2, 't') + "\r\n";
  ASSERT_EQ((trailer + "\r\n").size(), 32u);
  EXPECT_EQ(flow_test::raw_http(server_->port(), chunked_delivery(body, ext, trailer)).status, 200);
  EXPECT_EQ(flow_test::raw_http(server_->port(), chunked_delivery(body, ext + "v", trailer)).status,
            413);
  EXPECT_EQ(flow_test::raw_http(server_->port(), chunked_delivery(body, ext, "X" + trailer)).status,
            413);
  auto st = server_->stats();
  EXPECT_EQ(st.accepted, 1u);
  EXPECT_EQ(st.too_large, 2u);
}

// ---- connections cannot starve deliveries -----------------------------------------------------

TEST_F(WebhookLimits, idle_connections_from_one_source_give_way) {
  webhook_server_options o;
  o.header_timeout = 60s;  // none of them leaves by itself: the counts below are exact
  start(std::move(o));     // 256 connections at most, 32 per source
  boost::asio::io_context io;
  auto idle = idle_connections(io, server_->port(), 300);
  deliver_one();
  // The 300 idle ones and the delivery, all from 127.0.0.1: each past the 32nd closed the
  // longest-waiting one.
  EXPECT_EQ(server_->stats().evicted, 301u - 32u);
  EXPECT_EQ(server_->stats().refused, 0u);
  EXPECT_TRUE(closed_by_server(idle.front()));
}

TEST_F(WebhookLimits, full_server_closes_the_longest_waiting_connection) {
  webhook_server_options o;
  o.max_connections = 8;
  o.max_connections_per_source = 100;
  o.header_timeout = 60s;
  start(std::move(o));
  boost::asio::io_context io;
  auto idle = idle_connections(io, server_->port(), 8);
  deliver_one();
  EXPECT_TRUE(closed_by_server(idle.front())) << "the oldest idle connection gave way";
  EXPECT_EQ(server_->stats().evicted, 1u);
}

TEST_F(WebhookLimits, connections_reading_a_body_are_not_evicted) {
  webhook_server_options o;
  o.max_connections = 2;
  start(std::move(o));
  std::vector<std::unique_ptr<raw_connection>> busy;
  for (int i = 0; i < 2; ++i) {
    busy.push_back(std::make_unique<raw_connection>(server_->port()));
    busy.back()->send(
        "POST /paystack/webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
        "{\"event\":");
  }
  // The server is full of connections past their header block: a new one is refused.
  raw_connection third(server_->port());
  EXPECT_TRUE(third.read_to_end());
  EXPECT_EQ(third.received(), "");
  EXPECT_EQ(server_->stats().refused, 1u);
  EXPECT_EQ(server_->stats().evicted, 0u);
}

TEST_F(WebhookLimits, slow_header_clients_are_closed_after_the_header_timeout) {
  webhook_server_options o;
  o.max_connections = 4;
  o.header_timeout = 300ms;
  o.io_timeout = 60s;  // longer than the clients wait: only the header timeout can close them
  start(std::move(o));
  std::vector<std::unique_ptr<raw_connection>> slow;
  for (int i = 0; i < 4; ++i) {
    slow.push_back(std::make_unique<raw_connection>(server_->port()));
    slow.back()->send("POST /paystack/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
  }
  deliver_one();  // the server is full of slow clients: the longest-waiting one gave way
  for (auto& s : slow) {
    EXPECT_TRUE(s->read_to_end()) << "still open after 10 s";
    EXPECT_EQ(s->received(), "") << "closed without an answer";
  }
  // The clients see the close before the server counts it: let the server finish first.
  server_->stop();
  EXPECT_TRUE(io_.stop());
  auto st = server_->stats();
  EXPECT_EQ(st.timed_out + st.evicted, 4u);
  EXPECT_EQ(st.requests, 1u);
}

// ---- Expect: 100-continue ---------------------------------------------------------------------

TEST_F(WebhookLimits, expect_continue_is_answered_before_the_body) {
  start();
  auto body = sample("terminal/deferred/events/payment-request-successful.json");
  raw_connection c(server_->port(), 5s);
  ASSERT_TRUE(c.send(
      "POST /paystack/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Expect: 100-continue\r\nx-paystack-signature: " +
      sign_webhook_payload(body, key) + "\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n"));
  ASSERT_TRUE(c.read_until("\r\n\r\n")) << "no interim answer";
  EXPECT_EQ(c.received(), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(c.send(body));
  EXPECT_TRUE(c.read_to_end());
  EXPECT_EQ(c.status(), 200) << c.received();
  EXPECT_TRUE(fed_.wait_for([](const std::string& s) { return s == "paymentrequest.success"; }));

  // A request refused from its header gets its final answer instead, and no 100.
  raw_connection wrong(server_->port(), 5s);
  ASSERT_TRUE(
      wrong.send("POST /elsewhere HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
                 "Content-Length: 10\r\n\r\n"));
  EXPECT_TRUE(wrong.read_to_end());
  EXPECT_EQ(wrong.status(), 404);
  EXPECT_EQ(wrong.received().find("100 Continue"), std::string::npos);
}
