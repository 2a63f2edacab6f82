// The charge service's server bounds (doc/server-bounds.md, "Charge service"), one test per
// bound, with small limits: a header block over max_header_bytes is 431 and closed; a client
// that does not finish its header (or stays idle after an answer) is closed at header_timeout
// without an answer; connections from one address over max_connections_per_source are closed at
// once (and a freed place is given again); a body over max_body_bytes is 413 (by its declared
// length before it is sent, or as chunks pass it); a body that is not JSON is 415. Nothing
// reaches Paystack for any of them.
#include "serve_fixture.hpp"

using namespace serve_test;

namespace {

class ServeBounds : public ServeFixture {
 protected:
  /// A service with small bounds (the others as the fixture's).
  paystack::charge_service& start_bounded() {
    auto o = service_options();
    o.max_header_bytes = 2048;
    o.max_body_bytes = 1024;
    o.header_timeout = 400ms;
    o.max_connections_per_source = 2;
    return start_service(o);
  }

  /// A complete GET /healthz on an open connection, kept alive; true when it answered 200.
  static bool healthz(flow_test::raw_connection& c) {
    if (!c.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")) return false;
    return c.read_until("\"ok\"}") && c.status() == 200;
  }

  /// The server's counters after everything it queued before now ran: the close a client saw
  /// is counted right after it (one strand runs every connection, so a request answered
  /// after it is a barrier).
  static paystack::charge_service_stats stats_after(paystack::charge_service& s) {
    flow_test::raw_http(s.port(),
                        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    return s.stats();
  }

  /// A POST of `body` to /v1/charges with the token and `headers`, as raw bytes.
  static std::string post(const std::string& headers, const std::string& body) {
    return "POST /v1/charges HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
           std::string(token) + "\r\n" + headers + "\r\n" + body;
  }
};

}  // namespace

TEST_F(ServeBounds, a_header_block_over_the_limit_is_431_and_closed) {
  auto& s = start_bounded();
  const std::string big = "X-Padding: " + std::string(4096, 'p') + "\r\n";
  flow_test::raw_connection c(s.port());
  c.send("GET /v1/charges HTTP/1.1\r\nHost: 127.0.0.1\r\n" + big + "Authorization: Bearer " +
         token + "\r\n\r\n");
  EXPECT_TRUE(c.read_to_end()) << "the connection stays open";
  auto r = parse_reply(c.received());
  EXPECT_EQ(r.status, 431) << c.received();
  EXPECT_EQ(r.error_code(), "header_too_large");
  // Under the limit, the same request is answered.
  const std::string small = "X-Padding: " + std::string(1024, 'p') + "\r\n";
  auto ok = flow_test::raw_http(s.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + small +
                                              "Connection: close\r\n\r\n");
  EXPECT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(calls_, 0u);
}

TEST_F(ServeBounds, a_client_that_does_not_finish_its_header_is_closed_at_the_header_timeout) {
  auto& s = start_bounded();
  flow_test::raw_connection c(s.port(), 20s);
  ASSERT_TRUE(c.send("GET /v1/charges HTTP/1.1\r\nHost: 127.0.0.1\r\n"));  // never ends it
  EXPECT_TRUE(c.read_to_end()) << "not closed";
  const auto r = c.result();
  EXPECT_TRUE(r.data.empty()) << "closed without an answer: " << r.data;
  EXPECT_GE(r.elapsed, 300ms) << "closed before header_timeout";
  EXPECT_LT(r.elapsed, 15s);
  EXPECT_GE(stats_after(s).timed_out, 1u);
}

TEST_F(ServeBounds, an_idle_keep_alive_connection_is_closed_at_the_header_timeout) {
  auto& s = start_bounded();
  flow_test::raw_connection c(s.port(), 20s);
  ASSERT_TRUE(healthz(c)) << c.received();
  const auto answered = c.result().elapsed;
  EXPECT_TRUE(c.read_to_end()) << "an idle connection stays open";
  EXPECT_GE(c.result().elapsed - answered, 300ms);
  EXPECT_GE(stats_after(s).timed_out, 1u);
}

TEST_F(ServeBounds, connections_over_the_per_source_cap_are_closed_and_a_freed_place_is_given) {
  auto& s = start_bounded();
  auto first = std::make_unique<flow_test::raw_connection>(s.port(), 20s);
  flow_test::raw_connection second(s.port(), 20s);
  ASSERT_TRUE(healthz(*first)) << first->received();  // both admitted and held open
  ASSERT_TRUE(healthz(second)) << second.received();
  flow_test::raw_connection third(s.port(), 10s);
  third.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_TRUE(third.read_to_end()) << "the third connection was kept";
  EXPECT_EQ(third.status(), 0) << "answered over the cap: " << third.received();
  EXPECT_EQ(s.stats().connections_refused, 1u);  // counted before the close
  // One closed: its place is given again (once the server has seen the close: a bounded number
  // of attempts, each refused at once until then).
  first.reset();
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    flow_test::raw_connection again(s.port(), 10s);
    again.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    again.read_to_end();
    status = again.status();
  }
  EXPECT_EQ(status, 200);
  EXPECT_TRUE(healthz(second)) << "the other connection was disturbed";
}

TEST_F(ServeBounds, a_body_over_the_limit_is_413_by_its_declared_length_before_it_is_sent) {
  auto& s = start_bounded();
  flow_test::raw_connection c(s.port());
  // Only the header: the declared length alone is refused, nothing waits for the body.
  c.send(post("Content-Type: application/json\r\nContent-Length: 5000\r\n", ""));
  EXPECT_TRUE(c.read_to_end()) << "the connection waits for the body";
  auto r = parse_reply(c.received());
  EXPECT_EQ(r.status, 413) << c.received();
  EXPECT_EQ(r.error_code(), "payload_too_large");
  EXPECT_EQ(calls_, 0u);
}

TEST_F(ServeBounds, a_chunked_body_over_the_limit_is_413) {
  auto& s = start_bounded();
  std::string chunks;
  for (int i = 0; i < 4; ++i) chunks += "200\r\n" + std::string(512, ' ') + "\r\n";  // 2 KiB
  chunks += "0\r\n\r\n";
  auto a = flow_test::raw_http(
      s.port(), post("Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n", chunks));
  auto r = parse_reply(a.raw);
  EXPECT_EQ(r.status, 413) << a.raw;
  EXPECT_EQ(r.error_code(), "payload_too_large");
  EXPECT_EQ(calls_, 0u);
}

TEST_F(ServeBounds, a_body_that_is_not_json_is_415) {
  auto& s = start_bounded();
  const auto body = charge_body("b1", terminal());
  for (std::string type : {std::string("Content-Type: text/plain\r\n"),
                           std::string("Content-Type: application/xml\r\n"), std::string()}) {
    SCOPED_TRACE(type.empty() ? "no Content-Type" : type);
    auto a = flow_test::raw_http(
        s.port(),
        post(type + "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n",
             body));
    auto r = parse_reply(a.raw);
    EXPECT_EQ(r.status, 415) << a.raw;
    EXPECT_EQ(r.error_code(), "unsupported_media_type");
  }
  EXPECT_EQ(http_call(s.port(), "GET", "/v1/charges/b1").status, 404) << "a charge was recorded";
  EXPECT_EQ(calls_, 0u);
}
