// The crash matrix (issue 14): `paystack-terminal charge --key --store` is killed with SIGKILL
// at each recovery point by the test-only failpoints (PAYSTACK_FAILPOINT, compiled in with
// PAYSTACK_TEST_FAILPOINTS), then the same command runs again. For every point and customer
// behaviour: exactly one payment request exists at the simulator, the invoice is pushed only as
// the rules allow, and the recorded outcome is what the customer did. No sleeps: the children
// are waited for, and the customer acts when the resumed child says it waits for payment.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <future>
#include <paystack/charge_store.hpp>
#include <paystack/sim/server.hpp>

#include "cli_runner.hpp"
#include "raw_http.hpp"
#include "running_context.hpp"

using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

constexpr const char* exe = PAYSTACK_TERMINAL_EXE;
constexpr const char* secret = "sk_test_crash_matrix_5d1e0a";
constexpr const char* charge_key = "order-77";

struct sim_request {
  std::int64_t id = 0;
  std::string code;
  std::string status;
};

class CrashMatrix : public ::testing::TestWithParam<std::tuple<const char*, const char*>> {
 protected:
  void SetUp() override {
    paystack::sim::server_options so;
    so.secret_key = secret;
    so.delivery_delay = std::chrono::milliseconds{0};  // delivered as the push returns
    so.auto_pay_delay.reset();                         // the customer acts when the test says
    sim_ = std::make_unique<paystack::sim::server>(so);
    sim_->start();
    terminal_ = sim_->terminal_ids().at(0);
    db_ =
        (std::filesystem::temp_directory_path() / ("paystack-crash-" + std::to_string(::getpid()) +
                                                   "-" + point() + "-" + behaviour() + ".db"))
            .string();
    remove_db();
  }
  void TearDown() override {
    sim_->stop();
    remove_db();
  }
  void remove_db() {
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(db_ + s);
  }
  std::string point() const {
    std::string p = std::get<0>(GetParam());
    for (auto& c : p)
      if (c == ':') c = '_';
    return p;
  }
  std::string behaviour() const { return std::get<1>(GetParam()); }

  std::vector<std::string> env(const std::string& failpoint = {}) const {
    std::vector<std::string> e{"PATH=/usr/bin:/bin", std::string("PAYSTACK_SECRET_KEY=") + secret,
                               "PAYSTACK_BASE_URL=" + sim_->base_url()};
    if (!failpoint.empty()) e.push_back("PAYSTACK_FAILPOINT=" + failpoint);
    return e;
  }
  std::vector<std::string> charge_args(const std::string& timeout) const {
    return {"charge", terminal_,  "--amount", "700", "--customer", "CUS_crash0001",
            "--key",  charge_key, "--store",  db_,   "--timeout",  timeout};
  }

  json::object state() const {
    auto a = paystack::test::raw_http(
        sim_->port(), "GET /_sim/state HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    auto at = a.raw.find("\r\n\r\n");
    EXPECT_NE(at, std::string::npos);
    return json::parse(a.raw.substr(at + 4)).as_object().at("data").as_object();
  }
  std::vector<sim_request> requests() const {
    std::vector<sim_request> out;
    const auto st = state();
    for (const auto& v : st.at("payment_requests").as_array()) {
      auto& o = v.as_object();
      out.push_back({o.at("id").as_int64(), std::string(o.at("request_code").as_string()),
                     std::string(o.at("status").as_string())});
    }
    return out;
  }
  int pushes_of(std::int64_t request_id) const {
    int n = 0;
    const auto st = state();
    for (const auto& v : st.at("events").as_array())
      if (v.as_object().at("data_id").as_int64() == request_id) ++n;
    return n;
  }
  std::optional<paystack::charge_record> record() const {
    paystack::test::running_context ctx;
    boost::system::error_code ec;
    std::string why;
    auto store = paystack::open_charge_store(ctx.io.get_executor(), db_, ec, why);
    EXPECT_TRUE(store) << why;
    if (!store) return std::nullopt;
    std::promise<std::optional<paystack::charge_record>> p;
    store->async_load(charge_key,
                      [&p](boost::system::error_code, std::optional<paystack::charge_record> r) {
                        p.set_value(std::move(r));
                      });
    return p.get_future().get();
  }

  std::unique_ptr<paystack::sim::server> sim_;
  std::string terminal_;
  std::string db_;
};

TEST_P(CrashMatrix, one_request_pushes_as_allowed_and_the_customers_outcome) {
  const std::string failpoint = std::get<0>(GetParam());
  const std::string who = behaviour();

  // 1. The charging process dies at the point.
  auto first = cli_test::run(exe, charge_args("10s"), env(failpoint));
  ASSERT_EQ(first.exit_code, 128 + SIGKILL) << "not killed at " << failpoint << ": " << first.err;
  auto before = record();
  ASSERT_TRUE(before) << "the charge was not recorded before the crash";
  EXPECT_NE(before->stage, paystack::charge_journal_stage::finished);

  // 2. A customer who pays does so as soon as a request exists (while nothing runs), or while
  //    the resumed process waits for payment.
  auto existing = requests();
  ASSERT_LE(existing.size(), 1u);
  bool paid = false;
  if (who == "pays" && existing.size() == 1) {
    ASSERT_EQ(sim_->approve_payment(existing[0].code), paystack::sim::control_result::ok);
    paid = true;
  }

  // 3. The same command again.
  cli_test::child again(exe, charge_args(who == "pays" ? "10s" : "1s"), env());
  if (who == "pays" && !paid) {
    ASSERT_TRUE(again.wait_for_stderr("waiting for the customer to pay", 10s)) << again.err();
    auto now_existing = requests();
    ASSERT_EQ(now_existing.size(), 1u);
    ASSERT_EQ(sim_->approve_payment(now_existing[0].code), paystack::sim::control_result::ok);
  }
  auto second = again.finish(20s);
  EXPECT_FALSE(second.timed_out);

  auto all = requests();
  ASSERT_EQ(all.size(), 1u) << "exactly one payment request for the key";
  const int pushes = pushes_of(all[0].id);
  EXPECT_LE(pushes, 2) << "a push is repeated at most once, only when unacknowledged";
  if (before->stage >= paystack::charge_journal_stage::pushed) {
    EXPECT_EQ(pushes, 1) << "an acknowledged push is never repeated";
  }

  auto after = record();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->stage, paystack::charge_journal_stage::finished) << second.out << second.err;
  EXPECT_EQ(after->request_code, all[0].code);
  if (who == "pays") {
    EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
    EXPECT_EQ(after->outcome, paystack::charge_outcome::paid);
    EXPECT_FALSE(after->open);
    return;
  }
  // Walked away: the charge ends without a payment, open for a late one.
  EXPECT_EQ(second.exit_code, 3) << second.out << second.err;
  EXPECT_EQ(after->outcome, paystack::charge_outcome::timed_out) << after->reason;
  EXPECT_TRUE(after->open);
  if (who == "pays_late") {
    // The customer keys the offline reference later; the reconciler records it.
    ASSERT_EQ(sim_->approve_payment(all[0].code), paystack::sim::control_result::ok);
    auto rec = cli_test::run(exe, {"charges", "reconcile", "--store", db_}, env());
    EXPECT_EQ(rec.exit_code, 0) << rec.out << rec.err;
    auto settled = record();
    ASSERT_TRUE(settled);
    EXPECT_EQ(settled->outcome, paystack::charge_outcome::paid);
    EXPECT_FALSE(settled->open);
  }
  // Running the command again prints the recorded outcome, with the same exit code, and sends
  // nothing (no new request, no push).
  auto replay = cli_test::run(exe, charge_args("1s"), env());
  EXPECT_EQ(replay.exit_code, who == "pays_late" ? 0 : 3) << replay.out;
  EXPECT_EQ(requests().size(), 1u);
  EXPECT_EQ(pushes_of(all[0].id), pushes);
}

// Every recovery point: while creating (the lookup by marker), pushing, waiting.
INSTANTIATE_TEST_SUITE_P(
    Points, CrashMatrix,
    ::testing::Combine(::testing::Values("before_create", "after_create", "journal_write:created",
                                         "before_push", "after_push", "journal_write:pushed",
                                         "awaiting_delivery", "awaiting_outcome"),
                       ::testing::Values("pays", "walks_away", "pays_late")),
    [](const auto& param_info) {
      std::string n =
          std::string(std::get<0>(param_info.param)) + "_" + std::get<1>(param_info.param);
      for (auto& c : n)
        if (c == ':') c = '_';
      return n;
    });

}  // namespace
