// Sales and refunds of the embedded simulator as the refund tests read them (tests/cli
// refund_crash_test.cpp, tests/fleet pg_refund_cli_test.cpp): a paid terminal sale made through
// the simulator's own API, and the refunds it holds for a transaction.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdint>
#include <paystack/sim/server.hpp>
#include <string>
#include <vector>

#include "raw_http.hpp"

namespace cli_test {

/// One call to the simulator `sim` with the secret key `secret`: the reply's JSON body.
inline boost::json::value sim_call(const paystack::sim::server& sim, const std::string& secret,
                                   const std::string& method, const std::string& target,
                                   const std::string& body = {}) {
  auto a = paystack::test::raw_http(
      sim.port(), method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                      secret + "\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  auto at = a.raw.find("\r\n\r\n");
  EXPECT_NE(at, std::string::npos) << a.raw;
  if (at == std::string::npos) return {};
  return boost::json::parse(a.raw.substr(at + 4));
}

/// A paid sale of `amount` on the simulator's first terminal: its transaction id ("" and a test
/// failure when none is listed).
inline std::string paid_transaction(const paystack::sim::server& sim, const std::string& secret,
                                    std::int64_t amount) {
  const auto terminal = sim.terminal_ids().at(0);
  auto pr = sim_call(sim, secret, "POST", "/paymentrequest",
                     R"({"customer":"CUS_refundcrash01","amount":)" + std::to_string(amount) + "}")
                .at("data");
  sim_call(sim, secret, "POST", "/terminal/" + terminal + "/event",
           R"({"type":"invoice","action":"process","data":{"id":)" +
               std::to_string(pr.at("id").as_int64()) + R"(,"reference":")" +
               std::string(pr.at("offline_reference").as_string()) + R"("}})");
  auto list = sim_call(sim, secret, "GET", "/transaction?terminal_id=" + terminal);
  for (const auto& t : list.at("data").as_array())
    if (t.at("amount").as_int64() == amount) return std::to_string(t.at("id").as_int64());
  ADD_FAILURE() << "no transaction of " << amount << ": " << boost::json::serialize(list);
  return {};
}

/// The amounts of the refunds the simulator holds for transaction `txn`.
inline std::vector<std::int64_t> refunds_of(const paystack::sim::server& sim,
                                            const std::string& secret, const std::string& txn) {
  std::vector<std::int64_t> out;
  auto list = sim_call(sim, secret, "GET", "/refund?transaction=" + txn);
  for (const auto& f : list.at("data").as_array()) out.push_back(f.at("amount").as_int64());
  return out;
}

}  // namespace cli_test
