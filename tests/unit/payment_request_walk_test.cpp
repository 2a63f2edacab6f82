// async_for_each_payment_request: follows page numbers until pageCount, honours the limit and
// the visitor, ends on an empty page, and stops a server whose page number goes back.
#include "client_fixture.hpp"

namespace paystack::test {
namespace {

std::string page(std::initializer_list<const char*> codes, int number, int count) {
  std::string data;
  int id = number * 100;
  for (const char* code : codes) {
    if (!data.empty()) data += ',';
    data += R"({"id":)" + std::to_string(++id) + R"(,"request_code":")" + code +
            R"(","status":"pending","amount":100})";
  }
  return R"({"status":true,"message":"Payment requests retrieved","data":[)" + data +
         R"(],"meta":{"total":5,"skipped":0,"perPage":2,"page":)" + std::to_string(number) +
         R"(,"pageCount":)" + std::to_string(count) + "}}";
}

class PaymentRequestWalk : public client_fixture {
 protected:
  payment_request_client prc{*client};
  std::vector<std::string> seen;
  std::function<bool(const payment_request&)> collect() {
    return [this](const payment_request& p) {
      seen.push_back(p.request_code);
      return true;
    };
  }
};

TEST_F(PaymentRequestWalk, follows_page_numbers_until_page_count) {
  fake->push(json_reply(200, page({"A", "B"}, 1, 3)));
  fake->push(json_reply(200, page({"C", "D"}, 2, 3)));
  fake->push(json_reply(200, page({"E"}, 3, 3)));
  list_payment_requests_params p;
  p.per_page = 2;
  p.status = "pending";
  auto [ec, r] = finish(prc.async_for_each_payment_request(p, 100, collect(), token));
  EXPECT_FALSE(ec) << r.error_detail;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"A", "B", "C", "D", "E"}));
  EXPECT_EQ(r.data->visited, 5u);
  EXPECT_EQ(r.data->pages, 3u);
  EXPECT_EQ(r.meta.page, 3);
  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].target, "/paymentrequest?status=pending&perPage=2");
  EXPECT_EQ(reqs[1].target, "/paymentrequest?status=pending&perPage=2&page=2");
  EXPECT_EQ(reqs[2].target, "/paymentrequest?status=pending&perPage=2&page=3");
}

TEST_F(PaymentRequestWalk, limit_and_visitor_stop_without_fetching_more) {
  fake->push(json_reply(200, page({"A", "B"}, 1, 3)));
  fake->push(json_reply(200, page({"C", "D"}, 2, 3)));
  auto [ec, r] = finish(prc.async_for_each_payment_request({}, 3, collect(), token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(seen, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(fake->request_count(), 2u);

  fake->push(json_reply(200, page({"A", "B"}, 1, 3)));
  auto [e2, r2] = finish(prc.async_for_each_payment_request(
      {}, 100, [](const payment_request& p) { return p.request_code != "A"; }, token));
  EXPECT_FALSE(e2);
  EXPECT_EQ(r2.data->visited, 1u);
  EXPECT_EQ(fake->request_count(), 3u);
}

TEST_F(PaymentRequestWalk, starts_at_the_given_page_and_ends_on_an_empty_one) {
  fake->push(json_reply(200, page({"C"}, 2, 9)));
  fake->push(json_reply(200, page({}, 3, 9)));
  list_payment_requests_params p;
  p.page = 2;
  auto [ec, r] = finish(prc.async_for_each_payment_request(p, 100, collect(), token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.data->pages, 2u);
  EXPECT_EQ(seen, (std::vector<std::string>{"C"}));
  EXPECT_EQ(fake->requests().at(0).target, "/paymentrequest?page=2");
}

TEST_F(PaymentRequestWalk, page_number_going_back_is_bad_response) {
  fake->push(json_reply(200, page({"A"}, 1, 3)));
  fake->push(json_reply(200, page({"A"}, 1, 3)));  // asked for page 2
  auto [ec, r] = finish(prc.async_for_each_payment_request({}, 100, collect(), token));
  EXPECT_EQ(ec, error::bad_response);
  EXPECT_NE(r.error_detail.find("page 1 when asked for page 2"), std::string::npos);
  EXPECT_EQ(fake->request_count(), 2u);
}

TEST_F(PaymentRequestWalk, failed_page_is_reported_and_bad_arguments_refused) {
  fake->push(json_reply(200, page({"A"}, 1, 2)));
  fake->push(json_reply(401, R"({"status":false,"message":"Invalid key"})"));
  auto [ec, r] = finish(prc.async_for_each_payment_request({}, 100, collect(), token));
  EXPECT_FALSE(ec);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status_code, 401u);
  EXPECT_EQ(r.message, "Invalid key");
  EXPECT_EQ(r.data->visited, 1u);

  auto [e2, r2] = finish(prc.async_for_each_payment_request({}, 0, collect(), token));
  EXPECT_EQ(e2, error::invalid_argument);
  list_payment_requests_params bad;
  bad.per_page = -1;
  auto [e3, r3] = finish(prc.async_for_each_payment_request(bad, 10, collect(), token));
  EXPECT_EQ(e3, error::invalid_argument);
  EXPECT_EQ(fake->request_count(), 2u);
}

}  // namespace
}  // namespace paystack::test
