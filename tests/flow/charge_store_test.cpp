// paystack::charge_store: the URL forms, the memory and SQLite engines (round trip, versions,
// journal, webhook keys), a newer schema refused, two connections on one file.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <paystack/charge_store.hpp>
#include <paystack/error.hpp>
#include <thread>

#include "running_context.hpp"

using namespace paystack;
namespace asio = boost::asio;

namespace {

/// A fresh SQLite file path under the temp directory, removed (with its WAL files) at the end.
class temp_db {
 public:
  explicit temp_db(const std::string& name)
      : path_((std::filesystem::temp_directory_path() /
               ("paystack-" + name + "-" + std::to_string(::getpid()) + ".db"))
                  .string()) {
    remove();
  }
  ~temp_db() { remove(); }
  const std::string& path() const { return path_; }

 private:
  void remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  std::string path_;
};

template <class Sig>
struct waiter;
template <class... Args>
struct waiter<void(Args...)> {
  template <class Op>
  static std::tuple<Args...> run(Op op) {
    std::promise<std::tuple<Args...>> p;
    auto f = p.get_future();
    std::move(op)([&p](Args... a) { p.set_value(std::tuple<Args...>(std::move(a)...)); });
    return f.get();
  }
};
/// Runs a deferred store operation and waits for its completion's arguments.
template <class Sig, class Op>
auto wait(Op op) {
  return waiter<Sig>::run(std::move(op));
}

charge_record sample(std::string key) {
  charge_record r;
  r.key = std::move(key);
  r.terminal_id = "T0000001";
  r.customer = "CUS_store0001";
  r.amount = 5000;
  r.currency = "NGN";
  return r;
}

std::shared_ptr<charge_store> open_or_fail(asio::io_context& io, const std::string& url) {
  boost::system::error_code ec;
  std::string why;
  auto store = open_charge_store(io.get_executor(), url, ec, why);
  EXPECT_FALSE(ec) << why;
  return store;
}

/// Begin, save twice (the second with a stale version), load, history, list.
void exercise(charge_store& store) {
  auto [ec, rec, inserted] = wait<charge_begin_signature>(store.async_begin(sample("order-1")));
  ASSERT_FALSE(ec);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(rec.version, 1u);
  EXPECT_EQ(rec.stage, charge_journal_stage::started);

  auto [ec2, again, inserted2] = wait<charge_begin_signature>(store.async_begin(sample("order-1")));
  ASSERT_FALSE(ec2);
  EXPECT_FALSE(inserted2) << "the same key is one charge";

  auto next = rec;
  next.stage = charge_journal_stage::created;
  next.request_id = 2227000;
  next.request_code = "PRQ_abc";
  next.offline_reference = "4634332227000";
  auto [ec3, saved] = wait<charge_save_signature>(store.async_save(next, "PRQ_abc"));
  ASSERT_FALSE(ec3);
  EXPECT_EQ(saved.version, 2u);

  auto [ec4, stale] = wait<charge_save_signature>(store.async_save(next, "again"));
  EXPECT_EQ(ec4, make_error_code(error::store_conflict)) << "version 1 is stale";

  auto [ec5, loaded] = wait<charge_load_signature>(store.async_load("order-1"));
  ASSERT_FALSE(ec5);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->request_code, "PRQ_abc");
  EXPECT_EQ(loaded->request_id, 2227000);
  EXPECT_EQ(loaded->offline_reference, "4634332227000");
  EXPECT_EQ(loaded->stage, charge_journal_stage::created);
  EXPECT_FALSE(loaded->outcome);

  auto [ec6, hist] = wait<charge_history_signature>(store.async_history("order-1"));
  ASSERT_FALSE(ec6);
  ASSERT_EQ(hist.size(), 2u);
  EXPECT_EQ(hist[0].stage, charge_journal_stage::started);
  EXPECT_EQ(hist[1].detail, "PRQ_abc");

  auto fin = saved;
  fin.stage = charge_journal_stage::finished;
  fin.outcome = charge_outcome::not_delivered;
  fin.open = true;
  auto [ec7, done] = wait<charge_save_signature>(store.async_save(fin, "not_delivered"));
  ASSERT_FALSE(ec7);
  auto [ec8, open] = wait<charge_list_signature>(store.async_list({.open_only = true}));
  ASSERT_FALSE(ec8);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].outcome, charge_outcome::not_delivered);
  auto [ec9, unfinished] = wait<charge_list_signature>(store.async_list({.unfinished_only = true}));
  ASSERT_FALSE(ec9);
  EXPECT_TRUE(unfinished.empty());

  auto [ec10, fresh] =
      wait<webhook_record_signature>(store.async_record_webhook("charge.success:pos_1", "{}"));
  ASSERT_FALSE(ec10);
  EXPECT_TRUE(fresh);
  auto [ec11, fresh2] =
      wait<webhook_record_signature>(store.async_record_webhook("charge.success:pos_1", "{}"));
  ASSERT_FALSE(ec11);
  EXPECT_FALSE(fresh2) << "a replay is not new";
}

}  // namespace

TEST(ChargeStoreUrl, plain_path_sqlite_prefix_memory_and_refusals) {
  auto a = parse_charge_store_url("/var/lib/pos/charges.db");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->engine, charge_store_engine::sqlite);
  EXPECT_EQ(a->path, "/var/lib/pos/charges.db");
  auto b = parse_charge_store_url("sqlite:charges.db");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->path, "charges.db");
  auto m = parse_charge_store_url("memory:");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->engine, charge_store_engine::memory);
  std::string why;
  EXPECT_FALSE(parse_charge_store_url("postgres://db/pos", &why));
  EXPECT_NE(why.find("postgres://"), std::string::npos) << why;
  EXPECT_FALSE(parse_charge_store_url("sqlite:", &why));
  EXPECT_FALSE(parse_charge_store_url("", &why));
}

TEST(ChargeStore, memory_records_versions_journal_and_webhooks) {
  test::running_context ctx;
  auto store = make_memory_charge_store(ctx.io.get_executor());
  EXPECT_EQ(store->describe(), "memory");
  exercise(*store);
}

TEST(ChargeStore, sqlite_records_versions_journal_and_webhooks) {
  temp_db db("store-roundtrip");
  test::running_context ctx;
  auto store = open_or_fail(ctx.io, "sqlite:" + db.path());
  ASSERT_TRUE(store);
  exercise(*store);
}

TEST(ChargeStore, sqlite_records_survive_reopening) {
  temp_db db("store-reopen");
  test::running_context ctx;
  {
    auto store = open_or_fail(ctx.io, db.path());
    ASSERT_TRUE(store);
    auto [ec, rec, inserted] = wait<charge_begin_signature>(store->async_begin(sample("order-9")));
    ASSERT_FALSE(ec);
  }
  auto store = open_or_fail(ctx.io, db.path());
  ASSERT_TRUE(store);
  auto [ec, loaded] = wait<charge_load_signature>(store->async_load("order-9"));
  ASSERT_FALSE(ec);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->amount, 5000);
  EXPECT_EQ(loaded->terminal_id, "T0000001");
}

TEST(ChargeStore, sqlite_refuses_a_store_of_a_newer_schema) {
  temp_db db("store-newer");
  test::running_context ctx;
  ASSERT_TRUE(open_or_fail(ctx.io, db.path()));
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.path().c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "UPDATE paystack_schema SET version=7", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  boost::system::error_code ec;
  std::string why;
  auto store = open_charge_store(ctx.io.get_executor(), db.path(), ec, why);
  EXPECT_FALSE(store);
  EXPECT_EQ(ec, make_error_code(error::store_too_new));
  EXPECT_NE(why.find("schema version 7"), std::string::npos) << why;
}

TEST(ChargeStore, sqlite_refuses_a_file_that_is_not_a_database) {
  temp_db db("store-garbage");
  {
    std::FILE* f = std::fopen(db.path().c_str(), "wb");
    ASSERT_TRUE(f);
    std::fputs("this is not a SQLite database, it is a text file of some length...........", f);
    std::fclose(f);
  }
  test::running_context ctx;
  boost::system::error_code ec;
  std::string why;
  auto store = open_charge_store(ctx.io.get_executor(), db.path(), ec, why);
  EXPECT_FALSE(store);
  EXPECT_EQ(ec, make_error_code(error::store_failed));
  EXPECT_FALSE(why.empty());
}

TEST(ChargeStore, two_connections_on_one_file_see_one_charge_per_key) {
  temp_db db("store-two");
  test::running_context ctx;
  auto a = open_or_fail(ctx.io, db.path());
  auto b = open_or_fail(ctx.io, db.path());
  ASSERT_TRUE(a && b);
  // Both begin the same 50 keys at the same time: each key is inserted exactly once.
  constexpr int keys = 50;
  std::atomic<int> inserted{0};
  std::atomic<int> failed{0};
  auto begin_all = [&](charge_store& s) {
    for (int i = 0; i < keys; ++i) {
      auto [e, r, ins] =
          wait<charge_begin_signature>(s.async_begin(sample("k" + std::to_string(i))));
      if (e) ++failed;
      if (ins) ++inserted;
    }
  };
  std::thread ta([&] { begin_all(*a); });
  std::thread tb([&] { begin_all(*b); });
  ta.join();
  tb.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(inserted.load(), keys);
  // A write through one connection makes the other's copy stale.
  auto [e1, r1] = wait<charge_load_signature>(a->async_load("k0"));
  ASSERT_TRUE(r1);
  auto moved = *r1;
  moved.stage = charge_journal_stage::creating;
  auto [e2, s2] = wait<charge_save_signature>(a->async_save(moved, ""));
  ASSERT_FALSE(e2);
  auto [e3, s3] = wait<charge_save_signature>(b->async_save(moved, ""));
  EXPECT_EQ(e3, make_error_code(error::store_conflict));
}
