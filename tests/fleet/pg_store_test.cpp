// paystack::charge_store on PostgreSQL (open_charge_store("postgres://...")): the behaviour every
// engine shares (tests/support/store_behaviour.hpp), two stores on one database, a newer schema
// refused, a database that is gone, a connection cut under the store.
#include <gtest/gtest.h>

#include <paystack/charge_store.hpp>
#include <paystack/error.hpp>
#include <paystack/store_url.hpp>

#include "pg/schema.hpp"
#include "pg_test_support.hpp"
#include "store_behaviour.hpp"

namespace fleet_test {
namespace {

using boost::system::error_code;
using namespace store_behaviour;
using namespace std::chrono_literals;

class PgChargeStore : public PgTest {
 protected:
  /// Opens the test's schema as a charge store; null (and a failure) when it cannot.
  std::shared_ptr<charge_store> open(const std::string& url) {
    error_code ec;
    std::string why;
    auto store = open_charge_store(ctx_.io.get_executor(), url, ec, why);
    EXPECT_FALSE(ec) << why;
    return store;
  }
};

TEST_F(PgChargeStore, records_versions_journal_and_webhooks) {
  auto store = open(url_);
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->describe().starts_with("postgres")) << store->describe();
  exercise(*store);
}

TEST_F(PgChargeStore, two_stores_on_one_database_see_one_charge_per_key) {
  auto a = open(url_);
  auto b = open(url_);
  ASSERT_TRUE(a && b);
  two_writers_one_charge_per_key(*a, *b);
  // Each store sees what the other wrote, journal included.
  auto [ec, hist] = wait<charge_history_signature>(b->async_history("k0"));
  ASSERT_FALSE(ec);
  ASSERT_EQ(hist.size(), 2u);
  EXPECT_EQ(hist[1].stage, charge_journal_stage::creating);
}

TEST_F(PgChargeStore, writes_are_fenced_by_the_key_s_live_lease) {
  auto a = open(url_);
  auto b = open(url_);
  ASSERT_TRUE(a && b);
  writes_are_fenced_by_the_key_s_live_lease(*a, *b);
}

TEST_F(PgChargeStore, keeps_the_request_fingerprint_written_at_begin) {
  auto a = open(url_);
  auto b = open(url_);
  ASSERT_TRUE(a && b);
  the_request_fingerprint_is_written_once(*a, *b);
}

TEST_F(PgChargeStore, refuses_a_database_of_a_newer_schema) {
  ASSERT_TRUE(open(url_));
  auto [ec, r] = exec(*admin_, "UPDATE " + schema_ + ".paystack_schema_version SET version = 7");
  ASSERT_FALSE(ec) << r.message();
  error_code oec;
  std::string why;
  auto store = open_charge_store(ctx_.io.get_executor(), url_, oec, why);
  EXPECT_FALSE(store);
  EXPECT_EQ(oec, make_error_code(error::store_too_new));
  EXPECT_NE(why.find("version 7"), std::string::npos) << why;
}

TEST_F(PgChargeStore, a_version_4_database_gets_the_fingerprint_and_keeps_its_rows) {
  // What main wrote before issue 24 (migrations 1 to 4: the inbox's merchant, no request
  // fingerprint), with a charge under lease and one merchant's webhook.
  auto c = connected();
  std::string v4 =
      "CREATE TABLE paystack_schema_version (singleton boolean PRIMARY KEY DEFAULT"
      " true CHECK (singleton), version integer NOT NULL, applied_at timestamptz"
      " NOT NULL DEFAULT clock_timestamp()); INSERT INTO paystack_schema_version"
      " (version) VALUES (4);";
  for (int i = 0; i < 4; ++i) v4 += std::string(paystack::pg::migrations().at(i)) + ";";
  v4 +=
      "INSERT INTO paystack_charges (charge_key, terminal_id, customer, amount, currency, stage,"
      " request_code, pushes, fencing_token, version) VALUES ('old-4', 'T4', 'CUS_x', 400, 'NGN',"
      " 'pushed', 'PRQ_old4', 1, 9, 4);"
      "INSERT INTO paystack_webhook_inbox (semantic_key, event, body, merchant) VALUES"
      " ('m1/charge.success:ref4', 'charge.success', '{}', 'm1')";
  auto [ec1, r1] = exec(*c, v4);
  ASSERT_FALSE(ec1) << r1.message();
  auto store = open(url_);
  ASSERT_TRUE(store);
  auto [ec, rec] = wait<charge_load_signature>(store->async_load("old-4"));
  ASSERT_FALSE(ec);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->request_code, "PRQ_old4");
  EXPECT_EQ(rec->fencing_token, 9);
  EXPECT_TRUE(rec->request_fingerprint.empty()) << "begun before fingerprints were stored";
  auto [e2, fresh] =
      wait<webhook_record_signature>(store->async_record_webhook("m1/charge.success:ref4", "{}"));
  ASSERT_FALSE(e2);
  EXPECT_FALSE(fresh) << "the merchant's inbox row is still there";
  auto next = sample("new-5");
  next.request_fingerprint = "sha256:new";
  auto [e3, begun, inserted] = wait<charge_begin_signature>(store->async_begin(next));
  ASSERT_FALSE(e3);
  EXPECT_TRUE(inserted);
  auto [e4, loaded] = wait<charge_load_signature>(store->async_load("new-5"));
  ASSERT_FALSE(e4);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->request_fingerprint, "sha256:new");
  auto [e5, r5] = query(*c, "SELECT version FROM paystack_schema_version");
  ASSERT_FALSE(e5) << r5.message();
  EXPECT_EQ(r5.integer(0, 0), paystack::pg::schema_version) << "and on to the refund tables (6)";
}

TEST_F(PgChargeStore, a_database_that_is_gone_is_a_clear_error_without_the_password) {
  // Port 1 on loopback: nothing listens there.
  error_code ec;
  std::string why;
  auto store =
      open_charge_store(ctx_.io.get_executor(),
                        "postgres://pos:s3cretpw@127.0.0.1:1/pos?connect_timeout=2", ec, why, 3000);
  EXPECT_FALSE(store);
  EXPECT_EQ(ec, make_error_code(error::store_failed));
  EXPECT_NE(why.find("postgres://pos@127.0.0.1:1/pos"), std::string::npos) << why;
  EXPECT_NE(why.find("cannot be used"), std::string::npos) << why;
  EXPECT_EQ(why.find("s3cretpw"), std::string::npos) << "the password leaked: " << why;
}

TEST_F(PgChargeStore, a_cut_connection_costs_a_reconnect_not_an_operation) {
  const std::string app = "store_cut_" + schema_;
  auto store = open(url_ + "&application_name=" + app);
  ASSERT_TRUE(store);
  auto [ec1, rec, inserted] = wait<charge_begin_signature>(store->async_begin(sample("cut-1")));
  ASSERT_FALSE(ec1);
  // The store's connection (and open's, when its backend has not ended yet).
  auto [ec2, r] = query(*admin_,
                        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM "
                        "pg_stat_activity WHERE application_name = $1) t",
                        {app});
  ASSERT_FALSE(ec2) << r.message();
  ASSERT_GE(r.integer(0, 0), 1) << "the store's connection was not found";
  // The next operation meets the dead connection, reconnects and is sent again
  // (PgStoreRetry.* for every operation).
  auto [ec3, first] = wait<charge_load_signature>(store->async_load("cut-1"));
  ASSERT_FALSE(ec3) << ec3.message();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->amount, 5000);
}

TEST_F(PgChargeStore, one_lease_per_terminal_and_a_stale_fencing_token_is_refused) {
  auto a = open(url_);
  auto b = open(url_);
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(a->leases_terminals());
  auto [ec, rec, inserted] = wait<charge_begin_signature>(a->async_begin(sample("fenced-1")));
  ASSERT_FALSE(ec);
  auto [ec1, la] =
      wait<lease_acquire_signature>(a->async_acquire_lease("T0000001", "fenced-1", 60s));
  ASSERT_FALSE(ec1);
  ASSERT_TRUE(la.acquired);
  EXPECT_GT(la.fencing_token, 0);
  auto [ec2, lb] = wait<lease_acquire_signature>(b->async_acquire_lease("T0000001", "other", 60s));
  ASSERT_FALSE(ec2);
  EXPECT_FALSE(lb.acquired) << "the terminal is leased";
  EXPECT_EQ(lb.holder, la.holder);
  EXPECT_EQ(lb.charge_key, "fenced-1");

  // A writes under its token.
  rec.fencing_token = la.fencing_token;
  rec.stage = charge_journal_stage::creating;
  auto [ec3, saved] = wait<charge_save_signature>(a->async_save(rec, "creating"));
  ASSERT_FALSE(ec3);
  // A stalls; its lease expires (made so here) and B takes the terminal over with a newer token.
  auto [ec4, r4] = exec(*admin_, "UPDATE " + schema_ +
                                     ".paystack_terminal_leases SET expires_at = clock_timestamp()"
                                     " - interval '1 second'");
  ASSERT_FALSE(ec4) << r4.message();
  auto [ec5, lb2] =
      wait<lease_acquire_signature>(b->async_acquire_lease("T0000001", "fenced-1", 60s));
  ASSERT_FALSE(ec5);
  ASSERT_TRUE(lb2.acquired) << "an expired lease is taken over";
  EXPECT_GT(lb2.fencing_token, la.fencing_token);
  // A wakes up and writes with its old token and the current version: refused.
  auto stale = saved;
  stale.stage = charge_journal_stage::created;
  stale.request_code = "PRQ_stale";
  auto [ec6, refused] = wait<charge_save_signature>(a->async_save(stale, "created"));
  EXPECT_EQ(ec6, make_error_code(error::store_conflict)) << "a stale holder overwrote the charge";
  // B, under the new token, continues the same charge.
  auto fresh = saved;
  fresh.fencing_token = lb2.fencing_token;
  fresh.stage = charge_journal_stage::created;
  fresh.request_code = "PRQ_fresh";
  auto [ec7, by_b] = wait<charge_save_signature>(b->async_save(fresh, "created"));
  ASSERT_FALSE(ec7);
  EXPECT_EQ(by_b.request_code, "PRQ_fresh");
  // Once B wrote, even A's old token on a fresh version is refused (the charge's token is newer).
  auto again = by_b;
  again.fencing_token = la.fencing_token;
  auto [ec8, refused2] = wait<charge_save_signature>(a->async_save(again, "again"));
  EXPECT_EQ(ec8, make_error_code(error::store_conflict));

  // Release: only by the holder named (an operator's release of a holder that is gone fails).
  auto [ec9, wrong] =
      wait<lease_release_signature>(a->async_release_lease("T0000001", la.holder + "x", 0));
  ASSERT_FALSE(ec9);
  EXPECT_FALSE(wrong);
  auto [ec10, listed] = wait<lease_list_signature>(a->async_list_leases());
  ASSERT_FALSE(ec10);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].fencing_token, lb2.fencing_token);
  auto [ec11, right] =
      wait<lease_release_signature>(a->async_release_lease("T0000001", listed[0].holder, 0));
  ASSERT_FALSE(ec11);
  EXPECT_TRUE(right);
}

}  // namespace
}  // namespace fleet_test
