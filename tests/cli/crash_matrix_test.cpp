// The crash matrix (issue 14): `paystack-terminal charge --key --store` is killed with SIGKILL
// at each recovery point by the test-only failpoints (PAYSTACK_FAILPOINT, compiled in with
// PAYSTACK_TEST_FAILPOINTS), then the same command runs again. For every point and customer
// behaviour: exactly one payment request exists at the simulator, the invoice is pushed only as
// the rules allow, and the recorded outcome is what the customer did. No sleeps: the children
// are waited for, and the customer acts when the resumed child says it waits for payment.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <future>
#include <paystack/charge_store.hpp>
#include <paystack/sim/server.hpp>
#include <paystack/store_url.hpp>

#include "cli_runner.hpp"
#include "golden.hpp"
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
    if (behaviour() == "declines") {
      // A decline is seen only through webhooks: the charging command receives them.
      webhook_port_ = free_port();
      so.webhook_url = "http://127.0.0.1:" + std::to_string(webhook_port_) + "/";
    }
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
    std::vector<std::string> a{"charge",        terminal_, "--amount", "700",     "--customer",
                               "CUS_crash0001", "--key",   charge_key, "--store", db_,
                               "--timeout",     timeout};
    if (webhook_port_ != 0) {
      a.push_back("--webhook-port");
      a.push_back(std::to_string(webhook_port_));
    }
    // A customer who will pay later by the offline reference: the request stays payable.
    if (keep_open_ || behaviour() == "pays_late") a.push_back("--keep-open");
    return a;
  }
  /// A loopback port nothing listens on now (bound on port 0, read back, closed).
  static std::uint16_t free_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
  }
  /// Fetch Payment Request at the simulator: archived?
  bool archived(const std::string& code) const {
    auto a = paystack::test::raw_http(sim_->port(), "GET /paymentrequest/" + code +
                                                        " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                        "Authorization: Bearer " +
                                                        secret + "\r\nConnection: close\r\n\r\n");
    return a.raw.find("\"archived\":true") != std::string::npos;
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
  std::uint16_t webhook_port_ = 0;
  bool keep_open_ = false;  ///< charges end open (--keep-open): the fixtures that cancel them
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

  // 3. The same command again. A customer who declines does so at the terminal, while the
  //    resumed process waits (it learns it from the invoice.payment_failed webhook).
  const bool waits = who == "declines" || (who == "pays" && !paid);
  cli_test::child again(exe, charge_args(waits ? "10s" : "1s"), env());
  if (waits) {
    // A charge resumed after delivery verifies at once ("checking payment") and then waits.
    const char* waiting =
        failpoint == "awaiting_outcome" ? "checking payment" : "waiting for the customer to pay";
    ASSERT_TRUE(again.wait_for_stderr(waiting, 10s)) << again.err();
    auto now_existing = requests();
    ASSERT_EQ(now_existing.size(), 1u);
    const auto& code = now_existing[0].code;
    ASSERT_EQ(who == "pays" ? sim_->approve_payment(code) : sim_->decline_payment(code),
              paystack::sim::control_result::ok);
  }
  auto second = again.finish(20s);
  EXPECT_FALSE(second.timed_out);
  // The dead process's lease is taken over at once: never "busy" for the charge's own key.
  EXPECT_EQ(second.out.find("BUSY"), std::string::npos) << second.out;
  EXPECT_EQ(second.err.find("is running in"), std::string::npos) << second.err;

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
  if (who == "declines") {
    EXPECT_EQ(second.exit_code, 1) << second.out << second.err;
    EXPECT_EQ(after->outcome, paystack::charge_outcome::declined) << after->reason;
    EXPECT_FALSE(after->open);
    auto replay = cli_test::run(exe, charge_args("1s"), env());
    EXPECT_EQ(replay.exit_code, 1) << replay.out;
    EXPECT_EQ(requests().size(), 1u);
    EXPECT_EQ(pushes_of(all[0].id), pushes);
    return;
  }
  // Walked away: the charge ends without a payment. Its request is archived (nothing unpaid
  // stays payable), unless kept open for a late payment (--keep-open).
  EXPECT_EQ(second.exit_code, 3) << second.out << second.err;
  EXPECT_EQ(after->outcome, paystack::charge_outcome::timed_out) << after->reason;
  EXPECT_EQ(after->open, who == "pays_late") << after->reason;
  EXPECT_EQ(archived(all[0].code), who != "pays_late");
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

/// "before_create_pays": the parameters as a test name.
std::string param_name(const ::testing::TestParamInfo<CrashMatrix::ParamType>& info) {
  std::string n = std::string(std::get<0>(info.param)) + "_" + std::get<1>(info.param);
  for (auto& c : n)
    if (c == ':') c = '_';
  return n;
}

// Every recovery point: while creating (the lookup by marker), pushing, waiting.
INSTANTIATE_TEST_SUITE_P(
    Points, CrashMatrix,
    ::testing::Combine(::testing::Values("before_create", "after_create", "journal_write:created",
                                         "before_push", "after_push", "journal_write:pushed",
                                         "awaiting_delivery", "awaiting_outcome"),
                       ::testing::Values("pays", "declines", "walks_away", "pays_late")),
    param_name);

/// `charges cancel` killed just before and just after its archive, then run again.
class CancelCrash : public CrashMatrix {
 protected:
  CancelCrash() { keep_open_ = true; }
};

TEST_P(CancelCrash, killed_then_run_again_archives_the_one_request_and_records_cancelled) {
  const std::string failpoint = std::get<0>(GetParam());
  auto walked = cli_test::run(exe, charge_args("1s"), env());
  ASSERT_EQ(walked.exit_code, 3) << walked.out << walked.err;  // timed out, open
  auto reqs = requests();
  ASSERT_EQ(reqs.size(), 1u);
  const std::string code = reqs[0].code;
  const int pushes = pushes_of(reqs[0].id);
  const std::vector<std::string> cancel{"charges", "cancel", charge_key, "--store", db_};

  auto killed = cli_test::run(exe, cancel, env(failpoint));
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << "not killed at " << failpoint << killed.err;
  auto mid = record();
  ASSERT_TRUE(mid);
  EXPECT_TRUE(mid->open) << "killed before the outcome was recorded";
  EXPECT_EQ(mid->stage, paystack::charge_journal_stage::archiving);
  EXPECT_NE(mid->reason.find("cancelling: archiving " + code), std::string::npos)
      << "the intent is journalled before the archive: " << mid->reason;
  EXPECT_EQ(archived(code), failpoint == "cancel_after_archive");

  auto again = cli_test::run(exe, cancel, env());
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(again.out.rfind("CANCELLED: " + std::string(charge_key), 0), 0u) << again.out;
  EXPECT_TRUE(archived(code));
  auto after = record();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->outcome, paystack::charge_outcome::cancelled) << after->reason;
  EXPECT_FALSE(after->open);
  EXPECT_EQ(after->stage, paystack::charge_journal_stage::finished);

  // Once more: already cancelled. The charge command replays it as not paid (1). Nothing new
  // at the simulator.
  auto third = cli_test::run(exe, cancel, env());
  EXPECT_EQ(third.exit_code, 0) << third.out;
  EXPECT_NE(third.out.find("already cancelled"), std::string::npos) << third.out;
  auto replay = cli_test::run(exe, charge_args("1s"), env());
  EXPECT_EQ(replay.exit_code, 1) << replay.out << replay.err;
  EXPECT_EQ(requests().size(), 1u);
  EXPECT_EQ(pushes_of(reqs[0].id), pushes);
}

/// `charges cancel` refusing: a paid charge, an unknown key.
class CancelRefusal : public CrashMatrix {
 protected:
  CancelRefusal() { keep_open_ = true; }
};

TEST_P(CancelRefusal, a_paid_charge_and_an_unknown_key_are_not_cancelled) {
  auto walked = cli_test::run(exe, charge_args("1s"), env());
  ASSERT_EQ(walked.exit_code, 3) << walked.out << walked.err;
  auto reqs = requests();
  ASSERT_EQ(reqs.size(), 1u);
  ASSERT_EQ(sim_->approve_payment(reqs[0].code), paystack::sim::control_result::ok);
  auto paid =
      cli_test::run(exe, {"charges", "cancel", charge_key, "--store", db_, "--json"}, env());
  EXPECT_EQ(paid.exit_code, 1) << paid.out << paid.err;
  auto j = json::parse(paid.out).as_object();
  EXPECT_EQ(j.at("cancelled"), false);
  EXPECT_EQ(j.at("outcome"), "paid");
  EXPECT_FALSE(archived(reqs[0].code));
  auto rec = record();
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->outcome, paystack::charge_outcome::paid);

  auto unknown = cli_test::run(exe, {"charges", "cancel", "order-none", "--store", db_}, env());
  EXPECT_EQ(unknown.exit_code, 1) << unknown.out;
  EXPECT_NE(unknown.out.find("no charge has the key order-none"), std::string::npos) << unknown.out;
}

/// The charges commands' output (golden files): a charge the customer walked away from, listed,
/// shown with its journal, reconciled (still pending), cancelled, then listed and shown again.
class ChargesGolden : public CrashMatrix {
 protected:
  ChargesGolden() { keep_open_ = true; }
};

TEST_P(ChargesGolden, list_show_reconcile_cancel) {
  auto walked = cli_test::run(exe, charge_args("1s"), env());
  ASSERT_EQ(walked.exit_code, 3) << walked.out << walked.err;
  auto cli = [this](std::vector<std::string> args) {
    args.push_back("--store");
    args.push_back(db_);
    return cli_test::run(exe, args, env());
  };
  cli_test::expect_golden("charges_list", cli({"charges", "list"}));
  cli_test::expect_golden("charges_list_open_json", cli({"charges", "list", "--open", "--json"}));
  cli_test::expect_golden("charges_show", cli({"charges", "show", charge_key}));
  cli_test::expect_golden("charges_reconcile_pending", cli({"charges", "reconcile"}));
  cli_test::expect_golden("charges_cancel", cli({"charges", "cancel", charge_key}));
  cli_test::expect_golden("charges_show_cancelled", cli({"charges", "show", charge_key}));
  cli_test::expect_golden("charges_cancel_again_json",
                          cli({"charges", "cancel", charge_key, "--json"}));
  cli_test::expect_golden("charges_show_unknown", cli({"charges", "show", "order-none"}));
}

/// `charges resume --all` says which charges it could not finish, and exits 3.
class ResumeAll : public CrashMatrix {};

TEST_P(ResumeAll, names_the_charges_still_unfinished_and_exits_3) {
  auto killed = cli_test::run(exe, charge_args("10s"), env("before_push"));
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.err;
  // Paystack cannot be reached: the charge stays unfinished at "pushing".
  auto e = env();
  e[2] = "PAYSTACK_BASE_URL=http://127.0.0.1:" + std::to_string(free_port());
  auto r = cli_test::run(exe, {"charges", "resume", "--all", "--store", db_, "--timeout", "2s"}, e);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("1 charge(s) still unfinished: " + std::string(charge_key)),
            std::string::npos)
      << r.out;
  auto rec = record();
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->stage, paystack::charge_journal_stage::pushing);
  // Verify got no reply: nothing is pushed again (ADR 0008 rule 2).
  EXPECT_EQ(r.err.find("sending payment request"), std::string::npos) << r.err;
  auto reqs = requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(pushes_of(reqs[0].id), 0);
  // Reachable again: resumed to the end (the customer walks away), exit 3 for the timeout but
  // nothing left unfinished.
  auto again =
      cli_test::run(exe, {"charges", "resume", "--all", "--store", db_, "--timeout", "1s"}, env());
  EXPECT_EQ(again.out.find("still unfinished"), std::string::npos) << again.out;
  EXPECT_EQ(requests().size(), 1u);
  EXPECT_EQ(pushes_of(reqs[0].id), 1);
}

/// Killed after the push while the customer pays: `charges resume --all` right after records the
/// payment (the dead holder's lease is taken over, not reported busy).
class ResumeAfterKill : public CrashMatrix {};

TEST_P(ResumeAfterKill, the_paid_request_is_recorded_by_resume_all) {
  auto killed = cli_test::run(exe, charge_args("10s"), env(std::get<0>(GetParam())));
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.err;
  auto reqs = requests();
  ASSERT_EQ(reqs.size(), 1u);
  ASSERT_EQ(sim_->approve_payment(reqs[0].code), paystack::sim::control_result::ok);
  auto r =
      cli_test::run(exe, {"charges", "resume", "--all", "--store", db_, "--timeout", "5s"}, env());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("BUSY"), std::string::npos) << r.out;
  auto rec = record();
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->outcome, paystack::charge_outcome::paid) << rec->reason;
  EXPECT_EQ(requests().size(), 1u);
  EXPECT_EQ(pushes_of(reqs[0].id), 1);
}

/// Killed while closing a charge the customer walked away from (its request being archived),
/// then the same command again: it closes the charge (archived, timed out) or, if the customer
/// paid before the archive, records it paid. One request, one push.
class ArchiveCrash : public CrashMatrix {};

TEST_P(ArchiveCrash, the_rerun_closes_the_charge_or_records_the_payment) {
  const std::string failpoint = std::get<0>(GetParam());
  auto killed = cli_test::run(exe, charge_args("1s"), env(failpoint));
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << "not killed at " << failpoint << killed.err;
  auto mid = record();
  ASSERT_TRUE(mid);
  EXPECT_EQ(mid->stage, paystack::charge_journal_stage::archiving) << mid->reason;
  EXPECT_EQ(mid->outcome, paystack::charge_outcome::timed_out);
  auto reqs = requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(archived(reqs[0].code), failpoint == "after_archive");
  const bool pays = behaviour() == "pays";
  if (pays) {
    ASSERT_EQ(sim_->approve_payment(reqs[0].code), paystack::sim::control_result::ok);
  }
  auto again = cli_test::run(exe, charge_args("1s"), env());
  EXPECT_EQ(again.exit_code, pays ? 0 : 3) << again.out << again.err;
  auto after = record();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->stage, paystack::charge_journal_stage::finished);
  EXPECT_EQ(after->outcome,
            pays ? paystack::charge_outcome::paid : paystack::charge_outcome::timed_out)
      << after->reason;
  EXPECT_FALSE(after->open);
  EXPECT_EQ(archived(reqs[0].code), !pays);
  EXPECT_EQ(requests().size(), 1u);
  EXPECT_EQ(pushes_of(reqs[0].id), 1);
}

INSTANTIATE_TEST_SUITE_P(Points, ArchiveCrash,
                         ::testing::Values(std::tuple("before_archive", "walks_away"),
                                           std::tuple("after_archive", "walks_away"),
                                           std::tuple("before_archive", "pays")),
                         param_name);

INSTANTIATE_TEST_SUITE_P(Points, ResumeAfterKill,
                         ::testing::Combine(::testing::Values("journal_write:pushed",
                                                              "awaiting_outcome"),
                                            ::testing::Values("pays")),
                         param_name);
INSTANTIATE_TEST_SUITE_P(Points, CancelCrash,
                         ::testing::Combine(::testing::Values("cancel_before_archive",
                                                              "cancel_after_archive"),
                                            ::testing::Values("walks_away")),
                         param_name);
INSTANTIATE_TEST_SUITE_P(Once, ChargesGolden,
                         ::testing::Combine(::testing::Values("none"),
                                            ::testing::Values("walks_away")),
                         param_name);
INSTANTIATE_TEST_SUITE_P(Once, ResumeAll,
                         ::testing::Combine(::testing::Values("none"),
                                            ::testing::Values("walks_away")),
                         param_name);
INSTANTIATE_TEST_SUITE_P(Once, CancelRefusal,
                         ::testing::Combine(::testing::Values("none"), ::testing::Values("pays")),
                         param_name);

}  // namespace
