// Several merchants in one receiver (ADR 0009): match_webhook_signature finds the key that
// signed a body among all of them; webhook_server hands each event over with its merchant; the
// de-duplication keys (memory) and the inbox (SQLite schema 3 on, migrated from 2) keep two
// merchants' identical events apart; what the server refuses to start with.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <boost/asio/use_future.hpp>
#include <filesystem>
#include <mutex>
#include <paystack/charge_store.hpp>
#include <paystack/store_url.hpp>
#include <paystack/webhook_server.hpp>

#include "test_support.hpp"

using namespace paystack;

namespace {

const std::vector<merchant_key> merchants{{"ikeja-mall", "sk_test_1b6f0a3c9e2d4f5a6b7c8d9e"},
                                          {"lekki.store", "sk_test_2c7a1b4dae3f5061728394a5"},
                                          {"abuja_3", "sk_test_3d8b2c5ebf406172839405b6"}};

const std::string body =
    R"({"event":"paymentrequest.success","data":{"id":3136406,"request_code":"PRQ_y0paeo93jh99mho","status":"success","paid":true,"amount":10000,"currency":"NGN"}})";

int post(const webhook_server& s, const std::string& b, const std::string& key) {
  return flow_test::raw_http(s.port(),
                             flow_test::webhook_request(b, sign_webhook_payload(b, key), "/hooks"))
      .status;
}

/// Records the merchants of the events a server hands over.
struct seen_merchants {
  std::mutex m;
  std::vector<std::string> names;
  void add(const webhook_event& e) {
    std::lock_guard lk(m);
    names.push_back(e.merchant);
  }
  std::vector<std::string> get() {
    std::lock_guard lk(m);
    return names;
  }
};

std::string temp_db(const char* tag) {
  auto p = std::filesystem::temp_directory_path() /
           ("paystack-" + std::string(tag) + "-" + std::to_string(::getpid()) + ".db");
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(p.string() + s);
  return p.string();
}

}  // namespace

TEST(MerchantSignature, the_signing_key_is_found_among_all) {
  for (std::size_t i = 0; i < merchants.size(); ++i) {
    auto sig = sign_webhook_payload(body, merchants[i].secret_key);
    EXPECT_EQ(match_webhook_signature(body, sig, merchants), i);
    EXPECT_EQ(match_webhook_signature(body, " " + sig + "\r\n", merchants), i);  // blanks
  }
  const auto forged = sign_webhook_payload(body, "sk_test_someone_else_entirely_00");
  EXPECT_FALSE(match_webhook_signature(body, forged, merchants));
  const auto good = sign_webhook_payload(body, merchants[1].secret_key);
  EXPECT_FALSE(match_webhook_signature(body + " ", good, merchants));             // body changed
  EXPECT_FALSE(match_webhook_signature(body, good.substr(1), merchants));         // too short
  EXPECT_FALSE(match_webhook_signature(body, good + "0", merchants));             // too long
  EXPECT_FALSE(match_webhook_signature(body, "zz" + good.substr(2), merchants));  // not hex
  EXPECT_FALSE(match_webhook_signature(body, "", merchants));
  EXPECT_FALSE(match_webhook_signature(body, good, {}));
  // An empty key never matches, even the HMAC an empty key makes.
  const std::vector<merchant_key> empty{{"a", ""}};
  EXPECT_FALSE(match_webhook_signature(body, sign_webhook_payload(body, ""), empty));
  // The same key twice: the first entry wins (webhook_server refuses such a set).
  const std::vector<merchant_key> twice{{"a", "sk_test_x1"}, {"b", "sk_test_x1"}};
  EXPECT_EQ(match_webhook_signature(body, sign_webhook_payload(body, "sk_test_x1"), twice), 0u);
}

TEST(MerchantSignature, merchant_names_are_checked) {
  const std::string longest(64, 'm');
  for (std::string ok : {std::string("a"), std::string("ikeja-mall"), std::string("lekki.store"),
                         std::string("A_9"), longest})
    EXPECT_TRUE(valid_merchant_name(ok)) << ok;
  for (std::string bad :
       {std::string(), std::string(65, 'm'), std::string("a b"), std::string("a/b"),
        std::string("a:b"), std::string("a=b"), std::string("é")})
    EXPECT_FALSE(valid_merchant_name(bad)) << bad;
}

TEST(MerchantWebhooks, each_event_is_handed_over_with_its_merchant_and_deduplicated_per_merchant) {
  flow_test::io_thread io;
  seen_merchants seen;
  webhook_server_options o;
  o.merchant_keys = merchants;
  o.path = "/hooks";
  o.on_event = [&](const webhook_event& e) { seen.add(e); };
  webhook_server s(io.io().get_executor(), o);
  s.start();
  // The same body (the same event id) from two merchants: two events, one per merchant.
  EXPECT_EQ(post(s, body, merchants[0].secret_key), 200);
  EXPECT_EQ(post(s, body, merchants[2].secret_key), 200);
  EXPECT_EQ(post(s, body, merchants[0].secret_key), 200);  // a retry: a duplicate
  EXPECT_EQ(post(s, body, "sk_test_not_one_of_them_000000"), 401);
  EXPECT_EQ(s.stats().accepted, 2u);
  EXPECT_EQ(s.stats().duplicates, 1u);
  EXPECT_EQ(s.stats().bad_signature, 1u);
  s.stop();
  EXPECT_TRUE(io.stop());
  EXPECT_EQ(seen.get(), (std::vector<std::string>{"ikeja-mall", "abuja_3"}));
}

TEST(MerchantWebhooks, keys_are_scoped_by_merchant) {
  auto e = parse_webhook_event(body);
  ASSERT_TRUE(e);
  const auto bare_semantic = webhook_semantic_key(*e);
  const auto bare_dedup = webhook_dedup_key(*e);
  EXPECT_EQ(bare_semantic, "paymentrequest.success:3136406");
  e->merchant = "lekki.store";
  EXPECT_EQ(webhook_semantic_key(*e), "lekki.store/" + bare_semantic);
  EXPECT_EQ(webhook_dedup_key(*e), "lekki.store/" + bare_dedup);
}

TEST(MerchantWebhooks, refused_configurations_name_no_key) {
  auto refused = [](webhook_server_options o) -> std::string {
    flow_test::io_thread io;
    webhook_server s(io.io().get_executor(), std::move(o));
    std::string what;
    try {
      s.start();
    } catch (const std::invalid_argument& e) {
      what = e.what();
    }
    s.stop();
    EXPECT_TRUE(io.stop());
    return what;
  };
  webhook_server_options both;
  both.merchant_keys = merchants;
  both.secret_key = "sk_test_single_key_also_given00";
  EXPECT_NE(refused(both).find("not both"), std::string::npos);
  const std::vector<std::vector<merchant_key>> bad{
      {{"bad name", "sk_test_k1"}},
      {{"m", "sk_test_k1"}, {"m", "sk_test_k2"}},
      {{"m", ""}},
      {{"m", "sk_test_same_key_0001"}, {"n", "sk_test_same_key_0001"}},
      std::vector<merchant_key>(max_merchant_keys + 1, {"m", "sk_test_k"})};
  for (const auto& keys : bad) {
    webhook_server_options o;
    o.merchant_keys = keys;
    const auto what = refused(o);
    EXPECT_FALSE(what.empty());
    EXPECT_EQ(what.find("sk_test"), std::string::npos) << what;
  }
}

TEST(MerchantWebhooks, sqlite_inbox_keeps_two_merchants_identical_events_apart) {
  const auto db = temp_db("merchant-inbox");
  flow_test::io_thread io;
  boost::system::error_code ec;
  std::string why;
  seen_merchants seen;
  webhook_server_options o;
  o.merchant_keys = merchants;
  o.path = "/hooks";
  o.store = open_charge_store(io.io().get_executor(), db, ec, why);
  ASSERT_TRUE(o.store) << why;
  o.on_event = [&](const webhook_event& e) { seen.add(e); };
  auto s = std::make_unique<webhook_server>(io.io().get_executor(), o);
  s->start();
  EXPECT_EQ(post(*s, body, merchants[0].secret_key), 200);
  EXPECT_EQ(post(*s, body, merchants[1].secret_key), 200);
  EXPECT_EQ(post(*s, body, merchants[1].secret_key), 200);
  EXPECT_EQ(s->stats().accepted, 2u);
  EXPECT_EQ(s->stats().duplicates, 1u);
  s->stop();
  s.reset();
  o.store.reset();
  EXPECT_TRUE(io.stop());
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(h, "SELECT merchant, semantic_key FROM webhook_events ORDER BY 1",
                               -1, &st, nullptr),
            SQLITE_OK);
  std::vector<std::string> rows;
  while (sqlite3_step(st) == SQLITE_ROW)
    rows.push_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) + " " +
                   reinterpret_cast<const char*>(sqlite3_column_text(st, 1)));
  sqlite3_finalize(st);
  sqlite3_close(h);
  EXPECT_EQ(rows,
            (std::vector<std::string>{"ikeja-mall ikeja-mall/paymentrequest.success:3136406",
                                      "lekki.store lekki.store/paymentrequest.success:3136406"}));
  for (const char* x : {"", "-wal", "-shm"}) std::filesystem::remove(db + x);
}

TEST(MerchantWebhooks, a_schema_2_sqlite_store_is_migrated_and_keeps_its_rows) {
  const auto db = temp_db("merchant-migrate");
  auto run = [&](const char* sql) {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(h, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(h);
  };
  auto record = [&](const std::string& key) {
    flow_test::io_thread io;
    boost::system::error_code ec;
    std::string why;
    auto store = open_charge_store(io.io().get_executor(), db, ec, why);
    EXPECT_TRUE(store) << why;
    bool fresh = false;
    if (store) {
      auto f = store->async_record_webhook(key, "{}", boost::asio::use_future);
      fresh = f.get();
    }
    store.reset();
    EXPECT_TRUE(io.stop());
    return fresh;
  };
  EXPECT_TRUE(record("charge.success:pos_1"));
  // Make it the file a schema-2 library wrote: no merchant column, no request fingerprint
  // (schema 4), no refund tables (schema 5), version 2.
  run("ALTER TABLE webhook_events DROP COLUMN merchant;"
      "ALTER TABLE charges DROP COLUMN request_fingerprint; DROP TABLE refund_journal;"
      "DROP TABLE refunds; UPDATE paystack_schema SET version = 2 WHERE component = 'charges';");
  EXPECT_FALSE(record("charge.success:pos_1"));    // migrated; the old row is still there
  EXPECT_TRUE(record("m1/charge.success:pos_1"));  // another merchant's: a new row
  run("CREATE TABLE check_result AS SELECT (SELECT version FROM paystack_schema WHERE "
      "component='charges') AS v, (SELECT count(*) FROM webhook_events WHERE merchant='') AS "
      "bare, (SELECT count(*) FROM webhook_events WHERE merchant='m1') AS m1;");
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(h, "SELECT v, bare, m1 FROM check_result", -1, &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 5);  // and on to the refund tables' version
  EXPECT_EQ(sqlite3_column_int(st, 1), 1);
  EXPECT_EQ(sqlite3_column_int(st, 2), 1);
  sqlite3_finalize(st);
  sqlite3_close(h);
  for (const char* x : {"", "-wal", "-shm"}) std::filesystem::remove(db + x);
}
