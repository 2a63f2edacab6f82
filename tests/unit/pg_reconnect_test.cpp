// The PostgreSQL store's reconnect policy (src/flow/store/pg/reconnect.hpp), every path decided
// without a server: connect fails, the reply is lost, the server refuses, a timeout, the store
// closed, no time left, no attempts left.
#include <gtest/gtest.h>

#include "pg/connection.hpp"
#include "pg/reconnect.hpp"

namespace {

using namespace std::chrono_literals;
using paystack::pg::errc;
using paystack::pg::make_error_code;
using paystack::pg::next_step;
using paystack::pg::reconnect_state;
using action = paystack::pg::reconnect_step::action;

TEST(PgReconnect, an_answer_is_done_at_once) {
  reconnect_state s;
  auto step = next_step(s, {}, true, 5s);
  EXPECT_EQ(step.what, action::done);
  EXPECT_EQ(s.attempts, 1);
  EXPECT_FALSE(s.maybe_sent_before);
}

TEST(PgReconnect, no_connection_or_a_failed_connect_is_tried_again_then_given_up) {
  for (auto e : {errc::not_connected, errc::connect_failed}) {
    reconnect_state s;
    auto first = next_step(s, make_error_code(e), false, 5s);
    EXPECT_EQ(first.what, action::retry);
    EXPECT_EQ(first.pause, 0ms) << "a connection cut while idle reconnects at once";
    auto second = next_step(s, make_error_code(e), false, 5s);
    EXPECT_EQ(second.what, action::retry);
    EXPECT_EQ(second.pause, 200ms) << "the third attempt after 200 ms";
    auto third = next_step(s, make_error_code(e), false, 5s);
    EXPECT_EQ(third.what, action::give_up) << "at most three attempts";
    EXPECT_FALSE(s.maybe_sent_before) << "nothing was sent";
  }
}

TEST(PgReconnect, a_lost_reply_is_sent_again_only_when_safe_and_remembered) {
  reconnect_state safe;
  auto step = next_step(safe, make_error_code(errc::connection_lost), true, 5s);
  EXPECT_EQ(step.what, action::retry);
  EXPECT_TRUE(safe.maybe_sent_before) << "the caller must recognise its own earlier commit";
  auto then = next_step(safe, {}, true, 5s);
  EXPECT_EQ(then.what, action::done);
  EXPECT_TRUE(safe.maybe_sent_before);

  reconnect_state unsafe;
  auto refused = next_step(unsafe, make_error_code(errc::connection_lost), false, 5s);
  EXPECT_EQ(refused.what, action::give_up) << "a release naming only a holder is not resent";
  EXPECT_TRUE(unsafe.maybe_sent_before);
}

TEST(PgReconnect, a_server_error_a_timeout_or_close_is_final) {
  for (auto e : {errc::query_failed, errc::timed_out, errc::closed, errc::schema_too_new}) {
    reconnect_state s;
    EXPECT_EQ(next_step(s, make_error_code(e), true, 5s).what, action::give_up)
        << make_error_code(e).message();
  }
}

TEST(PgReconnect, no_retry_once_the_time_is_spent_or_shorter_than_the_pause) {
  reconnect_state spent;
  EXPECT_EQ(next_step(spent, make_error_code(errc::connect_failed), true, 0ms).what,
            action::give_up);
  reconnect_state short_of_pause;
  EXPECT_EQ(next_step(short_of_pause, make_error_code(errc::connect_failed), true, 5s).what,
            action::retry);
  EXPECT_EQ(next_step(short_of_pause, make_error_code(errc::connect_failed), true, 150ms).what,
            action::give_up)
      << "a 200 ms pause does not fit in 150 ms";
}

}  // namespace
