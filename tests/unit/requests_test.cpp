// What every operation sends: method, path, percent-encoding, query, headers and JSON body.
#include <boost/json.hpp>

#include "client_fixture.hpp"
#include "samples.hpp"

namespace paystack::test {
namespace {

namespace json = boost::json;

class Requests : public client_fixture {
 protected:
  http_request only_request() {
    auto r = fake->requests();
    EXPECT_EQ(r.size(), 1u);
    return r.empty() ? http_request{} : r.front();
  }
};

void expect_standard_headers(const http_request& r, bool has_body) {
  EXPECT_EQ(r.header("Authorization"), std::string("Bearer ") + test_key);
  EXPECT_EQ(r.header("Accept"), "application/json");
  EXPECT_EQ(r.header("User-Agent").substr(0, 13), "paystack-cpp/");
  if (has_body)
    EXPECT_EQ(r.header("Content-Type"), "application/json");
  else
    EXPECT_EQ(r.header("Content-Type"), "");
}

TEST_F(Requests, commission_posts_serial_number) {
  fake->push(json_reply(200, R"({"status":true,"message":"Device commissioned"})"));
  auto [ec, r] = finish(client->async_commission_terminal("033301504100A563877", token));
  EXPECT_FALSE(ec);
  auto req = only_request();
  EXPECT_EQ(req.method, http_method::post);
  EXPECT_EQ(req.target, "/terminal/commission_device");
  expect_standard_headers(req, true);
  EXPECT_EQ(json::parse(req.body), json::parse(R"({"serial_number":"033301504100A563877"})"));
}

TEST_F(Requests, decommission_posts_serial_number) {
  fake->push(json_reply(200, sample_body("api/terminal/decommission", "200")));
  auto [ec, r] = finish(client->async_decommission_terminal("SN-1", token));
  EXPECT_FALSE(ec);
  auto req = only_request();
  EXPECT_EQ(req.method, http_method::post);
  EXPECT_EQ(req.target, "/terminal/decommission_device");
  EXPECT_EQ(json::parse(req.body), json::parse(R"({"serial_number":"SN-1"})"));
  EXPECT_TRUE(r.ok());
}

TEST_F(Requests, fetch_event_status_path) {
  fake->push(json_reply(200, sample_body("api/terminal/event-status", "200")));
  auto [ec, r] =
      finish(client->async_fetch_event_status("2872S934", "616d721e8c5cd40a0cdd54a6", token));
  EXPECT_FALSE(ec);
  auto req = only_request();
  EXPECT_EQ(req.method, http_method::get);
  EXPECT_EQ(req.target, "/terminal/2872S934/event/616d721e8c5cd40a0cdd54a6");
  expect_standard_headers(req, false);
  EXPECT_TRUE(req.body.empty());
}

TEST_F(Requests, fetch_terminal_path) {
  fake->push(json_reply(200, sample_body("api/terminal/fetch", "200")));
  auto [ec, r] = finish(client->async_fetch_terminal("2872S934", token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(only_request().target, "/terminal/2872S934");
}

TEST_F(Requests, fetch_terminal_status_path) {
  fake->push(json_reply(200, sample_body("api/terminal/terminal-status", "200")));
  auto [ec, r] = finish(client->async_fetch_terminal_status("2872S934", token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(only_request().target, "/terminal/2872S934/presence");
}

TEST_F(Requests, list_first_page_has_no_cursor) {
  fake->push(json_reply(200, sample_body("api/terminal/list", "200")));
  auto [ec, r] = finish(client->async_list_terminals({}, token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(only_request().target, "/terminal");
}

TEST_F(Requests, list_sends_per_page_and_encoded_cursor) {
  fake->push(json_reply(200, sample_body("api/terminal/list", "200")));
  list_terminals_params p;
  p.per_page = 25;
  p.next = "dW5kZWZpbmVkOjQwOTczNTgxNTg=";
  auto [ec, r] = finish(client->async_list_terminals(p, token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(only_request().target, "/terminal?perPage=25&next=dW5kZWZpbmVkOjQwOTczNTgxNTg%3D");
}

TEST_F(Requests, list_previous_cursor) {
  fake->push(json_reply(200, sample_body("api/terminal/list", "200")));
  list_terminals_params p;
  p.previous = "a&b=c";
  auto [ec, r] = finish(client->async_list_terminals(p, token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(only_request().target, "/terminal?previous=a%26b%3Dc");
}

TEST_F(Requests, send_invoice_event_body_types) {
  fake->push(json_reply(200, sample_body("api/terminal/send-event", "200")));
  auto [ec, r] = finish(client->async_send_event(
      "2872S934", terminal_event::process_invoice(7895939, "4634337895939"), token));
  EXPECT_FALSE(ec);
  auto req = only_request();
  EXPECT_EQ(req.method, http_method::post);
  EXPECT_EQ(req.target, "/terminal/2872S934/event");
  expect_standard_headers(req, true);
  auto body = json::parse(req.body);
  EXPECT_EQ(body, json::parse(R"({"type":"invoice","action":"process",
                                   "data":{"id":7895939,"reference":"4634337895939"}})"));
  EXPECT_TRUE(body.at("data").at("id").is_int64());          // integer on the wire
  EXPECT_TRUE(body.at("data").at("reference").is_string());  // string on the wire
}

TEST_F(Requests, send_transaction_event_has_no_reference) {
  fake->push(json_reply(200, sample_body("api/terminal/send-event", "200")));
  auto [ec, r] =
      finish(client->async_send_event("T1", terminal_event::print_transaction(42), token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(json::parse(only_request().body),
            json::parse(R"({"type":"transaction","action":"print","data":{"id":42}})"));
}

TEST_F(Requests, update_puts_only_given_fields) {
  fake->push(json_reply(200, sample_body("api/terminal/update", "200")));
  update_terminal_params p;
  p.address = "Somewhere on earth";
  auto [ec, r] = finish(client->async_update_terminal("2872S934", p, token));
  EXPECT_FALSE(ec);
  auto req = only_request();
  EXPECT_EQ(req.method, http_method::put);
  EXPECT_EQ(req.target, "/terminal/2872S934");
  EXPECT_EQ(json::parse(req.body), json::parse(R"({"address":"Somewhere on earth"})"));
  EXPECT_TRUE(r.ok());
}

TEST_F(Requests, hostile_terminal_id_stays_one_segment) {
  fake->push(json_reply(404, R"({"status":false,"message":"Entity not found"})"));
  auto [ec, r] = finish(client->async_fetch_terminal("../x?y", token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(only_request().target, "/terminal/..%2Fx%3Fy");
  EXPECT_EQ(r.status_code, 404u);
  EXPECT_FALSE(r.ok());
}

TEST_F(Requests, dot_segments_are_encoded_so_no_normalisation_can_remove_them) {
  for (int i = 0; i < 3; ++i) {
    fake->push(json_reply(404, R"({"status":false,"message":"Terminal not found"})"));
  }
  (void)finish(client->async_fetch_terminal("..", token));
  (void)finish(client->async_fetch_terminal(".", token));
  (void)finish(client->async_fetch_event_status("T", "..", token));
  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].target, "/terminal/%2E%2E");
  EXPECT_EQ(reqs[1].target, "/terminal/%2E");
  EXPECT_EQ(reqs[2].target, "/terminal/T/event/%2E%2E");
}

TEST_F(Requests, encodes_spaces_unicode_and_hash) {
  fake->push(json_reply(200, sample_body("api/terminal/event-status", "200")));
  auto [ec, r] = finish(client->async_fetch_event_status("a b#c", "\xC3\xA9/..", token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(only_request().target, "/terminal/a%20b%23c/event/%C3%A9%2F..");
}

TEST_F(Requests, base_url_path_prefix_is_kept) {
  client_options o = options();
  o.base_url = "http://127.0.0.1:8080/v1/";
  terminal_client c(io.get_executor(), o);
  fake->push(json_reply(200, sample_body("api/terminal/fetch", "200")));
  auto [ec, r] = finish(c.async_fetch_terminal("2872S934", token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(only_request().target, "/v1/terminal/2872S934");
}

TEST_F(Requests, user_agent_suffix_is_appended) {
  client_options o = options();
  o.user_agent_suffix = "pos-backoffice/2.3";
  terminal_client c(io.get_executor(), o);
  fake->push(json_reply(200, sample_body("api/terminal/fetch", "200")));
  finish(c.async_fetch_terminal("2872S934", token));
  const auto req = only_request();  // header() views into it
  const auto ua = req.header("User-Agent");
  EXPECT_NE(ua.find("pos-backoffice/2.3"), std::string_view::npos) << ua;
}

// ---- refused before sending ---------------------------------------------------------------

TEST_F(Requests, empty_ids_are_refused_before_sending) {
  auto [e1, r1] = finish(client->async_fetch_terminal("", token));
  EXPECT_EQ(e1, error::invalid_argument);
  EXPECT_EQ(r1.status_code, 0u);
  EXPECT_NE(r1.error_detail.find("terminal_id"), std::string::npos);
  auto [e2, r2] = finish(client->async_commission_terminal("", token));
  EXPECT_EQ(e2, error::invalid_argument);
  auto [e3, r3] = finish(client->async_fetch_event_status("T1", "", token));
  EXPECT_EQ(e3, error::invalid_argument);
  auto [e4, r4] = finish(client->async_update_terminal("T1", {}, token));
  EXPECT_EQ(e4, error::invalid_argument);
  list_terminals_params bad;
  bad.per_page = 0;
  auto [e5, r5] = finish(client->async_list_terminals(bad, token));
  EXPECT_EQ(e5, error::invalid_argument);
  auto [e6, r6] =
      finish(client->async_send_event("T1", terminal_event::process_invoice(0, "r"), token));
  EXPECT_EQ(e6, error::invalid_argument);
  auto [e7, r7] =
      finish(client->async_send_event("T1", terminal_event::view_invoice(5, ""), token));
  EXPECT_EQ(e7, error::invalid_argument);
  EXPECT_EQ(fake->request_count(), 0u);
}

TEST_F(Requests, payment_request_create_body_and_refusals) {
  payment_request_client prc(*client);
  create_payment_request_params p;
  p.customer = "CUS_xwaj0txjryg393b";
  p.line_items = {{"Pancakes and sausage", 2000, 1}, {"Chicken Salad", 3000, 1}};
  p.currency = "NGN";
  p.description = "Invoice for Damilola";
  fake->push(json_reply(200, R"({"status":true,"message":"Payment request created","data":{
      "id":6304434,"integration":463433,"domain":"live","amount":5000,"currency":"NGN",
      "line_items":[{"name":"Pancakes and sausage","amount":"2000","quantity":1},
                    {"name":"Chicken Salad","amount":"3000","quantity":1}],
      "tax":[],"request_code":"PRQ_kwahak3i05nt1ds","status":"pending","paid":false,
      "offline_reference":"4634336304434","customer":28958104}})"));
  auto [ec, r] = finish(prc.async_create_payment_request(p, token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.data->offline_reference, "4634336304434");
  EXPECT_EQ(r.data->line_items.at(0).amount, 2000);  // "2000" (string) read as a number
  EXPECT_EQ(r.data->customer_id, 28958104);
  auto req = only_request();
  EXPECT_EQ(req.method, http_method::post);
  EXPECT_EQ(req.target, "/paymentrequest");
  auto body = json::parse(req.body);
  EXPECT_EQ(body.at("customer"), "CUS_xwaj0txjryg393b");
  EXPECT_EQ(body.at("line_items").as_array().size(), 2u);
  EXPECT_FALSE(body.as_object().contains("amount"));

  create_payment_request_params none;
  none.customer = "CUS_1";
  auto [e2, r2] = finish(prc.async_create_payment_request(none, token));
  EXPECT_EQ(e2, error::invalid_argument);
  EXPECT_EQ(fake->request_count(), 1u);
}

TEST_F(Requests, payment_request_verify_and_fetch_paths) {
  payment_request_client prc(*client);
  fake->push(json_reply(404, R"({"status":false,"message":"Payment request not found"})"));
  fake->push(json_reply(404, R"({"status":false,"message":"Payment request not found"})"));
  finish(prc.async_verify_payment_request("PRQ_1/2", token));
  finish(prc.async_fetch_payment_request("6304434", token));
  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].target, "/paymentrequest/verify/PRQ_1%2F2");
  EXPECT_EQ(reqs[1].target, "/paymentrequest/6304434");
}

}  // namespace
}  // namespace paystack::test
