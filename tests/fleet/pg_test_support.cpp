#include "pg_test_support.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <future>
#include <paystack/store_url.hpp>

namespace fleet_test {

using boost::system::error_code;
using paystack::pg::result;

std::string server_url() {
  if (const char* url = std::getenv("PAYSTACK_TEST_PG_URL"); url != nullptr && *url != '\0') {
    return url;
  }
  const char* state = std::getenv("PAYSTACK_TEST_PG_STATE");
  if (state == nullptr || *state == '\0') return {};
  std::ifstream in(std::string(state) + "/url");
  std::string url;
  std::getline(in, url);
  if (url.empty())
    ADD_FAILURE() << "no server URL in " << state << "/url (fleet.postgres_start failed?)";
  return url;
}

namespace {

template <class T>
T wait_for(std::future<T>& f, std::chrono::milliseconds bound, const char* what) {
  if (f.wait_for(bound) != std::future_status::ready) {
    ADD_FAILURE() << what << " did not complete within " << bound.count() << " ms";
    throw std::runtime_error("test operation did not complete");
  }
  return f.get();
}

}  // namespace

error_code connect(connection& c, std::chrono::milliseconds timeout) {
  auto p = std::make_shared<std::promise<error_code>>();
  auto f = p->get_future();
  c.async_connect(timeout, [p](error_code ec) { p->set_value(ec); });
  return wait_for(f, timeout + 5s, "connect");
}

outcome_of_query query(connection& c, std::string sql, paystack::pg::params params,
                       std::chrono::milliseconds timeout) {
  auto p = std::make_shared<std::promise<outcome_of_query>>();
  auto f = p->get_future();
  c.async_query(std::move(sql), std::move(params), timeout, [p](error_code ec, result r) {
    p->set_value({ec, std::move(r)});
  });
  return wait_for(f, timeout + 5s, "query");
}

outcome_of_query exec(connection& c, std::string sql, std::chrono::milliseconds timeout) {
  auto p = std::make_shared<std::promise<outcome_of_query>>();
  auto f = p->get_future();
  c.async_exec(std::move(sql), timeout, [p](error_code ec, result r) {
    p->set_value({ec, std::move(r)});
  });
  return wait_for(f, timeout + 5s, "exec");
}

void PgTest::SetUp() {
  base_url_ = server_url();
  if (base_url_.empty()) {
    GTEST_SKIP() << "no PostgreSQL: run through ctest (fixture fleet.postgres_start) or "
                    "scripts/pg-test-server.sh run";
  }
  static std::atomic<int> counter{0};
  schema_ = "t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  admin_ = connection::create(ctx_.io.get_executor(), base_url_);
  ASSERT_FALSE(connect(*admin_)) << admin_->last_error();
  auto [ec, r] = exec(*admin_, "CREATE SCHEMA " + schema_);
  ASSERT_FALSE(ec) << r.message();
  url_ = base_url_ + (base_url_.find('?') == std::string::npos ? "?" : "&") +
         "options=-csearch_path%3D" + schema_;
}

void PgTest::TearDown() {
  if (admin_ && admin_->is_connected()) {
    auto [ec, r] = exec(*admin_, "DROP SCHEMA " + schema_ + " CASCADE");
    EXPECT_FALSE(ec) << r.message();
  }
  if (admin_) admin_->close();
}

std::shared_ptr<connection> PgTest::make() {
  return connection::create(ctx_.io.get_executor(), url_);
}

std::shared_ptr<connection> PgTest::connected() {
  auto c = make();
  const auto ec = connect(*c);
  EXPECT_FALSE(ec) << c->last_error();
  return c;
}

std::shared_ptr<paystack::charge_store> PgTest::open_store() {
  error_code ec;
  std::string why;
  auto s = paystack::open_charge_store(ctx_.io.get_executor(), url_, ec, why);
  EXPECT_FALSE(ec) << why;
  return s;
}

std::tuple<error_code, paystack::pg::migrate_report> migrate(std::shared_ptr<connection> c) {
  return await_call<error_code, paystack::pg::migrate_report>(
      [&](auto h) { paystack::pg::async_migrate(c, 10s, std::move(h)); });
}

void PgMigratedTest::SetUp() {
  PgTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  c_ = connected();
  auto [ec, report] = migrate(c_);
  ASSERT_FALSE(ec) << report.message;
}

}  // namespace fleet_test
