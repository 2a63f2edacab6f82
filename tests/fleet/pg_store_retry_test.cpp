// The PostgreSQL charge store across a cut connection: every operation succeeds after its
// connection was terminated while idle (one reconnect, the statement sent again); a write whose
// commit reply was lost (the test hook pg_store_drop_replies closes the connection after the
// server answered) recognises its own earlier success; a real conflict stays a conflict; a
// release that cannot be repeated safely is not; a server gone for good fails within the timeout.
#include <gtest/gtest.h>

#include <paystack/charge_store.hpp>
#include <paystack/error.hpp>
#include <paystack/store_url.hpp>

#include "flow/store/pg_store.hpp"
#include "pg_test_support.hpp"
#include "store_behaviour.hpp"

namespace fleet_test {
namespace {

using boost::system::error_code;
using namespace store_behaviour;
using namespace std::chrono_literals;

class PgStoreRetry : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    app_ = "retry_" + schema_;
    store_ = open(url_ + "&application_name=" + app_);
    ASSERT_TRUE(store_);
  }
  void TearDown() override {
    store_.reset();
    if (!role_.empty() && admin_ && admin_->is_connected()) {
      auto [ec, r] = exec(*admin_, "DROP OWNED BY " + role_ + "; DROP ROLE " + role_);
      EXPECT_FALSE(ec) << r.message();
    }
    PgTest::TearDown();
  }

  std::shared_ptr<charge_store> open(const std::string& url, int timeout_ms = 5000) {
    error_code ec;
    std::string why;
    auto store = open_charge_store(ctx_.io.get_executor(), url, ec, why, timeout_ms);
    EXPECT_FALSE(ec) << why;
    return store;
  }

  /// Terminates the backends of `app` and waits (bounded) until the server has none left.
  void cut(const std::string& app) {
    auto [ec, r] = query(*admin_,
                         "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM "
                         "pg_stat_activity WHERE application_name = $1) t",
                         {app});
    ASSERT_FALSE(ec) << r.message();
    ASSERT_GE(r.integer(0, 0), 1) << "no connection of " << app;
    // A terminated backend is listed until it has exited: polled for at most 10 s.
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < until) {
      auto [wec, left] = query(
          *admin_, "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", {app});
      ASSERT_FALSE(wec) << left.message();
      if (left.integer(0, 0) == 0) return;
    }
    FAIL() << "the backends of " << app << " did not end";
  }

  /// The store's next `n` answered statements lose their reply; skips without test hooks.
  bool drop_replies(int n) { return paystack::detail::pg_store_drop_replies(*store_, n); }

  std::vector<charge_journal_entry> history(const std::string& key) {
    auto [ec, h] = wait<charge_history_signature>(store_->async_history(key));
    EXPECT_FALSE(ec) << ec.message();
    return h;
  }

  std::string app_;
  std::string role_;
  std::shared_ptr<charge_store> store_;
};

#define REQUIRE_HOOKS()                                                           \
  if (!drop_replies(0)) GTEST_SKIP() << "built without PAYSTACK_TEST_FAILPOINTS"; \
  static_assert(true)

TEST_F(PgStoreRetry, every_operation_succeeds_after_its_idle_connection_was_cut) {
  auto [ec1, rec, inserted] = wait<charge_begin_signature>(store_->async_begin(sample("idle-0")));
  ASSERT_FALSE(ec1);
  cut(app_);
  auto [ec2, rec1, ins1] = wait<charge_begin_signature>(store_->async_begin(sample("idle-1")));
  ASSERT_FALSE(ec2) << ec2.message();
  EXPECT_TRUE(ins1);
  cut(app_);
  auto next = rec1;
  next.stage = charge_journal_stage::creating;
  auto [ec3, saved] = wait<charge_save_signature>(store_->async_save(next, "creating"));
  ASSERT_FALSE(ec3) << ec3.message();
  EXPECT_EQ(saved.version, 2u);
  cut(app_);
  auto [ec4, loaded] = wait<charge_load_signature>(store_->async_load("idle-0"));
  ASSERT_FALSE(ec4) << ec4.message();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->amount, 5000);
  cut(app_);
  auto [ec5, listed] = wait<charge_list_signature>(store_->async_list({.unfinished_only = true}));
  ASSERT_FALSE(ec5) << ec5.message();
  EXPECT_EQ(listed.size(), 2u);
  cut(app_);
  auto [ec6, hist] = wait<charge_history_signature>(store_->async_history("idle-1"));
  ASSERT_FALSE(ec6) << ec6.message();
  EXPECT_EQ(hist.size(), 2u);
  cut(app_);
  auto [ec7, fresh] =
      wait<webhook_record_signature>(store_->async_record_webhook("charge.success:idle", "{}"));
  ASSERT_FALSE(ec7) << ec7.message();
  EXPECT_TRUE(fresh);
  cut(app_);
  auto [ec7b, claimed] =
      wait<webhook_record_signature>(store_->async_claim_webhook("charge.success:idle"));
  ASSERT_FALSE(ec7b) << ec7b.message();
  EXPECT_TRUE(claimed);
  cut(app_);
  auto [ec8, lease] =
      wait<lease_acquire_signature>(store_->async_acquire_lease("T0000001", "idle-1", 60s));
  ASSERT_FALSE(ec8) << ec8.message();
  EXPECT_TRUE(lease.acquired);
  cut(app_);
  auto [ec8b, stopped] =
      wait<lease_release_signature>(store_->async_stop_lease("T0000001", lease.fencing_token, 60s));
  ASSERT_FALSE(ec8b) << ec8b.message();
  EXPECT_TRUE(stopped);
  cut(app_);
  auto [ec9, leases] = wait<lease_list_signature>(store_->async_list_leases());
  ASSERT_FALSE(ec9) << ec9.message();
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].fencing_token, lease.fencing_token);
  EXPECT_TRUE(leases[0].stopped);
  cut(app_);
  auto [ec10, released] = wait<lease_release_signature>(
      store_->async_release_lease("T0000001", "", lease.fencing_token));
  ASSERT_FALSE(ec10) << ec10.message();
  EXPECT_TRUE(released);
}

TEST_F(PgStoreRetry, a_begin_whose_reply_was_lost_is_its_own_insert) {
  REQUIRE_HOOKS();
  ASSERT_TRUE(drop_replies(1));
  auto [ec, rec, inserted] = wait<charge_begin_signature>(store_->async_begin(sample("lost-b")));
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_TRUE(inserted) << "the resend did not recognise its own insert";
  EXPECT_EQ(rec.version, 1u);
  EXPECT_EQ(history("lost-b").size(), 1u) << "the charge was begun twice";
  // The same key begun again (no reply lost) is not a new charge.
  auto [ec2, again, inserted2] =
      wait<charge_begin_signature>(store_->async_begin(sample("lost-b")));
  ASSERT_FALSE(ec2);
  EXPECT_FALSE(inserted2);
  // Another store's charge met on a resend stays another's.
  auto other = open(url_);
  ASSERT_TRUE(other);
  auto [ec3, theirs, ins3] = wait<charge_begin_signature>(other->async_begin(sample("lost-o")));
  ASSERT_TRUE(!ec3 && ins3);
  ASSERT_TRUE(drop_replies(1));
  auto [ec4, mine, ins4] = wait<charge_begin_signature>(store_->async_begin(sample("lost-o")));
  ASSERT_FALSE(ec4) << ec4.message();
  EXPECT_FALSE(ins4) << "another store's insert was taken as this one's";
}

TEST_F(PgStoreRetry, a_save_whose_reply_was_lost_is_its_own_write_and_a_conflict_stays_one) {
  REQUIRE_HOOKS();
  auto [ec, rec, inserted] = wait<charge_begin_signature>(store_->async_begin(sample("lost-s")));
  ASSERT_FALSE(ec);
  auto next = rec;
  next.stage = charge_journal_stage::created;
  next.request_code = "PRQ_lost";
  ASSERT_TRUE(drop_replies(1));
  auto [ec1, saved] = wait<charge_save_signature>(store_->async_save(next, "PRQ_lost"));
  ASSERT_FALSE(ec1) << "the resend did not recognise its own write: " << ec1.message();
  EXPECT_EQ(saved.version, 2u);
  EXPECT_EQ(saved.request_code, "PRQ_lost");
  const auto h = history("lost-s");
  ASSERT_EQ(h.size(), 2u) << "the stage was journalled twice";
  EXPECT_EQ(h[1].detail, "PRQ_lost");

  // Another store moves the charge on; this store's save of the old version, its reply lost,
  // finds a record it did not write: a conflict.
  auto other = open(url_);
  ASSERT_TRUE(other);
  auto theirs = saved;
  theirs.stage = charge_journal_stage::pushing;
  auto [ec2, by_other] = wait<charge_save_signature>(other->async_save(theirs, "pushing"));
  ASSERT_FALSE(ec2);
  auto mine = saved;
  mine.stage = charge_journal_stage::pushing;
  ASSERT_TRUE(drop_replies(1));
  auto [ec3, refused] = wait<charge_save_signature>(store_->async_save(mine, "pushing"));
  EXPECT_EQ(ec3, make_error_code(error::store_conflict)) << ec3.message();
  EXPECT_EQ(history("lost-s").size(), 3u);
}

TEST_F(PgStoreRetry, webhook_and_lease_writes_whose_reply_was_lost_are_their_own) {
  REQUIRE_HOOKS();
  ASSERT_TRUE(drop_replies(1));
  auto [ec1, fresh] =
      wait<webhook_record_signature>(store_->async_record_webhook("charge.success:lost", "{1}"));
  ASSERT_FALSE(ec1) << ec1.message();
  EXPECT_TRUE(fresh) << "the resend took its own event for a duplicate";
  auto [ec2, dup] =
      wait<webhook_record_signature>(store_->async_record_webhook("charge.success:lost", "{1}"));
  ASSERT_FALSE(ec2);
  EXPECT_FALSE(dup) << "a real duplicate";
  // Stored by another store: a duplicate on a resend too.
  auto other = open(url_);
  ASSERT_TRUE(other);
  auto [ec3, theirs] =
      wait<webhook_record_signature>(other->async_record_webhook("charge.success:o", "{2}"));
  ASSERT_TRUE(!ec3 && theirs);
  ASSERT_TRUE(drop_replies(1));
  auto [ec4, dup2] =
      wait<webhook_record_signature>(store_->async_record_webhook("charge.success:o", "{2}"));
  ASSERT_FALSE(ec4) << ec4.message();
  EXPECT_FALSE(dup2) << "another store's event was taken as this one's";
  // A claim whose reply was lost is this store's; the other store's claim is refused.
  ASSERT_TRUE(drop_replies(1));
  auto [ec4b, claimed] =
      wait<webhook_record_signature>(store_->async_claim_webhook("charge.success:o"));
  ASSERT_FALSE(ec4b) << ec4b.message();
  EXPECT_TRUE(claimed) << "the resend took its own claim for another's";
  auto [ec4c, by_other] =
      wait<webhook_record_signature>(other->async_claim_webhook("charge.success:o"));
  ASSERT_FALSE(ec4c);
  EXPECT_FALSE(by_other);

  ASSERT_TRUE(drop_replies(1));
  auto [ec5, lease] =
      wait<lease_acquire_signature>(store_->async_acquire_lease("T0000001", "lost-l", 60s));
  ASSERT_FALSE(ec5) << ec5.message();
  EXPECT_TRUE(lease.acquired) << "the resend took its own lease for another's";
  EXPECT_GT(lease.fencing_token, 0);
  auto [ec6, busy] =
      wait<lease_acquire_signature>(other->async_acquire_lease("T0000001", "lost-x", 60s));
  ASSERT_FALSE(ec6);
  EXPECT_FALSE(busy.acquired);
  EXPECT_EQ(busy.fencing_token, lease.fencing_token);
  ASSERT_TRUE(drop_replies(1));
  auto [ec6b, stopped] =
      wait<lease_release_signature>(store_->async_stop_lease("T0000001", lease.fencing_token, 60s));
  ASSERT_FALSE(ec6b) << ec6b.message();
  EXPECT_TRUE(stopped) << "the resend of a stop answered otherwise";
  ASSERT_TRUE(drop_replies(1));
  auto [ec7, released] = wait<lease_release_signature>(
      store_->async_release_lease("T0000001", "", lease.fencing_token));
  ASSERT_FALSE(ec7) << ec7.message();
  EXPECT_TRUE(released) << "the resend did not recognise its own release";
  auto [ec8, leases] = wait<lease_list_signature>(store_->async_list_leases());
  ASSERT_FALSE(ec8);
  EXPECT_TRUE(leases.empty());
}

TEST_F(PgStoreRetry, a_release_without_a_token_is_not_sent_twice) {
  REQUIRE_HOOKS();
  auto [ec1, lease] =
      wait<lease_acquire_signature>(store_->async_acquire_lease("T0000002", "k", 60s));
  ASSERT_TRUE(!ec1 && lease.acquired);
  // It names whatever lease the holder has: a resend could release one taken since.
  ASSERT_TRUE(drop_replies(1));
  auto [ec2, released] =
      wait<lease_release_signature>(store_->async_release_lease("T0000002", lease.holder, 0));
  EXPECT_EQ(ec2, make_error_code(error::store_failed));
  auto [ec3, leases] = wait<lease_list_signature>(store_->async_list_leases());
  ASSERT_FALSE(ec3) << ec3.message();
  EXPECT_TRUE(leases.empty()) << "the one attempt did release it";
}

TEST_F(PgStoreRetry, reads_are_sent_again_and_every_reply_lost_is_store_failed) {
  REQUIRE_HOOKS();
  auto [ec, rec, inserted] = wait<charge_begin_signature>(store_->async_begin(sample("lost-r")));
  ASSERT_FALSE(ec);
  ASSERT_TRUE(drop_replies(2));
  auto [ec1, loaded] = wait<charge_load_signature>(store_->async_load("lost-r"));
  ASSERT_FALSE(ec1) << ec1.message();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->version, 1u);
  ASSERT_TRUE(drop_replies(1));
  auto [ec2, listed] = wait<charge_list_signature>(store_->async_list({}));
  ASSERT_FALSE(ec2) << ec2.message();
  EXPECT_EQ(listed.size(), 1u);
  // Three attempts, every reply lost: store_failed, as before; the write did happen once.
  auto next = rec;
  next.stage = charge_journal_stage::creating;
  ASSERT_TRUE(drop_replies(3));
  auto [ec3, saved] = wait<charge_save_signature>(store_->async_save(next, "creating"));
  EXPECT_EQ(ec3, make_error_code(error::store_failed)) << ec3.message();
  EXPECT_EQ(history("lost-r").size(), 2u);
}

TEST_F(PgStoreRetry, a_server_gone_for_good_fails_within_the_timeout) {
  // The store logs in as a role of its own, which is then refused: every reconnect fails.
  role_ = "r_" + schema_;
  auto [ec, r] = exec(
      *admin_, "CREATE ROLE " + role_ + " LOGIN; GRANT USAGE, CREATE ON SCHEMA " + schema_ +
                   " TO " + role_ + "; GRANT ALL ON ALL TABLES IN SCHEMA " + schema_ + " TO " +
                   role_ + "; GRANT ALL ON ALL SEQUENCES IN SCHEMA " + schema_ + " TO " + role_);
  ASSERT_FALSE(ec) << r.message();
  const std::string app = "gone_" + schema_;
  auto store = open(url_ + "&user=" + role_ + "&application_name=" + app, 2000);
  ASSERT_TRUE(store);
  auto [ec1, rec, inserted] = wait<charge_begin_signature>(store->async_begin(sample("gone-1")));
  ASSERT_FALSE(ec1) << ec1.message();
  auto [ec2, r2] = exec(*admin_, "ALTER ROLE " + role_ + " NOLOGIN");
  ASSERT_FALSE(ec2) << r2.message();
  cut(app);
  const auto start = std::chrono::steady_clock::now();
  auto [ec3, loaded] = wait<charge_load_signature>(store->async_load("gone-1"));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(ec3, make_error_code(error::store_failed));
  EXPECT_FALSE(loaded);
  EXPECT_LT(took, 2000ms) << "longer than the store's timeout";
}

TEST_F(PgStoreRetry, an_open_whose_connection_the_server_ends_at_once_is_tried_again) {
  // fleet.chaos's "sale 35 exited 2: ... cannot be used: not connected": a store opened right
  // after a cut. The connect succeeded, the server ended the session before the migration's
  // first statement, and the open was refused instead of tried again.
  if (!paystack::detail::pg_open_cut_after_connect(0)) GTEST_SKIP() << "no test hooks";
  ASSERT_TRUE(paystack::detail::pg_open_cut_after_connect(1));
  error_code ec;
  std::string why;
  auto store = open_charge_store(ctx_.io.get_executor(), url_, ec, why, 5000);
  paystack::detail::pg_open_cut_after_connect(0);
  ASSERT_TRUE(store) << why;
  EXPECT_FALSE(ec) << why;
  auto [ec1, rec, inserted] = wait<charge_begin_signature>(store->async_begin(sample("cut-open")));
  EXPECT_FALSE(ec1) << ec1.message();
  EXPECT_TRUE(inserted);
  // Cut on every attempt: refused after the bounded tries, with a clear message.
  ASSERT_TRUE(paystack::detail::pg_open_cut_after_connect(100));
  auto gone = open_charge_store(ctx_.io.get_executor(), url_, ec, why, 5000);
  paystack::detail::pg_open_cut_after_connect(0);
  EXPECT_FALSE(gone);
  EXPECT_EQ(ec, make_error_code(error::store_failed));
  EXPECT_NE(why.find("cannot be used"), std::string::npos) << why;
}

}  // namespace
}  // namespace fleet_test
