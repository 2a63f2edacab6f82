// The identifier check shared by the clients and the charge flow (src/ids.hpp), at the limits of
// <paystack/limits.hpp>.
#include "ids.hpp"

#include <gtest/gtest.h>

#include <paystack/limits.hpp>
#include <string>

namespace paystack::detail {
namespace {

TEST(Ids, limits_are_the_documented_ones) {
  EXPECT_EQ(max_id_length, 256u);
  EXPECT_EQ(max_cursor_length, 1024u);
}

TEST(Ids, check_id_accepts_1_to_max_characters) {
  EXPECT_TRUE(id_ok("x"));
  EXPECT_TRUE(id_ok(std::string(max_id_length, 'x')));
  EXPECT_FALSE(id_ok(""));
  EXPECT_FALSE(id_ok(std::string(max_id_length + 1, 'x')));
  EXPECT_EQ(check_id("terminal_id", "T1"), "");
  EXPECT_EQ(check_id("terminal_id", ""), "terminal_id must not be empty");
  EXPECT_EQ(check_id("event_id", std::string(max_id_length + 1, 'e')),
            "event_id is longer than 256 characters");
}

TEST(Ids, cursor_ok_up_to_max_characters) {
  EXPECT_TRUE(cursor_ok(""));
  EXPECT_TRUE(cursor_ok(std::string(max_cursor_length, 'c')));
  EXPECT_FALSE(cursor_ok(std::string(max_cursor_length + 1, 'c')));
}

}  // namespace
}  // namespace paystack::detail
