// Every official Terminal sample parsed into the envelope and the models; the status/envelope
// table; bad replies keep the raw body.
#include "client_fixture.hpp"
#include "samples.hpp"

namespace paystack::test {
namespace {

class Responses : public client_fixture {};

TEST_F(Responses, fetch_sample_fills_every_field) {
  const auto body = sample_body("api/terminal/fetch", "200");
  fake->push(json_reply(200, body));
  auto [ec, r] = finish(client->async_fetch_terminal("2872S934", token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.message, "Terminal retrieved successfully");
  const terminal& t = *r.data;
  EXPECT_EQ(t.id, 30);
  EXPECT_EQ(t.serial_number, "033301504100A563877");
  EXPECT_EQ(t.device_make, std::nullopt);
  EXPECT_EQ(t.terminal_id, "2872S934");
  EXPECT_EQ(t.integration, 463433);
  EXPECT_EQ(t.domain, "live");
  EXPECT_EQ(t.name, "Damilola's Terminal");
  EXPECT_EQ(t.address, std::nullopt);
  EXPECT_EQ(t.status, "active");
  EXPECT_EQ(t.split_code, std::nullopt);
  EXPECT_EQ(r.raw_body, body);
  EXPECT_EQ(r.headers.content_type, "application/json");
}

TEST_F(Responses, list_sample_with_meta) {
  fake->push(json_reply(200, sample_body("api/terminal/list", "200")));
  auto [ec, r] = finish(client->async_list_terminals({}, token));
  ASSERT_FALSE(ec) << r.error_detail;
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.data->size(), 1u);
  EXPECT_EQ(r.data->at(0).terminal_id, "2872S934");
  EXPECT_EQ(r.meta.next, std::nullopt);
  EXPECT_EQ(r.meta.previous, std::nullopt);
  EXPECT_EQ(r.meta.per_page, 1);
}

TEST_F(Responses, presence_event_status_and_ack_samples) {
  fake->push(json_reply(200, sample_body("api/terminal/terminal-status", "200")));
  fake->push(json_reply(200, sample_body("api/terminal/event-status", "200")));
  fake->push(json_reply(200, sample_body("api/terminal/send-event", "200")));
  auto [e1, presence] = finish(client->async_fetch_terminal_status("T", token));
  auto [e2, status] = finish(client->async_fetch_event_status("T", "E", token));
  auto [e3, ack] =
      finish(client->async_send_event("T", terminal_event::process_transaction(1), token));
  ASSERT_FALSE(e1 || e2 || e3);
  EXPECT_TRUE(presence.data->online);
  EXPECT_FALSE(presence.data->available);
  EXPECT_EQ(presence.message, "Terminal status retrieved");
  EXPECT_TRUE(status.data->delivered);
  EXPECT_EQ(status.message, "Message Status Retrieved");
  EXPECT_EQ(ack.data->id, "616d721e8c5cd40a0cdd54a6");
  EXPECT_EQ(ack.message, "Event sent to Terminal");
}

TEST_F(Responses, commission_already_commissioned_is_200_but_not_ok) {
  fake->push(json_reply(200, sample_body("api/terminal/commission", "200")));
  auto [ec, r] = finish(client->async_commission_terminal("SN", token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.status_code, 200u);
  EXPECT_FALSE(r.status);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.message, "Device has been commissioned already");
  EXPECT_FALSE(r.data.has_value());
}

TEST_F(Responses, not_found_samples_are_data_not_errors) {
  for (const char* dir : {"api/terminal/commission", "api/terminal/decommission"}) {
    fake->push(json_reply(404, sample_body(dir, "404")));
    auto [ec, r] = finish(client->async_decommission_terminal("SN", token));
    EXPECT_FALSE(ec);
    EXPECT_EQ(r.status_code, 404u);
    EXPECT_EQ(r.message, "Device not found");
    EXPECT_FALSE(r.ok());
  }
  fake->push(json_reply(404, sample_body("api/terminal/send-event", "404")));
  auto [ec, r] =
      finish(client->async_send_event("T", terminal_event::process_invoice(1, "ref"), token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.message, "Invoice not found");
}

TEST_F(Responses, invalid_push_id_code_comes_from_data) {
  fake->push(json_reply(400, sample_body("api/terminal/event-status", "400")));
  auto [ec, r] = finish(client->async_fetch_event_status("T", "nope", token));
  EXPECT_FALSE(ec);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.code, "INVALID_PUSH_ID");
  EXPECT_EQ(r.message, "The push notification ID provided is invalid");
}

TEST_F(Responses, error_envelope_type_code_next_step_and_rate_headers) {
  fake->push(json_reply(
      429,
      R"({"status":false,"message":"Rate limit exceeded!","meta":{"nextStep":"Wait a few minutes and try the API call again"},"type":"api_error","code":"rate_limited"})",
      {{"x-ratelimit-limit", "100"}, {"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "60"}}));
  auto [ec, r] = finish(
      client->with({.retry = retry_policy{.max_attempts = 1}}).async_fetch_terminal("T", token));
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.status_code, 429u);
  EXPECT_EQ(r.type, "api_error");
  EXPECT_EQ(r.code, "rate_limited");
  EXPECT_EQ(r.next_step, "Wait a few minutes and try the API call again");
  EXPECT_EQ(r.headers.rate_limit_limit, 100);
  EXPECT_EQ(r.headers.rate_limit_remaining, 0);
  EXPECT_EQ(r.headers.rate_limit_reset, 60);
}

TEST_F(Responses, snake_case_next_step_and_string_null_cursor_are_accepted) {
  fake->push(json_reply(200, R"({"status":true,"message":"ok","data":[],
      "meta":{"next":"abc","previous":"null","per_page":"50","next_step":"x"}})"));
  auto [ec, r] = finish(client->async_list_terminals({}, token));
  ASSERT_FALSE(ec);
  EXPECT_EQ(r.meta.next, "abc");
  EXPECT_EQ(r.meta.previous, std::nullopt);
  EXPECT_EQ(r.meta.per_page, 50);
  EXPECT_EQ(r.next_step, "x");
}

TEST_F(Responses, page_number_meta_in_both_spellings) {
  fake->push(json_reply(200, R"({"status":true,"message":"ok","data":[],
      "meta":{"total":7,"skipped":5,"perPage":5,"page":2,"pageCount":2}})"));
  fake->push(json_reply(200, R"({"status":true,"message":"ok","data":[],
      "meta":{"total":"7","page_count":3}})"));
  auto [ec, r] = finish(client->async_list_terminals({}, token));
  ASSERT_FALSE(ec);
  EXPECT_EQ(r.meta.total, 7);
  EXPECT_EQ(r.meta.skipped, 5);
  EXPECT_EQ(r.meta.per_page, 5);
  EXPECT_EQ(r.meta.page, 2);
  EXPECT_EQ(r.meta.page_count, 2);
  EXPECT_EQ(r.meta.next, std::nullopt);
  auto [ec2, r2] = finish(client->async_list_terminals({}, token));
  ASSERT_FALSE(ec2);
  EXPECT_EQ(r2.meta.total, 7);
  EXPECT_EQ(r2.meta.page_count, 3);
  EXPECT_EQ(r2.meta.page, std::nullopt);
}

TEST_F(Responses, unknown_fields_are_ignored_split_code_read) {
  fake->push(json_reply(200, R"({"status":true,"message":"ok","extra":{"a":1},"data":{
      "id":1,"serial_number":null,"device_make":"PAX","terminal_id":"Z0R4orOU","integration":9,
      "domain":"test","name":null,"address":"Lagos","status":"active","split_code":"SPL_1",
      "brand_new_field":[1,2,3]}})"));
  auto [ec, r] = finish(client->async_fetch_terminal("Z0R4orOU", token));
  ASSERT_FALSE(ec) << r.error_detail;
  EXPECT_EQ(r.data->device_make, "PAX");
  EXPECT_EQ(r.data->split_code, "SPL_1");
  EXPECT_EQ(r.data->address, "Lagos");
}

struct bad_case {
  const char* name;
  unsigned status;
  const char* body;
  const char* detail_part;
};

class BadReplies : public client_fixture, public ::testing::WithParamInterface<bad_case> {};

TEST_P(BadReplies, become_bad_response_with_raw_body_kept) {
  const auto& c = GetParam();
  fake->push(json_reply(c.status, c.body));
  auto [ec, r] = finish(
      client->with({.retry = retry_policy{.max_attempts = 1}}).async_fetch_terminal("T", token));
  EXPECT_EQ(ec, error::bad_response) << c.name;
  EXPECT_EQ(r.raw_body, c.body);
  EXPECT_EQ(r.status_code, c.status);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error_detail.find(c.detail_part), std::string::npos) << r.error_detail;
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadReplies,
    ::testing::Values(
        bad_case{"html", 502, "<html><body>502 Bad Gateway</body></html>", "not JSON"},
        bad_case{"empty", 200, "", "empty"}, bad_case{"array", 200, "[1,2]", "not a JSON object"},
        bad_case{"no_status", 200, R"({"message":"hi"})", "status"},
        bad_case{"string_status", 200, R"({"status":"true","message":"hi"})", "status"},
        bad_case{"ok_without_data", 200, R"({"status":true,"message":"ok"})", "no \"data\""},
        bad_case{
            "missing_terminal_id", 200,
            R"({"status":true,"message":"ok","data":{"id":1,"integration":1,"domain":"x","status":"active"}})",
            "data.terminal_id: missing"},
        bad_case{
            "wrong_type_id", 200,
            R"({"status":true,"message":"ok","data":{"id":"abc","terminal_id":"T","integration":1,"domain":"x","status":"active"}})",
            "data.id: expected an integer"},
        bad_case{"truncated", 200, R"({"status":true,"message":"ok","data":{"id":1)", "not JSON"}),
    [](const auto& test_case) { return std::string(test_case.param.name); });

TEST_F(Responses, list_item_with_wrong_type_names_its_index) {
  fake->push(json_reply(200, R"({"status":true,"message":"ok","data":[
      {"id":1,"terminal_id":"A","integration":1,"domain":"x","status":"active"},
      {"id":2,"terminal_id":7,"integration":1,"domain":"x","status":"active"}]})"));
  auto [ec, r] = finish(client->async_list_terminals({}, token));
  EXPECT_EQ(ec, error::bad_response);
  EXPECT_NE(r.error_detail.find("data[1].terminal_id"), std::string::npos) << r.error_detail;
}

TEST(StatusTable, ok_only_for_2xx_with_status_true) {
  struct row {
    unsigned code;
    bool status;
    bool ok;
  };
  for (auto [code, status, ok] :
       {row{200, true, true}, row{201, true, true}, row{200, false, false}, row{400, false, false},
        row{404, true, false}, row{500, true, false}, row{0, true, false}, row{302, true, false}}) {
    response<empty> r;
    r.status_code = code;
    r.status = status;
    r.data.emplace();
    EXPECT_EQ(r.ok(), ok) << code << " " << status;
    r.data.reset();
    EXPECT_FALSE(r.ok()) << "no data, never ok";
  }
}

}  // namespace
}  // namespace paystack::test
