// The keyed refunds' records as every charge_store engine keeps them (paystack/refund_flow.hpp):
// one body of checks run against memory and SQLite (tests/flow/refund_store_test.cpp) and
// PostgreSQL (tests/fleet/pg_refund_test.cpp), as store_behaviour.hpp does for charges.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <paystack/charge_store.hpp>
#include <paystack/error.hpp>
#include <string>
#include <thread>

#include "store_behaviour.hpp"

namespace store_behaviour {

/// A record of the kind async_refund begins.
inline refund_record refund_sample(std::string key, std::int64_t amount = 400) {
  refund_record r;
  r.key = std::move(key);
  r.transaction = "4099260516";
  r.amount = amount;
  r.currency = "NGN";
  return r;
}

/// Begin (twice: one record per key), save through the stages (a stale version refused), load,
/// history, list (unfinished only, paged with `after`), an unknown key.
inline void exercise_refunds(charge_store& store) {
  auto [ec, rec, inserted] =
      wait<refund_begin_signature>(store.async_begin_refund(refund_sample("return-1")));
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_TRUE(inserted);
  EXPECT_EQ(rec.stage, refund_journal_stage::started);
  EXPECT_GT(rec.created_at_ms, 0);
  auto [ec2, again, inserted2] =
      wait<refund_begin_signature>(store.async_begin_refund(refund_sample("return-1", 999)));
  ASSERT_FALSE(ec2);
  EXPECT_FALSE(inserted2) << "the same key is one refund";
  EXPECT_EQ(again.amount, 400) << "the stored record, not the second call's";
  EXPECT_EQ(again.version, rec.version);

  auto sending = rec;
  sending.stage = refund_journal_stage::sending;
  sending.transaction_id = 4099260516;
  auto [ec3, saved] = wait<refund_save_signature>(store.async_save_refund(sending, "POST /refund"));
  ASSERT_FALSE(ec3) << ec3.message();
  EXPECT_EQ(saved.version, rec.version + 1);
  auto [ec4, stale] = wait<refund_save_signature>(store.async_save_refund(sending, "again"));
  EXPECT_EQ(ec4, make_error_code(error::store_conflict)) << "a stale version was written";

  auto done = saved;
  done.stage = refund_journal_stage::finished;
  done.refund_id = 15581137;
  done.refund_status = "pending";
  done.outcome = refund_outcome::refunded;
  done.reason = "refund 15581137 pending";
  auto [ec5, fin] = wait<refund_save_signature>(store.async_save_refund(done, "15581137"));
  ASSERT_FALSE(ec5) << ec5.message();

  auto [ec6, loaded] = wait<refund_load_signature>(store.async_load_refund("return-1"));
  ASSERT_FALSE(ec6);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->transaction, "4099260516");
  EXPECT_EQ(loaded->amount, 400);
  EXPECT_EQ(loaded->currency, "NGN");
  EXPECT_EQ(loaded->stage, refund_journal_stage::finished);
  EXPECT_EQ(loaded->transaction_id, 4099260516);
  EXPECT_EQ(loaded->refund_id, 15581137);
  EXPECT_EQ(loaded->refund_status, "pending");
  EXPECT_EQ(loaded->outcome, refund_outcome::refunded);
  EXPECT_EQ(loaded->reason, "refund 15581137 pending");
  EXPECT_EQ(loaded->version, fin.version);
  EXPECT_EQ(loaded->created_at_ms, rec.created_at_ms);
  auto [ec7, missing] = wait<refund_load_signature>(store.async_load_refund("return-none"));
  ASSERT_FALSE(ec7);
  EXPECT_FALSE(missing);

  auto [ec8, journal] = wait<refund_history_signature>(store.async_refund_history("return-1"));
  ASSERT_FALSE(ec8);
  ASSERT_EQ(journal.size(), 3u);
  EXPECT_EQ(journal[0].stage, refund_journal_stage::started);
  EXPECT_EQ(journal[1].stage, refund_journal_stage::sending);
  EXPECT_EQ(journal[1].detail, "POST /refund");
  EXPECT_EQ(journal[2].stage, refund_journal_stage::finished);
  EXPECT_EQ(journal[2].detail, "15581137");
  EXPECT_LT(journal[0].sequence, journal[1].sequence);

  // Two more, later: one left unfinished. Listed oldest first; paged by the last key.
  auto later = refund_sample("return-2");
  later.created_at_ms = rec.created_at_ms + 1000;
  auto last = refund_sample("return-3");
  last.created_at_ms = rec.created_at_ms + 2000;
  auto [ec9, r2, i2] = wait<refund_begin_signature>(store.async_begin_refund(later));
  auto [ec10, r3, i3] = wait<refund_begin_signature>(store.async_begin_refund(last));
  ASSERT_FALSE(ec9 || ec10);
  auto [ec11, all] = wait<refund_list_signature>(store.async_list_refunds({}));
  ASSERT_FALSE(ec11);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].key, "return-1");
  EXPECT_EQ(all[2].key, "return-3");
  auto [ec12, open] =
      wait<refund_list_signature>(store.async_list_refunds({.unfinished_only = true}));
  ASSERT_FALSE(ec12);
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0].key, "return-2");
  auto [ec13, page] =
      wait<refund_list_signature>(store.async_list_refunds({.limit = 1, .after = "return-2"}));
  ASSERT_FALSE(ec13);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].key, "return-3");

  auto [ec14, nokey, ins] = wait<refund_begin_signature>(store.async_begin_refund(refund_record{}));
  EXPECT_EQ(ec14, make_error_code(error::invalid_argument)) << "a record without a key";
}

/// Two stores on one database (two processes): both begin the same keys at once, each key is
/// inserted exactly once; a save through one makes the other's copy stale.
inline void two_writers_one_refund_per_key(charge_store& a, charge_store& b) {
  constexpr int keys = 30;
  std::atomic<int> inserted{0};
  std::atomic<int> failed{0};
  auto begin_all = [&](charge_store& s) {
    for (int i = 0; i < keys; ++i) {
      auto [e, r, ins] = wait<refund_begin_signature>(
          s.async_begin_refund(refund_sample("race-" + std::to_string(i))));
      if (e) ++failed;
      if (ins) ++inserted;
    }
  };
  std::thread ta([&] { begin_all(a); });
  std::thread tb([&] { begin_all(b); });
  ta.join();
  tb.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(inserted.load(), keys);
  auto [e1, r1] = wait<refund_load_signature>(a.async_load_refund("race-0"));
  ASSERT_TRUE(r1);
  auto moved = *r1;
  moved.stage = refund_journal_stage::sending;
  auto [e2, s2] = wait<refund_save_signature>(a.async_save_refund(moved, "POST /refund"));
  ASSERT_FALSE(e2);
  auto [e3, s3] = wait<refund_save_signature>(b.async_save_refund(moved, "POST /refund"));
  EXPECT_EQ(e3, make_error_code(error::store_conflict)) << "both sent the refund";
  auto [e4, hist] = wait<refund_history_signature>(b.async_refund_history("race-0"));
  ASSERT_FALSE(e4);
  EXPECT_EQ(hist.size(), 2u) << "one journal entry per write that took";
}

/// The serialisation of one transaction's refunds across processes (stores that lease: SQLite,
/// PostgreSQL): the lease async_refund takes, "refund:txn:ID", is held by one store's refund; the
/// other store's refund of the same transaction cannot take it until it is released, another
/// transaction's can.
inline void one_transaction_s_refunds_lease_one_at_a_time(charge_store& a, charge_store& b) {
  ASSERT_TRUE(a.leases_terminals());
  const std::chrono::milliseconds ttl(60'000);
  auto [e1, first] = wait<lease_acquire_signature>(
      a.async_acquire_lease("refund:txn:4099260516", "refund:return-a", ttl));
  ASSERT_FALSE(e1);
  ASSERT_TRUE(first.acquired);
  auto [e2, second] = wait<lease_acquire_signature>(
      b.async_acquire_lease("refund:txn:4099260516", "refund:return-b", ttl));
  ASSERT_FALSE(e2);
  EXPECT_FALSE(second.acquired) << "two refunds of one transaction at once";
  EXPECT_EQ(second.charge_key, "refund:return-a");
  auto [e3, other] = wait<lease_acquire_signature>(
      b.async_acquire_lease("refund:txn:4099260517", "refund:return-c", ttl));
  ASSERT_FALSE(e3);
  EXPECT_TRUE(other.acquired) << "another transaction's refund waited";
  auto [e4, released] = wait<lease_release_signature>(
      a.async_release_lease("refund:txn:4099260516", first.holder, first.fencing_token));
  ASSERT_FALSE(e4);
  EXPECT_TRUE(released);
  auto [e5, after] = wait<lease_acquire_signature>(
      b.async_acquire_lease("refund:txn:4099260516", "refund:return-b", ttl));
  ASSERT_FALSE(e5);
  EXPECT_TRUE(after.acquired);
  EXPECT_GT(after.fencing_token, first.fencing_token);
}

}  // namespace store_behaviour
