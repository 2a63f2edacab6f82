// Webhook signature, parsing, feed, de-duplication and webhook_server, checked against the
// official samples (PAYSTACK_SAMPLES_DIR).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <paystack/error.hpp>
#include <paystack/webhook.hpp>
#include <paystack/webhook_server.hpp>
#include <sstream>

#include "test_support.hpp"
#include "webhook_fixture.hpp"

namespace fs = std::filesystem;
using namespace paystack;
using flow_test::raw_http;
using flow_test::webhook_request;

namespace {

using webhook_test::key;
using webhook_test::read_file;
using webhook_test::sample;

std::vector<fs::path> webhook_samples() {
  std::vector<fs::path> out;
  for (auto dir : {"guides/payments/webhooks/events", "guides/terminal/deferred/events"}) {
    fs::path d = fs::path(PAYSTACK_SAMPLES_DIR) / dir;
    for (const auto& e : fs::directory_iterator(d))
      if (e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

// ---- signature ---------------------------------------------------------------------------------

TEST(WebhookSignature, known_answer_rfc4231) {
  // RFC 4231 test case 2 (HMAC-SHA512).
  EXPECT_EQ(sign_webhook_payload("what do ya want for nothing?", "Jefe"),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

TEST(WebhookSignature, official_samples_verify_and_tampering_fails) {
  auto files = webhook_samples();
  ASSERT_GE(files.size(), 20u) << "samples missing under " << PAYSTACK_SAMPLES_DIR;
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    const auto body = read_file(f);
    ASSERT_FALSE(body.empty());
    const auto sig = sign_webhook_payload(body, key);
    EXPECT_EQ(sig.size(), 128u);
    EXPECT_TRUE(std::all_of(sig.begin(), sig.end(),
                            [](char c) { return std::isxdigit(c) && !std::isupper(c); }));
    EXPECT_TRUE(verify_webhook_signature(body, sig, key));
    EXPECT_TRUE(verify_webhook_signature(body, upper(sig), key)) << "case-insensitive";
    EXPECT_TRUE(verify_webhook_signature(body, " " + sig + "\r\n", key));
    EXPECT_FALSE(verify_webhook_signature(body, sig, "sk_test_other"));
    auto tampered = body;
    tampered[tampered.size() / 2] ^= 0x01;
    EXPECT_FALSE(verify_webhook_signature(tampered, sig, key));
    EXPECT_FALSE(verify_webhook_signature(body + " ", sig, key)) << "raw bytes, not JSON";
    EXPECT_FALSE(verify_webhook_signature(body, sig.substr(0, 127), key));
    auto bad_hex = sig;
    bad_hex[5] = 'g';
    EXPECT_FALSE(verify_webhook_signature(body, bad_hex, key));
    EXPECT_FALSE(verify_webhook_signature(body, "", key));
    EXPECT_FALSE(verify_webhook_signature(body, sig, ""));
  }
}

// ---- parsing -----------------------------------------------------------------------------------

TEST(WebhookParse, charge_success_pos_sample) {
  auto e = parse_webhook_event(sample("terminal/deferred/events/transaction-successful.json"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->type, webhook_event_type::charge_success);
  EXPECT_EQ(e->event, "charge.success");
  const auto& d = std::get<charge_success_data>(e->data);
  EXPECT_EQ(d.id, 1259864309);
  EXPECT_EQ(d.reference, "pos_wtwyrj7n6x");
  EXPECT_EQ(d.amount, 5000);  // a string in the sample
  EXPECT_EQ(d.requested_amount, 200);
  EXPECT_EQ(d.channel, "pos");
  EXPECT_EQ(d.terminal_id, "2232WE17");
  EXPECT_EQ(d.customer_code, "CUS_xztjqwng1kzwdbt");
}

TEST(WebhookParse, payment_request_success_and_pending) {
  auto s = parse_webhook_event(sample("terminal/deferred/events/payment-request-successful.json"));
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->type, webhook_event_type::payment_request_success);
  const auto& pr = std::get<payment_request>(s->data);
  EXPECT_EQ(pr.id, 1089700);
  EXPECT_EQ(pr.request_code, "PRQ_79unvlqvixs3tu1");
  EXPECT_TRUE(pr.paid);
  EXPECT_EQ(pr.offline_reference, "4634338037229");
  EXPECT_EQ(pr.amount, 5000);

  auto p = parse_webhook_event(sample("terminal/deferred/events/payment-request-pending.json"));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->type, webhook_event_type::payment_request_pending);
  EXPECT_FALSE(std::get<payment_request>(p->data).paid);
  EXPECT_EQ(std::get<payment_request>(p->data).status, "pending");
}

TEST(WebhookParse, invoice_payment_failed) {
  auto e = parse_webhook_event(sample("terminal/deferred/events/invoice-failed.json"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->type, webhook_event_type::invoice_payment_failed);
  const auto& d = std::get<invoice_payment_failed_data>(e->data);
  EXPECT_EQ(d.invoice_code, "INV_3kfmqw48ca7b48k");
  EXPECT_EQ(d.amount, 5000);
  EXPECT_EQ(d.customer_code, "CUS_3p3ylxyf07605kx");
}

TEST(WebhookParse, every_official_sample_parses_and_others_stay_raw) {
  std::size_t others = 0;
  for (const auto& f : webhook_samples()) {
    SCOPED_TRACE(f.filename().string());
    auto body = read_file(f);
    std::string detail;
    auto e = parse_webhook_event(body, &detail);
    ASSERT_TRUE(e.has_value()) << detail;
    EXPECT_EQ(e->raw_body, body);
    EXPECT_FALSE(e->data_json.empty());
    // Objects, except subscription.expiring_cards whose data is an array.
    EXPECT_EQ(e->data_json.front(), e->event == "subscription.expiring_cards" ? '[' : '{');
    if (e->type == webhook_event_type::other) {
      ++others;
      EXPECT_TRUE(std::holds_alternative<std::monostate>(e->data));
      EXPECT_EQ(to_string(e->type), "");
    } else {
      EXPECT_EQ(to_string(e->type), e->event);
    }
  }
  EXPECT_GE(others, 10u);
}

TEST(WebhookParse, malformed_bodies_are_refused) {
  std::string detail;
  for (const char* b : {"", "not json", "[]", R"({"data":{}})", R"({"event":"x"})",
                        R"({"event":1,"data":{}})", R"({"event":"charge.success","data":{"id":1}})",
                        R"({"event":"charge.success","data":[]})"}) {
    SCOPED_TRACE(b);
    auto e = parse_webhook_event(b, &detail);
    ASSERT_FALSE(e.has_value());
    EXPECT_EQ(e.error(), make_error_code(error::bad_response));
    EXPECT_FALSE(detail.empty());
  }
}

// ---- feed and de-duplication -------------------------------------------------------------------

TEST(WebhookFeed, subscribe_publish_and_reset) {
  webhook_feed feed;
  int a = 0, b = 0;
  auto sa = feed.subscribe([&](const webhook_event&) { ++a; });
  {
    auto sb = feed.subscribe([&](const webhook_event&) { ++b; });
    EXPECT_EQ(feed.subscriber_count(), 2u);
    feed.publish(webhook_event{});
  }
  EXPECT_EQ(feed.subscriber_count(), 1u);
  feed.publish(webhook_event{});
  webhook_feed::subscription moved;
  moved = std::move(sa);
  feed.publish(webhook_event{});
  moved = feed.subscribe([&](const webhook_event&) { b += 10; });  // replaces, unsubscribes a
  feed.publish(webhook_event{});
  EXPECT_EQ(a, 3);
  EXPECT_EQ(b, 11);
  moved.reset();
  EXPECT_EQ(feed.subscriber_count(), 0u);
}

TEST(WebhookDedup, memory_store_remembers_within_capacity_and_ttl) {
  auto store = make_memory_dedup_store(2, std::chrono::hours(1));
  EXPECT_TRUE(store->insert_if_absent("a"));
  EXPECT_FALSE(store->insert_if_absent("a"));
  EXPECT_TRUE(store->insert_if_absent("b"));
  EXPECT_TRUE(store->insert_if_absent("c"));  // evicts "a"
  EXPECT_TRUE(store->insert_if_absent("a"));
  EXPECT_FALSE(store->insert_if_absent("c"));
  auto expiring = make_memory_dedup_store(10, std::chrono::seconds(0));
  EXPECT_TRUE(expiring->insert_if_absent("x"));
  EXPECT_TRUE(expiring->insert_if_absent("x"));
}

TEST(WebhookDedup, key_depends_on_the_exact_body) {
  auto body = sample("terminal/deferred/events/payment-request-successful.json");
  auto e1 = parse_webhook_event(body);
  auto e2 = parse_webhook_event(body);
  auto e3 = parse_webhook_event(body + "\n");
  ASSERT_TRUE(e1 && e2 && e3);
  EXPECT_EQ(webhook_dedup_key(*e1), webhook_dedup_key(*e2));
  EXPECT_NE(webhook_dedup_key(*e1), webhook_dedup_key(*e3));
}

// ---- webhook_server ----------------------------------------------------------------------------

TEST_F(WebhookServer, signed_event_is_answered200_and_handed_over) {
  start();
  auto body = sample("terminal/deferred/events/payment-request-successful.json");
  EXPECT_EQ(post(body, sign_webhook_payload(body, key)).status, 200);
  auto is_prs = [](const std::string& s) { return s == "paymentrequest.success"; };
  EXPECT_TRUE(events_.wait_for(is_prs));
  EXPECT_TRUE(fed_.wait_for(is_prs));
  EXPECT_EQ(server_->stats().accepted, 1u);
  EXPECT_EQ(server_->url(),
            "http://127.0.0.1:" + std::to_string(server_->port()) + "/paystack/webhook");
}

TEST_F(WebhookServer, forged_signature_is401_and_nothing_is_handed_over) {
  start();
  auto body = sample("terminal/deferred/events/payment-request-successful.json");
  EXPECT_EQ(post(body, sign_webhook_payload(body, "sk_test_attacker")).status, 401);
  EXPECT_EQ(post(body, std::string(128, 'a')).status, 401);
  EXPECT_EQ(post(body, std::nullopt).status, 401);
  auto forged = body;
  forged.replace(forged.find("\"paid\":true"), 11, "\"paid\":null");
  EXPECT_EQ(post(forged, sign_webhook_payload(body, key)).status, 401);
  auto st = server_->stats();
  EXPECT_EQ(st.bad_signature, 4u);
  EXPECT_EQ(st.accepted, 0u);
  // A valid delivery afterwards is the only one handed over.
  auto other = sample("payments/webhooks/events/transfer-successful.json");
  EXPECT_EQ(post(other, sign_webhook_payload(other, key)).status, 200);
  ASSERT_TRUE(fed_.wait_for([](const std::string& s) { return s == "transfer.success"; }));
  EXPECT_EQ(fed_.items().size(), 1u);
}

TEST_F(WebhookServer, oversized_body_is413) {
  start();  // default cap: 1 MiB
  std::string head =
      "POST /paystack/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "x-paystack-signature: " +
      std::string(128, '0') + "\r\nContent-Length: 1048577\r\nConnection: close\r\n\r\n";
  EXPECT_EQ(raw_http(server_->port(), head).status, 413);
  // Exactly at the cap is read (and then refused for its signature, not its size).
  std::string at_cap(1024 * 1024, ' ');
  EXPECT_EQ(post(at_cap, std::string(128, '0')).status, 401);
  auto st = server_->stats();
  EXPECT_EQ(st.too_large, 1u);
  EXPECT_EQ(st.bad_signature, 1u);
}

TEST_F(WebhookServer, oversized_chunked_body_is413) {
  webhook_server_options o;
  o.max_body_bytes = 1024;
  start(std::move(o));
  std::string chunk(1500, 'x');
  std::string req =
      "POST /paystack/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n5DC\r\n" +
      chunk + "\r\n0\r\n\r\n";
  EXPECT_EQ(raw_http(server_->port(), req).status, 413);
  EXPECT_EQ(server_->stats().too_large, 1u);
}

TEST_F(WebhookServer, duplicate_deliveries_are_acknowledged_but_handed_over_once) {
  start();
  auto body = sample("terminal/deferred/events/transaction-successful.json");
  auto sig = sign_webhook_payload(body, key);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(post(body, sig).status, 200);
  auto second = sample("terminal/deferred/events/payment-request-successful.json");
  EXPECT_EQ(post(second, sign_webhook_payload(second, key)).status, 200);
  ASSERT_TRUE(fed_.wait_for([](const std::string& s) { return s == "paymentrequest.success"; }));
  auto st = server_->stats();
  EXPECT_EQ(st.accepted, 2u);
  EXPECT_EQ(st.duplicates, 2u);
  auto items = fed_.items();
  EXPECT_EQ(std::count(items.begin(), items.end(), "charge.success"), 1);
}

TEST_F(WebhookServer, signed_but_not_an_event_is400) {
  start();
  std::string body = "{\"hello\":\"world\"}";
  EXPECT_EQ(post(body, sign_webhook_payload(body, key)).status, 400);
  EXPECT_EQ(server_->stats().bad_request, 1u);
}

TEST_F(WebhookServer, wrong_method_and_path) {
  start();
  EXPECT_EQ(raw_http(server_->port(),
                     "GET /paystack/webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .status,
            405);
  auto body = sample("terminal/deferred/events/payment-request-pending.json");
  EXPECT_EQ(raw_http(server_->port(),
                     webhook_request(body, sign_webhook_payload(body, key), "/elsewhere"))
                .status,
            404);
  EXPECT_EQ(server_->stats().accepted, 0u);
}

TEST_F(WebhookServer, source_allow_list_refuses_others) {
  webhook_server_options o;
  o.restrict_sources = true;  // Paystack's three addresses only: loopback is refused
  start(std::move(o));
  // Closed as soon as it is accepted, before anything is read: no answer, not even a 403.
  flow_test::raw_connection silent(server_->port(), std::chrono::seconds(5));
  EXPECT_TRUE(silent.read_to_end()) << "the connection was left open";
  EXPECT_EQ(silent.received(), "");
  auto body = sample("terminal/deferred/events/payment-request-pending.json");
  auto a = post(body, sign_webhook_payload(body, key));
  EXPECT_EQ(a.status, 0);
  EXPECT_EQ(a.raw, "");
  EXPECT_EQ(server_->stats().forbidden, 2u);
  EXPECT_EQ(server_->stats().accepted, 0u);
  EXPECT_EQ(server_->stats().requests, 0u);
}

TEST_F(WebhookServer, source_allow_list_accepts_listed) {
  webhook_server_options o;
  o.restrict_sources = true;
  o.allowed_sources = {"127.0.0.1"};
  start(std::move(o));
  auto body = sample("terminal/deferred/events/payment-request-pending.json");
  EXPECT_EQ(post(body, sign_webhook_payload(body, key)).status, 200);
  EXPECT_EQ(server_->stats().accepted, 1u);
}

TEST(WebhookServerConfig, start_without_key_throws_without_leaking_anything) {
  flow_test::io_thread io;
  ::unsetenv("PAYSTACK_SECRET_KEY");
  webhook_server s(io.io().get_executor(), {});
  EXPECT_THROW(s.start(), std::invalid_argument);
  s.stop();
  EXPECT_TRUE(io.stop());
}
