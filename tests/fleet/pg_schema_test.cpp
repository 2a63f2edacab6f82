// The fleet schema's migrations: applied once, by one of N instances starting together, inside
// one transaction (a failure leaves nothing), a newer schema refused; the webhook inbox's
// semantic key and NOTIFY.
#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "pg/schema.hpp"
#include "pg_test_support.hpp"

namespace fleet_test {
namespace {

using boost::system::error_code;
using paystack::pg::errc;
using paystack::pg::migrate_report;
using paystack::pg::notification;

class PgSchema : public PgTest {};

bool table_exists(connection& c, const std::string& name) {
  auto [ec, r] = query(c, "SELECT to_regclass($1) IS NOT NULL", {name});
  EXPECT_FALSE(ec) << r.message();
  return r.value(0, 0) == "t";
}

TEST_F(PgSchema, migrate_creates_every_table_then_finds_nothing_to_do) {
  auto c = connected();
  auto [ec, report] = migrate(c);
  ASSERT_FALSE(ec) << report.message;
  EXPECT_EQ(report.from, 0);
  EXPECT_EQ(report.to, paystack::pg::schema_version);
  for (const char* t : {"paystack_schema_version", "paystack_charges", "paystack_charge_journal",
                        "paystack_webhook_inbox", "paystack_terminal_leases",
                        "paystack_rate_budget", "paystack_refunds", "paystack_refund_journal"}) {
    EXPECT_TRUE(table_exists(*c, t)) << t;
  }
  auto [ec2, again] = migrate(c);
  ASSERT_FALSE(ec2) << again.message;
  EXPECT_EQ(again.from, paystack::pg::schema_version);
  EXPECT_EQ(again.to, paystack::pg::schema_version);
}

TEST_F(PgSchema, a_version_1_database_is_brought_to_the_current_version) {
  auto c = connected();
  // A database written by the first release: migration 1 and its version row only.
  auto [ec1, r1] = exec(*c, std::string(paystack::pg::migrations().at(0)) +
                                "; CREATE TABLE paystack_schema_version (singleton boolean"
                                " PRIMARY KEY DEFAULT true CHECK (singleton), version integer"
                                " NOT NULL, applied_at timestamptz NOT NULL DEFAULT"
                                " clock_timestamp()); INSERT INTO paystack_schema_version"
                                " (version) VALUES (1)");
  ASSERT_FALSE(ec1) << r1.message();
  auto [ec, report] = migrate(c);
  ASSERT_FALSE(ec) << report.message;
  EXPECT_EQ(report.from, 1);
  EXPECT_EQ(report.to, paystack::pg::schema_version);
  auto [qec, q] = query(*c, "SELECT stopped_at IS NULL FROM paystack_terminal_leases LIMIT 0");
  EXPECT_FALSE(qec) << "version 2's column exists: " << q.message();
}

TEST_F(PgSchema, instances_starting_together_migrate_once) {
  constexpr int n = 6;
  std::vector<std::shared_ptr<connection>> conns;
  for (int i = 0; i < n; ++i) conns.push_back(connected());
  std::mutex m;
  std::vector<std::pair<error_code, migrate_report>> reports;
  auto all = std::make_shared<std::promise<void>>();
  auto done = all->get_future();
  for (auto& c : conns) {
    paystack::pg::async_migrate(c, 10s, [&, all](error_code ec, migrate_report r) {
      std::lock_guard lock(m);
      reports.emplace_back(ec, std::move(r));
      if (reports.size() == n) all->set_value();
    });
  }
  ASSERT_EQ(done.wait_for(30s), std::future_status::ready);
  std::lock_guard lock(m);
  int migrated = 0;
  for (const auto& [ec, r] : reports) {
    EXPECT_FALSE(ec) << r.message;
    EXPECT_EQ(r.to, paystack::pg::schema_version);
    if (r.from == 0) ++migrated;
  }
  EXPECT_EQ(migrated, 1);
  auto [ec, r] = query(*conns[0], "SELECT count(*), max(version) FROM paystack_schema_version");
  EXPECT_EQ(r.integer(0, 0), 1);
  EXPECT_EQ(r.integer(0, 1), paystack::pg::schema_version);
}

TEST_F(PgSchema, a_newer_schema_is_refused_with_a_clear_error_and_left_alone) {
  auto c = connected();
  auto [ec, report] = migrate(c);
  ASSERT_FALSE(ec) << report.message;
  auto [uec, ur] = exec(*c, "UPDATE paystack_schema_version SET version = 99");
  ASSERT_FALSE(uec) << ur.message();
  auto [ec2, refused] = migrate(c);
  EXPECT_EQ(ec2, make_error_code(errc::schema_too_new));
  EXPECT_EQ(refused.from, 99);
  EXPECT_NE(refused.message.find("version 99"), std::string::npos) << refused.message;
  EXPECT_NE(refused.message.find("newer"), std::string::npos) << refused.message;
  auto [ec3, r3] = query(*c, "SELECT version FROM paystack_schema_version");
  EXPECT_EQ(r3.integer(0, 0), 99);
  // The connection is usable afterwards (the transaction was rolled back).
  auto [ec4, r4] = query(*c, "SELECT 1");
  EXPECT_FALSE(ec4) << r4.message();
}

TEST_F(PgSchema, a_failing_migration_leaves_nothing_behind) {
  auto c = connected();
  // A table in the way: migration 1 fails at its last CREATE TABLE.
  auto [pec, pr] = exec(*c, "CREATE TABLE paystack_rate_budget (x int)");
  ASSERT_FALSE(pec) << pr.message();
  auto [ec, report] = migrate(c);
  EXPECT_EQ(ec, make_error_code(errc::query_failed));
  EXPECT_NE(report.message.find("migration to version 1"), std::string::npos) << report.message;
  EXPECT_NE(report.message.find("paystack_rate_budget"), std::string::npos) << report.message;
  EXPECT_FALSE(table_exists(*c, "paystack_charges"));
  EXPECT_FALSE(table_exists(*c, "paystack_schema_version"));
}

TEST_F(PgSchema, webhook_inbox_stores_a_semantic_key_once_and_notifies_each_insert) {
  auto c = connected();
  auto [ec, report] = migrate(c);
  ASSERT_FALSE(ec) << report.message;
  auto listener = connected();
  // NOTIFY's channel is the database's, and the tests running beside this one (each in a schema
  // of its own) store webhooks too: only the keys made of this test's schema name count.
  const std::string request_key = "paymentrequest.success:" + schema_;
  const std::string charge_key = "charge.success:" + schema_;
  std::mutex m;
  std::vector<std::string> payloads;
  auto two = std::make_shared<std::promise<void>>();
  auto two_f = two->get_future();
  listener->on_notification([&, two](const notification& n) {
    std::lock_guard lock(m);
    if (n.payload.find(schema_) == std::string::npos) return;
    payloads.push_back(n.payload);
    if (payloads.size() == 2) two->set_value();
  });
  auto [lec, lr] = exec(*listener, "LISTEN paystack_webhook");
  ASSERT_FALSE(lec) << lr.message();
  const std::string insert =
      "INSERT INTO paystack_webhook_inbox (semantic_key, event, request_code, body, received_by)"
      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (semantic_key) DO NOTHING";
  auto [e1, r1] = query(*c, insert, {request_key, "paymentrequest.success", "PRQ_1", "{}", "a"});
  ASSERT_FALSE(e1) << r1.message();
  EXPECT_EQ(r1.affected(), 1);
  // The same event at a second instance: a duplicate, stored nothing, notified nothing.
  auto [e2, r2] = query(*c, insert, {request_key, "paymentrequest.success", "PRQ_1", "{}", "b"});
  ASSERT_FALSE(e2) << r2.message();
  EXPECT_EQ(r2.affected(), 0);
  auto [e3, r3] = query(*c, insert, {charge_key, "charge.success", "", "{}", "b"});
  ASSERT_FALSE(e3) << r3.message();
  ASSERT_EQ(two_f.wait_for(10s), std::future_status::ready);
  // A third notification of this schema's keys (the duplicate's) would arrive before the one
  // for the charge that followed it; a round trip on the listener lets any late one in.
  auto [pe, pr] = exec(*listener, "SELECT 1");
  ASSERT_FALSE(pe) << pr.message();
  std::lock_guard lock(m);
  ASSERT_EQ(payloads.size(), 2U);
  EXPECT_NE(payloads[0].find(" " + request_key), std::string::npos) << payloads[0];
  EXPECT_NE(payloads[1].find(" " + charge_key), std::string::npos) << payloads[1];
  auto [e4, r4] = query(
      *c, "SELECT received_by FROM paystack_webhook_inbox WHERE semantic_key = $1", {request_key});
  EXPECT_EQ(r4.value(0, 0), "a");
}

TEST_F(PgSchema, a_charge_row_refuses_an_unknown_stage_and_an_oversized_key) {
  auto c = connected();
  auto [ec, report] = migrate(c);
  ASSERT_FALSE(ec) << report.message;
  const std::string insert =
      "INSERT INTO paystack_charges (charge_key, terminal_id, amount, customer, stage)"
      " VALUES ($1, 'T1', 100, 'CUS_1', $2)";
  auto [e1, r1] = query(*c, insert, {"order-1", "started"});
  EXPECT_FALSE(e1) << r1.message();
  auto [e2, r2] = query(*c, insert, {"order-2", "teleported"});
  EXPECT_EQ(r2.sqlstate(), "23514");  // check_violation
  auto [e3, r3] = query(*c, insert, {std::string(201, 'k'), "started"});
  EXPECT_EQ(r3.sqlstate(), "23514");
}

}  // namespace
}  // namespace fleet_test
