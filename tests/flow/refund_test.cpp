// Exactly-once refunds (paystack::async_refund, issue 27 item 1) against a scripted Paystack on
// loopback: the create's reply lost in every way (closed, stalled past the timeout, garbage, 5xx)
// with and without the refund made, an error envelope, the amount check, a replayed key, a key
// reused for another refund, a resume that finds the refund or sends it once. The scripted
// Paystack keeps the refunds it made, so every test counts them: one per key, never over the
// transaction's amount.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <mutex>
#include <paystack/paystack.hpp>
#include <paystack/store_url.hpp>

#include "loopback_server.hpp"

namespace {

using namespace std::chrono_literals;
using paystack::refund_outcome;
using paystack::test::loopback_server;
using paystack::test::scripted_answer;
using paystack::test::served_request;
namespace json = boost::json;

constexpr const char* key = "sk_test_refund_flow_8a1c";
constexpr std::int64_t txn_id = 4099260516;
constexpr std::int64_t txn_amount = 1000;

enum class create_mode { ok, refuse, close_after, close_before, stall, garbage, server_error };

/// Paystack as far as a refund sees it: one successful transaction, its refunds.
class scripted_paystack {
 public:
  create_mode mode = create_mode::ok;
  bool list_fails = false;

  loopback_server::script script() {
    return [this](const served_request& r) { return answer(r); };
  }
  std::vector<json::object> refunds() {
    std::lock_guard lk(m_);
    return refunds_;
  }
  std::int64_t refunded() {
    std::int64_t sum = 0;
    for (auto& f : refunds()) sum += f.at("amount").as_int64();
    return sum;
  }
  std::size_t creates() {
    std::lock_guard lk(m_);
    return creates_;
  }

 private:
  static scripted_answer json_answer(unsigned status, json::value body) {
    scripted_answer a;
    a.status = status;
    a.body = json::serialize(body);
    a.headers = {{"Content-Type", "application/json"}};
    return a;
  }
  scripted_answer answer(const served_request& r) {
    std::lock_guard lk(m_);
    if (r.method == "GET" && (r.target.find("/transaction/") != std::string::npos)) {
      return json_answer(200, {{"status", true},
                               {"message", "Transaction retrieved"},
                               {"data",
                                {{"id", txn_id},
                                 {"reference", "pos_wtwyrj7n6x"},
                                 {"status", "success"},
                                 {"amount", txn_amount},
                                 {"currency", "NGN"}}}});
    }
    if (r.method == "GET" && r.target.starts_with("/refund")) {
      if (list_fails) return json_answer(500, {{"status", false}, {"message", "down"}});
      json::array data;
      for (auto& f : refunds_) data.push_back(f);
      return json_answer(200,
                         {{"status", true},
                          {"message", "Refunds retrieved"},
                          {"data", std::move(data)},
                          {"meta", {{"total", refunds_.size()}, {"page", 1}, {"pageCount", 1}}}});
    }
    if (r.method == "POST" && r.target == "/refund") return create(r);
    return json_answer(404, {{"status", false}, {"message", "not scripted"}});
  }
  scripted_answer create(const served_request& r) {
    ++creates_;
    auto body = json::parse(r.body).as_object();
    scripted_answer closed;
    closed.what = scripted_answer::kind::close;
    if (mode == create_mode::close_before) return closed;
    if (mode == create_mode::refuse)
      return json_answer(400,
                         {{"status", false}, {"message", "Transaction has been fully reversed"}});
    json::object f{{"id", 15581137 + static_cast<std::int64_t>(refunds_.size())},
                   {"transaction", txn_id},
                   {"amount", body.at("amount")},
                   {"currency", "NGN"},
                   {"status", "pending"},
                   {"merchant_note", body.at("merchant_note")}};
    refunds_.push_back(f);
    switch (mode) {
      case create_mode::close_after:
        return closed;
      case create_mode::stall: {
        scripted_answer s;
        s.what = scripted_answer::kind::stall;
        return s;
      }
      case create_mode::garbage: {
        scripted_answer g;
        g.body = "<html>502 Bad Gateway</html>";
        g.headers = {{"Content-Type", "text/html"}};
        return g;
      }
      case create_mode::server_error:
        return json_answer(503, {{"status", false}, {"message", "try later"}});
      default:
        return json_answer(200,
                           {{"status", true}, {"message", "Refund has been queued"}, {"data", f}});
    }
  }

  std::mutex m_;
  std::vector<json::object> refunds_;
  std::size_t creates_ = 0;
};

class RefundFlow : public ::testing::Test {
 protected:
  RefundFlow() : server(paystack.script()) {
    store = paystack::make_memory_charge_store(io.get_executor());
  }
  ~RefundFlow() override { server.release_stalled(); }

  paystack::client_options options() {
    paystack::client_options o;
    o.secret_key = key;
    o.base_url = server.base_url();
    o.timeout = 2s;  // a stalled create fails here
    o.retry.initial_backoff = 1ms;
    o.retry.max_backoff = 2ms;
    return o;
  }
  paystack::refund_params params(std::string k, std::int64_t amount) {
    paystack::refund_params p;
    p.key = std::move(k);
    p.transaction = std::to_string(txn_id);
    p.amount = amount;
    p.merchant_note = "damaged";
    p.store = store;
    p.wait = 0ms;
    return p;
  }
  std::pair<boost::system::error_code, paystack::refund_result> refund(paystack::refund_params p) {
    paystack::terminal_client client(io.get_executor(), options());
    auto f =
        paystack::async_refund(client, std::move(p), boost::asio::as_tuple(boost::asio::deferred))(
            boost::asio::use_future);
    io.restart();
    io.run();
    auto [ec, r] = f.get();
    return {ec, std::move(r)};
  }
  std::pair<boost::system::error_code, paystack::refund_result> resume(const std::string& k) {
    paystack::terminal_client client(io.get_executor(), options());
    auto f = paystack::async_resume_refund(
        client, store, k, boost::asio::as_tuple(boost::asio::deferred))(boost::asio::use_future);
    io.restart();
    io.run();
    auto [ec, r] = f.get();
    return {ec, std::move(r)};
  }
  paystack::refund_record record(const std::string& k) {
    auto f = store->async_load_refund(
        k, boost::asio::as_tuple(boost::asio::deferred))(boost::asio::use_future);
    io.restart();
    io.run();
    auto [ec, rec] = f.get();
    EXPECT_FALSE(ec);
    return rec.value_or(paystack::refund_record{});
  }

  boost::asio::io_context io;
  scripted_paystack paystack;
  loopback_server server;
  std::shared_ptr<paystack::charge_store> store;
};

TEST_F(RefundFlow, a_refund_is_sent_once_with_the_key_s_marker_and_replayed_after) {
  auto [ec, r] = refund(params("return-1", 400));
  ASSERT_FALSE(ec) << r.reason;
  EXPECT_EQ(r.outcome, refund_outcome::refunded);
  EXPECT_EQ(r.refund_id, 15581137);
  EXPECT_EQ(r.transaction_amount, txn_amount);
  EXPECT_EQ(r.refunded_before, 0);
  ASSERT_EQ(paystack.refunds().size(), 1u);
  EXPECT_EQ(paystack.refunds()[0].at("merchant_note"), "damaged [key:return-1]");
  EXPECT_EQ(record("return-1").stage, paystack::refund_journal_stage::finished);

  auto [ec2, again] = refund(params("return-1", 400));
  EXPECT_FALSE(ec2);
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.outcome, refund_outcome::refunded);
  EXPECT_EQ(again.refund_id, 15581137);
  EXPECT_EQ(paystack.creates(), 1u);
}

TEST_F(RefundFlow, a_key_recorded_for_another_refund_is_refused) {
  ASSERT_FALSE(refund(params("return-2", 400)).first);
  auto [ec, r] = refund(params("return-2", 500));
  EXPECT_EQ(ec, paystack::error::invalid_argument);
  EXPECT_NE(r.reason.find("another refund"), std::string::npos) << r.reason;
  EXPECT_EQ(paystack.creates(), 1u);
}

TEST_F(RefundFlow, a_refund_over_the_amount_left_is_refused_before_sending) {
  ASSERT_FALSE(refund(params("return-3", 600)).first);
  auto [ec, r] = refund(params("return-4", 401));
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.outcome, refund_outcome::refused);
  EXPECT_EQ(r.refunded_before, 600);
  EXPECT_NE(r.reason.find("over its amount"), std::string::npos) << r.reason;
  EXPECT_EQ(paystack.creates(), 1u);
  EXPECT_EQ(paystack.refunded(), 600);
}

TEST_F(RefundFlow, an_error_envelope_is_refused_and_recorded) {
  paystack.mode = create_mode::refuse;
  auto [ec, r] = refund(params("return-5", 400));
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.outcome, refund_outcome::refused);
  EXPECT_EQ(r.last_status, 400u);
  EXPECT_NE(r.reason.find("fully reversed"), std::string::npos) << r.reason;
  EXPECT_EQ(record("return-5").outcome, refund_outcome::refused);
}

TEST_F(RefundFlow, two_refunds_of_one_transaction_through_one_memory_store_go_one_at_a_time) {
  // Started together on one io_context: without the store's serialisation both would list the
  // refunds (none) before either created its own, and both would be sent (1,400 of 1,000).
  paystack::terminal_client client(io.get_executor(), options());
  auto a = params("return-10", 700);
  auto b = params("return-11", 700);
  a.wait = b.wait = 10s;
  auto fa = paystack::async_refund(
      client, std::move(a), boost::asio::as_tuple(boost::asio::deferred))(boost::asio::use_future);
  auto fb = paystack::async_refund(
      client, std::move(b), boost::asio::as_tuple(boost::asio::deferred))(boost::asio::use_future);
  io.restart();
  io.run();
  auto [eca, ra] = fa.get();
  auto [ecb, rb] = fb.get();
  EXPECT_FALSE(eca) << ra.reason;
  EXPECT_FALSE(ecb) << rb.reason;
  EXPECT_EQ(paystack.creates(), 1u);
  EXPECT_EQ(paystack.refunded(), 700);
  const auto& loser = ra.outcome == refund_outcome::refunded ? rb : ra;
  EXPECT_EQ(loser.outcome, refund_outcome::refused) << loser.reason;
  EXPECT_NE(loser.reason.find("nothing was sent"), std::string::npos) << loser.reason;
}

/// The create reached Paystack, its reply did not come back: the lookup finds it.
class RefundLostReply : public RefundFlow, public ::testing::WithParamInterface<create_mode> {};

TEST_P(RefundLostReply, the_refund_made_is_found_by_its_marker_and_never_sent_again) {
  paystack.mode = GetParam();
  auto [ec, r] = refund(params("return-6", 300));
  EXPECT_FALSE(ec) << ec.message() << ": " << r.reason;
  EXPECT_EQ(r.outcome, refund_outcome::refunded) << r.reason;
  EXPECT_TRUE(r.found);
  EXPECT_EQ(r.refund_id, 15581137);
  EXPECT_EQ(paystack.creates(), 1u);
  paystack.mode = create_mode::ok;
  auto [ec2, again] = refund(params("return-6", 300));
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(paystack.creates(), 1u);
  EXPECT_EQ(paystack.refunded(), 300);
}

TEST_F(RefundFlow, a_refund_without_a_note_carries_the_marker_alone_and_is_found_by_it) {
  paystack.mode = create_mode::close_after;  // made, the reply lost
  auto p = params("return-9", 250);
  p.merchant_note.reset();
  auto [ec, r] = refund(std::move(p));
  EXPECT_FALSE(ec) << ec.message() << ": " << r.reason;
  ASSERT_EQ(paystack.refunds().size(), 1u);
  EXPECT_EQ(paystack.refunds()[0].at("merchant_note"), "[key:return-9]");
  EXPECT_TRUE(r.found) << r.reason;
  EXPECT_EQ(r.outcome, refund_outcome::refunded);
  EXPECT_EQ(paystack.creates(), 1u);
}

INSTANTIATE_TEST_SUITE_P(EveryLoss, RefundLostReply,
                         ::testing::Values(create_mode::close_after, create_mode::stall,
                                           create_mode::garbage, create_mode::server_error));

TEST_F(RefundFlow, a_create_that_never_arrived_stays_sending_and_its_resume_sends_it_once) {
  paystack.mode = create_mode::close_before;
  auto [ec, r] = refund(params("return-7", 300));
  EXPECT_TRUE(ec);
  EXPECT_EQ(r.outcome, refund_outcome::failed);
  EXPECT_EQ(r.key, "return-7");
  EXPECT_NE(r.reason.find("resume"), std::string::npos) << r.reason;
  EXPECT_EQ(record("return-7").stage, paystack::refund_journal_stage::sending);

  paystack.mode = create_mode::ok;
  auto [ec2, resumed] = resume("return-7");
  ASSERT_FALSE(ec2) << resumed.reason;
  EXPECT_TRUE(resumed.resumed);
  EXPECT_FALSE(resumed.found);
  EXPECT_EQ(resumed.outcome, refund_outcome::refunded);
  EXPECT_EQ(paystack.refunds().size(), 1u);
  EXPECT_EQ(paystack.refunded(), 300);
}

TEST_F(RefundFlow, a_lost_reply_whose_lookup_fails_too_reports_the_key_and_sends_nothing_more) {
  paystack.mode = create_mode::close_before;  // the create never arrives: left at sending
  auto [ec, r] = refund(params("return-8", 300));
  EXPECT_TRUE(ec);
  paystack.list_fails = true;  // the resume cannot look: it must not send
  auto [ec2, r2] = resume("return-8");
  EXPECT_TRUE(ec2);
  EXPECT_EQ(r2.outcome, refund_outcome::failed);
  EXPECT_EQ(r2.key, "return-8");
  EXPECT_EQ(paystack.creates(), 1u);  // nothing sent without a lookup
  EXPECT_EQ(record("return-8").stage, paystack::refund_journal_stage::sending);
}

TEST_F(RefundFlow, bad_params_are_refused_before_anything_is_sent) {
  auto p = params("bad key!", 100);
  EXPECT_EQ(refund(p).first, paystack::error::invalid_argument);
  p = params("ok-key", 0);
  EXPECT_EQ(refund(p).first, paystack::error::invalid_argument);
  p = params("ok-key", 100);
  p.merchant_note = std::string(1020, 'x');
  EXPECT_EQ(refund(p).first, paystack::error::invalid_argument);
  p = params("ok-key", 100);
  p.store = nullptr;
  EXPECT_EQ(refund(p).first, paystack::error::invalid_argument);
  EXPECT_EQ(resume("unknown-key").first, paystack::error::invalid_argument);
  EXPECT_EQ(server.requests(), 0u);
}

TEST(RefundStore, sqlite_keeps_refunds_and_their_journal_across_opens) {
  boost::asio::io_context io;
  const auto path = (std::filesystem::temp_directory_path() /
                     ("paystack-refund-store-" + std::to_string(::getpid()) + ".db"))
                        .string();
  std::filesystem::remove(path);
  auto run = [&](auto op) {
    auto f = std::move(op)(boost::asio::use_future);
    io.restart();
    io.run();
    return f.get();
  };
  {
    boost::system::error_code ec;
    std::string why;
    auto s = paystack::open_charge_store(io.get_executor(), path, ec, why);
    ASSERT_TRUE(s) << why;
    paystack::refund_record r;
    r.key = "k1";
    r.transaction = "42";
    r.amount = 500;
    auto [e1, stored, inserted] =
        run(s->async_begin_refund(r, boost::asio::as_tuple(boost::asio::deferred)));
    ASSERT_FALSE(e1);
    EXPECT_TRUE(inserted);
    stored.stage = paystack::refund_journal_stage::sending;
    auto [e2, saved] = run(
        s->async_save_refund(stored, "POST /refund", boost::asio::as_tuple(boost::asio::deferred)));
    ASSERT_FALSE(e2);
    EXPECT_EQ(saved.version, 2u);
    auto [e3, stale] =
        run(s->async_save_refund(stored, "again", boost::asio::as_tuple(boost::asio::deferred)));
    EXPECT_EQ(e3, paystack::error::store_conflict);
  }
  boost::system::error_code ec;
  std::string why;
  auto s = paystack::open_charge_store(io.get_executor(), path, ec, why);
  ASSERT_TRUE(s) << why;
  auto [e4, rec] = run(s->async_load_refund("k1", boost::asio::as_tuple(boost::asio::deferred)));
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->stage, paystack::refund_journal_stage::sending);
  EXPECT_EQ(rec->amount, 500);
  auto [e5, list] = run(s->async_list_refunds({.unfinished_only = true},
                                              boost::asio::as_tuple(boost::asio::deferred)));
  ASSERT_EQ(list.size(), 1u);
  auto [e6, journal] =
      run(s->async_refund_history("k1", boost::asio::as_tuple(boost::asio::deferred)));
  ASSERT_EQ(journal.size(), 2u);
  EXPECT_EQ(journal[1].detail, "POST /refund");
  s.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

}  // namespace
