// Transactions: what each operation sends, what is refused before sending, what is read from a
// reply, and the walk over page numbers and cursors. Paystack publishes no sample replies for
// /transaction: the replies below are built from openapi.yaml (the TransactionListResponse,
// VerifyResponse and TransactionTotalsResponse schemas, with the spec's example values:
// reference "re4lyvq3s3", id 4099260516, the 2024-06 period) and the POS charge.success sample
// (guides/terminal/deferred/events/transaction-successful.json) for the POS members.
#include <boost/json.hpp>

#include "client_fixture.hpp"
#include "samples.hpp"

namespace paystack::test {
namespace {

namespace json = boost::json;

/// The POS charge.success sample's `data`: a POS transaction as Paystack shows one.
std::string pos_transaction() {
  auto doc = json::parse(read_file(std::string(PAYSTACK_SAMPLES_DIR) +
                                   "/guides/terminal/deferred/events/transaction-successful.json"));
  return json::serialize(doc.at("data"));
}

constexpr const char* spec_transaction =
    R"({"id":4099260516,"domain":"test","status":"success","reference":"re4lyvq3s3",
        "receipt_number":null,"amount":40333,"message":null,
        "gateway_response":"Successful","paid_at":"2024-08-22T09:15:02.000Z",
        "created_at":"2024-08-22T09:14:24.000Z","channel":"card","currency":"NGN",
        "ip_address":"197.210.54.33","metadata":{"custom_fields":[]},"log":null,"fees":10283,
        "customer":{"id":181873746,"first_name":null,"last_name":null,
                    "email":"demo@test.com","customer_code":"CUS_1rkzaqsv4rrhqo6"},
        "source":null})";

std::string list_body(const std::string& items, const std::string& meta) {
  return R"({"status":true,"message":"Transactions retrieved","data":[)" + items + R"(],"meta":)" +
         meta + "}";
}

class TransactionRequests : public client_fixture {
 protected:
  transaction_client txc{*client};

  std::string only_target() {
    auto r = fake->requests();
    EXPECT_EQ(r.size(), 1u);
    if (r.empty()) return {};
    EXPECT_EQ(r.front().method, http_method::get);
    EXPECT_TRUE(r.front().body.empty());
    return r.front().target;
  }
};

TEST_F(TransactionRequests, list_sends_every_filter_encoded) {
  fake->push(json_reply(200, list_body(spec_transaction, R"({"total":1,"page":1,"pageCount":1})")));
  list_transactions_params p;
  p.terminal_id = "2232WE17";
  p.channel = "pos";
  p.status = "success";
  p.customer = "CUS_1rkzaqsv4rrhqo6";
  p.from = "2024-06-01T00:00:01Z";
  p.to = "2024-06-30 13:36";
  p.per_page = 20;
  p.page = 2;
  auto [ec, r] = finish(txc.async_list_transactions(p, token));
  EXPECT_FALSE(ec);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(only_target(),
            "/transaction?terminal_id=2232WE17&channel=pos&status=success"
            "&customer_code=CUS_1rkzaqsv4rrhqo6&from=2024-06-01T00%3A00%3A01Z"
            "&to=2024-06-30%2013%3A36&perPage=20&page=2");
}

TEST_F(TransactionRequests, list_with_cursor) {
  fake->push(json_reply(200, list_body("", R"({"next":null,"previous":"c0","perPage":50})")));
  auto [ec, r] = finish(txc.async_list_transactions({.use_cursor = true, .next = "c/1"}, token));
  EXPECT_FALSE(ec);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.data->empty());
  EXPECT_EQ(only_target(), "/transaction?use_cursor=true&next=c%2F1");
}

TEST_F(TransactionRequests, fetch_verify_and_totals_paths) {
  for (int i = 0; i < 3; ++i)
    fake->push(
        json_reply(200, R"({"status":true,"message":"ok","data":)" +
                            std::string(i < 2 ? spec_transaction : R"({"total_transactions":0,
                                                           "total_volume":0})") +
                            "}"));
  finish(txc.async_fetch_transaction(4099260516, token));
  finish(txc.async_verify_transaction("pos_a b/c", token));
  finish(txc.async_transaction_totals({.from = "2024-06-01T00:00:01Z", .to = "2024-06-30"}, token));
  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].target, "/transaction/4099260516");
  EXPECT_EQ(reqs[1].target, "/transaction/verify/pos_a%20b%2Fc");
  EXPECT_EQ(reqs[2].target, "/transaction/totals?from=2024-06-01T00%3A00%3A01Z&to=2024-06-30");
  for (const auto& r : reqs)
    EXPECT_EQ(r.header("Authorization"), std::string("Bearer ") + test_key);
}

TEST_F(TransactionRequests, bad_arguments_are_refused_before_sending) {
  const std::string long_id(max_id_length + 1, 'x');
  const list_transactions_params refused[] = {
      {.next = "c1"},
      {.use_cursor = true, .page = 2},
      {.use_cursor = true, .next = "a", .previous = "b"},
      {.use_cursor = true, .next = std::string(max_cursor_length + 1, 'c')},
      {.per_page = 0},
      {.page = -1},
      {.terminal_id = ""},
      {.customer = long_id},
      {.from = ""},
  };
  for (const auto& p : refused) {
    auto [ec, r] = finish(txc.async_list_transactions(p, token));
    EXPECT_EQ(ec, error::invalid_argument);
    EXPECT_FALSE(r.error_detail.empty());
    EXPECT_EQ(r.status_code, 0u);
  }
  auto [e1, r1] = finish(txc.async_fetch_transaction(0, token));
  EXPECT_EQ(e1, error::invalid_argument);
  EXPECT_EQ(r1.error_detail, "transaction id must be a positive integer");
  auto [e2, r2] = finish(txc.async_verify_transaction("", token));
  EXPECT_EQ(e2, error::invalid_argument);
  auto [e3, r3] = finish(txc.async_transaction_totals({.to = ""}, token));
  EXPECT_EQ(e3, error::invalid_argument);
  auto [e4, r4] = finish(txc.async_for_each_transaction(
      {}, 0, [](const transaction&) { return true; }, token));
  EXPECT_EQ(e4, error::invalid_argument);
  EXPECT_EQ(fake->request_count(), 0u);
}

TEST_F(TransactionRequests, reads_are_retried) {
  fake->push(json_reply(503, R"({"status":false,"message":"busy"})"));
  fake->push(json_reply(
      200, R"({"status":true,"message":"ok","data":)" + std::string(spec_transaction) + "}"));
  auto [ec, r] = finish(txc.async_verify_transaction("re4lyvq3s3", token));
  EXPECT_FALSE(ec);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.attempts, 2u);
}

// ---- replies -----------------------------------------------------------------------------------

class TransactionResponses : public TransactionRequests {};

TEST_F(TransactionResponses, pos_transaction_reads_amount_string_and_terminal) {
  fake->push(json_reply(200, R"({"status":true,"message":"Verification successful","data":)" +
                                 pos_transaction() + "}"));
  auto [ec, r] = finish(txc.async_verify_transaction("pos_wtwyrj7n6x", token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_TRUE(r.ok());
  const auto& t = *r.data;
  EXPECT_EQ(t.id, 1259864309);
  EXPECT_EQ(t.reference, "pos_wtwyrj7n6x");
  EXPECT_EQ(t.status, "success");
  EXPECT_EQ(t.amount, 5000);  // "5000" in the sample
  EXPECT_EQ(t.requested_amount, 200);
  EXPECT_EQ(t.currency, "NGN");
  EXPECT_EQ(t.channel, "pos");
  EXPECT_EQ(t.paid_at, "2021-11-04T16:32:33.000Z");
  EXPECT_EQ(t.created_at, "2021-11-04T16:32:04.000Z");
  EXPECT_EQ(t.gateway_response, "Approved or completed successfully");
  EXPECT_EQ(t.customer_id, 180059003);
  EXPECT_EQ(t.customer_code, "CUS_xztjqwng1kzwdbt");
  EXPECT_EQ(t.customer_email, "pos_e3iesb-eh@email.com");
  EXPECT_EQ(t.terminal_id, "2232WE17");
  EXPECT_EQ(t.source_type, "offline");
  EXPECT_EQ(t.source, "pos");
  EXPECT_EQ(t.metadata_json, "0");
  EXPECT_FALSE(t.request_code);
  EXPECT_FALSE(t.offline_reference);
}

TEST_F(TransactionResponses, list_reads_items_meta_and_the_payment_request_link) {
  const std::string linked =
      R"({"id":7,"reference":"pos_x","status":"success","amount":100,"terminal_id":"T1",
          "metadata":{"request_code":"PRQ_1","offline_reference":"4634337895939"},
          "paidAt":"2024-06-01T00:00:00Z","createdAt":"2024-06-01T00:00:00Z"})";
  fake->push(json_reply(200, list_body(std::string(spec_transaction) + "," + linked,
                                       R"({"total":2,"total_volume":40433,"skipped":0,
                                           "perPage":"50","page":1,"pageCount":1})")));
  auto [ec, r] = finish(txc.async_list_transactions({}, token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_EQ(r.data->size(), 2u);
  const auto& a = (*r.data)[0];
  EXPECT_EQ(a.id, 4099260516);
  EXPECT_EQ(a.amount, 40333);
  EXPECT_FALSE(a.terminal_id);
  EXPECT_EQ(a.metadata_json, R"({"custom_fields":[]})");
  const auto& b = (*r.data)[1];
  EXPECT_EQ(b.terminal_id, "T1");
  EXPECT_EQ(b.request_code, "PRQ_1");
  EXPECT_EQ(b.offline_reference, "4634337895939");
  EXPECT_EQ(b.paid_at, "2024-06-01T00:00:00Z");
  EXPECT_EQ(b.currency, "");
  EXPECT_EQ(r.meta.total, 2);
  EXPECT_EQ(r.meta.page_count, 1);
  EXPECT_EQ(r.meta.per_page, 50);
}

TEST_F(TransactionResponses, totals_read_every_currency) {
  fake->push(json_reply(200, R"({"status":true,"message":"Transaction totals","data":{
      "total_transactions":42670,"total_volume":6617829946,
      "total_volume_by_currency":[{"currency":"NGN","amount":6617829946},
                                  {"currency":"USD","amount":28000}],
      "pending_transfers":6617829946,
      "pending_transfers_by_currency":[{"currency":"NGN","amount":6617829946}]}})"));
  auto [ec, r] = finish(txc.async_transaction_totals({}, token));
  ASSERT_FALSE(ec) << r.error_detail;
  EXPECT_EQ(r.data->total_transactions, 42670);
  EXPECT_EQ(r.data->total_volume, 6617829946);
  ASSERT_EQ(r.data->total_volume_by_currency.size(), 2u);
  EXPECT_EQ(r.data->total_volume_by_currency[1].currency, "USD");
  EXPECT_EQ(r.data->total_volume_by_currency[1].amount, 28000);
  EXPECT_EQ(r.data->pending_transfers, 6617829946);
  EXPECT_EQ(r.data->pending_transfers_by_currency.size(), 1u);
}

TEST_F(TransactionResponses, error_envelope_is_data) {
  fake->push(json_reply(404, R"({"status":false,"message":"Transaction not found",
      "meta":{"nextStep":"Ensure that you're passing the correct transaction ID"},
      "type":"validation_error","code":"not_found"})"));
  auto [ec, r] = finish(txc.async_fetch_transaction(1, token));
  EXPECT_FALSE(ec);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status_code, 404u);
  EXPECT_EQ(r.message, "Transaction not found");
  EXPECT_EQ(r.code, "not_found");
  EXPECT_EQ(r.type, "validation_error");
}

TEST_F(TransactionResponses, garbage_and_wrong_shapes_are_bad_response) {
  const char* bodies[] = {
      "<html>502</html>",
      R"({"status":true,"message":"ok","data":[]})",                           // not an object
      R"({"status":true,"message":"ok","data":{"id":1,"status":"success"}})",  // no reference
      R"({"status":true,"message":"ok","data":{"id":1,"reference":"r","status":"success",
          "amount":"12x"}})",                                                  // bad amount
      R"({"status":true,"message":"ok","data":{"id":1,"reference":"r","status":"success",
          "amount":1,"customer":{"email":5}}})",
      R"({"status":true,"message":"ok","data":{"id":1,"reference":"r","status":"success",
          "amount":1,"source":{"identifier":[]}}})",
  };
  for (const char* b : bodies) {
    SCOPED_TRACE(b);
    fake->push(json_reply(200, b));
    auto [ec, r] = finish(txc.async_fetch_transaction(1, token));
    EXPECT_EQ(ec, error::bad_response);
    EXPECT_FALSE(r.data);
    EXPECT_FALSE(r.error_detail.empty());
  }
  fake->push(json_reply(200, R"({"status":true,"message":"ok","data":[{"id":1}]})"));
  auto [ec, r] = finish(txc.async_list_transactions({}, token));
  EXPECT_EQ(ec, error::bad_response);
  EXPECT_NE(r.error_detail.find("data[0]"), std::string::npos) << r.error_detail;
  fake->push(json_reply(200, R"({"status":true,"message":"ok","data":{"total_transactions":1,
      "total_volume":1,"total_volume_by_currency":[{"currency":"NGN"}]}})"));
  auto [e2, r2] = finish(txc.async_transaction_totals({}, token));
  EXPECT_EQ(e2, error::bad_response);
}

// ---- the walk ----------------------------------------------------------------------------------

std::string item(int id) {
  return R"({"id":)" + std::to_string(id) + R"(,"reference":"r)" + std::to_string(id) +
         R"(","status":"success","amount":1})";
}

class TransactionWalk : public TransactionRequests {};

/// A visitor that counts the transactions it sees.
std::function<bool(const transaction&)> count(std::size_t& n) {
  return [&n](const transaction&) {
    ++n;
    return true;
  };
}

TEST_F(TransactionWalk, counts_pages_up_to_page_count) {
  fake->push(json_reply(200, list_body(item(1) + "," + item(2), R"({"page":1,"pageCount":2})")));
  fake->push(json_reply(200, list_body(item(3), R"({"page":2,"pageCount":2})")));
  std::vector<std::int64_t> seen;
  auto [ec, r] = finish(txc.async_for_each_transaction(
      {.terminal_id = "T1", .per_page = 2}, 100,
      [&](const transaction& t) {
        seen.push_back(t.id);
        return true;
      },
      token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(seen, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(r.data->pages, 2u);
  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].target, "/transaction?terminal_id=T1&perPage=2");
  EXPECT_EQ(reqs[1].target, "/transaction?terminal_id=T1&perPage=2&page=2");
}

TEST_F(TransactionWalk, total_and_per_page_stand_in_for_page_count_and_empty_page_stops) {
  fake->push(json_reply(200, list_body(item(1), R"({"total":3,"perPage":1,"page":1})")));
  fake->push(json_reply(200, list_body("", R"({"total":3,"perPage":1,"page":2})")));
  std::size_t n = 0;
  auto [ec, r] = finish(txc.async_for_each_transaction({}, 100, count(n), token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(fake->request_count(), 2u);
}

TEST_F(TransactionWalk, follows_cursors_and_stops_on_a_repeated_one) {
  fake->push(json_reply(200, list_body(item(1), R"({"next":"c1"})")));
  fake->push(json_reply(200, list_body(item(2), R"({"next":"c2"})")));
  fake->push(json_reply(200, list_body(item(3), R"({"next":"c1"})")));
  std::size_t n = 0;
  auto [ec, r] = finish(txc.async_for_each_transaction({.use_cursor = true}, 100, count(n), token));
  EXPECT_EQ(ec, error::bad_response);
  EXPECT_EQ(n, 3u);
  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[1].target, "/transaction?use_cursor=true&next=c1");
  EXPECT_EQ(reqs[2].target, "/transaction?use_cursor=true&next=c2");
}

TEST_F(TransactionWalk, limit_and_failing_page) {
  fake->push(json_reply(200, list_body(item(1) + "," + item(2), R"({"page":1,"pageCount":9})")));
  std::size_t n = 0;
  auto [ec, r] = finish(txc.async_for_each_transaction({}, 1, count(n), token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(fake->request_count(), 1u);
  fake->push(json_reply(401, R"({"status":false,"message":"Invalid key"})"));
  auto [e2, r2] = finish(txc.async_for_each_transaction({}, 10, count(n), token));
  EXPECT_FALSE(e2);
  EXPECT_FALSE(r2.ok());
  EXPECT_EQ(r2.message, "Invalid key");
  EXPECT_EQ(r2.data->visited, 0u);
}

}  // namespace
}  // namespace paystack::test
