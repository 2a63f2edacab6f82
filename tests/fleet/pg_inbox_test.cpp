// The webhook inbox across instances: an event stored once under its semantic key, claimed once
// fleet-wide by racing instances, and an instance that missed notifications while disconnected
// catches up from the table.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <vector>

#include "pg/inbox.hpp"
#include "pg/schema.hpp"
#include "pg_test_support.hpp"

namespace fleet_test {
namespace {

using boost::system::error_code;
using paystack::pg::inbox_event;
using paystack::pg::notification;

class PgInbox : public PgMigratedTest {
 protected:
  static inbox_event event(const std::string& key, const std::string& code, const std::string& by) {
    inbox_event e;
    e.semantic_key = key;
    e.event = key.substr(0, key.find(':'));
    e.request_code = code;
    e.body = R"({"event":")" + e.event + R"("})";
    e.received_by = by;
    return e;
  }
  bool store(connection& c, inbox_event e) {
    auto [ec, stored] = await_call<error_code, bool>(
        [&](auto h) { paystack::pg::async_store_webhook(c, std::move(e), std::move(h)); });
    EXPECT_FALSE(ec) << ec.message();
    return stored;
  }
  std::vector<inbox_event> read_after(connection& c, std::int64_t seq) {
    auto [ec, events] = await_call<error_code, std::vector<inbox_event>>(
        [&](auto h) { paystack::pg::async_read_inbox(c, seq, 100, std::move(h)); });
    EXPECT_FALSE(ec) << ec.message();
    return events;
  }
};

TEST_F(PgInbox, the_same_event_at_two_receivers_is_stored_once) {
  auto other = connected();
  EXPECT_TRUE(store(*c_, event("paymentrequest.success:101", "PRQ_1", "receiver-a")));
  EXPECT_FALSE(store(*other, event("paymentrequest.success:101", "PRQ_1", "receiver-b")));
  const auto all = read_after(*c_, 0);
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0].received_by, "receiver-a");
  EXPECT_EQ(all[0].request_code, "PRQ_1");
  EXPECT_EQ(all[0].body, R"({"event":"paymentrequest.success"})");
  EXPECT_TRUE(all[0].handed_over_to.empty());
}

TEST_F(PgInbox, two_merchants_identical_events_are_two_rows_each_with_its_merchant) {
  // Several merchants in one receiver (ADR 0009, schema 4): the semantic key is scoped by the
  // merchant, and the row names it, so the feed hands each event over with its merchant.
  auto a = event("ikeja/paymentrequest.success:101", "PRQ_1", "receiver-a");
  a.merchant = "ikeja";
  auto b = event("lekki/paymentrequest.success:101", "PRQ_1", "receiver-a");
  b.merchant = "lekki";
  EXPECT_TRUE(store(*c_, a));
  EXPECT_TRUE(store(*c_, b));
  EXPECT_FALSE(store(*c_, b));  // the same merchant's retry
  EXPECT_TRUE(store(*c_, event("paymentrequest.success:101", "PRQ_1", "receiver-a")));
  const auto all = read_after(*c_, 0);
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[0].merchant, "ikeja");
  EXPECT_EQ(all[1].merchant, "lekki");
  EXPECT_EQ(all[2].merchant, "");  // one key: no merchant, as every row before schema 4
}

TEST_F(PgInbox, racing_instances_claim_an_event_once) {
  ASSERT_TRUE(store(*c_, event("charge.success:ref-7", "PRQ_7", "receiver-a")));
  constexpr int n = 6;
  std::vector<std::shared_ptr<connection>> conns;
  for (int i = 0; i < n; ++i) conns.push_back(connected());
  std::atomic<int> claimed{0};
  std::atomic<int> answered{0};
  auto all = std::make_shared<std::promise<void>>();
  auto done = all->get_future();
  for (int i = 0; i < n; ++i) {
    paystack::pg::async_claim_webhook(*conns[static_cast<std::size_t>(i)], "charge.success:ref-7",
                                      "instance-" + std::to_string(i),
                                      [&, all](error_code ec, bool ok) {
                                        EXPECT_FALSE(ec) << ec.message();
                                        if (ok) ++claimed;
                                        if (++answered == n) all->set_value();
                                      });
  }
  ASSERT_EQ(done.wait_for(30s), std::future_status::ready);
  EXPECT_EQ(claimed.load(), 1);
  auto [ec, open] = await_call<error_code, std::vector<inbox_event>>(
      [&](auto h) { paystack::pg::async_find_unclaimed(*c_, "PRQ_7", "", std::move(h)); });
  EXPECT_FALSE(ec);
  EXPECT_TRUE(open.empty());
  // The claimer asking again (its first reply lost) is still the claimer; nobody else is.
  auto [all_ec, rows] = await_call<error_code, std::vector<inbox_event>>(
      [&](auto h) { paystack::pg::async_read_inbox(*c_, 0, 10, std::move(h)); });
  ASSERT_FALSE(all_ec);
  ASSERT_EQ(rows.size(), 1u);
  const auto winner = rows[0].handed_over_to;
  EXPECT_EQ(winner.rfind("instance-", 0), 0u) << winner;
  auto claim_as = [&](std::string k, std::string who) {
    return await_call<error_code, bool>([&](auto h) {
      paystack::pg::async_claim_webhook(*c_, std::move(k), std::move(who), std::move(h));
    });
  };
  auto claim = [&](std::string who) { return claim_as("charge.success:ref-7", std::move(who)); };
  auto claim_key = [&](std::string k) { return claim_as(std::move(k), "instance-x"); };
  EXPECT_EQ(claim(winner), std::tuple(error_code{}, true));
  EXPECT_EQ(claim("instance-late"), std::tuple(error_code{}, false));
  // An event that is not in the inbox (a process's own receiver published it) is the claimer's.
  EXPECT_EQ(claim_key("charge.success:not-stored"), std::tuple(error_code{}, true));
}

TEST_F(PgInbox, unclaimed_events_are_found_by_request_code_or_offline_reference) {
  auto e = event("invoice.payment_failed:PRQ_9", "PRQ_9", "receiver-a");
  e.offline_reference = "4815162342";
  ASSERT_TRUE(store(*c_, e));
  ASSERT_TRUE(store(*c_, event("paymentrequest.success:55", "PRQ_other", "receiver-a")));
  for (const auto& by : {std::pair{"PRQ_9", ""}, std::pair{"", "4815162342"}}) {
    auto [ec, found] = await_call<error_code, std::vector<inbox_event>>([&](auto h) {
      paystack::pg::async_find_unclaimed(*c_, by.first, by.second, std::move(h));
    });
    ASSERT_FALSE(ec);
    ASSERT_EQ(found.size(), 1U) << by.first << by.second;
    EXPECT_EQ(found[0].semantic_key, "invoice.payment_failed:PRQ_9");
  }
  auto [ec, none] = await_call<error_code, std::vector<inbox_event>>(
      [&](auto h) { paystack::pg::async_find_unclaimed(*c_, "", "", std::move(h)); });
  EXPECT_FALSE(ec);
  EXPECT_TRUE(none.empty());
}

TEST_F(PgInbox, an_instance_that_missed_notifications_catches_up_from_the_table) {
  auto listener = connected();
  auto first = std::make_shared<std::promise<std::string>>();
  auto first_f = first->get_future();
  auto once = std::make_shared<std::once_flag>();
  // The channel is the database's: other tests' stores notify on it too; only c_'s count.
  listener->on_notification([first, once, pid = c_->backend_pid()](const notification& n) {
    if (n.backend_pid != pid) return;
    std::call_once(*once, [&] { first->set_value(n.payload); });
  });
  auto [lec, lr] = exec(*listener, "LISTEN paystack_webhook");
  ASSERT_FALSE(lec) << lr.message();
  ASSERT_TRUE(store(*c_, event("paymentrequest.success:1", "PRQ_1", "receiver-a")));
  ASSERT_EQ(first_f.wait_for(10s), std::future_status::ready);
  const auto parsed = paystack::pg::parse_inbox_notification(first_f.get());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->second, "paymentrequest.success:1");
  const std::int64_t seen = parsed->first;

  // The listener's connection is cut; two events arrive while it is away.
  auto [tec, tr] = query(*admin_, "SELECT pg_terminate_backend($1::int)",
                         {std::to_string(listener->backend_pid())});
  ASSERT_FALSE(tec) << tr.message();
  ASSERT_TRUE(store(*c_, event("paymentrequest.success:2", "PRQ_2", "receiver-b")));
  ASSERT_TRUE(store(*c_, event("charge.success:ref-3", "", "receiver-c")));

  // Reconnected, it LISTENs again and reads what it missed, in order.
  ASSERT_FALSE(connect(*listener)) << listener->last_error();
  auto [lec2, lr2] = exec(*listener, "LISTEN paystack_webhook");
  ASSERT_FALSE(lec2) << lr2.message();
  const auto missed = read_after(*listener, seen);
  ASSERT_EQ(missed.size(), 2U);
  EXPECT_EQ(missed[0].semantic_key, "paymentrequest.success:2");
  EXPECT_EQ(missed[1].semantic_key, "charge.success:ref-3");
  EXPECT_LT(missed[0].seq, missed[1].seq);
}

TEST_F(PgInbox, every_stored_event_wakes_another_instance_once) {
  // Each store reaches a listening instance as one NOTIFY. The latency (issue 15's goal: under
  // 100 ms at the median) is printed as a figure, not asserted: speed is for benchmarks.
  auto listener = connected();
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::chrono::steady_clock::time_point> arrivals;
  // The channel is the database's: other tests' stores notify on it too; only c_'s count.
  listener->on_notification([&, pid = c_->backend_pid()](const notification& n) {
    if (n.backend_pid != pid) return;
    std::lock_guard lock(m);
    arrivals.push_back(std::chrono::steady_clock::now());
    cv.notify_all();
  });
  auto [lec, lr] = exec(*listener, "LISTEN paystack_webhook");
  ASSERT_FALSE(lec) << lr.message();
  constexpr int n = 30;
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(store(*c_, event("charge.success:lat-" + std::to_string(i), "", "receiver-a")));
    std::unique_lock lock(m);
    ASSERT_TRUE(
        cv.wait_for(lock, 5s, [&] { return arrivals.size() > static_cast<std::size_t>(i); }));
    ms.push_back(
        std::chrono::duration<double, std::milli>(arrivals[static_cast<std::size_t>(i)] - start)
            .count());
  }
  std::sort(ms.begin(), ms.end());
  const double median = ms[n / 2];
  const double p90 = ms[n * 9 / 10];
  std::cout << "store -> NOTIFY at another connection: median " << median << " ms, p90 " << p90
            << " ms, max " << ms.back() << " ms (" << n << " events)\n";
  std::lock_guard lock(m);
  EXPECT_EQ(arrivals.size(), static_cast<std::size_t>(n));
}

TEST(PgInboxNotification, payloads_are_parsed_strictly) {
  using paystack::pg::parse_inbox_notification;
  const auto ok = parse_inbox_notification("42 charge.success:ref 1");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->first, 42);
  EXPECT_EQ(ok->second, "charge.success:ref 1");
  for (const char* bad : {"", "42", "42 ", " key", "x42 key", "-1 key", "0 key", "4x2 key"}) {
    EXPECT_FALSE(parse_inbox_notification(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace fleet_test
