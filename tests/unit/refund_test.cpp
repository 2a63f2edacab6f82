// Refunds: what create, list and fetch send, what is refused before sending, what is read
// (the spec's RefundCreateResponse and RefundFetchResponse shapes, with its example values:
// transaction "mpkr39h74k", refund id 15581137; Paystack publishes no sample replies for
// /refund), the page-number walk, and the refund.* webhooks (the official samples).
#include <boost/json.hpp>

#include "client_fixture.hpp"
#include "samples.hpp"

namespace paystack::test {
namespace {

namespace json = boost::json;

constexpr const char* created_refund =
    R"({"status":true,"message":"Refund has been queued for processing","data":{
        "transaction":{"id":1004723697,"domain":"live","reference":"mpkr39h74k","amount":10000,
                       "paid_at":"2021-08-20T18:34:11.000Z","channel":"apple_pay",
                       "currency":"NGN","authorization":{"exp_month":null,"exp_year":null,
                       "account_name":null},"customer":{"international_format_phone":null},
                       "plan":{},"subaccount":{"currency":null},"split":{},"order_id":null,
                       "paidAt":"2021-08-20T18:34:11.000Z","pos_transaction_data":null,
                       "source":null,"fees_breakdown":null},
        "integration":412829,"deducted_amount":0,"channel":null,"merchant_note":"Refund for transaction mpkr39h74k by test@me.com",
        "customer_note":"Refund for transaction mpkr39h74k","status":"pending",
        "refunded_by":"test@me.com","expected_at":"2021-12-16T09:21:17.016Z","currency":"NGN",
        "domain":"live","amount":10000,"fully_deducted":false,"id":3018284,
        "createdAt":"2021-12-07T09:21:17.122Z","updatedAt":"2021-12-07T09:21:17.122Z"}})";

constexpr const char* fetched_refund =
    R"({"integration":412829,"transaction":1004723697,"dispute":null,"settlement":null,
        "id":15581137,"domain":"live","currency":"NGN","amount":"4000","status":"processed",
        "refunded_at":"2021-12-07T09:22:04.000Z","refunded_by":"test@me.com",
        "customer_note":"Refund for transaction mpkr39h74k","merchant_note":"",
        "deducted_amount":4000,"fully_deducted":1,"createdAt":"2021-12-07T09:21:17.000Z",
        "bank_reference":null,"transaction_reference":"mpkr39h74k","reason":"",
        "customer":{"id":1,"first_name":"","last_name":"","email":"a@b.c",
                    "customer_code":"CUS_1","phone":"","metadata":"","risk_action":"default",
                    "international_format_phone":""}})";

std::string list_body(const std::string& items, const std::string& meta) {
  return R"({"status":true,"message":"Refunds retrieved","data":[)" + items + R"(],"meta":)" +
         meta + "}";
}

class RefundRequests : public client_fixture {
 protected:
  refund_client rc{*client};
};

TEST_F(RefundRequests, create_posts_the_given_fields) {
  fake->push(json_reply(200, created_refund));
  auto [ec, r] = finish(rc.async_create_refund({.transaction = "mpkr39h74k",
                                                .amount = 4000,
                                                .currency = "NGN",
                                                .customer_note = "sorry",
                                                .merchant_note = "damaged"},
                                               token));
  EXPECT_FALSE(ec);
  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, http_method::post);
  EXPECT_EQ(reqs[0].target, "/refund");
  EXPECT_EQ(reqs[0].header("Content-Type"), "application/json");
  EXPECT_EQ(json::parse(reqs[0].body),
            json::parse(R"({"transaction":"mpkr39h74k","amount":4000,"currency":"NGN",
                            "customer_note":"sorry","merchant_note":"damaged"})"));
  fake->push(json_reply(200, created_refund));
  finish(rc.async_create_refund({.transaction = "1004723697"}, token));
  EXPECT_EQ(json::parse(fake->requests().at(1).body),
            json::parse(R"({"transaction":"1004723697"})"));
}

TEST_F(RefundRequests, create_is_never_repeated) {
  fake->push(json_reply(503, R"({"status":false,"message":"busy"})"));
  auto [ec, r] = finish(rc.async_create_refund({.transaction = "mpkr39h74k"}, token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.status_code, 503u);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(fake->request_count(), 1u);
}

TEST_F(RefundRequests, list_and_fetch_targets) {
  fake->push(json_reply(200, list_body("", R"({"total":0,"page":1,"pageCount":0})")));
  fake->push(json_reply(
      200, std::string(R"({"status":true,"message":"ok","data":)") + fetched_refund + "}"));
  finish(rc.async_list_refunds({.transaction = "mpkr39h74k",
                                .currency = "NGN",
                                .from = "2021-12-01",
                                .to = "2021-12-31T00:00:00Z",
                                .per_page = 10,
                                .page = 3},
                               token));
  finish(rc.async_fetch_refund(15581137, token));
  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].target,
            "/refund?transaction=mpkr39h74k&currency=NGN&from=2021-12-01"
            "&to=2021-12-31T00%3A00%3A00Z&perPage=10&page=3");
  EXPECT_EQ(reqs[1].target, "/refund/15581137");
  EXPECT_EQ(reqs[1].method, http_method::get);
}

TEST_F(RefundRequests, bad_arguments_are_refused_before_sending) {
  const create_refund_params refused[] = {
      {.transaction = ""},
      {.transaction = std::string(max_id_length + 1, 'r')},
      {.transaction = "r", .amount = 0},
      {.transaction = "r", .currency = "ngn"},
      {.transaction = "r", .currency = "NAIRA"},
      {.transaction = "r",
       .customer_note = std::string(create_refund_params::max_note_length + 1, 'n')},
      {.transaction = "r",
       .merchant_note = std::string(create_refund_params::max_note_length + 1, 'n')},
  };
  for (const auto& p : refused) {
    auto [ec, r] = finish(rc.async_create_refund(p, token));
    EXPECT_EQ(ec, error::invalid_argument);
    EXPECT_FALSE(r.error_detail.empty());
  }
  for (const list_refunds_params& p :
       {list_refunds_params{.per_page = 0}, list_refunds_params{.page = 0},
        list_refunds_params{.transaction = ""}}) {
    auto [ec, r] = finish(rc.async_list_refunds(p, token));
    EXPECT_EQ(ec, error::invalid_argument);
  }
  auto [e1, r1] = finish(rc.async_fetch_refund(-5, token));
  EXPECT_EQ(e1, error::invalid_argument);
  EXPECT_EQ(r1.error_detail, "refund id must be a positive integer");
  auto [e2, r2] = finish(rc.async_for_each_refund({}, 1, nullptr, token));
  EXPECT_EQ(e2, error::invalid_argument);
  EXPECT_EQ(fake->request_count(), 0u);
}

// ---- replies -----------------------------------------------------------------------------------

class RefundResponses : public RefundRequests {};

TEST_F(RefundResponses, create_reply_expands_the_transaction) {
  fake->push(json_reply(200, created_refund));
  auto [ec, r] = finish(rc.async_create_refund({.transaction = "mpkr39h74k"}, token));
  ASSERT_FALSE(ec) << r.error_detail;
  const auto& f = *r.data;
  EXPECT_EQ(f.id, 3018284);
  EXPECT_EQ(f.transaction_id, 1004723697);
  EXPECT_EQ(f.transaction_reference, "mpkr39h74k");
  EXPECT_EQ(f.amount, 10000);
  EXPECT_EQ(f.currency, "NGN");
  EXPECT_EQ(f.status, refund_status::pending);
  EXPECT_EQ(f.status_text, "pending");
  EXPECT_EQ(f.deducted_amount, 0);
  EXPECT_EQ(f.fully_deducted, false);
  EXPECT_EQ(f.refunded_by, "test@me.com");
  EXPECT_EQ(f.expected_at, "2021-12-16T09:21:17.016Z");
  EXPECT_EQ(f.created_at, "2021-12-07T09:21:17.122Z");
  EXPECT_EQ(f.customer_note, "Refund for transaction mpkr39h74k");
}

TEST_F(RefundResponses, fetch_and_list_read_number_transaction_and_flag) {
  fake->push(json_reply(200, list_body(std::string(fetched_refund) + "," +
                                           R"({"id":2,"amount":1,"status":"needs-attention",
                                               "transaction":5})" +
                                           "," + R"({"id":3,"amount":1,"status":"odd"})",
                                       R"({"total":3,"skipped":0,"perPage":"50","page":1,
                                           "pageCount":1,"failedRefundCount":0})")));
  auto [ec, r] = finish(rc.async_list_refunds({}, token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_EQ(r.data->size(), 3u);
  const auto& a = (*r.data)[0];
  EXPECT_EQ(a.id, 15581137);
  EXPECT_EQ(a.amount, 4000);  // a string in this reply
  EXPECT_EQ(a.transaction_id, 1004723697);
  EXPECT_EQ(a.transaction_reference, "mpkr39h74k");
  EXPECT_EQ(a.status, refund_status::processed);
  EXPECT_EQ(a.fully_deducted, true);
  EXPECT_EQ(a.refunded_at, "2021-12-07T09:22:04.000Z");
  EXPECT_EQ((*r.data)[1].status, refund_status::needs_attention);
  EXPECT_EQ((*r.data)[1].transaction_id, 5);
  EXPECT_EQ((*r.data)[2].status, refund_status::unknown);
  EXPECT_EQ((*r.data)[2].status_text, "odd");
  EXPECT_EQ(r.meta.page_count, 1);
}

TEST_F(RefundResponses, errors_and_garbage) {
  fake->push(json_reply(
      400, R"({"status":false,"message":"Refund amount cannot be more than transaction amount",
      "type":"validation_error","code":"invalid_params"})"));
  auto [ec, r] = finish(rc.async_create_refund({.transaction = "x", .amount = 5}, token));
  EXPECT_FALSE(ec);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.code, "invalid_params");
  for (const char* b : {"", "null", R"({"status":true,"message":"ok","data":{"id":1}})",
                        R"({"status":true,"message":"ok","data":{"id":1,"amount":1,
                            "status":"pending","fully_deducted":7}})",
                        R"({"status":true,"message":"ok","data":{"id":1,"amount":1,
                            "status":"pending","transaction":{"id":"x"}}})"}) {
    SCOPED_TRACE(b);
    fake->push(json_reply(200, b));
    auto [e, rr] = finish(rc.async_fetch_refund(1, token));
    EXPECT_EQ(e, error::bad_response);
    EXPECT_FALSE(rr.data);
  }
}

TEST_F(RefundResponses, walk_counts_pages) {
  auto item = [](int id) {
    return R"({"id":)" + std::to_string(id) + R"(,"amount":1,"status":"processed"})";
  };
  fake->push(json_reply(200, list_body(item(1), R"({"page":1,"pageCount":2})")));
  fake->push(json_reply(200, list_body(item(2), R"({"page":2,"pageCount":2})")));
  std::vector<std::int64_t> ids;
  auto [ec, r] = finish(rc.async_for_each_refund(
      {.currency = "NGN"}, 10,
      [&](const refund& f) {
        ids.push_back(f.id);
        return true;
      },
      token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(r.data->pages, 2u);
  EXPECT_EQ(fake->requests().at(1).target, "/refund?currency=NGN&page=2");
}

// ---- webhooks ----------------------------------------------------------------------------------

std::string webhook_sample(const std::string& name) {
  return read_file(std::string(PAYSTACK_SAMPLES_DIR) + "/guides/payments/webhooks/events/" + name);
}

TEST(RefundWebhooks, every_sample_is_typed) {
  struct expected {
    const char* file;
    webhook_event_type type;
    refund_status status;
    std::int64_t amount;
  };
  for (const auto& x : {expected{"refund-pending.json", webhook_event_type::refund_pending,
                                 refund_status::pending, 10000},
                        expected{"refund-processing.json", webhook_event_type::refund_processing,
                                 refund_status::processing, 10000},
                        expected{"refund-processed.json", webhook_event_type::refund_processed,
                                 refund_status::processed, 5000},
                        expected{"refund-failed.json", webhook_event_type::refund_failed,
                                 refund_status::failed, 20000}}) {
    SCOPED_TRACE(x.file);
    std::string detail;
    auto e = parse_webhook_event(webhook_sample(x.file), &detail);
    ASSERT_TRUE(e.has_value()) << detail;
    EXPECT_EQ(e->type, x.type);
    EXPECT_EQ(to_string(e->type), e->event);
    const auto& d = std::get<refund_event_data>(e->data);
    EXPECT_EQ(d.status, x.status);
    EXPECT_EQ(d.amount, x.amount);  // "10000" (a string) in pending, 20000 in failed
    EXPECT_EQ(d.currency, "NGN");
    EXPECT_FALSE(d.transaction_reference.empty());
    EXPECT_TRUE(d.processor);
    EXPECT_TRUE(d.customer_email);
  }
  auto failed = parse_webhook_event(webhook_sample("refund-failed.json"));
  const auto& d = std::get<refund_event_data>(failed->data);
  EXPECT_EQ(d.transaction_reference, "T9171231_412325_3be2736c_n6tml");
  EXPECT_EQ(d.refund_reference, "TRF_9vgfawjnoz58uxy");
  EXPECT_EQ(d.integration, 412325);
  EXPECT_EQ(d.domain, "live");
  auto pending = parse_webhook_event(webhook_sample("refund-pending.json"));
  EXPECT_FALSE(std::get<refund_event_data>(pending->data).refund_reference);
}

TEST(RefundWebhooks, malformed_refund_data_is_refused) {
  for (const char* b :
       {R"({"event":"refund.processed","data":[]})",
        R"({"event":"refund.processed","data":{"status":"processed","amount":1}})",
        R"({"event":"refund.failed","data":{"status":"failed","transaction_reference":"t",
            "amount":"ten"}})"}) {
    SCOPED_TRACE(b);
    std::string detail;
    auto e = parse_webhook_event(b, &detail);
    EXPECT_FALSE(e.has_value());
    EXPECT_FALSE(detail.empty());
  }
  EXPECT_EQ(refund_status_from_string("needs-attention"), refund_status::needs_attention);
  EXPECT_EQ(to_string(refund_status::unknown), "");
}

}  // namespace
}  // namespace paystack::test

namespace paystack::test {
namespace {

// ---- Retry Refund and needs-attention (issue 27 item 2) -----------------------------------------

/// The spec's RefundRetryResponse, with its example ids (Paystack publishes no sample reply).
constexpr const char* retried_refund =
    R"({"status":true,"message":"Refund retried","data":{"integration":412829,
        "transaction":1004723697,"dispute":{},"settlement":{},"id":15581137,"domain":"live",
        "currency":"NGN","amount":4000,"status":"processing","refunded_at":null,
        "expected_at":"2021-12-16T09:21:17.016Z","channel":"pos","refunded_by":"test@me.com",
        "customer_note":"","merchant_note":"","deducted_amount":0,"fully_deducted":false,
        "bank_reference":null,"reason":"","customer":{},"initiated_by":"merchant",
        "reversed_at":null,"session_id":null}})";

TEST_F(RefundRequests, retry_posts_the_customer_s_account_once) {
  fake->push(json_reply(200, retried_refund));
  auto [ec, r] = finish(rc.async_retry_refund(
      15581137, {.currency = "NGN", .account_number = "1234567890", .bank_id = "9"}, token));
  ASSERT_FALSE(ec);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.data->id, 15581137);
  EXPECT_EQ(r.data->status, refund_status::processing);
  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, http_method::post);
  EXPECT_EQ(reqs[0].target, "/refund/retry_with_customer_details/15581137");
  EXPECT_EQ(json::parse(reqs[0].body), json::parse(R"({"refund_account_details":{"currency":"NGN",
                            "account_number":"1234567890","bank_id":"9"}})"));

  fake->push(json_reply(503, R"({"status":false,"message":"busy"})"));
  auto [ec2, again] = finish(rc.async_retry_refund(
      15581137, {.currency = "NGN", .account_number = "1234567890", .bank_id = "9"}, token));
  EXPECT_FALSE(ec2);
  EXPECT_EQ(again.attempts, 1u);  // never repeated
  fake->push(json_reply(400, R"({"status":false,"message":"Refund is not in needs-attention"})"));
  auto [ec3, refused] = finish(rc.async_retry_refund(
      15581137, {.currency = "NGN", .account_number = "1234567890", .bank_id = "9"}, token));
  EXPECT_FALSE(ec3);
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.message, "Refund is not in needs-attention");
}

TEST_F(RefundRequests, retry_refuses_bad_accounts_before_sending) {
  const refund_account_details bad[] = {
      {.currency = "ngn", .account_number = "1234567890", .bank_id = "9"},
      {.currency = "NGN", .account_number = "", .bank_id = "9"},
      {.currency = "NGN", .account_number = "12ab", .bank_id = "9"},
      {.currency = "NGN", .account_number = std::string(33, '1'), .bank_id = "9"},
      {.currency = "NGN", .account_number = "1234567890", .bank_id = ""},
  };
  for (const auto& d : bad) {
    auto [ec, r] = finish(rc.async_retry_refund(1, d, token));
    EXPECT_EQ(ec, error::invalid_argument);
  }
  auto [ec, r] = finish(
      rc.async_retry_refund(0, {.currency = "NGN", .account_number = "1", .bank_id = "9"}, token));
  EXPECT_EQ(ec, error::invalid_argument);
  EXPECT_EQ(fake->request_count(), 0u);
}

TEST(RefundWebhooks, needs_attention_is_typed) {
  // No official sample: the refund.pending sample with the event and status of needs-attention.
  auto body = json::parse(webhook_sample("refund-pending.json")).as_object();
  body["event"] = "refund.needs-attention";
  body["data"].as_object()["status"] = "needs-attention";
  std::string detail;
  auto e = parse_webhook_event(json::serialize(body), &detail);
  ASSERT_TRUE(e.has_value()) << detail;
  EXPECT_EQ(e->type, webhook_event_type::refund_needs_attention);
  EXPECT_EQ(to_string(e->type), "refund.needs-attention");
  EXPECT_EQ(std::get<refund_event_data>(e->data).status, refund_status::needs_attention);
}

}  // namespace
}  // namespace paystack::test
