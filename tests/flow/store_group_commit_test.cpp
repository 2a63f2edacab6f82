// The SQLite store's group commit (issue 24): the writes queued while a commit is in flight share
// the next transaction, each write's handler runs only after that commit, a write that fails in a
// batch rolls back only itself, and a batch that cannot open its transaction falls back to one
// transaction per write. Reads run on a connection of their own. Keyed refunds' writes (issue 27)
// share the batches of the charges' writes.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <paystack/charge_store.hpp>
#include <paystack/error.hpp>
#include <paystack/store_url.hpp>
#include <vector>

#include "flow/store/refund_engine.hpp"
#include "flow/store/store_engine.hpp"
#include "refund_store_behaviour.hpp"
#include "running_context.hpp"
#include "store_behaviour.hpp"

using namespace paystack;
using namespace store_behaviour;
namespace asio = boost::asio;

namespace {

class temp_file {
 public:
  explicit temp_file(const std::string& name)
      : path_((std::filesystem::temp_directory_path() /
               ("paystack-" + name + "-" + std::to_string(::getpid()) + ".db"))
                  .string()) {
    remove();
  }
  ~temp_file() { remove(); }
  const std::string& path() const { return path_; }
  /// Frames in the write-ahead log (each commit appends the pages it changed).
  std::uintmax_t wal_frames() const {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path_ + "-wal", ec);
    return ec || size < 32 ? 0 : (size - 32) / (4096 + 24);
  }

 private:
  void remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  std::string path_;
};

/// Another process's connection holding the file's write lock until release().
class write_lock {
 public:
  explicit write_lock(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  }
  ~write_lock() {
    release();
    sqlite3_close(db_);
  }
  void release() {
    if (held_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    held_ = false;
  }

 private:
  sqlite3* db_ = nullptr;
  bool held_ = true;
};

std::shared_ptr<charge_store> open_store(asio::io_context& io, const std::string& path,
                                         int busy_ms = 5000) {
  boost::system::error_code ec;
  std::string why;
  auto store = open_charge_store(io.get_executor(), path, ec, why, busy_ms);
  EXPECT_FALSE(ec) << why;
  return store;
}

}  // namespace

TEST(StoreGroupCommit, writes_queued_during_a_commit_share_one_transaction) {
  temp_file db("group-commit");
  test::running_context ctx;
  auto store = open_store(ctx.io, db.path());
  ASSERT_TRUE(store);
  const auto before = db.wal_frames();
  constexpr int n = 60;
  std::vector<std::promise<boost::system::error_code>> done(n);
  {
    // The writer thread waits for this lock with the first write; the others queue behind it.
    write_lock other(db.path());
    for (int i = 0; i < n; ++i)
      store->async_begin(sample("group-" + std::to_string(i)),
                         [&done, i](boost::system::error_code ec, charge_record, bool inserted) {
                           EXPECT_TRUE(inserted);
                           done[static_cast<std::size_t>(i)].set_value(ec);
                         });
  }
  for (auto& d : done) {
    auto f = d.get_future();
    ASSERT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    EXPECT_FALSE(f.get());
  }
  // One transaction per write would append at least 4 pages each (the charge, its key, the
  // journal entry, its index): 240 frames. Two batches append a few dozen at most.
  const auto frames = db.wal_frames() - before;
  EXPECT_LT(frames, static_cast<std::uintmax_t>(n)) << frames << " WAL frames for " << n;
  auto [ec, all] = wait<charge_list_signature>(store->async_list(charge_list_filter{}));
  ASSERT_FALSE(ec);
  EXPECT_EQ(all.size(), static_cast<std::size_t>(n));
  // Durable: another connection (a new process) reads every one of them.
  auto again = open_store(ctx.io, db.path());
  ASSERT_TRUE(again);
  auto [ec2, reread] = wait<charge_list_signature>(again->async_list(charge_list_filter{}));
  ASSERT_FALSE(ec2);
  EXPECT_EQ(reread.size(), static_cast<std::size_t>(n));
}

TEST(StoreGroupCommit, a_write_that_fails_in_a_batch_rolls_back_only_itself) {
  temp_file db("group-partial");
  boost::system::error_code ec;
  std::string why;
  auto engine = detail::open_sqlite_engine(db.path(), 1000, ec, why);
  ASSERT_TRUE(engine) << why;
  ASSERT_TRUE(engine->begin_batch());
  auto a = sample("batch-a");
  a.version = 1;
  bool inserted = false;
  ASSERT_FALSE(engine->begin(a, inserted));
  EXPECT_TRUE(inserted);
  auto stale = a;
  stale.version = 7;  // not the stored version: refused
  stale.stage = charge_journal_stage::creating;
  EXPECT_EQ(engine->save(stale, "stale"), make_error_code(error::store_conflict));
  auto b = sample("batch-b");
  b.version = 1;
  ASSERT_FALSE(engine->begin(b, inserted));
  auto next = a;
  next.stage = charge_journal_stage::creating;
  ASSERT_FALSE(engine->save(next, "good"));
  ASSERT_FALSE(engine->end_batch());
  engine.reset();

  auto reader = detail::open_sqlite_engine(db.path(), 1000, ec, why);
  ASSERT_TRUE(reader) << why;
  std::optional<charge_record> ra, rb;
  ASSERT_FALSE(reader->load("batch-a", ra));
  ASSERT_FALSE(reader->load("batch-b", rb));
  ASSERT_TRUE(ra && rb);
  EXPECT_EQ(ra->stage, charge_journal_stage::creating);
  EXPECT_EQ(ra->version, 2u);
  std::vector<charge_journal_entry> journal;
  ASSERT_FALSE(reader->history("batch-a", journal));
  ASSERT_EQ(journal.size(), 2u) << "the refused save left no journal entry";
  EXPECT_EQ(journal[1].detail, "good");
}

TEST(StoreGroupCommit, writes_fail_when_another_process_keeps_the_file_locked) {
  temp_file db("group-locked");
  test::running_context ctx;
  auto store = open_store(ctx.io, db.path(), /*busy_ms=*/100);
  ASSERT_TRUE(store);
  write_lock other(db.path());
  constexpr int n = 5;
  std::vector<std::future<std::tuple<boost::system::error_code, charge_record, bool>>> results;
  std::vector<std::promise<std::tuple<boost::system::error_code, charge_record, bool>>> ps(n);
  for (int i = 0; i < n; ++i) {
    results.push_back(ps[static_cast<std::size_t>(i)].get_future());
    store->async_begin(sample("locked-" + std::to_string(i)),
                       [&ps, i](boost::system::error_code ec, charge_record r, bool ins) {
                         ps[static_cast<std::size_t>(i)].set_value({ec, std::move(r), ins});
                       });
  }
  for (auto& f : results) {
    ASSERT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    auto [ec, rec, inserted] = f.get();
    EXPECT_EQ(ec, make_error_code(error::store_failed));
    EXPECT_FALSE(inserted);
  }
  // Reads go on while the writer is locked out (WAL: the last commit).
  auto [lec, none] = wait<charge_load_signature>(store->async_load("locked-0"));
  EXPECT_FALSE(lec);
  EXPECT_FALSE(none);
  other.release();
  auto [ec, rec, inserted] = wait<charge_begin_signature>(store->async_begin(sample("locked-0")));
  EXPECT_FALSE(ec);
  EXPECT_TRUE(inserted);
}

TEST(StoreGroupCommit, refund_writes_queued_with_charge_writes_share_their_batch) {
  temp_file db("group-refunds");
  test::running_context ctx;
  auto store = open_store(ctx.io, db.path());
  ASSERT_TRUE(store);
  constexpr int n = 20;
  std::vector<std::promise<boost::system::error_code>> charges(n), refunds(n);
  {
    // The writer thread waits for this lock with the first write; the others queue behind it
    // and run as one batch: a refund write in it must not open a transaction of its own.
    write_lock other(db.path());
    for (int i = 0; i < n; ++i) {
      const auto at = static_cast<std::size_t>(i);
      store->async_begin(sample("mixed-" + std::to_string(i)),
                         [&charges, at](boost::system::error_code ec, charge_record, bool) {
                           charges[at].set_value(ec);
                         });
      store->async_begin_refund(
          refund_sample("mixed-return-" + std::to_string(i)),
          [&refunds, at](boost::system::error_code ec, refund_record, bool inserted) {
            EXPECT_TRUE(inserted);
            refunds[at].set_value(ec);
          });
    }
  }
  for (auto* all : {&charges, &refunds}) {
    for (auto& d : *all) {
      auto f = d.get_future();
      ASSERT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready);
      EXPECT_FALSE(f.get());
    }
  }
  // Durable: another connection reads every refund and its journal.
  auto again = open_store(ctx.io, db.path());
  ASSERT_TRUE(again);
  refund_list_filter f;
  f.limit = 100;
  auto [ec, listed] = wait<refund_list_signature>(again->async_list_refunds(f));
  ASSERT_FALSE(ec);
  EXPECT_EQ(listed.size(), static_cast<std::size_t>(n));
  auto [hec, journal] =
      wait<refund_history_signature>(again->async_refund_history("mixed-return-7"));
  ASSERT_FALSE(hec);
  ASSERT_EQ(journal.size(), 1u);
  EXPECT_EQ(journal[0].detail, "started");
}

TEST(StoreGroupCommit, a_refund_write_that_fails_in_a_batch_rolls_back_only_itself) {
  temp_file db("group-refund-partial");
  boost::system::error_code ec;
  std::string why;
  auto engine = detail::open_sqlite_engine(db.path(), 1000, ec, why);
  ASSERT_TRUE(engine && engine->refunds()) << why;
  auto* refunds = engine->refunds();
  ASSERT_TRUE(engine->begin_batch());
  auto a = refund_sample("batch-return-a");
  a.version = 1;
  bool inserted = false;
  ASSERT_FALSE(refunds->begin(a, inserted));
  EXPECT_TRUE(inserted);
  auto stale = a;
  stale.version = 7;  // not the stored version: refused
  stale.stage = refund_journal_stage::sending;
  EXPECT_EQ(refunds->save(stale, "stale"), make_error_code(error::store_conflict));
  auto charge = sample("batch-charge");
  charge.version = 1;
  ASSERT_FALSE(engine->begin(charge, inserted));
  auto next = a;
  next.stage = refund_journal_stage::sending;
  ASSERT_FALSE(refunds->save(next, "good"));
  ASSERT_FALSE(engine->end_batch());
  engine.reset();

  auto reader = detail::open_sqlite_engine(db.path(), 1000, ec, why);
  ASSERT_TRUE(reader && reader->refunds()) << why;
  std::optional<refund_record> ra;
  std::optional<charge_record> rc;
  ASSERT_FALSE(reader->refunds()->load("batch-return-a", ra));
  ASSERT_FALSE(reader->load("batch-charge", rc));
  ASSERT_TRUE(ra && rc);
  EXPECT_EQ(ra->stage, refund_journal_stage::sending);
  EXPECT_EQ(ra->version, 2u);
  std::vector<refund_journal_entry> journal;
  ASSERT_FALSE(reader->refunds()->history("batch-return-a", journal));
  ASSERT_EQ(journal.size(), 2u) << "the refused save left no journal entry";
  EXPECT_EQ(journal[1].detail, "good");
}
