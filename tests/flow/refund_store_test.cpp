// The keyed refunds' records in the memory and SQLite stores (tests/support/
// refund_store_behaviour.hpp; PostgreSQL: tests/fleet/pg_refund_test.cpp): records, versions,
// journal, lists, one record per key with two writers, one transaction's refunds one at a time
// across two connections of one file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <paystack/charge_store.hpp>
#include <paystack/store_url.hpp>

#include "refund_store_behaviour.hpp"
#include "running_context.hpp"

using namespace paystack;
using namespace store_behaviour;

namespace {

/// A fresh SQLite file under the temp directory, removed (with its WAL files) at the end.
class temp_file {
 public:
  explicit temp_file(const std::string& name)
      : path_((std::filesystem::temp_directory_path() /
               ("paystack-refund-" + name + "-" + std::to_string(::getpid()) + ".db"))
                  .string()) {
    remove();
  }
  ~temp_file() { remove(); }
  const std::string& path() const { return path_; }

 private:
  void remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  std::string path_;
};

std::shared_ptr<charge_store> open_or_fail(boost::asio::io_context& io, const std::string& url) {
  boost::system::error_code ec;
  std::string why;
  auto store = open_charge_store(io.get_executor(), url, ec, why);
  EXPECT_FALSE(ec) << why;
  return store;
}

TEST(RefundStore, memory_keeps_records_versions_journal_and_lists) {
  test::running_context ctx;
  auto store = make_memory_charge_store(ctx.io.get_executor());
  exercise_refunds(*store);
}

TEST(RefundStore, sqlite_keeps_records_versions_journal_and_lists) {
  temp_file db("behaviour");
  test::running_context ctx;
  auto store = open_or_fail(ctx.io, db.path());
  ASSERT_TRUE(store);
  exercise_refunds(*store);
}

TEST(RefundStore, two_sqlite_connections_keep_one_refund_per_key) {
  temp_file db("writers");
  test::running_context ctx;
  auto a = open_or_fail(ctx.io, db.path());
  auto b = open_or_fail(ctx.io, db.path());
  ASSERT_TRUE(a && b);
  two_writers_one_refund_per_key(*a, *b);
}

TEST(RefundStore, two_sqlite_connections_refund_one_transaction_one_at_a_time) {
  temp_file db("lease");
  test::running_context ctx;
  auto a = open_or_fail(ctx.io, db.path());
  auto b = open_or_fail(ctx.io, db.path());
  ASSERT_TRUE(a && b);
  one_transaction_s_refunds_lease_one_at_a_time(*a, *b);
}

}  // namespace
