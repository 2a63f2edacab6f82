// The simulator's refunds that need attention (issue 27 item 2), on the socket-free path: the
// magic amount (subunits 14) and POST /_sim/refunds/{id}/needs-attention put a refund in
// needs-attention with a signed refund.needs-attention webhook; POST
// /refund/retry_with_customer_details/{id} with the customer's account sends it on to
// processed; a retry of a refund that does not need attention, or with a bad account, is refused.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "engine_fixture.hpp"
#include "sim_test_support.hpp"

namespace detail = paystack::sim::detail;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* key = "sk_test_refund_attention";

class SimRefundAttention : public simtest::engine_fixture {
 protected:
  SimRefundAttention() : engine_fixture(key, std::nullopt) {}  // steps only through the control API

  /// A paid sale of `amount` and a refund of `refund_amount` of it: the refund id.
  std::string refund(std::int64_t amount, std::int64_t refund_amount) {
    pay(terminals.at(0), amount, "CUS_txnsimtest0001");
    auto tx = call_json("GET", "/transaction").at("data").at(0);
    auto created = call_json("POST", "/refund",
                             R"({"transaction":)" + std::to_string(tx.at("id").as_int64()) +
                                 R"(,"amount":)" + std::to_string(refund_amount) + "}");
    return std::to_string(created.at("data").at("id").as_int64());
  }
  std::string status(const std::string& id) {
    return std::string(call_json("GET", "/refund/" + id).at("data").at("status").as_string());
  }
  static std::string account(const std::string& currency = "NGN",
                             const std::string& number = "1234567890") {
    return R"({"refund_account_details":{"currency":")" + currency + R"(","account_number":")" +
           number + R"(","bank_id":"9"}})";
  }
};

TEST_F(SimRefundAttention, the_magic_amount_needs_attention_until_retried_with_an_account) {
  const auto id = refund(5000, 1014);
  EXPECT_EQ(call("POST", "/_sim/refunds/" + id + "/advance").status, 200u);
  EXPECT_EQ(call("POST", "/_sim/refunds/" + id + "/advance").status, 200u);
  EXPECT_EQ(status(id), "needs-attention");
  EXPECT_EQ(call("POST", "/_sim/refunds/" + id + "/advance").status, 409u);  // waits for retry

  auto retried = call_json("POST", "/refund/retry_with_customer_details/" + id, account());
  EXPECT_EQ(retried.at("data").at("status"), "processing");
  for (const char* k : {"expected_at", "channel", "reason", "initiated_by"})
    EXPECT_TRUE(retried.at("data").at(k).is_string()) << k;
  EXPECT_TRUE(retried.at("data").at("fully_deducted").is_bool());
  EXPECT_EQ(call("POST", "/_sim/refunds/" + id + "/advance").status, 200u);
  EXPECT_EQ(status(id), "processed");

  std::vector<std::string> names;
  for (const auto& w : eng.webhook_log()) names.push_back(w.event);
  ASSERT_GE(names.size(), 4u);
  EXPECT_EQ(
      std::vector<std::string>(names.end() - 5, names.end()),
      (std::vector<std::string>{"refund.pending", "refund.processing", "refund.needs-attention",
                                "refund.processing", "refund.processed"}));
  for (const auto& w : eng.webhook_log())
    EXPECT_EQ(w.signature, simtest::hmac_sha512_hex(key, w.body));
}

TEST_F(SimRefundAttention, the_control_api_puts_any_open_refund_in_needs_attention) {
  const auto id = refund(5000, 2000);
  EXPECT_EQ(call("POST", "/_sim/refunds/" + id + "/needs-attention").status, 200u);
  EXPECT_EQ(status(id), "needs-attention");
  EXPECT_EQ(call("POST", "/_sim/refunds/" + id + "/needs-attention").status, 409u);
  EXPECT_EQ(call("POST", "/_sim/refunds/999999/needs-attention").status, 404u);
  auto last = eng.webhook_log().back();
  EXPECT_EQ(last.event, "refund.needs-attention");
  EXPECT_EQ(json::parse(last.body).at("data").at("status"), "needs-attention");
}

TEST_F(SimRefundAttention, a_retry_needs_attention_and_a_good_account) {
  const auto id = refund(5000, 2000);
  auto not_needed = call_json("POST", "/refund/retry_with_customer_details/" + id, account(), 400);
  EXPECT_EQ(not_needed.at("status"), false);
  EXPECT_NE(std::string(not_needed.at("message").as_string()).find("pending"), std::string::npos);
  ASSERT_EQ(call("POST", "/_sim/refunds/" + id + "/needs-attention").status, 200u);
  call_json("POST", "/refund/retry_with_customer_details/" + id, account("GHS"), 400);
  call_json("POST", "/refund/retry_with_customer_details/" + id, account("NGN", "12ab"), 400);
  call_json("POST", "/refund/retry_with_customer_details/" + id, "{}", 400);
  call_json("POST", "/refund/retry_with_customer_details/999999", account(), 404);
  EXPECT_EQ(status(id), "needs-attention");  // nothing refused changed it
}

}  // namespace
