// The behaviour every charge_store engine shares (memory, SQLite in tests/flow; PostgreSQL in
// tests/fleet): one body of checks run against each engine rather than a copy per engine.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <paystack/charge_store.hpp>
#include <paystack/error.hpp>
#include <string>
#include <thread>
#include <tuple>

namespace store_behaviour {

using namespace paystack;

template <class Sig>
struct waiter;
template <class... Args>
struct waiter<void(Args...)> {
  template <class Op>
  static std::tuple<Args...> run(Op op) {
    std::promise<std::tuple<Args...>> p;
    auto f = p.get_future();
    std::move(op)([&p](Args... a) { p.set_value(std::tuple<Args...>(std::move(a)...)); });
    if (f.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
      ADD_FAILURE() << "the store operation did not complete within 30 s";
      std::abort();  // the handler still refers to `p`
    }
    return f.get();
  }
};
/// Runs a deferred store operation and waits for its completion's arguments.
template <class Sig, class Op>
auto wait(Op op) {
  return waiter<Sig>::run(std::move(op));
}

/// A record of the kind the charge flow begins.
inline charge_record sample(std::string key) {
  charge_record r;
  r.key = std::move(key);
  r.terminal_id = "T0000001";
  r.customer = "CUS_store0001";
  r.amount = 5000;
  r.currency = "NGN";
  return r;
}

/// Begin, save twice (the second with a stale version), load, history, list.
inline void exercise(charge_store& store) {
  auto [ec, rec, inserted] = wait<charge_begin_signature>(store.async_begin(sample("order-1")));
  ASSERT_FALSE(ec);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(rec.version, 1u);
  EXPECT_EQ(rec.stage, charge_journal_stage::started);

  auto [ec2, again, inserted2] = wait<charge_begin_signature>(store.async_begin(sample("order-1")));
  ASSERT_FALSE(ec2);
  EXPECT_FALSE(inserted2) << "the same key is one charge";

  auto next = rec;
  next.stage = charge_journal_stage::created;
  next.request_id = 2227000;
  next.request_code = "PRQ_abc";
  next.offline_reference = "4634332227000";
  auto [ec3, saved] = wait<charge_save_signature>(store.async_save(next, "PRQ_abc"));
  ASSERT_FALSE(ec3);
  EXPECT_EQ(saved.version, 2u);

  auto [ec4, stale] = wait<charge_save_signature>(store.async_save(next, "again"));
  EXPECT_EQ(ec4, make_error_code(error::store_conflict)) << "version 1 is stale";

  auto [ec5, loaded] = wait<charge_load_signature>(store.async_load("order-1"));
  ASSERT_FALSE(ec5);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->request_code, "PRQ_abc");
  EXPECT_EQ(loaded->request_id, 2227000);
  EXPECT_EQ(loaded->offline_reference, "4634332227000");
  EXPECT_EQ(loaded->stage, charge_journal_stage::created);
  EXPECT_FALSE(loaded->outcome);

  auto [ec6, hist] = wait<charge_history_signature>(store.async_history("order-1"));
  ASSERT_FALSE(ec6);
  ASSERT_EQ(hist.size(), 2u);
  EXPECT_EQ(hist[0].stage, charge_journal_stage::started);
  EXPECT_EQ(hist[1].detail, "PRQ_abc");

  auto fin = saved;
  fin.stage = charge_journal_stage::finished;
  fin.outcome = charge_outcome::not_delivered;
  fin.open = true;
  auto [ec7, done] = wait<charge_save_signature>(store.async_save(fin, "not_delivered"));
  ASSERT_FALSE(ec7);
  auto [ec8, open] = wait<charge_list_signature>(store.async_list({.open_only = true}));
  ASSERT_FALSE(ec8);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].outcome, charge_outcome::not_delivered);
  auto [ec9, unfinished] = wait<charge_list_signature>(store.async_list({.unfinished_only = true}));
  ASSERT_FALSE(ec9);
  EXPECT_TRUE(unfinished.empty());

  auto [ec10, fresh] =
      wait<webhook_record_signature>(store.async_record_webhook("charge.success:pos_1", "{}"));
  ASSERT_FALSE(ec10);
  EXPECT_TRUE(fresh);
  auto [ec11, fresh2] =
      wait<webhook_record_signature>(store.async_record_webhook("charge.success:pos_1", "{}"));
  ASSERT_FALSE(ec11);
  EXPECT_FALSE(fresh2) << "a replay is not new";
}

/// The request fingerprint (charge_record::request_fingerprint) is written by the begin that
/// inserts the record, seen through another store on the same database, and never changed by a
/// later begin or a save; a record begun without one has none.
inline void the_request_fingerprint_is_written_once(charge_store& a, charge_store& b) {
  auto first = sample("fp-1");
  first.request_fingerprint = "sha256:first";
  auto [ec, rec, inserted] = wait<charge_begin_signature>(a.async_begin(first));
  ASSERT_FALSE(ec);
  ASSERT_TRUE(inserted);
  EXPECT_EQ(rec.request_fingerprint, "sha256:first");
  auto other = sample("fp-1");
  other.request_fingerprint = "sha256:other";
  auto [ec2, stored, inserted2] = wait<charge_begin_signature>(b.async_begin(other));
  ASSERT_FALSE(ec2);
  EXPECT_FALSE(inserted2);
  EXPECT_EQ(stored.request_fingerprint, "sha256:first") << "the stored request, not this one";
  auto next = rec;
  next.stage = charge_journal_stage::creating;
  next.request_fingerprint = "sha256:changed";
  auto [ec3, saved] = wait<charge_save_signature>(a.async_save(next, "creating"));
  ASSERT_FALSE(ec3);
  EXPECT_EQ(saved.request_fingerprint, "sha256:first");
  auto [ec4, loaded] = wait<charge_load_signature>(b.async_load("fp-1"));
  ASSERT_FALSE(ec4);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->request_fingerprint, "sha256:first") << "a save never changes it";
  EXPECT_EQ(loaded->stage, charge_journal_stage::creating);
  auto [ec5, none, inserted5] = wait<charge_begin_signature>(a.async_begin(sample("fp-2")));
  ASSERT_FALSE(ec5);
  ASSERT_TRUE(inserted5);
  auto [ec6, none_loaded] = wait<charge_load_signature>(b.async_load("fp-2"));
  ASSERT_FALSE(ec6);
  ASSERT_TRUE(none_loaded);
  EXPECT_TRUE(none_loaded->request_fingerprint.empty());
}

/// Two stores on one database (two processes' connections): both begin the same keys at once,
/// each key is inserted exactly once; a write through one makes the other's copy stale.
inline void two_writers_one_charge_per_key(charge_store& a, charge_store& b) {
  // Both begin the same 50 keys at the same time: each key is inserted exactly once.
  constexpr int keys = 50;
  std::atomic<int> inserted{0};
  std::atomic<int> failed{0};
  auto begin_all = [&](charge_store& s) {
    for (int i = 0; i < keys; ++i) {
      auto [e, r, ins] =
          wait<charge_begin_signature>(s.async_begin(sample("k" + std::to_string(i))));
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
  // A write through one connection makes the other's copy stale.
  auto [e1, r1] = wait<charge_load_signature>(a.async_load("k0"));
  ASSERT_TRUE(r1);
  auto moved = *r1;
  moved.stage = charge_journal_stage::creating;
  auto [e2, s2] = wait<charge_save_signature>(a.async_save(moved, ""));
  ASSERT_FALSE(e2);
  auto [e3, s3] = wait<charge_save_signature>(b.async_save(moved, ""));
  EXPECT_EQ(e3, make_error_code(error::store_conflict));
}

/// Two processes' stores that lease terminals (SQLite, PostgreSQL), issue 21: a write without a
/// fencing token is refused while a live lease names the charge's key (its holder runs it),
/// allowed once the lease is stopped or released; a renewal keeps the lease, a stopped lease is
/// not renewed; a lease taken over by a newer token refuses the old token's writes.
inline void writes_are_fenced_by_the_key_s_live_lease(charge_store& a, charge_store& b) {
  using namespace std::chrono_literals;
  ASSERT_TRUE(a.leases_terminals());
  auto [e0, rec, ins] = wait<charge_begin_signature>(a.async_begin(sample("fence-k")));
  ASSERT_FALSE(e0);
  auto [e1, lease] = wait<lease_acquire_signature>(
      a.async_acquire_lease(rec.terminal_id, "fence-k", std::chrono::milliseconds(60'000)));
  ASSERT_FALSE(e1);
  ASSERT_TRUE(lease.acquired);
  // Another process's write without a token (e.g. a second runner closing it as busy).
  auto intruder = rec;
  intruder.stage = charge_journal_stage::finished;
  intruder.outcome = charge_outcome::terminal_busy;
  intruder.fencing_token = 0;
  auto [e2, s2] = wait<charge_save_signature>(b.async_save(intruder, "terminal_busy"));
  EXPECT_EQ(e2, make_error_code(error::store_conflict)) << "a live charge was closed by another";
  // The holder writes under its token; it renews its lease.
  auto own = rec;
  own.stage = charge_journal_stage::creating;
  own.fencing_token = lease.fencing_token;
  auto [e3, s3] = wait<charge_save_signature>(a.async_save(own, ""));
  ASSERT_FALSE(e3) << e3.message();
  auto [e4, renewed] = wait<lease_release_signature>(
      a.async_renew_lease(rec.terminal_id, lease.fencing_token, std::chrono::milliseconds(60'000)));
  ASSERT_FALSE(e4);
  EXPECT_TRUE(renewed);
  // Stopped: no longer renewed, and a write without a token is allowed (nobody runs it).
  auto [e5, stopped] = wait<lease_release_signature>(
      a.async_stop_lease(rec.terminal_id, lease.fencing_token, std::chrono::milliseconds(60'000)));
  ASSERT_FALSE(e5);
  EXPECT_TRUE(stopped);
  auto [e6, renewed2] = wait<lease_release_signature>(
      a.async_renew_lease(rec.terminal_id, lease.fencing_token, std::chrono::milliseconds(60'000)));
  ASSERT_FALSE(e6);
  EXPECT_FALSE(renewed2) << "a stopped lease is not revived";
  auto later = s3;
  later.stage = charge_journal_stage::finished;
  later.outcome = charge_outcome::cancelled;
  later.fencing_token = 0;
  auto [e7, s7] = wait<charge_save_signature>(b.async_save(later, "cancelled"));
  EXPECT_FALSE(e7) << e7.message();
  // The same key takes the stopped lease over with a newer token; the old token is refused.
  auto [e8, taken] = wait<lease_acquire_signature>(
      b.async_acquire_lease(rec.terminal_id, "fence-k", std::chrono::milliseconds(60'000)));
  ASSERT_FALSE(e8);
  ASSERT_TRUE(taken.acquired);
  EXPECT_GT(taken.fencing_token, lease.fencing_token);
  auto stale = s7;
  stale.fencing_token = lease.fencing_token;
  auto [e9, s9] = wait<charge_save_signature>(a.async_save(stale, "stale"));
  EXPECT_EQ(e9, make_error_code(error::store_conflict)) << "an old token wrote over a newer one";
  auto [e10, gone] = wait<lease_release_signature>(
      b.async_release_lease(rec.terminal_id, std::string(), taken.fencing_token));
  ASSERT_FALSE(e10);
  EXPECT_TRUE(gone);
}

}  // namespace store_behaviour
