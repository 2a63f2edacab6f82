// pg::connection against the throwaway PostgreSQL: queries and parameters, the server's errors
// with their SQLSTATE, a backend terminated server-side (idle and mid-query), reconnecting,
// LISTEN/NOTIFY, bounded timeouts (query and connect), close().
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <future>
#include <mutex>
#include <vector>

#include "pg_test_support.hpp"

namespace fleet_test {
namespace {

using boost::system::error_code;
using paystack::pg::errc;
using paystack::pg::notification;
using paystack::pg::result;

class PgConnection : public PgTest {};

TEST_F(PgConnection, query_with_parameters_reads_values_and_nulls) {
  auto c = connected();
  auto [ec, r] = query(*c, "SELECT $1::int + $2::int AS sum, $3::text AS t, $4::text AS n",
                       {"40", "2", "naïve 'quoted'", std::nullopt});
  ASSERT_FALSE(ec) << r.message();
  ASSERT_EQ(r.rows(), 1);
  ASSERT_EQ(r.columns(), 3);
  EXPECT_EQ(r.integer(0, 0), 42);
  EXPECT_EQ(r.value(0, 1), "naïve 'quoted'");
  EXPECT_TRUE(r.is_null(0, 2));
  EXPECT_FALSE(r.optional(0, 2).has_value());
  EXPECT_GT(c->backend_pid(), 0);
}

TEST_F(PgConnection, a_query_started_while_connecting_runs_once_connected) {
  auto c = make();
  auto connected_f = std::make_shared<std::promise<error_code>>();
  auto cf = connected_f->get_future();
  c->async_connect(5s, [connected_f](error_code ec) { connected_f->set_value(ec); });
  auto [ec, r] = query(*c, "SELECT 'early'");
  ASSERT_EQ(cf.wait_for(10s), std::future_status::ready);
  EXPECT_FALSE(cf.get());
  ASSERT_FALSE(ec) << r.message();
  EXPECT_EQ(r.value(0, 0), "early");
}

TEST_F(PgConnection, bad_sql_is_query_failed_with_sqlstate_and_the_connection_stays_usable) {
  auto c = connected();
  auto [ec, r] = query(*c, "SELEC 1");
  EXPECT_EQ(ec, make_error_code(errc::query_failed));
  EXPECT_EQ(r.sqlstate(), "42601");  // syntax_error
  EXPECT_NE(r.message().find("syntax"), std::string::npos) << r.message();
  auto [ec2, r2] = query(*c, "SELECT 7");
  ASSERT_FALSE(ec2) << r2.message();
  EXPECT_EQ(r2.integer(0, 0), 7);
}

TEST_F(PgConnection, unique_violation_reports_23505_and_affected_rows) {
  auto c = connected();
  auto [ec, r] = exec(*c, "CREATE TABLE k (id text PRIMARY KEY)");
  ASSERT_FALSE(ec) << r.message();
  auto [ec1, r1] = query(*c, "INSERT INTO k VALUES ($1)", {"order-1"});
  ASSERT_FALSE(ec1) << r1.message();
  EXPECT_EQ(r1.affected(), 1);
  auto [ec2, r2] = query(*c, "INSERT INTO k VALUES ($1)", {"order-1"});
  EXPECT_EQ(ec2, make_error_code(errc::query_failed));
  EXPECT_EQ(r2.sqlstate(), paystack::pg::unique_violation);
}

TEST_F(PgConnection, exec_runs_several_statements_and_stops_at_the_first_error) {
  auto c = connected();
  auto [ec, r] =
      exec(*c, "CREATE TABLE a (x int); INSERT INTO a VALUES (1), (2); SELECT sum(x) FROM a");
  ASSERT_FALSE(ec) << r.message();
  EXPECT_EQ(r.integer(0, 0), 3);
  // One implicit transaction: the failing statement undoes the insert before it.
  auto [ec2, r2] = exec(*c, "INSERT INTO a VALUES (10); SELECT 1/0; INSERT INTO a VALUES (20)");
  EXPECT_EQ(ec2, make_error_code(errc::query_failed));
  EXPECT_EQ(r2.sqlstate(), "22012");  // division_by_zero
  auto [ec3, r3] = query(*c, "SELECT sum(x) FROM a");
  EXPECT_EQ(r3.integer(0, 0), 3);
}

TEST_F(PgConnection, queries_started_together_complete_in_order) {
  auto c = connected();
  constexpr int n = 200;
  std::mutex m;
  std::vector<std::int64_t> seen;
  auto all = std::make_shared<std::promise<void>>();
  auto done = all->get_future();
  for (int i = 0; i < n; ++i) {
    c->async_query("SELECT $1::int", {std::to_string(i)}, 10s, [&, all](error_code ec, result r) {
      std::lock_guard lock(m);
      seen.push_back(ec ? -1 : r.integer(0, 0));
      if (seen.size() == n) all->set_value();
    });
  }
  ASSERT_EQ(done.wait_for(20s), std::future_status::ready);
  std::lock_guard lock(m);
  ASSERT_EQ(seen.size(), std::size_t{n});
  for (int i = 0; i < n; ++i) EXPECT_EQ(seen[static_cast<std::size_t>(i)], i);
}

TEST_F(PgConnection, a_large_parameter_is_sent_through_partial_writes) {
  auto c = connected();
  const std::string big(8 * 1024 * 1024, 'x');  // more than a socket buffer: PQflush returns 1
  auto [ec, r] = query(*c, "SELECT length($1::text), md5($1::text) = md5(repeat('x', $2::int))",
                       {big, std::to_string(big.size())});
  ASSERT_FALSE(ec) << r.message();
  EXPECT_EQ(r.integer(0, 0), static_cast<std::int64_t>(big.size()));
  EXPECT_EQ(r.value(0, 1), "t");
}

TEST_F(PgConnection, backend_terminated_while_idle_is_reported_and_reconnect_works) {
  auto c = connected();
  auto lost = std::make_shared<std::promise<error_code>>();
  auto lost_f = lost->get_future();
  c->on_lost([lost](error_code ec) { lost->set_value(ec); });
  const int pid = c->backend_pid();
  auto [ec, r] = query(*admin_, "SELECT pg_terminate_backend($1::int)", {std::to_string(pid)});
  ASSERT_FALSE(ec) << r.message();
  EXPECT_EQ(r.value(0, 0), "t");
  ASSERT_EQ(lost_f.wait_for(10s), std::future_status::ready) << "the drop was not noticed";
  EXPECT_EQ(lost_f.get(), make_error_code(errc::connection_lost));
  EXPECT_FALSE(c->is_connected());
  EXPECT_FALSE(c->last_error().empty());

  auto [ec2, r2] = query(*c, "SELECT 1");
  EXPECT_EQ(ec2, make_error_code(errc::not_connected));

  ASSERT_FALSE(connect(*c)) << c->last_error();
  EXPECT_NE(c->backend_pid(), pid);
  auto [ec3, r3] = query(*c, "SELECT 5");
  ASSERT_FALSE(ec3) << r3.message();
  EXPECT_EQ(r3.integer(0, 0), 5);
}

TEST_F(PgConnection, backend_terminated_mid_query_fails_the_query_and_the_queue) {
  auto c = connected();
  const int pid = c->backend_pid();
  auto slow = std::make_shared<std::promise<outcome_of_query>>();
  auto slow_f = slow->get_future();
  c->async_query("SELECT pg_sleep(30)", {}, 60s, [slow](error_code ec, result r) {
    slow->set_value({ec, std::move(r)});
  });
  auto queued = std::make_shared<std::promise<error_code>>();
  auto queued_f = queued->get_future();
  c->async_query("SELECT 1", {}, 60s, [queued](error_code ec, result) { queued->set_value(ec); });
  // Wait until the backend is really inside pg_sleep (bounded), then terminate it.
  bool sleeping = false;
  for (int i = 0; i < 100 && !sleeping; ++i) {
    auto [ec, r] = query(*admin_,
                         "SELECT count(*) FROM pg_stat_activity WHERE pid = $1::int AND "
                         "query LIKE 'SELECT pg_sleep%' AND state = 'active'",
                         {std::to_string(pid)});
    sleeping = !ec && r.integer(0, 0) == 1;
  }
  ASSERT_TRUE(sleeping);
  auto [ec, r] = query(*admin_, "SELECT pg_terminate_backend($1::int)", {std::to_string(pid)});
  ASSERT_FALSE(ec) << r.message();
  ASSERT_EQ(slow_f.wait_for(10s), std::future_status::ready);
  auto [slow_ec, slow_r] = slow_f.get();
  EXPECT_EQ(slow_ec, make_error_code(errc::connection_lost)) << slow_ec.message();
  EXPECT_FALSE(slow_r.message().empty());
  ASSERT_EQ(queued_f.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(queued_f.get(), make_error_code(errc::connection_lost));
}

TEST_F(PgConnection, listen_delivers_notifications_in_order) {
  auto listener = connected();
  std::mutex m;
  std::vector<notification> got;
  auto three = std::make_shared<std::promise<void>>();
  auto three_f = three->get_future();
  listener->on_notification([&, three](const notification& n) {
    std::lock_guard lock(m);
    got.push_back(n);
    if (got.size() == 3) three->set_value();
  });
  auto [ec, r] = exec(*listener, "LISTEN paystack_test_channel");
  ASSERT_FALSE(ec) << r.message();
  auto sender = connected();
  for (const char* payload : {"one", "two", "three"}) {
    auto [ec2, r2] = query(*sender, "SELECT pg_notify('paystack_test_channel', $1)", {payload});
    ASSERT_FALSE(ec2) << r2.message();
  }
  ASSERT_EQ(three_f.wait_for(10s), std::future_status::ready);
  std::lock_guard lock(m);
  ASSERT_EQ(got.size(), 3U);
  EXPECT_EQ(got[0].channel, "paystack_test_channel");
  EXPECT_EQ(got[0].payload, "one");
  EXPECT_EQ(got[1].payload, "two");
  EXPECT_EQ(got[2].payload, "three");
  EXPECT_EQ(got[0].backend_pid, sender->backend_pid());
}

TEST_F(PgConnection, a_notification_during_a_query_is_delivered_too) {
  auto c = connected();
  auto got = std::make_shared<std::promise<std::string>>();
  auto got_f = got->get_future();
  c->on_notification([got](const notification& n) { got->set_value(n.payload); });
  auto [ec, r] = exec(*c, "LISTEN self");
  ASSERT_FALSE(ec) << r.message();
  // The notification arrives on the connection that is busy with its own query.
  auto [ec2, r2] = query(*c, "SELECT pg_notify('self', 'from myself'), 1");
  ASSERT_FALSE(ec2) << r2.message();
  ASSERT_EQ(got_f.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(got_f.get(), "from myself");
}

TEST_F(PgConnection, a_query_past_its_timeout_ends_timed_out_and_closes) {
  auto c = connected();
  const auto start = std::chrono::steady_clock::now();
  auto [ec, r] = query(*c, "SELECT pg_sleep(20)", {}, 300ms);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(ec, make_error_code(errc::timed_out));
  EXPECT_LT(took, 5s);
  EXPECT_FALSE(c->is_connected());
  ASSERT_FALSE(connect(*c)) << c->last_error();
  auto [ec2, r2] = query(*c, "SELECT 2");
  EXPECT_EQ(r2.integer(0, 0), 2);
}

TEST_F(PgConnection, connect_to_a_closed_port_is_connect_failed) {
  boost::asio::ip::tcp::acceptor probe(ctx_.io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = probe.local_endpoint().port();
  probe.close();  // nothing listens there now
  auto c = connection::create(ctx_.io.get_executor(),
                              "postgresql://postgres@127.0.0.1:" + std::to_string(port) + "/x");
  EXPECT_EQ(connect(*c), make_error_code(errc::connect_failed));
  EXPECT_NE(c->last_error().find("127.0.0.1"), std::string::npos) << c->last_error();
  auto [ec, r] = query(*c, "SELECT 1");
  EXPECT_EQ(ec, make_error_code(errc::not_connected));
}

TEST_F(PgConnection, connect_to_a_silent_server_times_out) {
  // The kernel completes the TCP handshake (backlog); nothing ever answers the startup packet.
  boost::asio::ip::tcp::acceptor silent(ctx_.io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = silent.local_endpoint().port();
  auto c = connection::create(ctx_.io.get_executor(),
                              "postgresql://postgres@127.0.0.1:" + std::to_string(port) + "/x");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(connect(*c, 300ms), make_error_code(errc::timed_out));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(PgConnection, close_completes_pending_queries_with_closed) {
  auto c = connected();
  auto slow = std::make_shared<std::promise<error_code>>();
  auto slow_f = slow->get_future();
  c->async_query("SELECT pg_sleep(30)", {}, 60s,
                 [slow](error_code ec, result) { slow->set_value(ec); });
  c->close();
  ASSERT_EQ(slow_f.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(slow_f.get(), make_error_code(errc::closed));
  EXPECT_FALSE(c->is_connected());
}

}  // namespace
}  // namespace fleet_test
