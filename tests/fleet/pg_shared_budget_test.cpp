// The fleet's one rate budget through the charge store (charge_store::shared_rate_budget): two
// instances draw on one bucket, housekeeping leaves the reserve to the payment path, and a
// budget whose database cannot be reached lets calls through (error, no wait).
#include <gtest/gtest.h>

#include <paystack/charge_store.hpp>
#include <paystack/error.hpp>
#include <paystack/rate_budget.hpp>

#include "flow/store/pg_rate_budget.hpp"
#include "pg_test_support.hpp"

namespace fleet_test {
namespace {

using boost::system::error_code;
using paystack::call_priority;
using std::chrono::milliseconds;

class PgSharedBudget : public PgTest {
 protected:
  static std::tuple<error_code, milliseconds> take(paystack::rate_budget& b, call_priority p) {
    return await_call<error_code, milliseconds>([&](auto h) { b.async_take(p, std::move(h)); });
  }
  static paystack::rate_budget_options three_tokens() {
    paystack::rate_budget_options o;
    o.integration = "fleet-test";
    o.per_minute = 0.001;  // no refill within the test
    o.capacity = 3;
    o.housekeeping_reserve = 1;
    return o;
  }
};

TEST_F(PgSharedBudget, two_instances_draw_on_one_bucket_and_the_payment_path_goes_first) {
  auto a = open_store();
  auto b = open_store();
  ASSERT_TRUE(a && b);
  auto budget_a = a->shared_rate_budget(three_tokens());
  auto budget_b = b->shared_rate_budget(three_tokens());
  ASSERT_TRUE(budget_a && budget_b);
  using enum call_priority;
  EXPECT_EQ(take(*budget_a, housekeeping), std::tuple(error_code{}, milliseconds(0)));
  EXPECT_EQ(take(*budget_b, housekeeping), std::tuple(error_code{}, milliseconds(0)));
  // One token left: the reserve. B's housekeeping waits (a long time: no refill) ...
  auto [ec, wait] = take(*budget_b, housekeeping);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_GT(wait.count(), 60'000);
  // ... while A's push takes it; then nobody gets one.
  EXPECT_EQ(take(*budget_a, payment_critical), std::tuple(error_code{}, milliseconds(0)));
  auto [ec2, wait2] = take(*budget_b, payment_critical);
  EXPECT_FALSE(ec2);
  EXPECT_GT(wait2.count(), 0);
}

TEST_F(PgSharedBudget, paystacks_remaining_empties_the_shared_bucket) {
  auto a = open_store();
  ASSERT_TRUE(a);
  auto budget = a->shared_rate_budget(three_tokens());
  EXPECT_EQ(take(*budget, call_priority::payment_critical),
            std::tuple(error_code{}, milliseconds(0)));  // connected and configured
  budget->observe(100, 0);                               // a 429 seen by this instance
  auto other = open_store()->shared_rate_budget(three_tokens());
  // The observation is asynchronous: another instance sees an empty bucket once it is written
  // (bounded: at most 50 takes).
  milliseconds wait{0};
  for (int i = 0; i < 50 && wait.count() == 0; ++i) {
    auto [ec, w] = take(*other, call_priority::payment_critical);
    ASSERT_FALSE(ec) << ec.message();
    wait = w;
  }
  EXPECT_GT(wait.count(), 0) << "the bucket holds no more than Paystack said remains";
}

TEST_F(PgSharedBudget, a_budget_whose_database_is_gone_lets_calls_through) {
  auto gone = paystack::detail::make_pg_rate_budget(
      ctx_.io.get_executor(), "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2",
      three_tokens(), milliseconds(3000));
  auto [ec, wait] = take(*gone, call_priority::payment_critical);
  EXPECT_EQ(ec, make_error_code(paystack::error::store_failed));
  EXPECT_EQ(wait.count(), 0);
  // Within the pause after a failed connect, a take fails at once (no connect per call).
  auto [ec2, wait2] = take(*gone, call_priority::housekeeping);
  EXPECT_EQ(ec2, make_error_code(paystack::error::store_failed));
}

TEST_F(PgSharedBudget, options_out_of_range_are_refused) {
  auto a = open_store();
  ASSERT_TRUE(a);
  auto bad = three_tokens();
  bad.per_minute = 0;
  EXPECT_THROW(a->shared_rate_budget(bad), std::invalid_argument);
}

}  // namespace
}  // namespace fleet_test
