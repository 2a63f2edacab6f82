// Every official Payment Request sample read into its model (create, fetch, verify, list,
// update, finalize, archive, send_notification, totals), error envelopes, and garbage replies.
#include "client_fixture.hpp"
#include "samples.hpp"

namespace paystack::test {
namespace {

class PaymentRequestResponses : public client_fixture {
 protected:
  payment_request_client prc{*client};

  void reply_sample(const std::string& name) {
    fake->push(json_reply(200, sample_body("api/payment-requests/" + name, "200")));
  }
};

TEST_F(PaymentRequestResponses, create_sample) {
  reply_sample("create");
  create_payment_request_params p;
  p.customer = "CUS_xwaj0txjryg393b";
  p.amount = 42000;
  auto [ec, r] = finish(prc.async_create_payment_request(p, token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.message, "Payment request created");
  EXPECT_EQ(r.data->id, 3136406);
  EXPECT_EQ(r.data->request_code, "PRQ_1weqqsn2wwzgft8");
  EXPECT_EQ(r.data->offline_reference, "4286263136406");
  EXPECT_EQ(r.data->customer_id, 25833615);
  EXPECT_EQ(r.data->created_at, "2020-06-29T16:07:33.073Z");
  EXPECT_EQ(r.data->line_items.size(), 2u);
  EXPECT_EQ(r.data->tax.at(0).amount, 2000);
  EXPECT_FALSE(r.data->archived);
}

TEST_F(PaymentRequestResponses, fetch_sample_with_expanded_customer_and_camel_case_dates) {
  reply_sample("fetch");
  auto [ec, r] = finish(prc.async_fetch_payment_request("PRQ_1weqqsn2wwzgft8", token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.data->customer_id, 25833615);
  EXPECT_EQ(r.data->customer_code, "CUS_xwaj0txjryg393b");
  EXPECT_EQ(r.data->integration, 428626);
  EXPECT_EQ(r.data->created_at, "2020-06-29T16:07:33.000Z");  // `createdAt` here
  EXPECT_EQ(r.data->archived, false);
  EXPECT_EQ(r.data->pending_amount, 42000);
  EXPECT_FALSE(r.data->paid_at);
}

TEST_F(PaymentRequestResponses, verify_sample_with_expanded_integration) {
  reply_sample("verify");
  auto [ec, r] = finish(prc.async_verify_payment_request("PRQ_1weqqsn2wwzgft8", token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.data->status, "pending");
  EXPECT_FALSE(r.data->paid);
  EXPECT_FALSE(r.data->integration);  // an object in verify
  EXPECT_EQ(r.data->customer_code, "CUS_xwaj0txjryg393b");
  EXPECT_EQ(r.data->pending_amount, 42000);
}

TEST_F(PaymentRequestResponses, list_sample_with_page_number_meta) {
  reply_sample("list");
  auto [ec, r] = finish(prc.async_list_payment_requests({}, token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.message, "Payment requests retrieved");
  ASSERT_EQ(r.data->size(), 1u);
  EXPECT_EQ(r.data->at(0).request_code, "PRQ_1weqqsn2wwzgft8");
  EXPECT_EQ(r.data->at(0).customer_code, "CUS_xwaj0txjryg393b");
  EXPECT_EQ(r.data->at(0).line_items.at(1).name, "item 2");
  EXPECT_EQ(r.meta.total, 1);
  EXPECT_EQ(r.meta.skipped, 0);
  EXPECT_EQ(r.meta.per_page, 50);
  EXPECT_EQ(r.meta.page, 1);
  EXPECT_EQ(r.meta.page_count, 1);
  EXPECT_FALSE(r.meta.next);
}

TEST_F(PaymentRequestResponses, update_and_finalize_samples) {
  reply_sample("update");
  reply_sample("finalize");
  update_payment_request_params p;
  p.description = "Update Testing";
  auto [e1, r1] = finish(prc.async_update_payment_request("PRQ_rtjkfk1tpmvqo40", p, token));
  auto [e2, r2] = finish(prc.async_finalize_payment_request("PRQ_rtjkfk1tpmvqo40", token));
  ASSERT_TRUE(r1.ok()) << r1.error_detail;
  ASSERT_TRUE(r2.ok()) << r2.error_detail;
  EXPECT_EQ(r1.message, "Payment request updated");
  EXPECT_EQ(r1.data->description, "Update Testing");
  EXPECT_EQ(r1.data->line_items.at(1).quantity, 1);
  EXPECT_EQ(r2.message, "Payment request finalized");
  EXPECT_EQ(r2.data->id, 3136496);
  EXPECT_EQ(r2.data->pending_amount, 45000);
  EXPECT_TRUE(r2.data->tax.empty());
}

TEST_F(PaymentRequestResponses, archive_and_notify_samples_carry_no_data) {
  reply_sample("archive");
  reply_sample("send_notification");
  auto [e1, r1] = finish(prc.async_archive_payment_request("PRQ_1", token));
  auto [e2, r2] = finish(prc.async_send_payment_request_notification("PRQ_1", token));
  EXPECT_FALSE(e1);
  EXPECT_FALSE(e2);
  EXPECT_TRUE(r1.ok());
  EXPECT_EQ(r1.message, "Payment request has been archived");
  EXPECT_TRUE(r2.ok());
  EXPECT_EQ(r2.message, "Notification sent");
}

TEST_F(PaymentRequestResponses, totals_sample_per_currency) {
  reply_sample("total");
  auto [ec, r] = finish(prc.async_fetch_payment_request_totals(token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.data->pending.size(), 2u);
  EXPECT_EQ(r.data->pending[0].currency, "NGN");
  EXPECT_EQ(r.data->pending[0].amount, 42000);
  EXPECT_EQ(r.data->successful.at(1).currency, "USD");
  EXPECT_EQ(r.data->successful.at(0).amount, 0);
  EXPECT_EQ(r.data->total.at(0).amount, 42000);
}

TEST_F(PaymentRequestResponses, error_envelopes_are_data) {
  fake->push(json_reply(404, R"({"status":false,"message":"Payment request not found"})"));
  fake->push(json_reply(401, R"({"status":false,"message":"Invalid key","meta":{"nextStep":
      "Ensure that you provide the correct authorization key for the request"},
      "type":"validation_error","code":"invalid_Key"})"));
  fake->push(json_reply(400, R"({"status":false,"message":"Payment request has been archived",
      "type":"validation_error","code":"invalid_params"})"));
  auto [e1, r1] = finish(prc.async_archive_payment_request("PRQ_none", token));
  auto [e2, r2] = finish(prc.async_list_payment_requests({}, token));
  auto [e3, r3] = finish(prc.async_verify_payment_request("PRQ_archived", token));
  EXPECT_FALSE(e1);
  EXPECT_FALSE(r1.ok());
  EXPECT_EQ(r1.status_code, 404u);
  EXPECT_EQ(r1.message, "Payment request not found");
  EXPECT_FALSE(e2);
  EXPECT_FALSE(r2.ok());
  EXPECT_FALSE(r2.data);
  EXPECT_EQ(r2.code, "invalid_Key");
  EXPECT_TRUE(r2.next_step);
  EXPECT_FALSE(e3);
  EXPECT_EQ(r3.status_code, 400u);
  EXPECT_EQ(r3.type, "validation_error");
}

struct garbage_case {
  const char* name;
  const char* body;
  const char* detail;  // a part of error_detail
};

class PaymentRequestGarbage : public client_fixture,
                              public ::testing::WithParamInterface<garbage_case> {};

TEST_P(PaymentRequestGarbage, list_or_totals_reply_is_bad_response) {
  payment_request_client prc(*client);
  const auto& c = GetParam();
  fake->push(json_reply(200, c.body));
  fake->push(json_reply(200, c.body));
  auto [e1, r1] = finish(prc.async_list_payment_requests({}, token));
  auto [e2, r2] = finish(prc.async_fetch_payment_request_totals(token));
  // Each reply is wrong for at least one of the two readers, and none is read as a success.
  EXPECT_TRUE(e1 == error::bad_response || e2 == error::bad_response);
  EXPECT_FALSE(r1.ok() && r2.ok());
  const auto& detail = e1 == error::bad_response ? r1.error_detail : r2.error_detail;
  EXPECT_NE(detail.find(c.detail), std::string::npos) << detail;
  EXPECT_EQ(r1.raw_body, c.body);
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, PaymentRequestGarbage,
    ::testing::Values(
        garbage_case{"html", "<html>502 Bad Gateway</html>", ""},
        garbage_case{"truncated", R"({"status":true,"message":"Payment requests retr)", ""},
        garbage_case{"list_not_array", R"({"status":true,"message":"x","data":{"id":1}})",
                     "data: expected an array"},
        garbage_case{"item_without_code",
                     R"({"status":true,"message":"x","data":[{"id":1,"status":"pending",
                        "amount":1}]})",
                     "data[0].request_code"},
        garbage_case{"item_bad_line_items",
                     R"({"status":true,"message":"x","data":[{"id":1,"request_code":"PRQ_1",
                        "status":"pending","amount":1,"line_items":[{"name":"a"}]}]})",
                     "data[0].line_items[0].amount"},
        garbage_case{"totals_not_arrays", R"({"status":true,"message":"x","data":[]})",
                     "expected an object"},
        garbage_case{"no_data", R"({"status":true,"message":"x"})", "no \"data\""}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST_F(PaymentRequestResponses, totals_item_without_currency_names_its_path) {
  fake->push(json_reply(200, R"({"status":true,"message":"Payment request totals",
      "data":{"pending":[{"amount":5}],"successful":[],"total":[]}})"));
  auto [ec, r] = finish(prc.async_fetch_payment_request_totals(token));
  EXPECT_EQ(ec, error::bad_response);
  EXPECT_NE(r.error_detail.find("data.pending[0].currency"), std::string::npos) << r.error_detail;
  EXPECT_FALSE(r.data);
}

}  // namespace
}  // namespace paystack::test
