// What the Payment Request operations beyond create/fetch/verify send: list filters and paging,
// update's body, the archive/finalize/notify/totals paths, the arguments refused before
// sending, and which of them are repeated.
#include <boost/json.hpp>

#include "client_fixture.hpp"
#include "samples.hpp"

namespace paystack::test {
namespace {

namespace json = boost::json;

class PaymentRequestRequests : public client_fixture {
 protected:
  payment_request_client prc{*client};
};

TEST_F(PaymentRequestRequests, list_sends_every_filter_and_page_numbers) {
  fake->push(json_reply(200, sample_body("api/payment-requests/list", "200")));
  list_payment_requests_params p;
  p.customer = "CUS_xwaj0txjryg393b";
  p.status = "pending";
  p.currency = "NGN";
  p.include_archive = true;
  p.from = "2026-01-01T00:00:00Z";
  p.to = "2026-02-01T00:00:00Z";
  p.per_page = 20;
  p.page = 2;
  auto [ec, r] = finish(prc.async_list_payment_requests(p, token));
  EXPECT_FALSE(ec) << r.error_detail;
  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, http_method::get);
  EXPECT_EQ(reqs[0].target,
            "/paymentrequest?customer=CUS_xwaj0txjryg393b&status=pending&currency=NGN"
            "&include_archive=true&from=2026-01-01T00%3A00%3A00Z&to=2026-02-01T00%3A00%3A00Z"
            "&perPage=20&page=2");
  EXPECT_TRUE(reqs[0].body.empty());
}

TEST_F(PaymentRequestRequests, list_without_filters_has_no_query) {
  fake->push(json_reply(200, sample_body("api/payment-requests/list", "200")));
  finish(prc.async_list_payment_requests({}, token));
  ASSERT_EQ(fake->request_count(), 1u);
  EXPECT_EQ(fake->requests()[0].target, "/paymentrequest");
}

TEST_F(PaymentRequestRequests, list_refuses_malformed_parameters_before_sending) {
  const std::string too_long(max_id_length + 1, 'x');
  std::vector<list_payment_requests_params> bad(6);
  bad[0].customer = "";
  bad[1].status = too_long;
  bad[2].per_page = 0;
  bad[3].page = 0;
  bad[4].from = "";
  bad[5].currency = too_long;
  for (const auto& p : bad) {
    auto [ec, r] = finish(prc.async_list_payment_requests(p, token));
    EXPECT_EQ(ec, error::invalid_argument);
    EXPECT_FALSE(r.error_detail.empty());
    EXPECT_EQ(r.status_code, 0u);
  }
  EXPECT_EQ(fake->request_count(), 0u);
}

TEST_F(PaymentRequestRequests, update_puts_only_the_fields_set) {
  fake->push(json_reply(200, sample_body("api/payment-requests/update", "200")));
  update_payment_request_params p;
  p.description = "Update Testing";
  p.line_items = std::vector<line_item>{{"Water", 15000, 1}, {"Bread", 30000, 1}};
  p.due_date = "2020-06-30T22:59:59.000Z";
  auto [ec, r] = finish(prc.async_update_payment_request("PRQ_rtjkfk1tpmvqo40", p, token));
  ASSERT_FALSE(ec) << r.error_detail;
  EXPECT_TRUE(r.ok());
  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, http_method::put);
  EXPECT_EQ(reqs[0].target, "/paymentrequest/PRQ_rtjkfk1tpmvqo40");
  EXPECT_EQ(reqs[0].header("Content-Type"), "application/json");
  EXPECT_EQ(json::parse(reqs[0].body), json::parse(R"({"description":"Update Testing",
      "line_items":[{"name":"Water","amount":15000,"quantity":1},
                    {"name":"Bread","amount":30000,"quantity":1}],
      "due_date":"2020-06-30T22:59:59.000Z"})"));
}

TEST_F(PaymentRequestRequests, update_refuses_nothing_to_change_and_bad_items) {
  std::vector<update_payment_request_params> bad(5);
  bad[1].amount = 0;
  bad[2].line_items = std::vector<line_item>{{"", 100, 1}};
  bad[3].tax = std::vector<tax_item>{{"VAT", -1}};
  bad[4].customer = "";
  for (const auto& p : bad) {
    auto [ec, r] = finish(prc.async_update_payment_request("PRQ_1", p, token));
    EXPECT_EQ(ec, error::invalid_argument);
    EXPECT_EQ(r.error_detail, check_update_payment_request_params(p));
  }
  update_payment_request_params fine;
  fine.amount = 100;
  EXPECT_EQ(check_update_payment_request_params(fine), "");
  auto [ec, r] = finish(prc.async_update_payment_request("", fine, token));
  EXPECT_EQ(ec, error::invalid_argument);
  EXPECT_EQ(fake->request_count(), 0u);
}

TEST_F(PaymentRequestRequests, archive_finalize_notify_and_totals_paths) {
  fake->push(json_reply(200, sample_body("api/payment-requests/archive", "200")));
  fake->push(json_reply(200, sample_body("api/payment-requests/finalize", "200")));
  fake->push(json_reply(200, sample_body("api/payment-requests/send_notification", "200")));
  fake->push(json_reply(200, sample_body("api/payment-requests/total", "200")));
  fake->push(json_reply(200, sample_body("api/payment-requests/verify", "200")));
  auto [e1, r1] = finish(prc.async_archive_payment_request("3136496", token));
  auto [e2, r2] = finish(prc.async_finalize_payment_request("PRQ_rtjkfk1tpmvqo40", token));
  auto [e3, r3] = finish(prc.async_send_payment_request_notification("PRQ/1", token));
  auto [e4, r4] = finish(prc.async_fetch_payment_request_totals(token));
  auto [e5, r5] = finish(prc.async_verify_payment_request("3136406", token));  // an id
  EXPECT_TRUE(r1.ok() && r2.ok() && r3.ok() && r4.ok() && r5.ok());
  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 5u);
  EXPECT_EQ(reqs[0].method, http_method::post);
  EXPECT_EQ(reqs[0].target, "/paymentrequest/archive/3136496");
  EXPECT_EQ(reqs[1].method, http_method::post);
  EXPECT_EQ(reqs[1].target, "/paymentrequest/finalize/PRQ_rtjkfk1tpmvqo40");
  EXPECT_EQ(reqs[2].method, http_method::post);
  EXPECT_EQ(reqs[2].target, "/paymentrequest/notify/PRQ%2F1");
  EXPECT_EQ(reqs[3].method, http_method::get);
  EXPECT_EQ(reqs[3].target, "/paymentrequest/totals");
  EXPECT_EQ(reqs[4].target, "/paymentrequest/verify/3136406");
  for (const auto& req : reqs) EXPECT_TRUE(req.body.empty()) << req.target;
}

TEST_F(PaymentRequestRequests, empty_or_long_ids_are_refused_before_sending) {
  const std::string too_long(max_id_length + 1, '1');
  auto [e1, r1] = finish(prc.async_archive_payment_request("", token));
  auto [e2, r2] = finish(prc.async_finalize_payment_request(too_long, token));
  auto [e3, r3] = finish(prc.async_send_payment_request_notification("", token));
  for (auto ec : {e1, e2, e3}) EXPECT_EQ(ec, error::invalid_argument);
  EXPECT_EQ(fake->request_count(), 0u);
}

TEST_F(PaymentRequestRequests, finalize_and_notify_are_never_repeated_archive_is) {
  const auto busy = R"({"status":false,"message":"Service unavailable"})";
  fake->push(json_reply(503, busy));
  auto [e1, r1] = finish(prc.async_finalize_payment_request("PRQ_1", token));
  EXPECT_EQ(r1.status_code, 503u);
  EXPECT_EQ(r1.attempts, 1u);
  fake->push(json_reply(503, busy));
  auto [e2, r2] = finish(prc.async_send_payment_request_notification("PRQ_1", token));
  EXPECT_EQ(r2.attempts, 1u);
  fake->push(json_reply(503, busy));
  fake->push(json_reply(200, sample_body("api/payment-requests/archive", "200")));
  auto [e3, r3] = finish(prc.async_archive_payment_request("PRQ_1", token));
  EXPECT_TRUE(r3.ok());
  EXPECT_EQ(r3.attempts, 2u);
  EXPECT_EQ(fake->request_count(), 4u);
}

}  // namespace
}  // namespace paystack::test
