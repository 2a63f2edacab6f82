// The simulator's transactions and refunds, on the socket-free path (engine::handle): a terminal
// payment leaves a POS transaction findable by terminal id, the /transaction routes (filters,
// page numbers, cursors, fetch, verify, totals), and refunds with their lifecycle driven by
// POST /_sim/refunds/{id}/advance (refund_delay unset) or run at once (refund_delay 0). No
// threads, no sleeps: delivery and payment are immediate (delays 0).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "engine_fixture.hpp"
#include "sim_test_support.hpp"

namespace detail = paystack::sim::detail;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* key = "sk_test_txn";

class SimTransactions : public simtest::engine_fixture {
 protected:
  SimTransactions() : engine_fixture(key, std::nullopt) {}  // refunds step only when advanced

  /// A payment of `amount` by `customer` on `terminal`: the payment request.
  json::value pay(const std::string& terminal, std::int64_t amount,
                  const std::string& customer = "CUS_txnsimtest0001") {
    return engine_fixture::pay(terminal, amount, customer);
  }
};

TEST_F(SimTransactions, terminal_payment_records_a_pos_transaction) {
  auto pr = pay(terminals.at(0), 5000);
  auto list = call_json("GET", "/transaction?terminal_id=" + terminals.at(0));
  ASSERT_EQ(list.at("data").as_array().size(), 1u);
  const auto& t = list.at("data").at(0);
  const std::string reference(t.at("reference").as_string());
  EXPECT_EQ(reference.substr(0, 4), "pos_");
  EXPECT_EQ(reference.size(), 14u);
  EXPECT_EQ(t.at("channel"), "pos");
  EXPECT_EQ(t.at("status"), "success");
  EXPECT_EQ(t.at("amount"), 5000);
  EXPECT_EQ(t.at("source").at("type"), "offline");
  EXPECT_EQ(t.at("source").at("source"), "pos");
  EXPECT_EQ(t.at("source").at("identifier"), json::value(terminals.at(0)));
  EXPECT_EQ(t.at("customer").at("customer_code"), "CUS_txnsimtest0001");
  EXPECT_EQ(t.at("request_code"), pr.at("request_code"));
  EXPECT_EQ(t.at("offline_reference"), pr.at("offline_reference"));
  EXPECT_EQ(list.at("meta").at("total"), 1);
  EXPECT_EQ(list.at("meta").at("pageCount"), 1);

  // charge.success carries the same reference and id; the transaction is also in the shape of
  // Paystack's POS sample.
  auto log = eng.webhook_log();
  ASSERT_EQ(log.size(), 3u);
  auto charge = json::parse(log[1].body);
  EXPECT_EQ(charge.at("event"), "charge.success");
  EXPECT_EQ(charge.at("data").at("reference"), json::value(reference));
  EXPECT_EQ(charge.at("data").at("id"), t.at("id"));
  EXPECT_EQ(charge.at("data").at("amount"), "5000");
  auto sample = simtest::load_sample("guides/terminal/deferred/events/transaction-successful.json");
  sample.at("data").as_object()["amount"] = 0;  // an integer in API replies (the spec's type)
  sample.at("data").as_object()["requested_amount"] = 0;
  sample.at("data").as_object()["metadata"] = json::object{};  // an object in API replies (spec)
  std::string diffs;
  for (const auto& d : simtest::shape_differences(sample.at("data"), t)) diffs += d + "\n";
  EXPECT_EQ(diffs, "");

  auto fetched = call_json("GET", "/transaction/" + std::to_string(t.at("id").as_int64()));
  EXPECT_EQ(fetched.at("data").at("reference"), json::value(reference));
  auto verified = call_json("GET", "/transaction/verify/" + reference);
  EXPECT_EQ(verified.at("message"), "Verification successful");
  EXPECT_EQ(verified.at("data").at("id"), t.at("id"));
}

TEST_F(SimTransactions, filters_and_not_found) {
  pay(terminals.at(0), 100, "CUS_txnsimtestaaaa");
  pay(terminals.at(1), 200, "CUS_txnsimtestbbbb");
  pay(terminals.at(0), 300, "CUS_txnsimtestbbbb");
  auto count = [&](const std::string& query) {
    return call_json("GET", "/transaction" + query).at("data").as_array().size();
  };
  EXPECT_EQ(count(""), 3u);
  EXPECT_EQ(count("?terminal_id=" + terminals.at(0)), 2u);
  EXPECT_EQ(count("?customer_code=CUS_txnsimtestbbbb"), 2u);
  EXPECT_EQ(count("?customer=CUS_txnsimtestaaaa&terminal_id=" + terminals.at(0)), 1u);
  EXPECT_EQ(count("?customer=CUS_unknown"), 0u);
  EXPECT_EQ(count("?channel=pos&status=success"), 3u);
  EXPECT_EQ(count("?status=failed"), 0u);
  EXPECT_EQ(count("?from=2000-01-01&to=2999-12-31"), 3u);
  EXPECT_EQ(count("?to=2000-01-01"), 0u);
  // Newest first.
  auto all = call_json("GET", "/transaction");
  EXPECT_EQ(all.at("data").at(0).at("amount"), 300);
  EXPECT_EQ(all.at("meta").at("total_volume"), 600);

  auto missing = call_json("GET", "/transaction/1", "", 404);
  EXPECT_EQ(missing.at("message"), "Transaction not found");
  EXPECT_EQ(missing.at("code"), "not_found");
  EXPECT_EQ(call_json("GET", "/transaction/verify/pos_nothing", "", 404).at("message"),
            "Transaction reference not found");
  EXPECT_EQ(call("GET", "/transaction/abc").status, 400u);
  EXPECT_EQ(call("GET", "/transaction?perPage=0").status, 400u);
  EXPECT_EQ(call("GET", "/transaction?page=x").status, 400u);
  EXPECT_EQ(call("GET", "/transaction?from=").status, 400u);
  EXPECT_EQ(call("GET", "/transaction?use_cursor=true&next=bogus").status, 400u);
}

TEST_F(SimTransactions, page_numbers_and_cursors_walk_every_transaction_once) {
  for (int i = 1; i <= 5; ++i) pay(terminals.at(0), i * 100);
  std::vector<std::int64_t> by_page;
  for (int page = 1; page <= 3; ++page) {
    auto r = call_json("GET", "/transaction?perPage=2&page=" + std::to_string(page));
    EXPECT_EQ(r.at("meta").at("pageCount"), 3);
    EXPECT_EQ(r.at("meta").at("page"), page);
    for (const auto& t : r.at("data").as_array()) by_page.push_back(t.at("amount").as_int64());
  }
  EXPECT_EQ(by_page, (std::vector<std::int64_t>{500, 400, 300, 200, 100}));
  EXPECT_TRUE(call_json("GET", "/transaction?perPage=2&page=4").at("data").as_array().empty());
  // The spec's per_page works too (the docs' perPage, which the CLI sends, above).
  auto spec_named = call_json("GET", "/transaction?per_page=2&page=3");
  EXPECT_EQ(spec_named.at("meta").at("perPage"), 2);
  EXPECT_EQ(spec_named.at("data").as_array().size(), 1u);

  std::vector<std::int64_t> by_cursor;
  std::string target = "/transaction?use_cursor=true&perPage=2";
  json::value last;
  for (int guard = 0; guard < 10; ++guard) {
    last = call_json("GET", target);
    for (const auto& t : last.at("data").as_array()) by_cursor.push_back(t.at("amount").as_int64());
    EXPECT_FALSE(last.at("meta").as_object().contains("pageCount"));
    if (last.at("meta").at("next").is_null()) break;
    target = "/transaction?use_cursor=true&perPage=2&next=" +
             std::string(last.at("meta").at("next").as_string());
  }
  EXPECT_EQ(by_cursor, by_page);
  // Back from the last page: the page before it.
  ASSERT_TRUE(last.at("meta").at("previous").is_string());
  auto back = call_json("GET", "/transaction?use_cursor=true&perPage=2&previous=" +
                                   std::string(last.at("meta").at("previous").as_string()));
  ASSERT_EQ(back.at("data").as_array().size(), 2u);
  EXPECT_EQ(back.at("data").at(0).at("amount"), 300);
  EXPECT_EQ(back.at("data").at(1).at("amount"), 200);
}

TEST_F(SimTransactions, totals_count_successful_payments_per_currency) {
  pay(terminals.at(0), 1000);
  pay(terminals.at(1), 2500);
  auto totals = call_json("GET", "/transaction/totals");
  EXPECT_EQ(totals.at("data").at("total_transactions"), 2);
  EXPECT_EQ(totals.at("data").at("total_volume"), 3500);
  EXPECT_EQ(totals.at("data").at("total_volume_by_currency").at(0).at("currency"), "NGN");
  EXPECT_EQ(totals.at("data").at("pending_transfers"), 3500);
  EXPECT_EQ(call_json("GET", "/transaction/totals?to=2000-01-01").at("data").at("total_volume"), 0);
}

// ---- refunds -----------------------------------------------------------------------------------

TEST_F(SimTransactions, refund_moves_through_its_states_with_signed_webhooks) {
  pay(terminals.at(0), 5000);
  auto reference =
      std::string(call_json("GET", "/transaction").at("data").at(0).at("reference").as_string());
  auto created = call_json("POST", "/refund",
                           R"({"transaction":")" + reference +
                               R"(","amount":2000,"customer_note":"sorry","merchant_note":"m"})");
  EXPECT_EQ(created.at("message"), "Refund has been queued for processing");
  const auto& d = created.at("data");
  EXPECT_EQ(d.at("status"), "pending");
  EXPECT_EQ(d.at("amount"), 2000);
  EXPECT_EQ(d.at("transaction").at("reference"),
            json::value(reference));  // expanded in the create reply
  const auto id = std::to_string(d.at("id").as_int64());

  for (const char* state : {"processing", "processed"}) {
    EXPECT_EQ(call("POST", "/_sim/refunds/" + id + "/advance").status, 200u);
    EXPECT_EQ(call_json("GET", "/refund/" + id).at("data").at("status"), state);
  }
  EXPECT_EQ(call("POST", "/_sim/refunds/" + id + "/advance").status, 409u);  // finished
  EXPECT_EQ(call("POST", "/_sim/refunds/999/advance").status, 404u);
  auto fetched = call_json("GET", "/refund/" + id).at("data");
  EXPECT_EQ(fetched.at("transaction_reference"), json::value(reference));
  EXPECT_EQ(fetched.at("deducted_amount"), 2000);
  EXPECT_TRUE(fetched.at("refunded_at").is_string());

  auto names = events();
  ASSERT_EQ(names.size(), 6u);
  EXPECT_EQ(std::vector<std::string>(names.begin() + 3, names.end()),
            (std::vector<std::string>{"refund.pending", "refund.processing", "refund.processed"}));
  auto log = eng.webhook_log();
  for (std::size_t i = 3; i < log.size(); ++i) {
    EXPECT_EQ(log[i].signature, simtest::hmac_sha512_hex(key, log[i].body));
    auto sample =
        simtest::load_sample("guides/payments/webhooks/events/" +
                             std::string(i == 5 ? "refund-processed.json" : "refund-pending.json"));
    std::string diffs;
    for (const auto& x : simtest::shape_differences(sample, json::parse(log[i].body)))
      diffs += x + "\n";
    EXPECT_EQ(diffs, "");
    EXPECT_EQ(json::parse(log[i].body).at("data").at("transaction_reference"),
              json::value(reference));
  }
}

TEST_F(SimTransactions, partial_refunds_never_exceed_the_amount) {
  pay(terminals.at(0), 1000);
  auto tx = call_json("GET", "/transaction").at("data").at(0);
  const auto tid = std::to_string(tx.at("id").as_int64());
  call_json("POST", "/refund", R"({"transaction":)" + tid + R"(,"amount":600})");
  auto over = call_json("POST", "/refund", R"({"transaction":")" + tid + R"(","amount":401})", 400);
  EXPECT_EQ(over.at("message"),
            "Refund amount cannot be more than the amount not refunded yet (400)");
  auto rest = call_json("POST", "/refund", R"({"transaction":")" + tid + R"("})");
  EXPECT_EQ(rest.at("data").at("amount"), 400);  // no amount: what remains
  EXPECT_EQ(call_json("POST", "/refund", R"({"transaction":")" + tid + R"("})", 400).at("message"),
            "Transaction has been fully reversed");
  auto list = call_json("GET", "/refund?transaction=" + tid);
  EXPECT_EQ(list.at("meta").at("total"), 2);
  EXPECT_EQ(list.at("data").at(0).at("amount"), 400);  // newest first
  EXPECT_EQ(call_json("GET", "/refund?transaction=" + std::string(tx.at("reference").as_string()) +
                                 "&perPage=1&page=2")
                .at("data")
                .at(0)
                .at("amount"),
            600);
  EXPECT_EQ(call_json("GET", "/refund?currency=USD").at("data").as_array().size(), 0u);
}

TEST_F(SimTransactions, refund_arguments_are_checked) {
  pay(terminals.at(0), 1000);
  const auto ref =
      std::string(call_json("GET", "/transaction").at("data").at(0).at("reference").as_string());
  EXPECT_EQ(call_json("POST", "/refund", "{}", 400).at("message"), "\"transaction\" is required");
  EXPECT_EQ(call_json("POST", "/refund", R"({"transaction":"pos_none"})", 404).at("message"),
            "Transaction not found");
  for (const std::string& body :
       {R"({"transaction":")" + ref + R"(","amount":0})",
        R"({"transaction":")" + ref + R"(","amount":"x"})",
        R"({"transaction":")" + ref + R"(","currency":"USD"})",
        R"({"transaction":")" + ref + R"(","customer_note":5})",
        R"({"transaction":")" + ref + R"(","merchant_note":")" + std::string(1025, 'm') + "\"}",
        std::string(R"({"transaction":[]})")}) {
    EXPECT_EQ(call("POST", "/refund", body).status, 400u) << body;
  }
  EXPECT_EQ(call("GET", "/refund/12").status, 404u);
  EXPECT_EQ(call("GET", "/refund/x").status, 404u);
  EXPECT_EQ(call("GET", "/refund?page=0").status, 400u);
  EXPECT_EQ(call("GET", "/refund?perPage=-1").status, 400u);
}

TEST(SimRefunds, magic_amount_fails_and_releases_the_amount_and_zero_delay_runs_every_step) {
  paystack::sim::server_options o;
  o.secret_key = key;
  o.delivery_delay = 0ms;
  o.auto_pay_delay = 0ms;
  o.refund_delay = 0ms;
  detail::engine eng(o, {});
  auto call = [&](std::string method, std::string target, std::string body) {
    detail::http_request r{std::move(method), std::move(target), std::string("Bearer ") + key,
                           "application/json", std::move(body)};
    return eng.handle(r, {});
  };
  auto pr = json::parse(call("POST", "/paymentrequest", R"({"customer":1,"amount":10013})").body);
  auto id = pr.at("data").at("id").as_int64();
  auto ref = std::string(pr.at("data").at("offline_reference").as_string());
  call("POST", "/terminal/" + eng.terminal_ids().at(0) + "/event",
       R"({"type":"invoice","action":"process","data":{"id":)" + std::to_string(id) +
           R"(,"reference":")" + ref + R"("}})");
  auto tx = json::parse(call("GET", "/transaction", "").body).at("data").at(0);
  const auto tid = std::to_string(tx.at("id").as_int64());
  auto created = call("POST", "/refund", R"({"transaction":)" + tid + "}");  // 10013: ends in 13
  ASSERT_EQ(created.status, 200u) << created.body;
  auto refund_id = json::parse(created.body).at("data").at("id").as_int64();
  EXPECT_EQ(json::parse(created.body).at("data").at("status"), "pending");
  auto fetched = json::parse(call("GET", "/refund/" + std::to_string(refund_id), "").body);
  EXPECT_EQ(fetched.at("data").at("status"), "failed");
  auto log = eng.webhook_log();
  ASSERT_GE(log.size(), 3u);
  EXPECT_EQ(log[log.size() - 3].event, "refund.pending");
  EXPECT_EQ(log[log.size() - 2].event, "refund.processing");
  EXPECT_EQ(log.back().event, "refund.failed");
  EXPECT_EQ(json::parse(log.back().body).at("data").at("amount"), 10013);  // an integer there
  // The failed amount may be refunded again (and 10000 processes).
  auto again = call("POST", "/refund", R"({"transaction":)" + tid + R"(,"amount":10000})");
  EXPECT_EQ(again.status, 200u);
  EXPECT_EQ(eng.webhook_log().back().event, "refund.processed");
}

TEST_F(SimTransactions, reset_forgets_transactions_and_refunds) {
  pay(terminals.at(0), 1000);
  eng.reset();
  EXPECT_TRUE(call_json("GET", "/transaction").at("data").as_array().empty());
  EXPECT_TRUE(call_json("GET", "/refund").at("data").as_array().empty());
}

// ---- the spec's shapes (the whole replies: ctest spec.cli_and_simulator)
// -------------------------

TEST_F(SimTransactions, replies_carry_the_members_each_spec_schema_requires) {
  pay(terminals.at(0), 5000);
  auto t = call_json("GET", "/transaction").at("data").at(0);
  const auto reference = std::string(t.at("reference").as_string());
  auto fetched = call_json("GET", "/transaction/" + std::to_string(t.at("id").as_int64()));
  const auto& f = fetched.at("data");
  EXPECT_EQ(f.at("fees"), 75);  // 1.5% of 5000, an integer
  EXPECT_EQ(f.at("createdAt"), f.at("created_at"));
  EXPECT_TRUE(f.at("metadata").at("custom_fields").is_array());
  for (const char* k : {"authorization_code", "bin", "last4", "exp_month", "exp_year", "signature"})
    EXPECT_TRUE(f.at("authorization").at(k).is_string()) << k;
  for (const char* k : {"helpdesk_link", "fees_breakdown", "connect"})
    EXPECT_TRUE(f.at(k).is_null()) << k;
  EXPECT_TRUE(f.at("plan").is_object());
  auto verified = call_json("GET", "/transaction/verify/" + reference).at("data");
  EXPECT_TRUE(verified.at("plan").is_null());  // verify: a plan code or null, the plan apart
  EXPECT_TRUE(verified.at("plan_object").is_object());
  EXPECT_EQ(verified.at("transaction_date"), f.at("created_at"));

  auto created =
      call_json("POST", "/refund", R"({"transaction":")" + reference + R"(","amount":1000})")
          .at("data");
  EXPECT_TRUE(created.at("transaction").at("subaccount").at("currency").is_null());
  EXPECT_EQ(created.at("updatedAt"), created.at("createdAt"));
  auto r = call_json("GET", "/refund/" + std::to_string(created.at("id").as_int64())).at("data");
  EXPECT_EQ(r.at("refund_type"), "partial");
  EXPECT_EQ(r.at("transaction_amount"), 5000);
  EXPECT_EQ(r.at("refund_channel"), "pos");
  EXPECT_EQ(r.at("collect_account_number"), false);
  EXPECT_EQ(r.at("customer").at("customer_code"), "CUS_txnsimtest0001");
  EXPECT_TRUE(r.at("customer").at("metadata").is_string());  // the spec's type here
  EXPECT_TRUE(r.at("customer").at("phone").is_string());
  auto full = call_json("POST", "/refund", R"({"transaction":")" + reference + R"("})").at("data");
  EXPECT_EQ(full.at("refund_type"), "partial");  // the rest: not the whole amount
  pay(terminals.at(0), 700);
  const auto second =
      std::string(call_json("GET", "/transaction").at("data").at(0).at("reference").as_string());
  auto whole = call_json("POST", "/refund", R"({"transaction":")" + second + R"("})").at("data");
  EXPECT_EQ(whole.at("refund_type"), "full");
}

// ---- the control API's view ---------------------------------------------------------------------

TEST_F(SimTransactions, state_and_stats_count_transactions_and_refunds_within_bounds) {
  for (int i = 1; i <= 22; ++i) pay(terminals.at(0), 100 * i);
  auto newest = call_json("GET", "/transaction").at("data").at(0);
  call_json("POST", "/refund",
            R"({"transaction":")" + std::string(newest.at("reference").as_string()) + R"("})");

  auto state = call_json("GET", "/_sim/state").at("data");
  EXPECT_EQ(state.at("transactions").at("count"), 22);
  const auto& shown = state.at("transactions").at("newest").as_array();
  ASSERT_EQ(shown.size(), 20u);  // the newest 20, newest first
  EXPECT_EQ(shown.at(0).at("id"), newest.at("id"));
  EXPECT_EQ(shown.at(0).at("refunded"), 2200);
  EXPECT_EQ(shown.at(0).at("terminal_id"), json::value(terminals.at(0)));
  EXPECT_EQ(state.at("refunds").at("count"), 1);
  EXPECT_EQ(state.at("refunds").at("newest").at(0).at("status"), "pending");

  auto stats = call_json("GET", "/_sim/stats").at("data");
  EXPECT_EQ(stats.at("transactions").at("count"), 22);
  EXPECT_EQ(stats.at("transactions").at("max"), 100000);
  EXPECT_EQ(stats.at("transactions").at("dropped"), 0);
  EXPECT_EQ(stats.at("refunds").at("count"), 1);
  EXPECT_EQ(stats.at("refunds").at("max"), 100000);
  eng.reset();
  EXPECT_EQ(call_json("GET", "/_sim/stats").at("data").at("transactions").at("count"), 0);
}

}  // namespace
