// The charge service's contract (include/paystack/charge_service.hpp, doc/serve-openapi.yaml),
// one test per rule, in process against the embedded simulator with a SQLite store.
#include <thread>

#include "serve_fixture.hpp"

using namespace serve_test;

TEST_F(ServeFixture, post_answers_202_with_location_and_the_charge_finishes_paid) {
  auto& s = start_service();
  auto r = http_call(s.port(), "POST", "/v1/charges", charge_body("sale-1", terminal()));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.headers["location"], "/v1/charges/sale-1");
  EXPECT_EQ(r.str("key"), "sale-1");
  EXPECT_EQ(r.str("terminal_id"), terminal());
  EXPECT_EQ(r.obj().at("amount").as_int64(), 5000);
  EXPECT_TRUE(r.obj().at("outcome").is_null());
  auto done = wait_finished(s.port(), "sale-1");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.str("outcome"), "paid") << done.body;
  EXPECT_TRUE(done.obj().at("request_code").is_string());
  EXPECT_GE(done.obj().at("journal").as_array().size(), 5u);
  EXPECT_EQ(creates_, 1u);
}

TEST_F(ServeFixture, same_key_same_body_after_it_finished_is_200_and_no_second_charge) {
  auto& s = start_service();
  ASSERT_EQ(http_call(s.port(), "POST", "/v1/charges", charge_body("sale-2", terminal())).status,
            202);
  ASSERT_EQ(wait_finished(s.port(), "sale-2").str("outcome"), "paid");
  const auto calls = calls_.load();
  auto again = http_call(s.port(), "POST", "/v1/charges", charge_body("sale-2", terminal()));
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.str("outcome"), "paid");
  EXPECT_EQ(creates_, 1u);
  EXPECT_EQ(calls_.load(), calls) << "a replay calls Paystack";
}

TEST_F(ServeManualPay, same_key_same_body_while_running_is_200_and_no_second_charge) {
  auto& s = start_service();
  ASSERT_EQ(http_call(s.port(), "POST", "/v1/charges", charge_body("sale-3", terminal())).status,
            202);
  auto again = http_call(s.port(), "POST", "/v1/charges", charge_body("sale-3", terminal()));
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(again.obj().at("running_here").as_bool());
  EXPECT_TRUE(again.obj().at("outcome").is_null());
  // Pay it once the terminal shows it (the event stream says when) and see one request only.
  flow_test::raw_connection events(s.port(), 15s);
  events.send("GET /v1/charges/sale-3/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
              std::string(token) + "\r\n\r\n");
  ASSERT_TRUE(events.read_until("\"stage\":\"delivered\"")) << events.received();
  auto code = std::optional(http_call(s.port(), "GET", "/v1/charges/sale-3").str("request_code"));
  ASSERT_FALSE(code->empty());
  EXPECT_EQ(sim_->approve_payment(*code), paystack::sim::control_result::ok);
  EXPECT_EQ(wait_finished(s.port(), "sale-3").str("outcome"), "paid");
  EXPECT_EQ(creates_, 1u);
}

TEST_F(ServeFixture, same_key_sent_twice_at_once_makes_one_payment_request) {
  auto& s = start_service();
  const auto body = charge_body("sale-4", terminal());
  auto a = std::async(std::launch::async,
                      [&] { return http_call(s.port(), "POST", "/v1/charges", body); });
  auto b = std::async(std::launch::async,
                      [&] { return http_call(s.port(), "POST", "/v1/charges", body); });
  const int sa = a.get().status, sb = b.get().status;
  EXPECT_TRUE((sa == 202 && sb == 200) || (sa == 200 && sb == 202)) << sa << " " << sb;
  EXPECT_EQ(wait_finished(s.port(), "sale-4").str("outcome"), "paid");
  EXPECT_EQ(creates_, 1u);
}

TEST_F(ServeFixture, same_key_with_another_body_is_409_key_reused) {
  auto& s = start_service();
  ASSERT_EQ(http_call(s.port(), "POST", "/v1/charges", charge_body("sale-5", terminal())).status,
            202);
  auto r = http_call(s.port(), "POST", "/v1/charges", charge_body("sale-5", terminal(), 9999));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.error_code(), "key_reused");
  wait_finished(s.port(), "sale-5");
  EXPECT_EQ(creates_, 1u);
}

TEST_F(ServeFixture, same_key_after_a_restart_is_200_and_no_second_charge) {
  {
    auto& s = start_service();
    ASSERT_EQ(http_call(s.port(), "POST", "/v1/charges", charge_body("sale-6", terminal())).status,
              202);
    ASSERT_EQ(wait_finished(s.port(), "sale-6").str("outcome"), "paid");
    services_.clear();
  }
  store_ = open_store();  // a new process's store over the same file
  auto& s2 = start_service();
  auto r = http_call(s2.port(), "POST", "/v1/charges", charge_body("sale-6", terminal()));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.str("outcome"), "paid");
  EXPECT_EQ(creates_, 1u);
}

TEST_F(ServeManualPay, same_key_on_another_instance_is_200_and_no_second_charge) {
  auto& a = start_service();
  auto ob = service_options();
  ob.store = open_store();  // the second instance's own connection to the shared file
  auto& b = start_service(ob);
  ASSERT_EQ(http_call(a.port(), "POST", "/v1/charges", charge_body("sale-7", terminal())).status,
            202);
  auto r = http_call(b.port(), "POST", "/v1/charges", charge_body("sale-7", terminal()));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.obj().at("running_here").as_bool());
  auto c = http_call(b.port(), "POST", "/v1/charges", charge_body("sale-7", terminal(), 1));
  EXPECT_EQ(c.status, 409);
  EXPECT_EQ(b.stats().started, 0u);
}

TEST_F(ServeFixture, get_unknown_key_is_404) {
  auto& s = start_service();
  auto r = http_call(s.port(), "GET", "/v1/charges/nobody-has-this");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code(), "not_found");
}

TEST_F(ServeManualPay, get_wait_returns_at_the_deadline_when_unfinished) {
  auto& s = start_service();
  ASSERT_EQ(http_call(s.port(), "POST", "/v1/charges", charge_body("sale-8", terminal())).status,
            202);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = http_call(s.port(), "GET", "/v1/charges/sale-8?wait=1");
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.obj().at("finished").as_bool());
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 5s);
}

TEST_F(ServeFixture, get_wait_returns_when_the_charge_finishes) {
  auto& s = start_service();
  ASSERT_EQ(http_call(s.port(), "POST", "/v1/charges", charge_body("sale-9", terminal())).status,
            202);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = http_call(s.port(), "GET", "/v1/charges/sale-9?wait=30");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 20s);
  EXPECT_EQ(r.str("outcome"), "paid") << r.body;
}

TEST_F(ServeFixture, events_stream_the_journal_and_close_when_finished) {
  auto& s = start_service();
  ASSERT_EQ(http_call(s.port(), "POST", "/v1/charges", charge_body("sale-10", terminal())).status,
            202);
  auto r = http_call(s.port(), "GET", "/v1/charges/sale-10/events");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/event-stream");
  const auto started = r.body.find("\"stage\":\"started\"");
  const auto finished = r.body.find("\"stage\":\"finished\"");
  EXPECT_NE(started, std::string::npos) << r.body;
  EXPECT_NE(finished, std::string::npos) << r.body;
  EXPECT_LT(started, finished);
  EXPECT_NE(r.body.find("event: end\ndata: {"), std::string::npos);
  EXPECT_NE(r.body.find("\"outcome\":\"paid\""), std::string::npos);
}

TEST_F(ServeManualPay, cancel_stops_and_cancels_an_unpaid_charge) {
  auto& s = start_service();
  ASSERT_EQ(http_call(s.port(), "POST", "/v1/charges", charge_body("sale-11", terminal())).status,
            202);
  auto r = http_call(s.port(), "POST", "/v1/charges/sale-11/cancel");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.obj().at("cancelled").as_bool());
  auto doc = http_call(s.port(), "GET", "/v1/charges/sale-11");
  EXPECT_EQ(doc.str("outcome"), "cancelled") << doc.body;
  EXPECT_FALSE(doc.obj().at("running_here").as_bool());
}

TEST_F(ServeFixture, cancel_of_a_paid_charge_is_409_already_paid) {
  auto& s = start_service();
  ASSERT_EQ(http_call(s.port(), "POST", "/v1/charges", charge_body("sale-12", terminal())).status,
            202);
  ASSERT_EQ(wait_finished(s.port(), "sale-12").str("outcome"), "paid");
  auto r = http_call(s.port(), "POST", "/v1/charges/sale-12/cancel");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.error_code(), "already_paid");
}

TEST_F(ServeFixture, cancel_of_an_unknown_key_is_404) {
  auto& s = start_service();
  EXPECT_EQ(http_call(s.port(), "POST", "/v1/charges/nobody/cancel").status, 404);
}

TEST_F(ServeFixture, list_pages_with_limit_and_after) {
  auto& s = start_service();
  for (auto k : {"list-a", "list-b", "list-c"}) {
    ASSERT_EQ(http_call(s.port(), "POST", "/v1/charges", charge_body(k, terminal())).status, 202);
    wait_finished(s.port(), k);
  }
  auto p1 = http_call(s.port(), "GET", "/v1/charges?limit=2");
  ASSERT_EQ(p1.status, 200) << p1.body;
  EXPECT_EQ(p1.obj().at("charges").as_array().size(), 2u);
  ASSERT_TRUE(p1.obj().at("next").is_string());
  auto p2 = http_call(s.port(), "GET", "/v1/charges?limit=2&after=" + p1.str("next"));
  ASSERT_EQ(p2.status, 200);
  EXPECT_EQ(p2.obj().at("charges").as_array().size(), 1u);
  EXPECT_TRUE(p2.obj().at("next").is_null());
  auto open = http_call(s.port(), "GET", "/v1/charges?open=true");
  EXPECT_EQ(open.obj().at("charges").as_array().size(), 0u) << "paid charges are not open";
}

TEST_F(ServeFixture, terminals_list_with_the_presence_a_charge_saw) {
  auto& s = start_service();
  ASSERT_EQ(http_call(s.port(), "POST", "/v1/charges", charge_body("term-1", terminal())).status,
            202);
  wait_finished(s.port(), "term-1");
  auto r = http_call(s.port(), "GET", "/v1/terminals");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& ts = r.obj().at("terminals").as_array();
  EXPECT_EQ(ts.size(), sim_->terminal_ids().size());
  bool seen = false;
  for (const auto& t : ts)
    if (t.at("terminal_id").as_string() == terminal())
      seen = t.at("presence").is_object() && t.at("presence").at("online").as_bool();
  EXPECT_TRUE(seen) << r.body;
}

TEST_F(ServeFixture, healthz_and_readyz_answer_without_a_token) {
  auto& s = start_service();
  EXPECT_EQ(http_call(s.port(), "GET", "/healthz", {}, std::nullopt).status, 200);
  auto r = http_call(s.port(), "GET", "/readyz", {}, std::nullopt);
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(ServeFixture, readyz_is_503_when_paystack_cannot_be_reached) {
  auto& s = start_service();
  sim_->stop();
  auto r = http_call(s.port(), "GET", "/readyz", {}, std::nullopt);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.error_code(), "paystack_unavailable");
}

TEST_F(ServeManualPay, too_many_in_flight_is_429_and_records_nothing) {
  auto o = service_options();
  o.max_in_flight = 1;
  auto& s = start_service(o);
  ASSERT_EQ(http_call(s.port(), "POST", "/v1/charges", charge_body("busy-1", terminal())).status,
            202);
  auto r = http_call(s.port(), "POST", "/v1/charges", charge_body("busy-2", terminal(1)));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.error_code(), "too_many_charges");
  EXPECT_EQ(http_call(s.port(), "GET", "/v1/charges/busy-2").status, 404);
  // The running one's key is still answered.
  EXPECT_EQ(http_call(s.port(), "POST", "/v1/charges", charge_body("busy-1", terminal())).status,
            200);
}
