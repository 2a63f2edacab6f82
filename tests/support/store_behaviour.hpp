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

}  // namespace store_behaviour
