// Limits, malformed input, timeouts and many connections: the server answers 4xx, never crashes.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <thread>

#include "paystack/sim/server.hpp"
#include "sim_test_support.hpp"

using namespace std::chrono_literals;

namespace {

constexpr const char* key = "sk_test_robust_777";

class Robustness : public simtest::sim_test {
 protected:
  Robustness() : sim_test(options()) {}
  static paystack::sim::server_options options() {
    paystack::sim::server_options o;
    o.secret_key = key;
    o.max_header_bytes = 2048;
    o.max_header_count = 20;
    o.max_body_bytes = 1024;
    o.idle_timeout = 200ms;
    o.read_timeout = 200ms;
    return o;
  }

  unsigned status_of(const simtest::raw_result& r) {
    if (r.data.size() < 12 || r.data.compare(0, 9, "HTTP/1.1 ") != 0) return 0;
    return static_cast<unsigned>(std::stoul(r.data.substr(9, 3)));
  }

  void still_serving() {
    simtest::http_client c(sim_->port(), key);
    EXPECT_EQ(c.get("/terminal").status, 200u);
  }
};

TEST_F(Robustness, malformed_request_line_is400) {
  for (const char* junk : {"HELLO\r\n\r\n", "GET\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
                           "\x01\x02\x03\x04 garbage \xff\r\n\r\n",
                           "POST /paymentrequest HTTP/1.1\r\nContent-Length: abc\r\n\r\n"}) {
    auto r = simtest::raw_exchange(sim_->port(), junk, 5s);
    EXPECT_EQ(status_of(r), 400u) << junk;
    EXPECT_FALSE(r.timed_out);
  }
  still_serving();
}

TEST_F(Robustness, header_limits) {
  std::string big =
      "GET /terminal HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n";
  EXPECT_EQ(status_of(simtest::raw_exchange(sim_->port(), big, 5s)), 431u);
  std::string many = "GET /terminal HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 30; ++i) many += "X-H" + std::to_string(i) + ": 1\r\n";
  many += "\r\n";
  EXPECT_EQ(status_of(simtest::raw_exchange(sim_->port(), many, 5s)), 431u);
  still_serving();
}

TEST_F(Robustness, body_limit) {
  std::string body(4096, 'x');
  std::string req = "POST /paymentrequest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                    std::string(key) + "\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\n\r\n" + body;
  EXPECT_EQ(status_of(simtest::raw_exchange(sim_->port(), req, 5s)), 413u);
  still_serving();
}

TEST_F(Robustness, malformed_json_is400) {
  simtest::http_client c(sim_->port(), key);
  const std::string deep = "{\"a\":" + std::string(48, '[') + std::string(48, ']') + "}";
  for (const char* body : {"{", "nul", "{\"customer\":", "[]", "\"str\"", deep.c_str()}) {
    auto r = c.post("/paymentrequest", body);
    EXPECT_EQ(r.status, 400u) << body;
    EXPECT_EQ(r.json().at("status"), false) << body;
  }
}

TEST_F(Robustness, idle_connections_are_closed) {
  auto r = simtest::raw_exchange(sim_->port(), "", 5s);
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(r.data.empty());
  EXPECT_LT(r.elapsed, 3s);
}

TEST_F(Robustness, slow_bodies_time_out) {
  // Announces 100 bytes, sends 5: the read timeout ends the connection.
  std::string req =
      "POST /paymentrequest HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\":";
  auto r = simtest::raw_exchange(sim_->port(), req, 5s);
  EXPECT_FALSE(r.timed_out);
  EXPECT_LT(r.elapsed, 3s);
}

TEST_F(Robustness, pipelined_requests_are_answered_in_order) {
  std::string one = "GET /_sim/health HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string last = "GET /terminal HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  auto r = simtest::raw_exchange(sim_->port(), one + one + last, 5s);
  EXPECT_FALSE(r.timed_out);
  std::size_t count = 0;
  for (auto pos = r.data.find("HTTP/1.1 "); pos != std::string::npos;
       pos = r.data.find("HTTP/1.1 ", pos + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 3u);
  EXPECT_NE(r.data.find("401 Unauthorized"), std::string::npos);  // the last one had no key
}

TEST_F(Robustness, many_concurrent_connections) {
  constexpr int threads = 8;
  constexpr int clients_per_thread = 25;
  constexpr int requests_per_client = 10;
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      std::vector<std::unique_ptr<simtest::http_client>> clients;
      for (int i = 0; i < clients_per_thread; ++i) {
        clients.push_back(std::make_unique<simtest::http_client>(sim_->port(), key));
      }
      for (int n = 0; n < requests_per_client; ++n) {
        for (auto& c : clients) {
          try {
            (c->get("/terminal").status == 200 ? ok : failed)++;
          } catch (...) {
            failed++;
          }
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(ok.load(), threads * clients_per_thread * requests_per_client);
  still_serving();
}

}  // namespace
