// The socket-free fixture of the after-sale route tests (transactions_test.cpp,
// settlements_test.cpp, refund_attention_test.cpp): a simulator engine whose devices take a push
// and whose customers pay at once, requests through engine::handle with the fixture's key, and a
// terminal payment in one call. No threads, no sleeps.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine.hpp"

namespace simtest {

class engine_fixture : public ::testing::Test {
 protected:
  /// `refund_delay` unset: refunds move only through the control API (/_sim/refunds/{id}/...).
  engine_fixture(std::string key, std::optional<std::chrono::milliseconds> refund_delay)
      : key_(std::move(key)), eng(options(key_, refund_delay), {}), terminals(eng.terminal_ids()) {}

  paystack::sim::detail::http_response call(std::string method, std::string target,
                                            std::string body = {}) {
    paystack::sim::detail::http_request r{std::move(method), std::move(target), "Bearer " + key_,
                                          "application/json", std::move(body)};
    return eng.handle(r, {});
  }
  /// The reply's JSON; a status other than `expected` fails the test (and shows the body).
  boost::json::value call_json(std::string method, std::string target, std::string body = {},
                               unsigned expected = 200) {
    auto r = call(std::move(method), std::move(target), std::move(body));
    EXPECT_EQ(r.status, expected) << r.body;
    return boost::json::parse(r.body);
  }
  /// A payment of `amount` by `customer` on `terminal` (created, pushed, paid at once): the
  /// payment request's `data`.
  boost::json::value pay(const std::string& terminal, std::int64_t amount,
                         const std::string& customer) {
    auto pr =
        call_json("POST", "/paymentrequest",
                  R"({"customer":")" + customer + R"(","amount":)" + std::to_string(amount) + "}");
    auto id = pr.at("data").at("id").as_int64();
    auto ref = std::string(pr.at("data").at("offline_reference").as_string());
    call_json("POST", "/terminal/" + terminal + "/event",
              R"({"type":"invoice","action":"process","data":{"id":)" + std::to_string(id) +
                  R"(,"reference":")" + ref + R"("}})");
    return pr.at("data");
  }
  /// The names of the webhooks sent so far, oldest first.
  std::vector<std::string> events() const {
    std::vector<std::string> out;
    for (const auto& w : eng.webhook_log()) out.push_back(w.event);
    return out;
  }

  std::string key_;
  paystack::sim::detail::engine eng;
  std::vector<std::string> terminals;

 private:
  static paystack::sim::server_options options(const std::string& key,
                                               std::optional<std::chrono::milliseconds> delay) {
    paystack::sim::server_options o;
    o.secret_key = key;
    o.delivery_delay = std::chrono::milliseconds{0};
    o.auto_pay_delay = std::chrono::milliseconds{0};
    o.refund_delay = delay;
    return o;
  }
};

}  // namespace simtest
