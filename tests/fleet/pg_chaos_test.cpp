// Issue 15's chaos test (doc/fleet.md): 3 instances of paystack-terminal on one PostgreSQL store
// charge sales over 20 simulated terminals. Each instance is a webhook receiver (`webhooks listen
// --store`, the three behind nginx round robin: the simulator's webhook_url) and the charging
// processes started on its behalf (`charge TERMINAL --key K --store URL`, told apart by
// PGAPPNAME). Customers pay, decline (amount ...01) or pay late by offline reference (...03).
// Mid-run a charging process is SIGKILLed after its push (a charge from another instance on that
// terminal is then TERMINAL BUSY; the same command runs again at once and takes its dead holder's
// lease over), one receiver is SIGKILLed and restarted on its port, and another instance's
// database connections are terminated once. Then `charges resume --all` and `charges reconcile`.
//
// Sales are run in rounds of one sale per terminal (the instance of a terminal rotates from round
// to round), so every key reaches exactly one payment request (the CLI has no option to wait for a
// leased terminal: a busy charge would end TERMINAL BUSY without a request).
//
// 60 sales by default; PAYSTACK_CHAOS_SALES overrides (issue 15: 300). The simulator's rate limit
// is on (PAYSTACK_CHAOS_RATE_LIMIT requests per 60 s window, default 6000; 0 = off). The wall time
// and the fleet's charges/s are printed.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <paystack/charge_store.hpp>
#include <paystack/sim/server.hpp>
#include <paystack/store_url.hpp>
#include <set>
#include <thread>

#include "cli_runner.hpp"
#include "pg_test_support.hpp"
#include "raw_http.hpp"

namespace fleet_test {
namespace {

namespace json = boost::json;
using cli_test::child;
using cli_test::run_result;

constexpr const char* exe = PAYSTACK_TERMINAL_EXE;
constexpr const char* lb_script = PAYSTACK_NGINX_LB_SCRIPT;
constexpr const char* secret = "sk_test_fleet_chaos_4c81d7";
constexpr std::size_t terminal_count = 20;
constexpr std::size_t instances = 3;

std::size_t env_number(const char* name, std::size_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return static_cast<std::size_t>(std::strtoull(v, nullptr, 10));
}

/// What the customer of sale n does: 1 declines (amount ...01), 3 pays late by offline reference
/// (...03), 0 pays at the terminal (a whole amount).
int magic_of_sale(std::size_t n) {
  if (n % 10 == 4) return 1;
  if (n % 10 == 7) return 3;
  return 0;
}

std::string text(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

/// The inbox's semantic key of one webhook body the simulator sent (webhook_semantic_key).
std::string semantic_key(const std::string& body) {
  const auto v = json::parse(body).as_object();
  const auto event = text(v.at("event"));
  const auto& d = v.at("data").as_object();
  if (event == "paymentrequest.success" || event == "paymentrequest.pending")
    return event + ":" + std::to_string(d.at("id").to_number<std::int64_t>());
  if (event == "charge.success") return event + ":" + text(d.at("reference"));
  if (event == "invoice.payment_failed") return event + ":" + text(d.at("invoice_code"));
  return event + ":?";
}

class PgChaos : public PgTest {
 protected:
  void TearDown() override {
    for (auto& r : receivers_) {
      if (r) r->signal(SIGTERM);
    }
    for (auto& r : receivers_) {
      if (r) r->finish(10s);
    }
    if (!lb_state_.empty()) {
      auto stop = cli_test::run("/bin/bash", {lb_script, "stop", lb_state_}, lb_env());
      EXPECT_EQ(stop.exit_code, 0) << stop.err;
      std::filesystem::remove_all(lb_state_);
    }
    if (sim_) sim_->stop();
    PgTest::TearDown();
  }

  static std::vector<std::string> lb_env() {
    return {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "TMPDIR=/tmp"};
  }
  std::string app_name(std::size_t instance) const {
    return "chaos_" + std::string(1, static_cast<char>('a' + instance)) + "_" + schema_;
  }
  std::vector<std::string> env(std::size_t instance) const {
    std::vector<std::string> e{"PATH=/usr/bin:/bin", "LANG=C",
                               std::string("PAYSTACK_SECRET_KEY=") + secret,
                               "PGAPPNAME=" + app_name(instance)};
    if (sim_) e.push_back("PAYSTACK_BASE_URL=" + sim_->base_url());
    // The fleet's shared rate budget (requests per minute; unset: none).
    if (const char* budget = std::getenv("PAYSTACK_CHAOS_RATE_BUDGET"))
      e.push_back(std::string("PAYSTACK_RATE_BUDGET=") + budget);
    return e;
  }

  /// Starts instance i's receiver on `port` (0: a free one); returns its port.
  std::string start_receiver(std::size_t i, const std::string& port) {
    receivers_.at(i) = std::make_unique<child>(
        exe, std::vector<std::string>{"webhooks", "listen", "--port", port, "--store", url_},
        env(i));
    EXPECT_TRUE(receivers_[i]->wait_for_stderr("(signatures checked", 15s)) << receivers_[i]->err();
    const auto& err = receivers_[i]->err();
    const auto at = err.find("http://127.0.0.1:");
    if (at == std::string::npos) {
      ADD_FAILURE() << "no URL in: " << err;
      return {};
    }
    const auto from = at + std::string("http://127.0.0.1:").size();
    return err.substr(from, err.find_first_not_of("0123456789", from) - from);
  }

  std::vector<std::string> charge_args(const std::string& terminal, std::size_t n) const {
    const int magic = magic_of_sale(n);
    const auto amount = static_cast<std::int64_t>((100 + n) * 100 + magic);
    return {"charge",
            terminal,
            "--amount",
            std::to_string(amount),
            "--customer",
            "CUS_chaos" + std::to_string(n),
            "--key",
            "chaos-" + std::to_string(n),
            "--store",
            url_,
            "--timeout",
            timeout_,
            "--verify-interval",
            "50ms"};
  }

  run_result cli(std::size_t instance, std::vector<std::string> args) const {
    args.push_back("--store");
    args.push_back(url_);
    return cli_test::run(exe, args, env(instance));
  }

  /// The operator's part after a crash: releases the lease of `terminal` naming the holder that
  /// `leases list` shows (the crashed process). Returns whether one was released.
  bool release_lease_of(const std::string& terminal) const {
    auto list = cli(0, {"leases", "list", "--json"});
    EXPECT_EQ(list.exit_code, 0) << list.err;
    const auto leases = json::parse(list.out).as_array();
    for (const auto& l : leases) {
      if (text(l.at("terminal_id")) != terminal) continue;
      auto rel = cli(0, {"leases", "release", terminal, "--holder", text(l.at("holder"))});
      EXPECT_EQ(rel.exit_code, 0) << rel.out << rel.err;
      return rel.exit_code == 0;
    }
    return false;
  }

  std::unique_ptr<paystack::sim::server> sim_;
  std::vector<std::unique_ptr<child>> receivers_{instances};
  std::string lb_state_;
  std::string timeout_ = "20s";
};

TEST_F(PgChaos, three_instances_charge_through_kills_and_a_cut_connection_exactly_once) {
  const std::size_t sales =
      std::max<std::size_t>(terminal_count, env_number("PAYSTACK_CHAOS_SALES", 60));
  const auto rate_limit = env_number("PAYSTACK_CHAOS_RATE_LIMIT", 6000);
  if (rate_limit != 0 && rate_limit < 6000) timeout_ = "150s";  // 429s wait for the window

  // The receivers, then nginx in front of them, then the simulator sending through nginx.
  std::vector<std::string> ports;
  for (std::size_t i = 0; i < instances; ++i) ports.push_back(start_receiver(i, "0"));
  for (const auto& p : ports) ASSERT_FALSE(p.empty()) << "a receiver did not start";
  char tmpl[] = "/tmp/paystack-chaos-lb.XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  lb_state_ = tmpl;
  auto lb = cli_test::run(
      "/bin/bash", {lb_script, "start", lb_state_, ports[0] + "," + ports[1] + "," + ports[2]},
      lb_env());
  ASSERT_EQ(lb.exit_code, 0) << lb.out << lb.err;
  const auto lb_url = lb.out.substr(0, lb.out.find('\n'));
  ASSERT_EQ(lb_url.rfind("http://127.0.0.1:", 0), 0u) << lb.out;

  paystack::sim::server_options so;
  so.secret_key = secret;
  so.seed_terminals = terminal_count;
  so.webhook_url = lb_url + "/";
  so.delivery_delay = 20ms;
  so.auto_pay_delay = 300ms;  // the window in which the crashed charge's customer still pays
  if (rate_limit != 0) so.rate_limit = static_cast<unsigned>(rate_limit);
  sim_ = std::make_unique<paystack::sim::server>(so);
  sim_->start();
  const auto terminals = sim_->terminal_ids();
  ASSERT_EQ(terminals.size(), terminal_count);

  const std::size_t rounds = (sales + terminal_count - 1) / terminal_count;
  const std::size_t chaos_round = rounds / 2;
  const std::size_t victim = chaos_round * terminal_count;  // a whole amount: pays at the terminal
  const auto& victim_terminal = terminals[0];
  const std::size_t cut_instance = 1;
  std::size_t nonzero_exits = 0;
  std::set<std::string> stopped;  // keys whose charging process stopped (resumed at the end)
  std::size_t rate_limited = 0;   // charging processes that waited out a 429
  const auto started = std::chrono::steady_clock::now();
  for (std::size_t round = 0; round < rounds; ++round) {
    std::vector<std::pair<std::size_t, std::unique_ptr<child>>> running;
    for (std::size_t t = 0; t < terminal_count && round * terminal_count + t < sales; ++t) {
      const auto n = round * terminal_count + t;
      const auto instance = (t + round) % instances;
      running.emplace_back(
          n, std::make_unique<child>(exe, charge_args(terminals[t], n), env(instance)));
    }
    if (round == chaos_round) {
      auto& v = running.front().second;
      const auto v_instance = round % instances;
      ASSERT_TRUE(v->wait_for_stderr("waiting for the terminal to pick up", 30s)) << v->err();
      v->signal(SIGKILL);
      EXPECT_EQ(v->finish(10s).exit_code, 128 + SIGKILL) << "the charge ended before the kill";
      // One receiver killed and restarted on its port (nginx skips it meanwhile).
      receivers_[0]->signal(SIGKILL);
      EXPECT_EQ(receivers_[0]->finish(10s).exit_code, 128 + SIGKILL);
      EXPECT_EQ(start_receiver(0, ports[0]), ports[0]);
      // Another instance's database connections terminated once.
      auto [ec, cut] = query(*admin_,
                             "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM "
                             "pg_stat_activity WHERE application_name = $1) t",
                             {app_name(cut_instance)});
      ASSERT_FALSE(ec) << cut.message();
      EXPECT_GE(cut.integer(0, 0), 1) << "instance " << cut_instance << " had no connection";
      // The dead charge still holds its terminal: a sale from another instance there is busy.
      auto intruder = cli_test::run(
          exe,
          {"charge", victim_terminal, "--amount", "777700", "--customer", "CUS_chaosintruder",
           "--key", "chaos-intruder", "--store", url_, "--timeout", timeout_},
          env((v_instance + 1) % instances));
      EXPECT_EQ(intruder.exit_code, 1) << intruder.out << intruder.err;
      EXPECT_NE(intruder.out.find("TERMINAL BUSY"), std::string::npos) << intruder.out;
      // The same command runs again at once: it takes its dead holder's lease over (issue 21:
      // no operator needed, never busy for its own key).
      v = std::make_unique<child>(exe, charge_args(victim_terminal, victim), env(v_instance));
    }
    for (auto& [n, c] : running) {
      auto r = c->finish(300s);
      // The cut connection costs its store a reconnect, not a charge (pg_store's retry): no
      // sale is refused at its start nor stopped at a journal write by it.
      EXPECT_NE(r.exit_code, 2) << "sale " << n << ": " << r.err;
      EXPECT_EQ((r.out + r.err).find("the charge store could"), std::string::npos)
          << "sale " << n << ": " << r.out << r.err;
      EXPECT_FALSE(r.timed_out) << "sale " << n;
      if (r.exit_code != 0) ++nonzero_exits;
      if (r.exit_code != 0 && r.exit_code != 1) stopped.insert("chaos-" + std::to_string(n));
      if (round == chaos_round && n == victim) {  // resumed: its customer paid meanwhile
        EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
        EXPECT_NE(r.out.find("PAID"), std::string::npos) << r.out;
      }
      if (r.err.find("HTTP 429") != std::string::npos) ++rate_limited;
      if (r.exit_code != 0 && magic_of_sale(n) != 1) {  // not a decline: say why
        std::printf("chaos: sale %zu exited %d: %s\n", n, r.exit_code,
                    r.out.substr(0, r.out.find('\n')).c_str());
      }
    }
    for (auto& r : receivers_) r->wait_for_stderr("\x01", 20ms);  // drain their pipes
  }
  const auto charged = std::chrono::steady_clock::now();

  // Leases left by charges that stopped (none expected): released as an operator would.
  auto leases = cli(0, {"leases", "list", "--json"});
  ASSERT_EQ(leases.exit_code, 0) << leases.err;
  const auto left = json::parse(leases.out).as_array();
  for (const auto& l : left) release_lease_of(text(l.at("terminal_id")));
  auto resume = cli(2, {"charges", "resume", "--all", "--timeout", timeout_});
  EXPECT_EQ(resume.exit_code, 0) << resume.out << resume.err;
  auto reconcile = cli(2, {"charges", "reconcile"});
  EXPECT_EQ(reconcile.exit_code, 0) << reconcile.out << reconcile.err;
  const auto ended = std::chrono::steady_clock::now();
  auto seconds = [](auto d) { return std::chrono::duration<double>(d).count(); };
  std::printf(
      "chaos: %zu sales, 3 instances, 20 terminals, rate limit %s: charging %.1f s (%.2f "
      "charges/s), with resume and reconcile %.1f s; %zu charging processes exited non-zero, %zu "
      "leases left; %zu charges met a 429\n",
      sales, rate_limit ? std::to_string(rate_limit).c_str() : "off", seconds(charged - started),
      static_cast<double>(sales) / seconds(charged - started), seconds(ended - started),
      nonzero_exits, left.size(), rate_limited);

  // Every webhook the simulator emitted is settled (bounded wait), then the receivers stop.
  std::size_t emitted = 0;
  for (int i = 0; i < 100; ++i) {
    emitted = sim_->webhook_log().size();
    if (sim_->wait_for_webhooks(emitted, 100ms) && sim_->webhook_log().size() == emitted) break;
  }
  ASSERT_TRUE(sim_->wait_for_webhooks(emitted, 10s));
  const auto log = sim_->webhook_log();

  // The simulator's record: requests, pushes (events in order) and webhooks (in order).
  auto a = paystack::test::raw_http(
      sim_->port(), "GET /_sim/state HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  const auto state = json::parse(a.raw.substr(a.raw.find("\r\n\r\n") + 4)).as_object();
  const auto& data = state.at("data").as_object();
  std::map<std::string, std::string> status_of;  // request code -> status
  std::map<std::string, std::int64_t> id_of;     // request code -> id
  std::set<std::int64_t> walked_away;            // late payers: never held their terminal
  for (const auto& v : data.at("payment_requests").as_array()) {
    status_of[text(v.at("request_code"))] = text(v.at("status"));
    id_of[text(v.at("request_code"))] = v.at("id").to_number<std::int64_t>();
    if (v.at("amount").to_number<std::int64_t>() % 100 == 3)
      walked_away.insert(v.at("id").to_number<std::int64_t>());
  }
  std::map<std::int64_t, std::size_t> created_at, ended_at;  // request id -> webhook position
  std::map<std::string, int> sent;                           // semantic key -> webhooks
  for (std::size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].status, paystack::sim::webhook_status::delivered) << log[i].body;
    const auto k = semantic_key(log[i].body);
    ++sent[k];
    const auto v = json::parse(log[i].body).as_object();
    const auto& d = v.at("data").as_object();
    if (log[i].event == "paymentrequest.pending")
      created_at[d.at("id").to_number<std::int64_t>()] = i;
    if (log[i].event == "paymentrequest.success")
      ended_at[d.at("id").to_number<std::int64_t>()] = i;
    if (log[i].event == "invoice.payment_failed") ended_at[id_of[text(d.at("invoice_code"))]] = i;
  }

  // The store's records.
  boost::system::error_code ec;
  std::string why;
  auto store = paystack::open_charge_store(ctx_.io.get_executor(), url_, ec, why);
  ASSERT_TRUE(store) << why;
  auto [lec, records] = await_call<boost::system::error_code, std::vector<paystack::charge_record>>(
      [&](auto h) { store->async_list({}, std::move(h)); });
  ASSERT_FALSE(lec);
  ASSERT_EQ(records.size(), sales + 1) << "every sale and the intruder";
  std::set<std::int64_t> resumed;  // requests of charges stopped in their round
  for (const auto& r : records) {
    if (stopped.count(r.key) && r.request_id) resumed.insert(*r.request_id);
  }

  // Never two charges on one terminal at the same moment: between two payment requests pushed
  // one after the other to a terminal, the first was settled at the terminal (paid or declined:
  // its webhook in the simulator's log) before the second was created (its paymentrequest.pending
  // webhook); a request's pushes are never split by another one's. A late payer walks away at
  // delivery (magic ...03: the terminal is free) and pays by offline reference later. A charge
  // stopped in its round (its store write failed when the connection was cut) created its request
  // then but is pushed, or pushed again, by `charges resume --all` at the end, under the lease.
  std::map<std::string, std::vector<std::int64_t>> pushes;  // terminal -> requests, in order
  for (const auto& e : data.at("events").as_array()) {
    if (text(e.at("type")) != "invoice" || text(e.at("action")) != "process") continue;
    auto& seq = pushes[text(e.at("terminal_id"))];
    const auto id = e.at("data_id").to_number<std::int64_t>();
    if (resumed.count(id) && std::find(seq.begin(), seq.end(), id) != seq.end()) continue;
    if (seq.empty() || seq.back() != id) seq.push_back(id);
  }
  std::size_t pairs = 0;
  for (const auto& [terminal, seq] : pushes) {
    SCOPED_TRACE(terminal);
    EXPECT_EQ(std::set<std::int64_t>(seq.begin(), seq.end()).size(), seq.size())
        << "a request's pushes were split by another request's";
    for (std::size_t i = 1; i < seq.size(); ++i, ++pairs) {
      if (walked_away.count(seq[i - 1])) continue;  // walked away at delivery, paid later
      if (resumed.count(seq[i])) continue;          // created in its round, pushed by the resume
      ASSERT_TRUE(ended_at.count(seq[i - 1])) << "request " << seq[i - 1] << " never settled";
      ASSERT_TRUE(created_at.count(seq[i])) << "request " << seq[i] << " not in the log";
      EXPECT_LT(ended_at[seq[i - 1]], created_at[seq[i]])
          << "request " << seq[i] << " was created while request " << seq[i - 1]
          << " was still on the terminal";
    }
  }
  EXPECT_GE(pairs, sales - terminal_count) << "every terminal charged one sale a round";

  // Nothing unpaid stays payable (issue 21), from the simulator's own record: a pushed request
  // that is pending and not archived is open; never two open on one terminal, and a declined
  // sale's request is archived.
  std::map<std::int64_t, bool> archived_of;
  std::map<std::int64_t, std::string> status_by_id;
  std::map<std::int64_t, std::int64_t> amount_of;
  for (const auto& v : data.at("payment_requests").as_array()) {
    const auto id = v.at("id").to_number<std::int64_t>();
    archived_of[id] = v.at("archived").as_bool();
    status_by_id[id] = text(v.at("status"));
    amount_of[id] = v.at("amount").to_number<std::int64_t>();
  }
  for (const auto& [terminal, seq] : pushes) {
    std::size_t open = 0;
    for (auto id : seq)
      if (status_by_id[id] == "pending" && !archived_of[id]) ++open;
    EXPECT_LE(open, 1u) << "terminal " << terminal << " has two payable pushed requests";
    for (auto id : seq)
      if (amount_of[id] % 100 == 1 && status_by_id[id] != "success") {
        EXPECT_TRUE(archived_of[id]) << "declined request " << id << " is still payable";
      }
  }

  // One request per key, outcomes as the customers acted, nothing failed by a 429.
  std::set<std::string> codes;
  std::size_t paid = 0;
  for (const auto& r : records) {
    SCOPED_TRACE(r.key);
    EXPECT_EQ(r.stage, paystack::charge_journal_stage::finished) << r.reason;
    EXPECT_EQ(r.reason.find("429"), std::string::npos) << r.reason;
    EXPECT_EQ(r.reason.find("rate limit"), std::string::npos) << r.reason;
    if (r.key == "chaos-intruder") {
      EXPECT_EQ(r.outcome, paystack::charge_outcome::terminal_busy) << r.reason;
      EXPECT_FALSE(r.request_code) << "the busy charge created a request";
      continue;
    }
    ASSERT_TRUE(r.request_code) << "every sale reached one request: " << r.reason;
    EXPECT_TRUE(codes.insert(*r.request_code).second) << "two keys share a request";
    const bool sim_paid = status_of[*r.request_code] == "success";
    EXPECT_EQ(r.outcome == paystack::charge_outcome::paid, sim_paid) << r.reason;
    if (sim_paid) ++paid;
    if (r.amount % 100 == 1) {
      EXPECT_EQ(r.outcome, paystack::charge_outcome::declined) << r.reason;
    } else {
      EXPECT_TRUE(sim_paid) << "the customer pays (late by offline reference: ...03)";
    }
  }
  EXPECT_EQ(status_of.size(), sales) << "exactly one payment request per key, none extra";
  EXPECT_EQ(paid, sales - (sales + 5) / 10) << "all but the declines";

  // Every webhook stored once in the inbox, by one of the receivers.
  auto [iec, inbox] = query(*admin_, "SELECT semantic_key, count(*), min(received_by) FROM " +
                                         schema_ + ".paystack_webhook_inbox GROUP BY semantic_key");
  ASSERT_FALSE(iec) << inbox.message();
  std::map<std::string, std::int64_t> stored;
  for (int i = 0; i < inbox.rows(); ++i) {
    stored[std::string(inbox.value(i, 0))] = inbox.integer(i, 1);
    EXPECT_FALSE(std::string(inbox.value(i, 2)).empty()) << "no receiver named";
  }
  EXPECT_EQ(stored.size(), sent.size()) << "the inbox holds exactly the webhooks sent";
  for (const auto& [k, times] : sent) {
    EXPECT_EQ(times, 1) << k << " emitted more than once";
    EXPECT_EQ(stored[k], 1) << k << " stored " << stored[k] << " times";
  }
  // Handed over once fleet-wide: a decline is learned only from its webhook, so the charge that
  // ended declined claimed its invoice.payment_failed (one claimer per row, by the UPDATE).
  auto [hec, handed] =
      query(*admin_, "SELECT request_code, coalesce(handed_over_to, '') FROM " + schema_ +
                         ".paystack_webhook_inbox WHERE event = 'invoice.payment_failed'");
  ASSERT_FALSE(hec) << handed.message();
  std::map<std::string, std::string> claimed_by;
  for (int i = 0; i < handed.rows(); ++i)
    claimed_by[std::string(handed.value(i, 0))] = std::string(handed.value(i, 1));
  std::size_t declines = 0;
  for (const auto& r : records) {
    if (r.outcome != paystack::charge_outcome::declined || !r.request_code) continue;
    ++declines;
    EXPECT_FALSE(claimed_by[*r.request_code].empty())
        << r.key << ": its invoice.payment_failed was not handed over to its charge";
  }
  EXPECT_GT(declines, 0u);
  store.reset();
}

}  // namespace
}  // namespace fleet_test
