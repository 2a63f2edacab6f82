// Keyed refunds in the PostgreSQL charge store (schema version 6, src/flow/store/
// pg_store_refunds.cpp): the behaviour every engine shares (tests/support/
// refund_store_behaviour.hpp), two stores on one database (one record per key, one transaction's
// refunds one at a time), a cut connection, a begin and a save whose replies were lost, a
// version 5 database (main's: the request fingerprint) migrated with its charges kept.
#include <gtest/gtest.h>

#include <paystack/charge_store.hpp>
#include <paystack/error.hpp>
#include <paystack/store_url.hpp>

#include "flow/store/pg_store.hpp"
#include "pg_test_support.hpp"
#include "refund_store_behaviour.hpp"

namespace fleet_test {
namespace {

using boost::system::error_code;
using namespace store_behaviour;

class PgRefundStore : public PgTest {
 protected:
  std::shared_ptr<charge_store> open(const std::string& url) {
    error_code ec;
    std::string why;
    auto store = open_charge_store(ctx_.io.get_executor(), url, ec, why);
    EXPECT_FALSE(ec) << why;
    return store;
  }
  std::vector<refund_journal_entry> history(charge_store& s, const std::string& key) {
    auto [ec, h] = wait<refund_history_signature>(s.async_refund_history(key));
    EXPECT_FALSE(ec) << ec.message();
    return h;
  }
};

TEST_F(PgRefundStore, keeps_records_versions_journal_and_lists) {
  auto store = open(url_);
  ASSERT_TRUE(store);
  exercise_refunds(*store);
}

TEST_F(PgRefundStore, two_stores_on_one_database_keep_one_refund_per_key) {
  auto a = open(url_);
  auto b = open(url_);
  ASSERT_TRUE(a && b);
  two_writers_one_refund_per_key(*a, *b);
}

TEST_F(PgRefundStore, two_stores_refund_one_transaction_one_at_a_time) {
  auto a = open(url_);
  auto b = open(url_);
  ASSERT_TRUE(a && b);
  one_transaction_s_refunds_lease_one_at_a_time(*a, *b);
}

TEST_F(PgRefundStore, every_refund_operation_succeeds_after_its_idle_connection_was_cut) {
  const std::string app = "refund_cut_" + schema_;
  auto store = open(url_ + "&application_name=" + app);
  ASSERT_TRUE(store);
  auto cut = [&] {
    auto [ec, r] = query(*admin_,
                         "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM "
                         "pg_stat_activity WHERE application_name = $1) t",
                         {app});
    ASSERT_FALSE(ec) << r.message();
  };
  auto [ec1, rec, inserted] =
      wait<refund_begin_signature>(store->async_begin_refund(refund_sample("cut-1")));
  ASSERT_FALSE(ec1) << ec1.message();
  cut();
  auto next = rec;
  next.stage = refund_journal_stage::sending;
  auto [ec2, saved] = wait<refund_save_signature>(store->async_save_refund(next, "POST /refund"));
  ASSERT_FALSE(ec2) << ec2.message();
  EXPECT_EQ(saved.version, rec.version + 1);
  cut();
  auto [ec3, loaded] = wait<refund_load_signature>(store->async_load_refund("cut-1"));
  ASSERT_FALSE(ec3) << ec3.message();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->stage, refund_journal_stage::sending);
  cut();
  auto [ec4, open_ones] =
      wait<refund_list_signature>(store->async_list_refunds({.unfinished_only = true}));
  ASSERT_FALSE(ec4) << ec4.message();
  EXPECT_EQ(open_ones.size(), 1u);
  cut();
  EXPECT_EQ(history(*store, "cut-1").size(), 2u);
}

TEST_F(PgRefundStore, a_begin_and_a_save_whose_replies_were_lost_are_their_own_writes) {
  auto store = open(url_);
  ASSERT_TRUE(store);
  if (!paystack::detail::pg_store_drop_replies(*store, 0))
    GTEST_SKIP() << "built without PAYSTACK_TEST_FAILPOINTS";
  ASSERT_TRUE(paystack::detail::pg_store_drop_replies(*store, 1));
  auto [ec, rec, inserted] =
      wait<refund_begin_signature>(store->async_begin_refund(refund_sample("lost-1")));
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_TRUE(inserted) << "the resend did not recognise its own insert";
  EXPECT_EQ(history(*store, "lost-1").size(), 1u) << "begun twice";

  auto next = rec;
  next.stage = refund_journal_stage::sending;
  ASSERT_TRUE(paystack::detail::pg_store_drop_replies(*store, 1));
  auto [ec1, saved] = wait<refund_save_signature>(store->async_save_refund(next, "POST /refund"));
  ASSERT_FALSE(ec1) << "the resend did not recognise its own write: " << ec1.message();
  EXPECT_EQ(saved.version, rec.version + 1);
  EXPECT_EQ(saved.stage, refund_journal_stage::sending);
  ASSERT_EQ(history(*store, "lost-1").size(), 2u) << "the stage was journalled twice";

  // Another store moves the refund on; this store's save of the old version, its reply lost,
  // finds a record it did not write: a conflict.
  auto other = open(url_);
  ASSERT_TRUE(other);
  auto theirs = saved;
  theirs.stage = refund_journal_stage::finished;
  theirs.outcome = refund_outcome::refused;
  auto [ec2, by_other] = wait<refund_save_signature>(other->async_save_refund(theirs, "refused"));
  ASSERT_FALSE(ec2);
  auto mine = saved;
  mine.stage = refund_journal_stage::finished;
  mine.outcome = refund_outcome::refunded;
  ASSERT_TRUE(paystack::detail::pg_store_drop_replies(*store, 1));
  auto [ec3, refused] = wait<refund_save_signature>(store->async_save_refund(mine, "refunded"));
  EXPECT_EQ(ec3, make_error_code(error::store_conflict)) << ec3.message();
  auto [ec4, final_one] = wait<refund_load_signature>(store->async_load_refund("lost-1"));
  ASSERT_TRUE(final_one);
  EXPECT_EQ(final_one->outcome, refund_outcome::refused) << "the other store's write stands";
}

TEST_F(PgRefundStore, a_version_5_database_gains_the_refund_tables_and_keeps_its_charges) {
  auto c = connected();
  // What main wrote before the refund tables: migrations 1 to 5 (5: the request fingerprint).
  std::string v5;
  for (int i = 0; i < 5; ++i) v5 += std::string(paystack::pg::migrations().at(i)) + ";";
  auto [ec1, r1] = exec(*c, v5 + " CREATE TABLE paystack_schema_version (singleton boolean"
                                 " PRIMARY KEY DEFAULT true CHECK (singleton), version integer"
                                 " NOT NULL, applied_at timestamptz NOT NULL DEFAULT"
                                 " clock_timestamp()); INSERT INTO paystack_schema_version"
                                 " (version) VALUES (5); INSERT INTO paystack_charges (charge_key,"
                                 " terminal_id, customer, amount, stage) VALUES ('old-1',"
                                 " 'T0000001', 'CUS_old', 5000, 'started')");
  ASSERT_FALSE(ec1) << r1.message();
  auto store = open(url_);
  ASSERT_TRUE(store);
  auto [ec2, old] = wait<charge_load_signature>(store->async_load("old-1"));
  ASSERT_FALSE(ec2);
  ASSERT_TRUE(old) << "the charge of version 5 is gone";
  EXPECT_EQ(old->amount, 5000);
  auto [ec3, rec, inserted] =
      wait<refund_begin_signature>(store->async_begin_refund(refund_sample("after-5")));
  ASSERT_FALSE(ec3) << ec3.message();
  EXPECT_TRUE(inserted);
  auto [ec4, v] = query(*c, "SELECT version FROM paystack_schema_version");
  ASSERT_FALSE(ec4) << v.message();
  EXPECT_EQ(v.integer(0, 0), 6);
}

}  // namespace
}  // namespace fleet_test
