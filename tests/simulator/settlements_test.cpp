// The simulator's settlements, export and timeline on the socket-free path (engine::handle):
// settlements made from the day's successful transactions less the documented fee (1.5% +
// NGN 100, waived under NGN 2,500, capped at NGN 2,000), their transactions, the export link and
// its CSV, the timeline, and the 400s and 404s. Delivery and payment are immediate (delays 0).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "engine_fixture.hpp"
#include "sim_test_support.hpp"

namespace detail = paystack::sim::detail;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* key = "sk_test_settle";

class SimSettlements : public simtest::engine_fixture {
 protected:
  SimSettlements() : engine_fixture(key, 0ms) {}

  /// A terminal payment of `amount`; its transaction's reference.
  std::string pay(std::int64_t amount) {
    engine_fixture::pay(terminals.at(0), amount, "CUS_settlesim0001");
    auto list = call_json("GET", "/transaction?perPage=1");
    return std::string(list.at("data").at(0).at("reference").as_string());
  }
};

TEST_F(SimSettlements, the_fee_rule) {
  EXPECT_EQ(detail::paystack_fee(5000), 75);          // NGN 50: 1.5%, the NGN 100 waived
  EXPECT_EQ(detail::paystack_fee(249999), 3749);      // just under NGN 2,500: still waived
  EXPECT_EQ(detail::paystack_fee(250000), 13750);     // NGN 2,500: 3,750 + 10,000
  EXPECT_EQ(detail::paystack_fee(12666666), 199999);  // just under the cap
  EXPECT_EQ(detail::paystack_fee(20000000), 200000);  // capped at NGN 2,000
  EXPECT_EQ(detail::paystack_fee(0), 0);
}

TEST_F(SimSettlements, a_day_s_successful_payments_less_fees_and_refunds) {
  EXPECT_EQ(call_json("GET", "/settlement").at("data").as_array().size(), 0u);
  pay(5000);
  const auto big = pay(300000);
  call_json("POST", "/refund", R"({"transaction":")" + big + R"(","amount":1000})");
  auto list = call_json("GET", "/settlement");
  ASSERT_EQ(list.at("data").as_array().size(), 1u);
  const auto& s = list.at("data").at(0);
  EXPECT_EQ(s.at("status"), "pending");  // today
  EXPECT_EQ(s.at("currency"), "NGN");
  EXPECT_EQ(s.at("total_processed"), 305000);
  EXPECT_EQ(s.at("total_fees"), 75 + 14500);
  EXPECT_EQ(s.at("total_amount"), 305000 - 14575);
  EXPECT_EQ(s.at("deductions"), 1000);
  EXPECT_EQ(s.at("effective_amount"), 305000 - 14575 - 1000);
  const auto today = std::string(s.at("createdAt").as_string()).substr(0, 10);
  std::string digits;
  for (char c : today)
    if (c != '-') digits += c;
  EXPECT_EQ(s.at("id").as_int64(), std::stoll(digits) * 100 + 1);
  EXPECT_EQ(list.at("meta").at("total"), 1);
  EXPECT_EQ(list.at("meta").at("pageCount"), 1);
  // Filters: another day, another status.
  EXPECT_EQ(call_json("GET", "/settlement?to=2000-01-01").at("data").as_array().size(), 0u);
  EXPECT_EQ(call_json("GET", "/settlement?status=success").at("data").as_array().size(), 0u);
  EXPECT_EQ(call_json("GET", "/settlement?from=" + today + "&status=pending")
                .at("data")
                .as_array()
                .size(),
            1u);
  // Its transactions, newest first, paged.
  const auto id = std::to_string(s.at("id").as_int64());
  auto txns = call_json("GET", "/settlement/" + id + "/transactions?perPage=1&page=1");
  ASSERT_EQ(txns.at("data").as_array().size(), 1u);
  EXPECT_EQ(txns.at("data").at(0).at("reference").as_string(), big);
  EXPECT_EQ(txns.at("data").at(0).at("fees"), 14500);
  EXPECT_EQ(txns.at("meta").at("total"), 2);
  EXPECT_EQ(txns.at("meta").at("pageCount"), 2);
  EXPECT_EQ(txns.at("meta").at("total_volume"), 305000);
  EXPECT_EQ(call_json("GET", "/settlement/" + id + "/transactions?page=2&perPage=1")
                .at("data")
                .at(0)
                .at("amount"),
            5000);
}

TEST_F(SimSettlements, export_link_serves_the_csv_until_it_expires) {
  const auto ref = pay(5000);
  auto r = call_json("GET", "/transaction/export?status=success&from=2020-01-01");
  EXPECT_EQ(r.at("message"), "Export successful");
  const std::string path(r.at("data").at("path").as_string());
  EXPECT_EQ(path.find("/_sim/exports/"), 0u) << path;  // the engine alone knows no base URL
  EXPECT_EQ(r.at("data").at("expiresAt").as_string().size(), 19u);
  // The download needs no key, as Paystack's pre-signed links.
  detail::http_request get{"GET", path, "", "", ""};
  auto csv = eng.handle(get, {});
  EXPECT_EQ(csv.status, 200u);
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.find("id,reference,status,amount,currency,channel,terminal_id,customer_id,"
                          "fees,paid_at,created_at,settlement\r\n"),
            0u);
  EXPECT_NE(csv.body.find("," + ref + ",success,5000,NGN,pos,"), std::string::npos) << csv.body;
  // Filters that match nothing give the header only.
  auto none = call_json("GET", "/transaction/export?status=failed");
  detail::http_request get_none{"GET", std::string(none.at("data").at("path").as_string()), "", "",
                                ""};
  const auto header_only = eng.handle(get_none, {}).body;
  EXPECT_EQ(std::count(header_only.begin(), header_only.end(), '\n'), 1);
  detail::http_request unknown{"GET", "/_sim/exports/nosuchtoken.csv", "", "", ""};
  EXPECT_EQ(eng.handle(unknown, {}).status, 404u);
  // A reset forgets the exports.
  eng.reset();
  EXPECT_EQ(eng.handle(get, {}).status, 404u);
}

TEST_F(SimSettlements, timeline_by_id_and_reference) {
  const auto ref = pay(5000);
  auto by_ref = call_json("GET", "/transaction/timeline/" + ref);
  EXPECT_EQ(by_ref.at("message"), "Timeline retrieved");
  const auto& d = by_ref.at("data");
  EXPECT_EQ(d.at("success"), true);
  EXPECT_EQ(d.at("attempts"), 1);
  EXPECT_EQ(d.at("errors"), 0);
  EXPECT_EQ(d.at("channel"), "pos");
  ASSERT_EQ(d.at("history").as_array().size(), 2u);
  EXPECT_EQ(d.at("history").at(0).at("type"), "action");
  EXPECT_EQ(d.at("history").at(1).at("type"), "success");
  EXPECT_GT(d.at("start_time").as_int64(), 1700000000);
  const auto id = call_json("GET", "/transaction/verify/" + ref).at("data").at("id").as_int64();
  EXPECT_EQ(call_json("GET", "/transaction/timeline/" + std::to_string(id)), by_ref);
}

TEST_F(SimSettlements, bad_and_unknown_arguments) {
  call_json("GET", "/settlement?perPage=0", {}, 400);
  call_json("GET", "/settlement?page=x", {}, 400);
  call_json("GET", "/settlement?from=", {}, 400);
  call_json("GET", "/settlement/abc/transactions", {}, 400);
  auto nf = call_json("GET", "/settlement/2024060101/transactions", {}, 404);
  EXPECT_EQ(nf.at("message"), "Settlement not found");
  call_json("GET", "/transaction/export?status=paid", {}, 400);
  call_json("GET", "/transaction/export?customer=CUS_x", {}, 400);
  call_json("GET", "/transaction/export?settlement=x", {}, 400);
  call_json("GET", "/transaction/timeline/pos_nosuchthing", {}, 404);
  // Without the key: 401, as every API route.
  detail::http_request r{"GET", "/settlement", "", "", ""};
  EXPECT_EQ(eng.handle(r, {}).status, 401u);
}

}  // namespace
