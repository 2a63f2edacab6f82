// The fleet tests' PostgreSQL: the throwaway server of scripts/pg-test-server.sh (the ctest
// fixture fleet.postgres_start, or `pg-test-server.sh run`), one schema per test (dropped at the
// end), and blocking helpers over pg::connection for the test bodies.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <paystack/charge_store.hpp>
#include <paystack/store_url.hpp>
#include <stdexcept>
#include <string>
#include <tuple>

#include "pg/connection.hpp"
#include "pg/schema.hpp"
#include "running_context.hpp"

namespace fleet_test {

using namespace std::chrono_literals;
using paystack::pg::connection;
using paystack::pg::outcome_of_query;

/// The server's URL: PAYSTACK_TEST_PG_URL, or the url file of PAYSTACK_TEST_PG_STATE. Empty when
/// neither is set (the test binary run by hand); a state folder without a url fails the test.
std::string server_url();

/// Waits (bounded) for a connect; the error.
boost::system::error_code connect(connection& c, std::chrono::milliseconds timeout = 5s);
/// Runs one statement and waits (bounded) for it.
outcome_of_query query(connection& c, std::string sql, paystack::pg::params p = {},
                       std::chrono::milliseconds timeout = 10s);
outcome_of_query exec(connection& c, std::string sql, std::chrono::milliseconds timeout = 10s);

/// Starts an operation with a handler taking `Args...` and waits (bounded) for its arguments:
///     auto [ec, l] = await_call<error_code, lease>([&](auto h) { async_x(*c, ..., std::move(h));
///     });
template <class... Args, class Start>
std::tuple<Args...> await_call(Start start, std::chrono::milliseconds bound = 20s) {
  auto p = std::make_shared<std::promise<std::tuple<Args...>>>();
  auto f = p->get_future();
  start([p](Args... a) { p->set_value(std::tuple<Args...>(std::move(a)...)); });
  if (f.wait_for(bound) != std::future_status::ready) {
    ADD_FAILURE() << "the operation did not complete within " << bound.count() << " ms";
    throw std::runtime_error("test operation did not complete");
  }
  return f.get();
}

/// A test with its own schema: every connection it makes works in it (search_path).
class PgTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  /// A new connection to the test's schema (not connected yet).
  std::shared_ptr<connection> make();
  /// A new connected connection to the test's schema.
  std::shared_ptr<connection> connected();
  /// The charge store on the test's schema (open_charge_store on url_, executor ctx_), as an
  /// instance of a fleet opens it; null (and a test failure saying why) when it cannot be opened.
  std::shared_ptr<paystack::charge_store> open_store();

  paystack::test::running_context ctx_;
  std::string base_url_;
  std::string schema_;
  std::string url_;  // base_url_ with the schema as search_path
  std::shared_ptr<connection> admin_;
};

/// Brings `c`'s schema to the current version (pg::async_migrate) and waits (bounded).
std::tuple<boost::system::error_code, paystack::pg::migrate_report> migrate(
    std::shared_ptr<connection> c);

/// A PgTest whose schema is migrated; c_ is connected to it.
class PgMigratedTest : public PgTest {
 protected:
  void SetUp() override;
  std::shared_ptr<connection> c_;
};

}  // namespace fleet_test
