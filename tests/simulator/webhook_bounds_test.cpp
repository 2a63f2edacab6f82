// Bounds of the webhook sender and log, and of connections per client (issue 11): a receiver
// that never answers, a log read in pages, one client opening every connection it can.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "paystack/sim/server.hpp"
#include "sim_test_support.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* key = "sk_test_webhook_bounds_11";

paystack::sim::server_options options() {
  paystack::sim::server_options o;
  o.secret_key = key;
  o.delivery_delay.reset();
  o.auto_pay_delay.reset();
  return o;
}

/// A socket owned by the test (closed on scope exit).
struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

/// A receiver that never answers: a socket listening on 127.0.0.1:0 that never accepts (the
/// kernel completes the handshake; the request is buffered and nothing ever comes back).
struct silent_receiver {
  fd_guard sock;
  std::uint16_t port = 0;
  silent_receiver() {
    sock.fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(sock.fd, reinterpret_cast<sockaddr*>(&a), len) != 0 || ::listen(sock.fd, 16) != 0 ||
        ::getsockname(sock.fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      throw std::runtime_error("silent receiver: bind/listen failed");
    }
    port = ntohs(a.sin_port);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/hook"; }
};

int connect_to(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// Whether the server closed `fd` (EOF or reset) within `timeout`.
bool closed_by_server(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return false;
  char c = 0;
  return ::recv(fd, &c, 1, 0) <= 0;
}

std::int64_t number_at(const json::value& v, std::initializer_list<const char*> path) {
  const json::value* p = &v;
  for (const char* k : path) p = &p->at(k);
  return p->to_number<std::int64_t>();
}

json::value stats(std::uint16_t port) {
  simtest::http_client c(port);
  return c.get("/_sim/stats").json().at("data");
}

TEST(WebhookBounds, queue_for_a_silent_receiver_is_capped) {
  silent_receiver receiver;
  auto o = options();
  o.webhook_url = receiver.url();
  o.webhook_timeout = 60s;  // the first POST hangs for the whole test
  o.max_webhook_queue = 4;
  paystack::sim::server sim(o);
  sim.start();
  simtest::http_client api(sim.port(), key);
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(api.post("/paymentrequest", R"({"customer":1,"amount":100})").status, 200u);
  }
  // One webhook is in flight, at most 4 wait, every other one was dropped (oldest first).
  json::value s;
  EXPECT_TRUE(simtest::eventually([&] {
    s = stats(sim.port());
    return number_at(s, {"webhook_queue", "length"}) + number_at(s, {"webhook_queue", "dropped"}) ==
           19;
  })) << json::serialize(s);
  EXPECT_LE(number_at(s, {"webhook_queue", "length"}), 4);
  EXPECT_GE(number_at(s, {"webhook_queue", "dropped"}), 15);
  std::int64_t marked = 0;
  std::int64_t pending = 0;
  for (const auto& w : sim.webhook_log()) {
    if (w.status == paystack::sim::webhook_status::failed && !w.attempts.empty() &&
        w.attempts.back().error == "dropped: webhook queue full") {
      ++marked;
    }
    if (w.status == paystack::sim::webhook_status::pending) ++pending;
  }
  EXPECT_EQ(marked, number_at(s, {"webhook_queue", "dropped"}));
  // The waiting ones and the one in flight. Which one the sender took first depends on when its
  // thread ran: on a loaded machine the first webhooks can be dropped before it takes any.
  EXPECT_EQ(pending, number_at(s, {"webhook_queue", "length"}) + 1);
}

TEST(WebhookBounds, silent_receiver_times_out) {
  silent_receiver receiver;
  auto o = options();
  o.webhook_url = receiver.url();
  o.webhook_timeout = 200ms;
  o.webhook_max_attempts = 1;
  paystack::sim::server sim(o);
  sim.start();
  simtest::http_client api(sim.port(), key);
  ASSERT_EQ(api.post("/paymentrequest", R"({"customer":1,"amount":100})").status, 200u);
  ASSERT_TRUE(sim.wait_for_webhooks(1, 10s));
  auto log = sim.webhook_log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].status, paystack::sim::webhook_status::failed);
  ASSERT_EQ(log[0].attempts.size(), 1u);
  EXPECT_EQ(log[0].attempts[0].http_status, 0u);
  EXPECT_EQ(log[0].attempts[0].error.rfind("read:", 0), 0u) << log[0].attempts[0].error;
}

TEST(WebhookBounds, log_is_read_in_pages) {
  paystack::sim::server sim(options());
  sim.start();
  simtest::http_client api(sim.port(), key);
  simtest::http_client control(sim.port());
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(api.post("/paymentrequest", R"({"customer":1,"amount":100})").status, 200u);
  }
  auto ids = [](const json::value& page) {
    std::vector<std::int64_t> out;
    for (const auto& w : page.at("data").as_array())
      out.push_back(w.at("id").to_number<std::int64_t>());
    return out;
  };
  auto all = control.get("/_sim/webhooks").json();  // no parameters: as before, oldest first
  EXPECT_EQ(ids(all), (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  EXPECT_TRUE(all.at("meta").at("next").is_null());

  auto first = control.get("/_sim/webhooks?limit=2").json();
  EXPECT_EQ(ids(first), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(first.at("meta").at("next"), 2);
  EXPECT_EQ(first.at("meta").at("total"), 5);
  auto second = control.get("/_sim/webhooks?limit=2&after=2").json();
  EXPECT_EQ(ids(second), (std::vector<std::int64_t>{3, 4}));
  auto last = control.get("/_sim/webhooks?limit=2&after=4").json();
  EXPECT_EQ(ids(last), (std::vector<std::int64_t>{5}));
  EXPECT_TRUE(last.at("meta").at("next").is_null());
  EXPECT_TRUE(ids(control.get("/_sim/webhooks?after=5").json()).empty());
  for (const char* bad : {"limit=0", "limit=1001", "limit=x", "after=-1"}) {
    EXPECT_EQ(control.get(std::string("/_sim/webhooks?") + bad).status, 400u) << bad;
  }
}

TEST(WebhookBounds, log_is_bounded_in_bytes) {
  auto o = options();
  o.max_webhook_log_bytes = 16 * 1024;
  paystack::sim::server sim(o);
  sim.start();
  simtest::http_client api(sim.port(), key);
  simtest::http_client control(sim.port());
  std::string body =
      R"({"customer":1,"amount":100,"description":")" + std::string(1000, 'w') + "\"}";
  for (int i = 0; i < 30; ++i) ASSERT_EQ(api.post("/paymentrequest", body).status, 200u);
  auto s = stats(sim.port());
  EXPECT_LE(number_at(s, {"webhook_log", "bytes"}), 16 * 1024);
  auto entries = number_at(s, {"webhook_log", "entries"});
  EXPECT_GT(entries, 0);
  EXPECT_EQ(number_at(s, {"webhook_log", "dropped"}), 30 - entries);
  auto page = control.get("/_sim/webhooks").json();
  EXPECT_EQ(page.at("meta").at("dropped"), 30 - entries);
  EXPECT_EQ(page.at("data").at(0).at("id"), 30 - entries + 1);  // the oldest went
  EXPECT_EQ(sim.webhook_log().size(), static_cast<std::size_t>(entries));
}

TEST(ConnectionBounds, one_source_cannot_hold_every_slot) {
  auto o = options();
  o.max_connections_per_source = 3;
  paystack::sim::server sim(o);
  sim.start();
  std::vector<fd_guard> held(3);
  for (auto& h : held) {
    h.fd = connect_to(sim.port());
    ASSERT_GE(h.fd, 0);
  }
  fd_guard extra{connect_to(sim.port())};
  ASSERT_GE(extra.fd, 0);
  EXPECT_TRUE(closed_by_server(extra.fd, 5s));                     // accepted, then closed at once
  for (auto& h : held) EXPECT_FALSE(closed_by_server(h.fd, 0ms));  // still served
  ::close(held[0].fd);
  held[0].fd = -1;
  // The slot comes back once the server has seen the close.
  json::value s;
  EXPECT_TRUE(simtest::eventually([&] {
    try {
      s = stats(sim.port());
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }));
  EXPECT_GE(number_at(s, {"connections", "refused_per_source"}), 1);
  EXPECT_EQ(number_at(s, {"connections", "max_per_source"}), 3);
}

}  // namespace
