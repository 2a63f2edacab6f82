// Every Paystack endpoint the simulator serves, against the official samples: same fields, same
// JSON types, same message strings; plus the documented errors.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "paystack/sim/server.hpp"
#include "sim_test_support.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using simtest::api_sample;
using simtest::shape_differences;

namespace {

constexpr const char* key = "sk_test_endpoints_0123456789";

// Deliveries and payments only through the control API.
class Endpoints : public simtest::sim_test {
 protected:
  Endpoints() : sim_test(simtest::manual_options(key, 42)) {}

  json::object create_request(const std::string& body) {
    auto r = client_->post("/paymentrequest", body);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json().as_object();
  }

  json::object create_simple_request() {
    return create_request(R"({"customer":"CUS_xwaj0txjryg393b","amount":42000})");
  }
};

TEST_F(Endpoints, list_matches_sample) {
  auto sample = api_sample("terminal/list", "200");
  auto r = client_->get("/terminal");
  ASSERT_EQ(r.status, 200u);
  auto body = r.json();
  SIMTEST_EXPECT_SAME_SHAPE(sample, body);
  EXPECT_EQ(body.at("message"), sample.at("message"));
  EXPECT_EQ(body.at("data").as_array().size(), 3u);  // the seeded demo terminals
  EXPECT_TRUE(body.at("meta").at("next").is_null());
  EXPECT_TRUE(body.at("meta").at("previous").is_null());
  EXPECT_EQ(body.at("meta").at("perPage").as_int64(), 50);
  for (const auto& t : body.at("data").as_array()) {
    EXPECT_EQ(t.at("terminal_id").as_string().size(), 8u);
    EXPECT_EQ(t.at("status"), "active");
  }
  EXPECT_EQ(r.header("content-type").rfind("application/json", 0), 0u);
}

TEST_F(Endpoints, fetch_matches_sample) {
  auto sample = api_sample("terminal/fetch", "200");
  auto id = sim_->terminal_ids().at(0);
  auto r = client_->get("/terminal/" + id);
  ASSERT_EQ(r.status, 200u);
  auto body = r.json();
  SIMTEST_EXPECT_SAME_SHAPE(sample, body);
  EXPECT_EQ(body.at("message"), sample.at("message"));
  EXPECT_EQ(body.at("data").at("terminal_id"), id.c_str());
  EXPECT_TRUE(body.at("data").as_object().contains("split_code"));  // required by the spec
}

TEST_F(Endpoints, update_persists_name_and_address) {
  auto sample = api_sample("terminal/update", "200");
  auto id = sim_->terminal_ids().at(1);
  auto r = client_->put("/terminal/" + id, R"({"name":"Till 4","address":"Somewhere on earth"})");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.json(), sample);  // exactly {"status":true,"message":"Terminal Details updated"}

  auto fetched = client_->get("/terminal/" + id).json();
  EXPECT_EQ(fetched.at("data").at("name"), "Till 4");
  EXPECT_EQ(fetched.at("data").at("address"), "Somewhere on earth");

  // Only the address: the name stays.
  ASSERT_EQ(client_->put("/terminal/" + id, R"({"address":"Lagos"})").status, 200u);
  fetched = client_->get("/terminal/" + id).json();
  EXPECT_EQ(fetched.at("data").at("name"), "Till 4");
  EXPECT_EQ(fetched.at("data").at("address"), "Lagos");

  auto bad = client_->put("/terminal/" + id, R"({"name":42})");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(bad.json().at("type"), "validation_error");
}

TEST_F(Endpoints, presence_matches_sample) {
  auto sample = api_sample("terminal/terminal-status", "200");
  auto id = sim_->terminal_ids().at(0);
  auto body = client_->get("/terminal/" + id + "/presence").json();
  SIMTEST_EXPECT_SAME_SHAPE(sample, body);
  EXPECT_EQ(body.at("message"), sample.at("message"));
  EXPECT_EQ(body.at("data").at("online"), true);
  EXPECT_EQ(body.at("data").at("available"), true);

  ASSERT_EQ(sim_->set_presence(id, true, false), paystack::sim::control_result::ok);
  body = client_->get("/terminal/" + id + "/presence").json();
  EXPECT_EQ(body.at("data").at("online"), true);
  EXPECT_EQ(body.at("data").at("available"), false);
}

TEST_F(Endpoints, commission_and_decommission_follow_the_samples) {
  auto serial = sim_->device_serials().at(0);
  auto body = json::serialize(json::object{{"serial_number", serial}});

  auto r = client_->post("/terminal/commission_device", body);
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.json().at("status"), true);
  auto ids = sim_->terminal_ids();
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(sim_->serial_of(ids.back()), serial);

  // Re-commissioning: HTTP 200 with status false and the documented message.
  r = client_->post("/terminal/commission_device", body);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.json(), api_sample("terminal/commission", "200"));

  auto unknown = json::serialize(json::object{{"serial_number", "NOPE"}});
  r = client_->post("/terminal/commission_device", unknown);
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.json(), api_sample("terminal/commission", "404"));

  r = client_->post("/terminal/decommission_device", body);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.json(), api_sample("terminal/decommission", "200"));
  EXPECT_EQ(sim_->terminal_ids().size(), 3u);

  r = client_->post("/terminal/decommission_device", body);
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.json(), api_sample("terminal/decommission", "404"));

  r = client_->post("/terminal/commission_device", "{}");
  EXPECT_EQ(r.status, 400u);
  auto err = r.json();
  EXPECT_EQ(err.at("status"), false);
  EXPECT_EQ(err.at("type"), "validation_error");
  EXPECT_EQ(err.at("code"), "missing_params");
  EXPECT_TRUE(err.at("meta").at("nextStep").is_string());
}

TEST_F(Endpoints, send_event_matches_sample_and_validates_the_invoice) {
  auto sample = api_sample("terminal/send-event", "200");
  auto pr = create_simple_request().at("data").as_object();
  auto id = sim_->terminal_ids().at(0);
  auto event = json::object{
      {"type", "invoice"},
      {"action", "process"},
      {"data", json::object{{"id", pr.at("id")}, {"reference", pr.at("offline_reference")}}}};
  auto r = client_->post("/terminal/" + id + "/event", json::serialize(event));
  ASSERT_EQ(r.status, 200u) << r.body;
  auto body = r.json();
  SIMTEST_EXPECT_SAME_SHAPE(sample, body);
  EXPECT_EQ(body.at("message"), sample.at("message"));
  auto event_id = std::string(body.at("data").at("id").as_string());
  ASSERT_EQ(event_id.size(), 24u);
  EXPECT_EQ(event_id.find_first_not_of("0123456789abcdef"), std::string::npos);

  // The docs' cURL sends the reference as a bare number and SDKs send the id as a string.
  auto loose = json::object{
      {"type", "invoice"},
      {"action", "view"},
      {"data", json::object{{"id", std::to_string(pr.at("id").as_int64())},
                            {"reference",
                             std::stoll(std::string(pr.at("offline_reference").as_string()))}}}};
  EXPECT_EQ(client_->post("/terminal/" + id + "/event", json::serialize(loose)).status, 200u);

  // Unknown invoice, or the right id with a wrong reference: the documented 404.
  auto missing = json::object{{"type", "invoice"},
                              {"action", "process"},
                              {"data", json::object{{"id", 1}, {"reference", "1"}}}};
  r = client_->post("/terminal/" + id + "/event", json::serialize(missing));
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.json(), api_sample("terminal/send-event", "404"));
  auto wrong_ref = event;
  wrong_ref["data"].as_object()["reference"] = "999";
  EXPECT_EQ(client_->post("/terminal/" + id + "/event", json::serialize(wrong_ref)).status, 404u);

  // Invalid type/action combinations are validation errors.
  for (const auto* bad : {R"({"type":"invoice","action":"print","data":{"id":1}})",
                          R"({"type":"transaction","action":"view","data":{"id":1}})",
                          R"({"type":"refund","action":"process","data":{"id":1}})",
                          R"({"action":"process","data":{"id":1}})"}) {
    r = client_->post("/terminal/" + id + "/event", bad);
    EXPECT_EQ(r.status, 400u) << bad;
    EXPECT_EQ(r.json().at("type"), "validation_error") << bad;
  }
  r = client_->post("/terminal/" + id + "/event",
                    R"({"type":"transaction","action":"print","data":{"id":1234}})");
  EXPECT_EQ(r.status, 200u);
}

TEST_F(Endpoints, event_status_matches_sample_and_rejects_unknown_ids) {
  auto sample = api_sample("terminal/event-status", "200");
  auto id = sim_->terminal_ids().at(0);
  auto r = client_->post("/terminal/" + id + "/event",
                         R"({"type":"transaction","action":"print","data":{"id":77}})");
  auto event_id = std::string(r.json().at("data").at("id").as_string());

  auto body = client_->get("/terminal/" + id + "/event/" + event_id).json();
  SIMTEST_EXPECT_SAME_SHAPE(sample, body);
  EXPECT_EQ(body.at("message"), sample.at("message"));
  EXPECT_EQ(body.at("data").at("delivered"), false);  // manual delivery in this fixture
  ASSERT_EQ(sim_->deliver_event(event_id), paystack::sim::control_result::ok);
  body = client_->get("/terminal/" + id + "/event/" + event_id).json();
  EXPECT_EQ(body.at("data").at("delivered"), true);

  auto invalid = api_sample("terminal/event-status", "400");
  r = client_->get("/terminal/" + id + "/event/0123456789abcdef01234567");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.json(), invalid);
  // An event id asked of another terminal is just as invalid.
  r = client_->get("/terminal/" + sim_->terminal_ids().at(1) + "/event/" + event_id);
  EXPECT_EQ(r.json(), invalid);
}

TEST_F(Endpoints, payment_request_create_matches_the_api_sample) {
  auto sample = api_sample("payment-requests/create", "200");
  auto body = create_request(R"({"customer":"CUS_xwaj0txjryg393b","description":"a test invoice",
    "due_date":"2020-07-08","line_items":[{"name":"item 1","amount":20000},{"name":"item 2","amount":20000}],
    "tax":[{"name":"VAT","amount":2000}]})");
  SIMTEST_EXPECT_SAME_SHAPE(sample, body);
  EXPECT_EQ(body.at("message"), sample.at("message"));
  const auto& d = body.at("data").as_object();
  EXPECT_EQ(d.at("amount").as_int64(), 42000);  // line items + tax, like the sample
  EXPECT_EQ(d.at("status"), "pending");
  EXPECT_EQ(d.at("paid"), false);
  EXPECT_EQ(d.at("has_invoice"), true);
  EXPECT_EQ(d.at("request_code").as_string().subview().substr(0, 4), "PRQ_");
  EXPECT_EQ(d.at("offline_reference"), json::value(std::to_string(d.at("integration").as_int64()) +
                                                   std::to_string(d.at("id").as_int64())));
}

TEST_F(Endpoints, payment_request_create_matches_the_guide_samples) {
  auto guide = simtest::load_sample("guides/terminal/deferred/payment-request/index.json");
  auto body = create_request(
      R"({"customer":"CUS_abc","description":"Invoice for Damilola","due_date":"2021-05-18",
    "line_items":[{"name":"Pancakes and sausage","amount":"2000","quantity":1},
                  {"name":"Chicken Salad","amount":"3000","quantity":1}]})");
  SIMTEST_EXPECT_SAME_SHAPE(guide, body);
  EXPECT_EQ(body.at("data").at("amount").as_int64(), 5000);

  auto pro = simtest::load_sample("guides/terminal/invoices/professional-invoice/index.json");
  body = create_request(
      R"({"customer":28958104,"description":"Invoice","due_date":"2021-05-18","line_items":[
    {"name":"Tripod stand","amount":"2000000","quantity":1},{"name":"Lenses","amount":"300000","quantity":1},
    {"name":"White Bulbs","amount":"50000","quantity":5}]})");
  SIMTEST_EXPECT_SAME_SHAPE(pro, body);
  EXPECT_EQ(body.at("data").at("amount"), pro.at("data").at("amount"));  // 2550000
  EXPECT_EQ(body.at("data").at("customer").as_int64(), 28958104);

  auto simple = simtest::load_sample("guides/terminal/invoices/simple-invoice/index.json");
  body = create_request(R"({"customer":60604714,"amount":40000,"description":"2-for-1 promo"})");
  SIMTEST_EXPECT_SAME_SHAPE(simple, body);
  EXPECT_EQ(body.at("data").at("has_invoice"), false);
  EXPECT_TRUE(body.at("data").at("invoice_number").is_null());
}

TEST_F(Endpoints, payment_request_fetch_and_verify_match_the_samples) {
  auto created = create_request(R"({"customer":"CUS_xwaj0txjryg393b","description":"a test invoice",
    "due_date":"2020-07-08","line_items":[{"name":"item 1","amount":20000}],"tax":[{"name":"VAT","amount":2000}]})")
                     .at("data")
                     .as_object();
  auto id = std::to_string(created.at("id").as_int64());
  auto code = std::string(created.at("request_code").as_string());

  auto fetch_sample = api_sample("payment-requests/fetch", "200");
  for (const auto& id_or_code : {id, code}) {
    auto r = client_->get("/paymentrequest/" + id_or_code);
    ASSERT_EQ(r.status, 200u) << id_or_code;
    auto body = r.json();
    SIMTEST_EXPECT_SAME_SHAPE(fetch_sample, body);
    EXPECT_EQ(body.at("message"), fetch_sample.at("message"));
    EXPECT_EQ(body.at("data").at("pending_amount").as_int64(), 22000);
  }
  auto verify_sample = api_sample("payment-requests/verify", "200");
  auto r = client_->get("/paymentrequest/verify/" + code);
  ASSERT_EQ(r.status, 200u);
  auto body = r.json();
  SIMTEST_EXPECT_SAME_SHAPE(verify_sample, body);
  EXPECT_EQ(body.at("message"), verify_sample.at("message"));
  EXPECT_EQ(body.at("data").at("status"), "pending");
  EXPECT_EQ(body.at("data").at("paid"), false);

  EXPECT_EQ(client_->get("/paymentrequest/PRQ_doesnotexist00").status, 404u);
  EXPECT_EQ(client_->get("/paymentrequest/verify/PRQ_doesnotexist00").status, 404u);
}

TEST_F(Endpoints, payment_request_validation) {
  struct bad_case {
    const char* body;
    const char* code;
  };
  for (auto [body, code] :
       {bad_case{R"({"amount":100})", "missing_params"},
        bad_case{R"({"customer":"CUS_x"})", "missing_params"},
        bad_case{R"({"customer":"CUS_x","amount":-5})", "invalid_params"},
        bad_case{R"({"customer":"CUS_x","amount":"ten"})", "invalid_params"},
        bad_case{R"({"customer":"CUS_x","amount":100,"currency":"EUR"})", "invalid_params"},
        bad_case{R"({"customer":"CUS_x","line_items":"x"})", "invalid_params"},
        bad_case{R"({"customer":)", "invalid_params"}, bad_case{R"([1,2])", "invalid_params"}}) {
    auto r = client_->post("/paymentrequest", body);
    EXPECT_EQ(r.status, 400u) << body;
    auto j = r.json();
    EXPECT_EQ(j.at("status"), false) << body;
    EXPECT_EQ(j.at("type"), "validation_error") << body;
    EXPECT_EQ(j.at("code"), code) << body;
    EXPECT_TRUE(j.at("meta").at("nextStep").is_string()) << body;
    EXPECT_TRUE(j.at("message").is_string()) << body;
  }
}

TEST_F(Endpoints, missing_or_wrong_key_is401) {
  simtest::http_client anonymous(sim_->port());
  for (const auto& target : {std::string("/terminal"), "/terminal/" + sim_->terminal_ids()[0],
                             std::string("/paymentrequest/1")}) {
    auto r = anonymous.get(target);
    EXPECT_EQ(r.status, 401u) << target;
    auto j = r.json();
    EXPECT_EQ(j.at("status"), false);
    EXPECT_EQ(j.at("message"), "Invalid key");
    EXPECT_EQ(j.at("code"), "invalid_Key");
  }
  simtest::http_client wrong(sim_->port(), "sk_test_wrong");
  EXPECT_EQ(wrong.get("/terminal").status, 401u);
  EXPECT_EQ(client_->get("/terminal", {{"Authorization", std::string("Basic ") + key}}).status,
            401u);
  // The error never echoes the key that was configured.
  EXPECT_EQ(wrong.get("/terminal").body.find(key), std::string::npos);
}

TEST_F(Endpoints, unknown_resources_are404) {
  for (const auto& target :
       {"/terminal/NOPE1234", "/terminal/NOPE1234/presence", "/terminal/NOPE1234/event/x"}) {
    auto r = client_->get(target);
    EXPECT_EQ(r.status, 404u) << target;
    EXPECT_EQ(r.json().at("status"), false);
  }
  EXPECT_EQ(client_->put("/terminal/NOPE1234", R"({"name":"x"})").status, 404u);
  EXPECT_EQ(client_->post("/terminal/NOPE1234/event", R"({"type":"invoice"})").status, 404u);
  EXPECT_EQ(client_->get("/no/such/route").status, 404u);
}

TEST_F(Endpoints, cursor_pagination_walks_forward_and_back) {
  for (int i = 0; i < 4; ++i) sim_->add_terminal();
  auto expected = sim_->terminal_ids();  // 7 terminals
  ASSERT_EQ(expected.size(), 7u);

  std::vector<std::string> seen;
  std::vector<std::string> cursors;
  std::string target = "/terminal?perPage=3";
  for (int page = 0; page < 10; ++page) {
    auto body = client_->get(target).json();
    EXPECT_EQ(body.at("meta").at("perPage").as_int64(), 3);
    for (const auto& t : body.at("data").as_array()) {
      seen.emplace_back(t.at("terminal_id").as_string());
    }
    EXPECT_EQ(body.at("meta").at("previous").is_null(), page == 0) << page;
    const auto& next = body.at("meta").at("next");
    if (next.is_null()) break;
    cursors.emplace_back(next.as_string());
    target = "/terminal?perPage=3&next=" + std::string(next.as_string());
  }
  EXPECT_EQ(seen, expected);
  ASSERT_EQ(cursors.size(), 2u);

  // previous from page 2 gives page 1 again; per_page (the spec's name) works too.
  auto page2 = client_->get("/terminal?per_page=3&next=" + cursors[0]).json();
  auto prev = std::string(page2.at("meta").at("previous").as_string());
  auto page1 = client_->get("/terminal?per_page=3&previous=" + prev).json();
  ASSERT_EQ(page1.at("data").as_array().size(), 3u);
  EXPECT_EQ(page1.at("data").as_array()[0].at("terminal_id"), expected[0].c_str());
  EXPECT_TRUE(page1.at("meta").at("previous").is_null());

  EXPECT_EQ(client_->get("/terminal?next=bm90LWEtY3Vyc29y").status, 400u);
  EXPECT_EQ(client_->get("/terminal?perPage=abc").status, 400u);
}

TEST_F(Endpoints, keep_alive_reuses_one_connection) {
  for (int i = 0; i < 20; ++i) ASSERT_EQ(client_->get("/terminal").status, 200u);
  EXPECT_EQ(client_->connections_opened(), 1u);
}

TEST(RateLimit, answers_with429_and_the_three_headers) {
  paystack::sim::server_options o;
  o.secret_key = key;
  o.rate_limit = 3;
  paystack::sim::server sim(o);
  sim.start();
  simtest::http_client c(sim.port(), key);
  for (int i = 0; i < 3; ++i) {
    auto r = c.get("/terminal");
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(r.header("x-ratelimit-limit"), "3");
    EXPECT_EQ(r.header("x-ratelimit-remaining"), std::to_string(2 - i));
    EXPECT_FALSE(r.header("x-ratelimit-reset").empty());
  }
  auto r = c.get("/terminal");
  EXPECT_EQ(r.status, 429u);
  EXPECT_EQ(r.header("x-ratelimit-remaining"), "0");
  EXPECT_EQ(r.header("x-ratelimit-limit"), "3");
  auto reset = std::stoi(r.header("x-ratelimit-reset"));
  EXPECT_GT(reset, 0);
  EXPECT_LE(reset, 60);
  auto j = r.json();
  EXPECT_EQ(j.at("message"), "Rate limit exceeded!");
  EXPECT_EQ(j.at("type"), "api_error");
  EXPECT_EQ(j.at("code"), "rate_limited");
  // The control API is not rate limited.
  EXPECT_EQ(c.get("/_sim/health").status, 200u);
  sim.reset();  // resets the window
  EXPECT_EQ(c.get("/terminal").status, 200u);
}

}  // namespace
