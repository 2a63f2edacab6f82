// Events: wire names, parsing, and the four pairs Paystack accepts.
#include <gtest/gtest.h>

#include <paystack/error.hpp>
#include <paystack/event.hpp>

namespace paystack {
namespace {

TEST(Event, wire_names_round_trip) {
  for (auto t : {event_type::invoice, event_type::transaction})
    EXPECT_EQ(parse_event_type(to_string(t)), t);
  for (auto a : {event_action::process, event_action::view, event_action::print})
    EXPECT_EQ(parse_event_action(to_string(a)), a);
  EXPECT_EQ(to_string(event_type::invoice), "invoice");
  EXPECT_EQ(to_string(event_action::print), "print");
  EXPECT_EQ(parse_event_type("Invoice"), std::nullopt);
  EXPECT_EQ(parse_event_action("refund"), std::nullopt);
  EXPECT_EQ(parse_event_action(""), std::nullopt);
}

TEST(Event, only_the_four_documented_pairs) {
  EXPECT_TRUE(is_valid_pair(event_type::invoice, event_action::process));
  EXPECT_TRUE(is_valid_pair(event_type::invoice, event_action::view));
  EXPECT_FALSE(is_valid_pair(event_type::invoice, event_action::print));
  EXPECT_TRUE(is_valid_pair(event_type::transaction, event_action::process));
  EXPECT_TRUE(is_valid_pair(event_type::transaction, event_action::print));
  EXPECT_FALSE(is_valid_pair(event_type::transaction, event_action::view));
}

TEST(Event, named_constructors) {
  auto e = terminal_event::process_invoice(7895939, "4634337895939");
  EXPECT_EQ(e.type(), event_type::invoice);
  EXPECT_EQ(e.action(), event_action::process);
  EXPECT_EQ(e.id(), 7895939);
  EXPECT_EQ(e.reference(), "4634337895939");
  auto p = terminal_event::print_transaction(5);
  EXPECT_EQ(p.type(), event_type::transaction);
  EXPECT_EQ(p.action(), event_action::print);
  EXPECT_TRUE(p.reference().empty());
}

TEST(Event, runtime_make_refuses_bad_combinations) {
  EXPECT_TRUE(terminal_event::make(event_type::invoice, event_action::view, 1, "ref"));
  EXPECT_TRUE(terminal_event::make(event_type::transaction, event_action::process, 1, {}));
  auto bad_pair = terminal_event::make(event_type::invoice, event_action::print, 1, "ref");
  ASSERT_FALSE(bad_pair);
  EXPECT_EQ(bad_pair.error(), error::invalid_argument);
  EXPECT_FALSE(terminal_event::make(event_type::transaction, event_action::view, 1, {}));
  EXPECT_FALSE(terminal_event::make(event_type::invoice, event_action::process, 1, {}));
  EXPECT_FALSE(terminal_event::make(event_type::invoice, event_action::process, 1, ""));
  EXPECT_FALSE(terminal_event::make(event_type::transaction, event_action::print, 1, "ref"));
  EXPECT_FALSE(terminal_event::make(event_type::transaction, event_action::print, 0, {}));
  EXPECT_FALSE(terminal_event::make(event_type::transaction, event_action::print, -3, {}));
}

}  // namespace
}  // namespace paystack
