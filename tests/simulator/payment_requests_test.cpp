// The simulator's Payment Request routes beyond create/fetch/verify (list with filters and page
// numbers, update, archive, finalize, notify, totals) against the official samples, and the
// magic amounts (decline, walk away, pay late by offline reference) plus the offline-payment
// control route.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "paystack/sim/server.hpp"
#include "sim_test_support.hpp"

namespace json = boost::json;
using simtest::api_sample;
using simtest::shape_differences;

namespace {

constexpr const char* key = "sk_test_payment_requests_0123456789";

class PaymentRequestRoutes : public simtest::sim_test {
 protected:
  PaymentRequestRoutes() : sim_test(options()) {}
  static paystack::sim::server_options options() {
    auto o = simtest::manual_options(key, 11);
    o.delivery_delay = std::chrono::milliseconds(0);  // delivered before the push returns
    o.auto_pay_delay = std::chrono::milliseconds(0);  // and paid at delivery, unless magic
    return o;
  }
  void SetUp() override {
    sim_test::SetUp();
    terminal_ = sim_->terminal_ids().at(0);
  }

  json::object create(const std::string& body) {
    auto r = client_->post("/paymentrequest", body);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json().as_object().at("data").as_object();
  }
  json::object create_amount(std::int64_t amount, const std::string& customer = "CUS_first") {
    return create(R"({"customer":")" + customer + R"(","amount":)" + std::to_string(amount) + "}");
  }
  /// A request with every optional member set, so that shapes compare with the samples.
  json::object create_full(const std::string& extra = {}) {
    return create(R"({"customer":"CUS_first","description":"a test invoice",
        "due_date":"2020-07-08T00:00:00.000Z","has_invoice":true,
        "line_items":[{"name":"item 1","amount":20000,"quantity":1}],"tax":[{"name":"VAT","amount":2000}])" +
                  extra + "}");
  }
  std::string code_of(const json::object& pr) const {
    return std::string(pr.at("request_code").as_string());
  }
  void push(const json::object& pr) {
    auto body = json::serialize(
        json::object{{"type", "invoice"},
                     {"action", "process"},
                     {"data", {{"id", pr.at("id")}, {"reference", pr.at("offline_reference")}}}});
    auto r = client_->post("/terminal/" + terminal_ + "/event", body);
    ASSERT_EQ(r.status, 200u) << r.body;
  }
  json::object verify(const json::object& pr) {
    auto r = client_->get("/paymentrequest/verify/" + code_of(pr));
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json().as_object().at("data").as_object();
  }
  std::vector<std::string> events() const {
    std::vector<std::string> names;
    for (const auto& w : sim_->webhook_log()) names.push_back(w.event);
    return names;
  }
  json::value list(const std::string& query) {
    auto r = client_->get("/paymentrequest" + query);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json();
  }

  std::string terminal_;
};

TEST_F(PaymentRequestRoutes, list_pages_newest_first_with_the_documented_meta) {
  auto a = create_full();
  auto b = create_amount(2000, "CUS_second");
  auto c = create_full(R"(,"currency":"USD","draft":true)");
  auto page1 = list("?perPage=2");
  SIMTEST_EXPECT_SAME_SHAPE(api_sample("payment-requests/list", "200"), list("?perPage=1"));
  EXPECT_EQ(page1.at("message"), "Payment requests retrieved");
  const auto& data = page1.at("data").as_array();
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0].at("request_code"), c.at("request_code"));
  EXPECT_EQ(data[1].at("request_code"), b.at("request_code"));
  EXPECT_EQ(page1.at("meta"), json::parse(R"({"total":3,"skipped":0,"perPage":2,"page":1,
                                              "pageCount":2})"));
  auto page2 = list("?perPage=2&page=2");
  ASSERT_EQ(page2.at("data").as_array().size(), 1u);
  EXPECT_EQ(page2.at("data").at(0).at("request_code"), a.at("request_code"));
  EXPECT_EQ(page2.at("meta").at("skipped"), 2);

  EXPECT_EQ(list("?status=draft").at("meta").at("total"), 1);
  EXPECT_EQ(list("?currency=USD").at("data").at(0).at("request_code"), c.at("request_code"));
  EXPECT_EQ(list("?customer=CUS_second").at("meta").at("total"), 1);
  EXPECT_EQ(list("?customer=CUS_nobody").at("meta").at("total"), 0);
  EXPECT_EQ(list("?from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z").at("meta").at("total"), 3);
  EXPECT_EQ(list("?from=2999-01-01T00:00:00Z").at("meta").at("total"), 0);
  EXPECT_EQ(list("?perPage=100000").at("meta").at("perPage"), 100);  // capped
  EXPECT_EQ(client_->get("/paymentrequest?page=0").status, 400u);
  EXPECT_EQ(client_->get("/paymentrequest?perPage=x").status, 400u);
  EXPECT_EQ(client_->get("/paymentrequest?status=" + std::string(100, 'x')).status, 400u);
}

TEST_F(PaymentRequestRoutes, archive_hides_from_list_and_verify_but_not_fetch) {
  auto pr = create_amount(5000);
  const auto code = code_of(pr);
  auto r = client_->post("/paymentrequest/archive/" + code, "");
  ASSERT_EQ(r.status, 200u) << r.body;
  SIMTEST_EXPECT_SAME_SHAPE(api_sample("payment-requests/archive", "200"), r.json());
  EXPECT_EQ(r.json().at("message"), "Payment request has been archived");
  EXPECT_EQ(client_->post("/paymentrequest/archive/" + code, "").status, 200u);  // again
  EXPECT_EQ(list("").at("meta").at("total"), 0);
  EXPECT_EQ(list("?include_archive=true").at("meta").at("total"), 1);
  auto v = client_->get("/paymentrequest/verify/" + code);
  EXPECT_EQ(v.status, 400u);
  EXPECT_EQ(v.json().at("message"), "Payment request has been archived");
  auto f = client_->get("/paymentrequest/" + code);
  EXPECT_EQ(f.status, 200u);
  EXPECT_EQ(f.json().at("data").at("archived"), true);
  EXPECT_EQ(client_->post("/paymentrequest/notify/" + code, "").status, 400u);
  EXPECT_EQ(client_->post("/paymentrequest/archive/PRQ_unknown", "").status, 404u);
}

TEST_F(PaymentRequestRoutes, update_changes_the_request_and_refuses_bad_fields) {
  auto pr = create_full();
  const auto code = code_of(pr);
  auto r = client_->put("/paymentrequest/" + code,
                        R"({"description":"Update Testing","line_items":[
                            {"name":"Water","amount":15000,"quantity":1},
                            {"name":"Bread","amount":30000,"quantity":1}]})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("message"), "Payment request updated");
  SIMTEST_EXPECT_SAME_SHAPE(api_sample("payment-requests/update", "200"), r.json());
  EXPECT_EQ(r.json().at("data").at("amount"), 47000);  // the new items and the kept tax
  auto fetched = client_->get("/paymentrequest/" + code).json();
  EXPECT_EQ(fetched.at("data").at("description"), "Update Testing");
  EXPECT_EQ(client_->put("/paymentrequest/" + code, R"({"amount":-5})").status, 400u);
  EXPECT_EQ(client_->put("/paymentrequest/" + code, R"({"currency":"XYZ"})").status, 400u);
  EXPECT_EQ(client_->put("/paymentrequest/" + code, "not json").status, 400u);
  EXPECT_EQ(client_->put("/paymentrequest/PRQ_unknown", R"({"amount":5})").status, 404u);
  EXPECT_EQ(client_->get("/paymentrequest/" + code).json().at("data").at("amount"), 47000);
}

TEST_F(PaymentRequestRoutes, finalize_sends_a_draft_once_and_notify_needs_pending) {
  auto draft = create_full(R"(,"draft":true)");
  const auto code = code_of(draft);
  EXPECT_EQ(client_->post("/paymentrequest/notify/" + code, "").status, 400u);
  EXPECT_TRUE(events().empty());
  auto r = client_->post("/paymentrequest/finalize/" + code, "");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("message"), "Payment request finalized");
  SIMTEST_EXPECT_SAME_SHAPE(api_sample("payment-requests/finalize", "200"), r.json());
  EXPECT_EQ(r.json().at("data").at("status"), "pending");
  EXPECT_EQ(events(), std::vector<std::string>{"paymentrequest.pending"});
  EXPECT_EQ(client_->post("/paymentrequest/finalize/" + code, "").status, 400u);
  auto n = client_->post("/paymentrequest/notify/" + code, "");
  ASSERT_EQ(n.status, 200u);
  SIMTEST_EXPECT_SAME_SHAPE(api_sample("payment-requests/send_notification", "200"), n.json());
}

TEST_F(PaymentRequestRoutes, totals_per_currency_follow_the_sample) {
  create_amount(42000);
  auto paid = create_amount(10000);
  push(paid);  // whole units: paid at delivery
  auto archived = create_amount(7000);
  client_->post("/paymentrequest/archive/" + code_of(archived), "");
  auto r = client_->get("/paymentrequest/totals");
  ASSERT_EQ(r.status, 200u) << r.body;
  SIMTEST_EXPECT_SAME_SHAPE(api_sample("payment-requests/total", "200"), r.json());
  const auto doc = r.json();
  const auto& d = doc.at("data");
  EXPECT_EQ(d.at("pending").at(0), json::parse(R"({"currency":"NGN","amount":42000})"));
  EXPECT_EQ(d.at("successful").at(0).at("amount"), 10000);
  EXPECT_EQ(d.at("total").at(0).at("amount"), 52000);
}

// ---- magic amounts -------------------------------------------------------------------------

TEST_F(PaymentRequestRoutes, whole_unit_amounts_pay_normally) {
  auto pr = create_amount(10000);  // NGN 100.00
  push(pr);
  EXPECT_EQ(verify(pr).at("status"), "success");
}

TEST_F(PaymentRequestRoutes, magic_01_declines_at_the_terminal) {
  auto pr = create_amount(10001);  // NGN 100.01
  push(pr);
  EXPECT_EQ(events(),
            (std::vector<std::string>{"paymentrequest.pending", "invoice.payment_failed"}));
  EXPECT_EQ(verify(pr).at("status"), "pending");
  auto presence = client_->get("/terminal/" + terminal_ + "/presence").json();
  EXPECT_EQ(presence.at("data").at("available"), true);
}

TEST_F(PaymentRequestRoutes, magic_02_walks_away_after_delivery) {
  auto pr = create_amount(10002);
  push(pr);
  EXPECT_EQ(events(), std::vector<std::string>{"paymentrequest.pending"});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(verify(pr).at("paid"), false);
  auto presence = client_->get("/terminal/" + terminal_ + "/presence").json();
  EXPECT_EQ(presence.at("data").at("available"), true);
}

TEST_F(PaymentRequestRoutes, magic_03_pays_late_by_offline_reference_without_a_push) {
  auto pr = create_amount(10003);
  push(pr);
  EXPECT_EQ(verify(pr).at("status"), "pending");  // first verify: not yet
  auto second = verify(pr);                       // the customer paid in between
  EXPECT_EQ(second.at("status"), "success");
  EXPECT_EQ(second.at("paid"), true);
  EXPECT_EQ(events(), (std::vector<std::string>{"paymentrequest.pending", "charge.success",
                                                "paymentrequest.success"}));
  auto log = sim_->webhook_log();
  auto charge = json::parse(log.at(1).body);
  EXPECT_EQ(charge.at("data").at("source").at("identifier"), nullptr);  // no terminal push
  auto success = json::parse(log.at(2).body);
  EXPECT_EQ(success.at("data").at("offline_reference"), pr.at("offline_reference"));
}

TEST_F(PaymentRequestRoutes, offline_payment_control_route_pays_a_pending_request) {
  auto pr = create_amount(25000);
  const std::string ref(pr.at("offline_reference").as_string());
  auto r = client_->post("/_sim/offline-payments/" + ref, "");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(verify(pr).at("status"), "success");
  EXPECT_EQ(events(), (std::vector<std::string>{"paymentrequest.pending", "charge.success",
                                                "paymentrequest.success"}));
  EXPECT_EQ(client_->post("/_sim/offline-payments/" + ref, "").status, 409u);  // paid already
  EXPECT_EQ(client_->post("/_sim/offline-payments/999999999", "").status, 404u);
}

TEST_F(PaymentRequestRoutes, pay_offline_from_cpp_is_the_same_late_payment) {
  auto pr = create_amount(10002);  // walks away at the terminal
  push(pr);
  using paystack::sim::control_result;
  EXPECT_EQ(sim_->pay_offline("not-a-reference"), control_result::not_found);
  EXPECT_EQ(sim_->pay_offline(std::string(pr.at("offline_reference").as_string())),
            control_result::ok);
  EXPECT_EQ(verify(pr).at("paid"), true);
  EXPECT_EQ(sim_->pay_offline(std::string(pr.at("offline_reference").as_string())),
            control_result::conflict);
}

TEST_F(PaymentRequestRoutes, an_archived_request_is_paid_neither_at_the_terminal_nor_offline) {
  // Pushed and left unpaid (the customer walked away), then archived: the charge gave up on it.
  auto walked = create_amount(10002);
  push(walked);
  const std::string walked_code = code_of(walked);
  const std::string walked_ref(walked.at("offline_reference").as_string());
  ASSERT_EQ(client_->post("/paymentrequest/archive/" + walked_code, "").status, 200u);
  auto approve = client_->post("/_sim/payment-requests/" + walked_code + "/approve", "");
  EXPECT_EQ(approve.status, 409u) << approve.body;
  EXPECT_NE(approve.body.find("Payment request has been archived"), std::string::npos)
      << approve.body;
  auto offline = client_->post("/_sim/offline-payments/" + walked_ref, "");
  EXPECT_EQ(offline.status, 409u) << offline.body;
  EXPECT_NE(offline.body.find("Payment request has been archived"), std::string::npos)
      << offline.body;
  using paystack::sim::control_result;
  EXPECT_EQ(sim_->pay_offline(walked_ref), control_result::conflict);
  EXPECT_EQ(sim_->approve_payment(walked_code), control_result::conflict);
  // Archived before the push: delivered to the terminal, where it cannot be paid (auto-pay is
  // at delivery here) and the terminal stays free.
  auto early = create_amount(20000);
  ASSERT_EQ(client_->post("/paymentrequest/archive/" + code_of(early), "").status, 200u);
  push(early);
  auto presence = client_->get("/terminal/" + terminal_ + "/presence").json();
  EXPECT_EQ(presence.at("data").at("available"), true);
  for (const auto* pr : {&walked, &early}) {
    auto f = client_->get("/paymentrequest/" + code_of(*pr));
    ASSERT_EQ(f.status, 200u) << f.body;
    EXPECT_EQ(f.json().at("data").at("status"), "pending");
    EXPECT_EQ(f.json().at("data").at("paid"), false);
  }
  for (const auto& name : events()) EXPECT_NE(name, "charge.success");
}

TEST_F(PaymentRequestRoutes, sim_state_shows_each_request_archived_currency_and_customer) {
  auto kept = create(R"({"customer":"CUS_first","amount":30000,"currency":"GHS"})");
  auto gone = create_amount(40000);
  ASSERT_EQ(client_->post("/paymentrequest/archive/" + code_of(gone), "").status, 200u);
  auto state = client_->get("/_sim/state");
  ASSERT_EQ(state.status, 200u) << state.body;
  std::size_t found = 0;
  const auto doc = state.json();  // the loop below reads into it
  for (const auto& v : doc.at("data").at("payment_requests").as_array()) {
    const auto& o = v.as_object();
    EXPECT_EQ(o.at("customer"), "CUS_first") << json::serialize(o);
    EXPECT_TRUE(o.at("customer_id").is_int64()) << json::serialize(o);
    if (o.at("request_code") == kept.at("request_code")) {
      ++found;
      EXPECT_EQ(o.at("archived"), false);
      EXPECT_EQ(o.at("currency"), "GHS");
    } else if (o.at("request_code") == gone.at("request_code")) {
      ++found;
      EXPECT_EQ(o.at("archived"), true);
      EXPECT_EQ(o.at("currency"), "NGN");
    }
  }
  EXPECT_EQ(found, 2u) << state.body;
}

}  // namespace
