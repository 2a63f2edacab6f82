#pragma once
// Test helpers for paystack-sim: a small plain HTTP client of the tests' own, a raw-socket
// exchange for fault tests, a loopback webhook receiver, sample loading/shape comparison, and
// the fixture the route tests share (a started simulator and a client with its key).
// Beast lives in sim_test_support.cpp only.

#include <gtest/gtest.h>

#include <boost/json/value.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "paystack/sim/server.hpp"
#include "raw_http.hpp"

namespace simtest {

using headers = std::vector<std::pair<std::string, std::string>>;

struct reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  /// Parsed body; throws when the body is not JSON.
  boost::json::value json() const;
  std::string header(const std::string& lower_name) const;
};

/// A keep-alive HTTP/1.1 client over one connection (reconnects when the server closes it).
/// Transport errors throw boost::system::system_error. Every operation has a 10 s deadline.
class http_client {
 public:
  explicit http_client(std::uint16_t port, std::string secret_key = {});
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  reply request(const std::string& method, const std::string& target, const std::string& body = {},
                const headers& extra = {});
  reply get(const std::string& target, const headers& extra = {}) {
    return request("GET", target, {}, extra);
  }
  reply post(const std::string& target, const std::string& body, const headers& extra = {}) {
    return request("POST", target, body, extra);
  }
  reply put(const std::string& target, const std::string& body, const headers& extra = {}) {
    return request("PUT", target, body, extra);
  }
  /// Number of TCP connections opened so far.
  std::size_t connections_opened() const;
  /// Whether to send the Authorization header (default true when a key was given).
  void send_auth(bool on);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// The raw HTTP client is the tests' one (tests/support/raw_http.hpp).
using paystack::test::raw_exchange;
using paystack::test::raw_result;

/// A loopback HTTP server that records webhook POSTs and answers with scripted statuses.
class webhook_receiver {
 public:
  struct received {
    std::string target;
    std::string body;
    std::string signature;
    std::string content_type;
  };
  webhook_receiver();
  ~webhook_receiver();
  webhook_receiver(const webhook_receiver&) = delete;
  webhook_receiver& operator=(const webhook_receiver&) = delete;

  std::string url() const;  // http://127.0.0.1:PORT/webhooks
  /// The next answers, in order; afterwards 200.
  void script(std::vector<unsigned> statuses);
  /// Waits until at least n requests arrived; returns them (a copy).
  std::vector<received> wait_for(std::size_t n, std::chrono::milliseconds timeout);
  std::vector<received> all() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Lower-case hex HMAC-SHA512 (the tests' own, independent of the simulator's).
std::string hmac_sha512_hex(std::string_view key, std::string_view data);

/// Loads a JSON file under the official samples directory.
boost::json::value load_sample(const std::string& relative_path);

/// The body of an API sample (`samples/api/<rel>/response.json`, key `code`).
boost::json::value api_sample(const std::string& rel, const std::string& code);

/// Differences between a sample and an actual value: every member of the sample must exist in
/// the actual value with the same JSON type (sample null: any type; numbers: any number). Arrays:
/// the first element of the sample against each element of the actual array. Empty: same shape.
std::vector<std::string> shape_differences(const boost::json::value& sample,
                                           const boost::json::value& actual,
                                           const std::string& path = "$");

/// The lines of `v`, each ended by a newline: shape_differences() as one comparable string.
std::string join_lines(const std::vector<std::string>& v);

/// Expects `actual` to have the shape of `sample` (shape_differences() empty), listing the
/// differences when it has not.
#define SIMTEST_EXPECT_SAME_SHAPE(sample, actual) \
  EXPECT_EQ(::simtest::join_lines(::simtest::shape_differences(sample, actual)), "")

/// Options of a test simulator: `key`, `seed`, and no automatic delivery or payment (both only
/// through the control API); a test changes what it needs before the fixture starts.
paystack::sim::server_options manual_options(std::string key, std::uint64_t seed);

/// The fixture the route tests share: a simulator started with `options_` before each test and
/// a keep-alive client with its key (connecting on its first request), both stopped after it.
class sim_test : public ::testing::Test {
 protected:
  explicit sim_test(paystack::sim::server_options options) : options_(std::move(options)) {}
  void SetUp() override;
  void TearDown() override;

  paystack::sim::server_options options_;
  std::unique_ptr<paystack::sim::server> sim_;
  std::unique_ptr<http_client> client_;
};

/// Waits for `pred` with a deadline, re-checking every few milliseconds.
template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds{5});

bool eventually_impl(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout) {
  return eventually_impl(std::function<bool()>(std::move(pred)), timeout);
}

}  // namespace simtest
