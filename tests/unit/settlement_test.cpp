// Settlements, Export Transactions and Fetch Transaction Timeline: what each operation sends,
// what is refused before sending, what is read from a reply, the walks, and every failure.
// The vendored samples (tests/data/paystack-samples) hold none of these endpoints: the success
// replies below follow openapi.yaml (TransactionExportResponse: data.path and data.expiresAt;
// TransactionTimelineResponse: a data object; List Settlements and Fetch Settlement
// Transactions: the generic Response) with the members and example values of Paystack's API
// reference pages (settlement 3090024, transaction 3936799950); the error replies are the
// spec's own examples (Unauthorized: "Invalid key", NotFound: "Entity not found").
#include <paystack/settlement_client.hpp>
#include <paystack/transaction_client.hpp>

#include "client_fixture.hpp"

namespace paystack::test {
namespace {

constexpr const char* settlement_item =
    R"({"id":3090024,"domain":"live","status":"success","currency":"NGN","integration":463433,
        "total_amount":395000,"effective_amount":395000,"total_fees":5000,
        "total_processed":400000,"deductions":null,
        "settlement_date":"2022-10-24T00:00:00.000Z","settled_by":null,
        "createdAt":"2022-10-24T14:23:21.000Z","updatedAt":"2022-10-24T14:23:21.000Z"})";

constexpr const char* export_reply =
    R"({"status":true,"message":"Export successful","data":{
        "path":"https://s3.eu-west-1.amazonaws.com/files.paystack.co/exports/463433/transactions/Integration_name_transactions_1724324423843.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256",
        "expiresAt":"2024-08-22 11:00:23"}})";

constexpr const char* timeline_reply =
    R"({"status":true,"message":"Timeline retrieved","data":{"start_time":1724318098,
        "time_spent":4,"attempts":1,"errors":0,"success":true,"mobile":false,"input":[],
        "history":[{"type":"action","message":"Attempted to pay with card","time":3},
                   {"type":"success","message":"Successfully paid with card","time":4}]}})";

constexpr const char* invalid_key = R"({"status":false,"message":"Invalid key"})";
constexpr const char* not_found = R"({"status":false,"message":"Entity not found"})";

std::string page(const std::string& items, int page_no, int page_count) {
  return R"({"status":true,"message":"Settlements retrieved","data":[)" + items +
         R"(],"meta":{"total":9,"skipped":0,"perPage":1,"page":)" + std::to_string(page_no) +
         R"(,"pageCount":)" + std::to_string(page_count) + "}}";
}

std::string txn(int id) {
  return R"({"id":)" + std::to_string(id) + R"(,"reference":"pos_)" + std::to_string(id) +
         R"(","status":"success","amount":5000,"currency":"NGN","channel":"pos"})";
}

class SettlementRequests : public client_fixture {
 protected:
  settlement_client sc{*client};
  transaction_client txc{*client};

  std::vector<std::string> targets() {
    std::vector<std::string> out;
    for (const auto& r : fake->requests()) {
      EXPECT_EQ(r.method, http_method::get);
      EXPECT_TRUE(r.body.empty());
      EXPECT_EQ(r.header("Authorization"), std::string("Bearer ") + test_key);
      out.push_back(r.target);
    }
    return out;
  }
};

TEST_F(SettlementRequests, every_operation_sends_its_path_and_query) {
  fake->push(json_reply(200, page(settlement_item, 2, 3)));
  fake->push(json_reply(200, page(txn(1), 1, 1)));
  fake->push(json_reply(200, export_reply));
  fake->push(json_reply(200, timeline_reply));
  fake->push(json_reply(200, timeline_reply));
  EXPECT_TRUE(std::get<1>(finish(sc.async_list_settlements({.per_page = 1,
                                                            .page = 2,
                                                            .from = "2022-10-01",
                                                            .to = "2022-10-31",
                                                            .status = "success"},
                                                           token)))
                  .ok());
  EXPECT_TRUE(std::get<1>(finish(sc.async_list_settlement_transactions(
                              {.settlement_id = 3090024, .per_page = 20, .page = 1}, token)))
                  .ok());
  EXPECT_TRUE(
      std::get<1>(finish(txc.async_export_transactions({.from = "2024-06-01T00:00:01Z",
                                                        .to = "2024-06-30",
                                                        .status = "all",
                                                        .customer = 123172416,
                                                        .subaccount_code = "ACCT_dskvlw3y3dMukmt",
                                                        .settlement = 5687910},
                                                       token)))
          .ok());
  EXPECT_TRUE(std::get<1>(finish(txc.async_fetch_transaction_timeline("3936799950", token))).ok());
  EXPECT_TRUE(std::get<1>(finish(txc.async_fetch_transaction_timeline("pos_a/b", token))).ok());
  const std::string export_target =
      std::string("/transaction/export?from=2024-06-01T00%3A00%3A01Z&to=2024-06-30&status=all") +
      "&customer=123172416&subaccount_code=ACCT_dskvlw3y3dMukmt&settlement=5687910";
  EXPECT_EQ(targets(),
            (std::vector<std::string>{
                "/settlement?perPage=1&page=2&from=2022-10-01&to=2022-10-31&status=success",
                "/settlement/3090024/transactions?perPage=20&page=1", export_target,
                "/transaction/timeline/3936799950", "/transaction/timeline/pos_a%2Fb"}));
}

TEST_F(SettlementRequests, bad_arguments_are_refused_before_sending) {
  auto refused = [](auto ec_and_response) {
    auto& [ec, r] = ec_and_response;
    EXPECT_EQ(ec, error::invalid_argument);
    EXPECT_FALSE(r.error_detail.empty());
    EXPECT_EQ(r.status_code, 0u);
  };
  refused(finish(sc.async_list_settlements({.per_page = 0}, token)));
  refused(finish(sc.async_list_settlements({.page = -1}, token)));
  refused(finish(sc.async_list_settlements({.from = ""}, token)));
  refused(finish(sc.async_list_settlement_transactions({.settlement_id = 0}, token)));
  refused(finish(sc.async_list_settlement_transactions({.settlement_id = 1, .page = 0}, token)));
  refused(finish(txc.async_export_transactions({.status = "paid"}, token)));
  refused(finish(txc.async_export_transactions({.customer = 0}, token)));
  refused(finish(txc.async_export_transactions({.settlement = -5}, token)));
  refused(finish(txc.async_export_transactions({.subaccount_code = ""}, token)));
  refused(finish(txc.async_fetch_transaction_timeline("", token)));
  refused(finish(txc.async_fetch_transaction_timeline(std::string(max_id_length + 1, 'x'), token)));
  refused(finish(sc.async_for_each_settlement(
      {}, 0, [](const settlement&) { return true; }, token)));
  refused(
      finish(sc.async_for_each_settlement_transaction({.settlement_id = 1}, 5, nullptr, token)));
  EXPECT_EQ(fake->request_count(), 0u);
}

// ---- replies -----------------------------------------------------------------------------------

class SettlementResponses : public SettlementRequests {};

TEST_F(SettlementResponses, settlement_list_reads_every_member) {
  fake->push(json_reply(200, page(settlement_item, 1, 1)));
  auto [ec, r] = finish(sc.async_list_settlements({}, token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_EQ(r.data->size(), 1u);
  const auto& s = r.data->front();
  EXPECT_EQ(s.id, 3090024);
  EXPECT_EQ(s.status, "success");
  EXPECT_EQ(s.currency, "NGN");
  EXPECT_EQ(s.total_amount, 395000);
  EXPECT_EQ(s.effective_amount, 395000);
  EXPECT_EQ(s.total_fees, 5000);
  EXPECT_EQ(s.total_processed, 400000);
  EXPECT_FALSE(s.deductions);  // null
  EXPECT_EQ(s.domain, "live");
  EXPECT_EQ(s.integration, 463433);
  EXPECT_EQ(s.settlement_date, "2022-10-24T00:00:00.000Z");
  EXPECT_FALSE(s.settled_by);
  EXPECT_EQ(s.created_at, "2022-10-24T14:23:21.000Z");
  EXPECT_EQ(s.updated_at, "2022-10-24T14:23:21.000Z");
  EXPECT_EQ(r.meta.page_count, 1);
}

TEST_F(SettlementResponses, settlement_transactions_are_transactions) {
  fake->push(json_reply(200, page(txn(7) + "," + txn(8), 1, 1)));
  auto [ec, r] = finish(sc.async_list_settlement_transactions({.settlement_id = 3090024}, token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_EQ(r.data->size(), 2u);
  EXPECT_EQ((*r.data)[1].reference, "pos_8");
  EXPECT_EQ((*r.data)[1].channel, "pos");
}

TEST_F(SettlementResponses, export_reads_the_link_and_its_expiry) {
  fake->push(json_reply(200, export_reply));
  auto [ec, r] = finish(txc.async_export_transactions({}, token));
  ASSERT_FALSE(ec) << r.error_detail;
  EXPECT_TRUE(r.data->path.starts_with("https://s3.eu-west-1.amazonaws.com/files.paystack.co/"));
  EXPECT_EQ(r.data->expires_at, "2024-08-22 11:00:23");
  EXPECT_EQ(fake->requests().front().target, "/transaction/export");
}

TEST_F(SettlementResponses, timeline_reads_the_steps) {
  fake->push(json_reply(200, timeline_reply));
  auto [ec, r] = finish(txc.async_fetch_transaction_timeline("3936799950", token));
  ASSERT_FALSE(ec) << r.error_detail;
  const auto& t = *r.data;
  EXPECT_EQ(t.start_time, 1724318098);
  EXPECT_EQ(t.time_spent, 4);
  EXPECT_EQ(t.attempts, 1);
  EXPECT_EQ(t.errors, 0);
  EXPECT_EQ(t.success, true);
  EXPECT_EQ(t.mobile, false);
  EXPECT_FALSE(t.channel);
  ASSERT_EQ(t.history.size(), 2u);
  EXPECT_EQ(t.history[0].type, "action");
  EXPECT_EQ(t.history[0].message, "Attempted to pay with card");
  EXPECT_EQ(t.history[1].time, 4);
}

TEST_F(SettlementResponses, the_spec_error_examples_are_data) {
  fake->push(json_reply(401, invalid_key));
  fake->push(json_reply(404, not_found));
  fake->push(json_reply(404, not_found));
  fake->push(json_reply(401, invalid_key));
  auto [e1, r1] = finish(sc.async_list_settlements({}, token));
  auto [e2, r2] = finish(sc.async_list_settlement_transactions({.settlement_id = 9}, token));
  auto [e3, r3] = finish(txc.async_fetch_transaction_timeline("9", token));
  auto [e4, r4] = finish(txc.async_export_transactions({}, token));
  for (const auto* ec : {&e1, &e2, &e3, &e4}) EXPECT_FALSE(*ec);
  EXPECT_EQ(r1.status_code, 401u);
  EXPECT_EQ(r1.message, "Invalid key");
  EXPECT_FALSE(r1.ok());
  EXPECT_EQ(r2.status_code, 404u);
  EXPECT_EQ(r2.message, "Entity not found");
  EXPECT_EQ(r3.message, "Entity not found");
  EXPECT_FALSE(r4.ok());
  EXPECT_EQ(fake->request_count(), 4u);  // 401 and 404 are not retried
}

TEST_F(SettlementResponses, garbage_and_wrong_shapes_are_bad_response) {
  fake->push(json_reply(200, "<html>502</html>"));
  fake->push(json_reply(200, R"({"status":true,"message":"ok","data":[{"id":1,"status":"x"}]})"));
  fake->push(json_reply(200, R"({"status":true,"message":"ok","data":{"path":"p"}})"));
  fake->push(json_reply(200, R"({"status":true,"message":"ok","data":{"history":[{"type":1}]}})"));
  fake->push(json_reply(200, R"({"status":true,"message":"ok","data":{"history":{}}})"));
  auto [e1, r1] = finish(sc.async_list_settlements({}, token));
  auto [e2, r2] = finish(sc.async_list_settlements({}, token));
  auto [e3, r3] = finish(txc.async_export_transactions({}, token));
  auto [e4, r4] = finish(txc.async_fetch_transaction_timeline("1", token));
  auto [e5, r5] = finish(txc.async_fetch_transaction_timeline("1", token));
  EXPECT_EQ(e1, error::bad_response);
  EXPECT_EQ(e2, error::bad_response);
  EXPECT_NE(r2.error_detail.find("data[0]"), std::string::npos) << r2.error_detail;
  EXPECT_EQ(e3, error::bad_response);
  EXPECT_NE(r3.error_detail.find("expiresAt"), std::string::npos) << r3.error_detail;
  EXPECT_EQ(e4, error::bad_response);
  EXPECT_EQ(e5, error::bad_response);
  EXPECT_FALSE(r4.data);
}

TEST_F(SettlementResponses, no_reply_reset_and_timeout_are_retried_then_reported) {
  // Reads are idempotent: a reset connection is retried; a timeout is reported.
  fake->push(failure(error::connection_failed, /*sent=*/true));
  fake->push(json_reply(200, export_reply));
  auto [ec, r] = finish(txc.async_export_transactions({}, token));
  EXPECT_FALSE(ec);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.attempts, 2u);
  fake->push(failure(error::timeout, /*sent=*/true, /*started=*/true));
  auto [e1, r1] = finish(txc.async_fetch_transaction_timeline("1", token));
  EXPECT_EQ(e1, error::timeout);
  EXPECT_FALSE(r1.data);
  for (int i = 0; i < 3; ++i) fake->push(failure(error::connection_failed, /*sent=*/true));
  auto [e2, r2] = finish(sc.async_list_settlements({}, token));
  EXPECT_EQ(e2, error::connection_failed);
  EXPECT_FALSE(r2.data);
  for (int i = 0; i < 3; ++i) fake->push(json_reply(503, R"({"status":false,"message":"busy"})"));
  auto [e3, r3] = finish(txc.async_fetch_transaction_timeline("1", token));
  EXPECT_FALSE(e3);
  EXPECT_EQ(r3.status_code, 503u);
  EXPECT_EQ(r3.attempts, 3u);
}

// ---- the walks ---------------------------------------------------------------------------------

class SettlementWalk : public SettlementRequests {};

TEST_F(SettlementWalk, walks_pages_up_to_page_count) {
  fake->push(json_reply(200, page(settlement_item, 1, 2)));
  fake->push(json_reply(200, page(settlement_item, 2, 2)));
  std::size_t n = 0;
  auto [ec, r] = finish(sc.async_for_each_settlement(
      {.per_page = 1}, 100, [&n](const settlement&) { return ++n, true; }, token));
  ASSERT_FALSE(ec) << r.error_detail;
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(r.data->pages, 2u);
  EXPECT_EQ(targets(),
            (std::vector<std::string>{"/settlement?perPage=1", "/settlement?perPage=1&page=2"}));
}

TEST_F(SettlementWalk, settlement_transactions_walk_stops_at_limit_and_on_a_failed_page) {
  fake->push(json_reply(200, page(txn(1) + "," + txn(2), 1, 3)));
  fake->push(json_reply(200, page(txn(3), 2, 3)));
  std::size_t n = 0;
  auto [ec, r] = finish(sc.async_for_each_settlement_transaction(
      {.settlement_id = 5}, 3, [&n](const transaction&) { return ++n, true; }, token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(n, 3u);
  EXPECT_EQ(r.data->pages, 2u);
  fake->push(json_reply(200, page(txn(1), 1, 3)));
  fake->push(json_reply(404, not_found));
  n = 0;
  auto [e2, r2] = finish(sc.async_for_each_settlement_transaction(
      {.settlement_id = 5}, 100, [&n](const transaction&) { return ++n, true; }, token));
  EXPECT_FALSE(e2);
  EXPECT_FALSE(r2.ok());
  EXPECT_EQ(r2.message, "Entity not found");
  EXPECT_EQ(n, 1u);
}

}  // namespace
}  // namespace paystack::test
