// Terminal leases raced by several connections (instances): one holder at a time, fencing tokens
// strictly increasing, release and renew only with the token still the terminal's, an expired
// lease taken over.
#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <vector>

#include "pg/leases.hpp"
#include "pg/schema.hpp"
#include "pg_test_support.hpp"

namespace fleet_test {
namespace {

using boost::system::error_code;
using paystack::pg::lease;

class PgLeases : public PgMigratedTest {
 protected:
  static lease acquire(connection& c, const std::string& terminal, const std::string& holder,
                       std::chrono::milliseconds ttl = 30s) {
    auto [ec, l] = await_call<error_code, lease>([&](auto h) {
      paystack::pg::async_acquire_lease(c, terminal, holder, "key-" + holder, ttl, std::move(h));
    });
    EXPECT_FALSE(ec) << ec.message();
    return l;
  }
  static bool release(connection& c, const std::string& terminal, std::int64_t token) {
    auto [ec, done] = await_call<error_code, bool>(
        [&](auto h) { paystack::pg::async_release_lease(c, terminal, token, std::move(h)); });
    EXPECT_FALSE(ec) << ec.message();
    return done;
  }
  static bool renew(connection& c, const std::string& terminal, std::int64_t token,
                    std::chrono::milliseconds ttl) {
    auto [ec, done] = await_call<error_code, bool>(
        [&](auto h) { paystack::pg::async_renew_lease(c, terminal, token, ttl, std::move(h)); });
    EXPECT_FALSE(ec) << ec.message();
    return done;
  }
  void expire(const std::string& terminal) {
    // A crashed holder: its lease ran out (moved into the past rather than waited for).
    auto [ec, r] = query(*admin_,
                         "UPDATE " + schema_ +
                             ".paystack_terminal_leases SET expires_at = clock_timestamp() - "
                             "interval '1 second' WHERE terminal_id = $1",
                         {terminal});
    ASSERT_FALSE(ec) << r.message();
    ASSERT_EQ(r.affected(), 1);
  }

  // n connections acquire `terminal` at the same moment; the leases they got.
  std::vector<lease> race(const std::string& terminal, int n) {
    std::vector<std::shared_ptr<connection>> conns;
    for (int i = 0; i < n; ++i) conns.push_back(connected());
    std::mutex m;
    std::vector<lease> got;
    auto all = std::make_shared<std::promise<void>>();
    auto done = all->get_future();
    for (int i = 0; i < n; ++i) {
      paystack::pg::async_acquire_lease(*conns[static_cast<std::size_t>(i)], terminal,
                                        "instance-" + std::to_string(i), "key-" + std::to_string(i),
                                        30s, [&, all, n](error_code ec, lease l) {
                                          EXPECT_FALSE(ec) << ec.message();
                                          std::lock_guard lock(m);
                                          got.push_back(std::move(l));
                                          if (got.size() == static_cast<std::size_t>(n))
                                            all->set_value();
                                        });
    }
    EXPECT_EQ(done.wait_for(30s), std::future_status::ready);
    std::lock_guard lock(m);
    return got;
  }
};

TEST_F(PgLeases, of_racing_instances_exactly_one_gets_a_free_terminal) {
  const auto got = race("2232S100", 8);
  ASSERT_EQ(got.size(), 8U);
  int holders = 0;
  std::string winner;
  for (const auto& l : got) {
    if (l.acquired) {
      ++holders;
      winner = l.holder;
      EXPECT_GT(l.fencing_token, 0);
      EXPECT_GT(l.expires_in, 20s);
    }
  }
  EXPECT_EQ(holders, 1);
  for (const auto& l : got) {
    if (!l.acquired && !l.holder.empty()) {
      EXPECT_EQ(l.holder, winner);
    }
  }
}

TEST_F(PgLeases, a_held_lease_is_refused_and_released_only_with_its_token) {
  auto a = connected();
  auto b = connected();
  const lease la = acquire(*a, "T1", "a");
  ASSERT_TRUE(la.acquired);
  const lease lb = acquire(*b, "T1", "b");
  EXPECT_FALSE(lb.acquired);
  EXPECT_EQ(lb.holder, "a");
  EXPECT_EQ(lb.charge_key, "key-a");
  EXPECT_EQ(lb.fencing_token, la.fencing_token);
  EXPECT_FALSE(release(*b, "T1", la.fencing_token + 1));  // not the holder they saw
  EXPECT_TRUE(release(*b, "T1", la.fencing_token));       // an operator releasing what they saw
  EXPECT_FALSE(release(*a, "T1", la.fencing_token));      // already gone
  const lease lb2 = acquire(*b, "T1", "b");
  EXPECT_TRUE(lb2.acquired);
  EXPECT_GT(lb2.fencing_token, la.fencing_token);
  // Other terminals are independent.
  EXPECT_TRUE(acquire(*a, "T2", "a").acquired);
}

TEST_F(PgLeases, an_expired_lease_is_taken_over_and_the_old_holder_is_fenced_off) {
  auto a = connected();
  auto b = connected();
  const lease la = acquire(*a, "T1", "a");
  ASSERT_TRUE(la.acquired);
  expire("T1");
  const lease lb = acquire(*b, "T1", "b");
  ASSERT_TRUE(lb.acquired);
  EXPECT_GT(lb.fencing_token, la.fencing_token);
  EXPECT_FALSE(renew(*a, "T1", la.fencing_token, 30s));
  EXPECT_FALSE(release(*a, "T1", la.fencing_token));
  auto [ec, shown] = await_call<error_code, std::optional<lease>>(
      [&](auto h) { paystack::pg::async_show_lease(*a, "T1", std::move(h)); });
  ASSERT_FALSE(ec);
  ASSERT_TRUE(shown.has_value());
  EXPECT_EQ(shown->holder, "b");
  EXPECT_EQ(shown->fencing_token, lb.fencing_token);
}

TEST_F(PgLeases, racing_instances_take_over_an_expired_lease_once) {
  auto a = connected();
  ASSERT_TRUE(acquire(*a, "T9", "crashed").acquired);
  expire("T9");
  const auto got = race("T9", 6);
  std::set<std::int64_t> tokens;
  int holders = 0;
  for (const auto& l : got) {
    if (l.acquired) {
      ++holders;
      tokens.insert(l.fencing_token);
    }
  }
  EXPECT_EQ(holders, 1);
  EXPECT_EQ(tokens.size(), 1U);
}

TEST_F(PgLeases, renew_extends_while_the_token_is_the_terminals) {
  auto a = connected();
  const lease la = acquire(*a, "T1", "a", 1s);
  ASSERT_TRUE(la.acquired);
  EXPECT_LE(la.expires_in, 1s);
  EXPECT_TRUE(renew(*a, "T1", la.fencing_token, 60s));
  auto [ec, shown] = await_call<error_code, std::optional<lease>>(
      [&](auto h) { paystack::pg::async_show_lease(*a, "T1", std::move(h)); });
  ASSERT_TRUE(shown.has_value());
  EXPECT_GT(shown->expires_in, 50s);
  auto [ec2, none] = await_call<error_code, std::optional<lease>>(
      [&](auto h) { paystack::pg::async_show_lease(*a, "T-none", std::move(h)); });
  EXPECT_FALSE(ec2);
  EXPECT_FALSE(none.has_value());
}

TEST_F(PgLeases, a_stopped_lease_keeps_other_charges_off_until_its_own_key_resumes) {
  auto c = connected();
  auto first = acquire(*c, "T-STOP", "a");
  ASSERT_TRUE(first.acquired);
  auto [sec, stopped] = await_call<error_code, bool>([&](auto h) {
    paystack::pg::async_stop_lease(*c, "T-STOP", first.fencing_token, 30s, std::move(h));
  });
  ASSERT_FALSE(sec) << sec.message();
  EXPECT_TRUE(stopped);
  // Another charge (key-b) stays off the terminal: the customer may still pay the first.
  auto other = acquire(*c, "T-STOP", "b");
  EXPECT_FALSE(other.acquired);
  EXPECT_TRUE(other.stopped);
  EXPECT_EQ(other.charge_key, "key-a");
  // The same key (its resume, from any instance) takes it over, with a newer token, live again.
  auto [ec, resumed] = await_call<error_code, lease>([&](auto h) {
    paystack::pg::async_acquire_lease(*c, "T-STOP", "instance-2", "key-a", 30s, std::move(h));
  });
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_TRUE(resumed.acquired);
  EXPECT_GT(resumed.fencing_token, first.fencing_token);
  EXPECT_FALSE(resumed.stopped);
  // A live lease is not taken over by its own key (a second runner of one charge).
  auto again = acquire(*c, "T-STOP", "a");
  EXPECT_FALSE(again.acquired);
  // A stale token marks nothing.
  auto [xec, stale] = await_call<error_code, bool>([&](auto h) {
    paystack::pg::async_stop_lease(*c, "T-STOP", first.fencing_token, 30s, std::move(h));
  });
  ASSERT_FALSE(xec);
  EXPECT_FALSE(stale);
}

}  // namespace
}  // namespace fleet_test
