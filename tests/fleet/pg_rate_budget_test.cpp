// The shared rate budget raced by several connections (instances): never more than the bucket
// holds, housekeeping leaves the reserve to payment-critical calls, Paystack's x-ratelimit
// headers cap it, a refused call learns when to come back.
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "pg/rate_budget.hpp"
#include "pg/schema.hpp"
#include "pg_test_support.hpp"

namespace fleet_test {
namespace {

using boost::system::error_code;
using paystack::pg::budget_config;
using paystack::pg::call_priority;
using paystack::pg::take_result;

class PgRateBudget : public PgMigratedTest {
 protected:
  void configure(budget_config cfg) {
    auto [ec] = await_call<error_code>(
        [&](auto h) { paystack::pg::async_configure_budget(*c_, cfg, std::move(h)); });
    ASSERT_FALSE(ec) << ec.message();
  }
  take_result take(call_priority p, const std::string& integration = "test") {
    auto [ec, t] = await_call<error_code, take_result>(
        [&](auto h) { paystack::pg::async_take_budget(*c_, integration, p, 1, std::move(h)); });
    EXPECT_FALSE(ec) << ec.message();
    return t;
  }
  int granted(call_priority p, int tries) {
    int n = 0;
    for (int i = 0; i < tries; ++i) n += take(p).granted ? 1 : 0;
    return n;
  }
};

TEST_F(PgRateBudget, racing_instances_never_take_more_than_the_bucket_holds) {
  configure({.integration = "test", .capacity = 20, .per_minute = 0.001});
  constexpr int instances = 4;
  constexpr int each = 10;
  std::vector<std::shared_ptr<connection>> conns;
  for (int i = 0; i < instances; ++i) conns.push_back(connected());
  std::atomic<int> granted_total{0};
  std::atomic<int> answered{0};
  auto all = std::make_shared<std::promise<void>>();
  auto done = all->get_future();
  for (int k = 0; k < each; ++k) {
    for (auto& c : conns) {
      paystack::pg::async_take_budget(*c, "test", call_priority::payment_critical, 1,
                                      [&, all](error_code ec, take_result t) {
                                        EXPECT_FALSE(ec) << ec.message();
                                        if (t.granted) ++granted_total;
                                        if (++answered == instances * each) all->set_value();
                                      });
    }
  }
  ASSERT_EQ(done.wait_for(30s), std::future_status::ready);
  EXPECT_EQ(granted_total.load(), 20);
}

TEST_F(PgRateBudget, housekeeping_leaves_the_reserve_to_payment_critical_calls) {
  configure({.integration = "test", .capacity = 10, .per_minute = 0.001, .reserve = 4});
  EXPECT_EQ(granted(call_priority::housekeeping, 10), 6);
  const take_result refused = take(call_priority::housekeeping);
  EXPECT_FALSE(refused.granted);
  EXPECT_GT(refused.retry_after, std::chrono::minutes(1));  // at 0.001 per minute: a long wait
  EXPECT_EQ(granted(call_priority::payment_critical, 10), 4);
}

TEST_F(PgRateBudget, a_refused_call_learns_the_refill_time) {
  configure({.integration = "test", .capacity = 2, .per_minute = 60});  // 1 token per second
  // Refill goes on while the test runs: take until refused (bounded), then at most one token is
  // missing, which comes back within a second.
  take_result t;
  for (int i = 0; i < 20; ++i) {
    t = take(call_priority::payment_critical);
    if (!t.granted) break;
  }
  ASSERT_FALSE(t.granted);
  EXPECT_LT(t.available, 1);
  EXPECT_GT(t.retry_after, 0ms);
  EXPECT_LE(t.retry_after, 1000ms);
}

TEST_F(PgRateBudget, paystacks_remaining_header_caps_the_bucket) {
  configure({.integration = "test", .capacity = 100, .per_minute = 0.001});
  auto [ec] = await_call<error_code>(
      [&](auto h) { paystack::pg::async_observe_rate_limit(*c_, "test", 100, 3, std::move(h)); });
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(granted(call_priority::payment_critical, 5), 3);
}

TEST_F(PgRateBudget, an_integration_without_a_bucket_is_an_error) {
  auto [ec, t] = await_call<error_code, take_result>([&](auto h) {
    paystack::pg::async_take_budget(*c_, "unknown", call_priority::housekeeping, 1, std::move(h));
  });
  EXPECT_EQ(ec, make_error_code(paystack::pg::errc::query_failed));
  EXPECT_FALSE(t.granted);
}

}  // namespace
}  // namespace fleet_test
