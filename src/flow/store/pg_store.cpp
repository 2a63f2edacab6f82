// The PostgreSQL engine of paystack::charge_store (doc/fleet.md, doc/adr/fleet-0001-postgresql.md):
// libpq on Asio through src/flow/store/pg (no thread per query). One connection per store; the
// store's operations run one after the other on the connection's strand (a worker coroutine drains
// a queue), each one statement and so one transaction, one round trip: begin and save change the
// charge row and append the journal row in one statement (data-modifying CTEs). The schema is
// migrated when the store is opened (pg::async_migrate). A statement that met no connection or a
// lost one is sent again on a new connection (pg_store::retrying: at most 3 attempts within the
// store's timeout) when repeating it is safe, and an operation whose earlier attempt may have
// committed (its reply lost) recognises its own write (doc/fleet.md, "When something goes away").
#include "pg_store.hpp"

#include <atomic>
#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <functional>
#include <mutex>
#include <paystack/error.hpp>
#include <paystack/postgresql_store.hpp>
#include <thread>

#include "flow_metrics.hpp"
#include "pg/await.hpp"
#include "pg/conninfo.hpp"
#include "pg/inbox.hpp"
#include "pg/leases.hpp"
#include "pg/reconnect.hpp"
#include "pg/schema.hpp"
#include "pg_inbox_feed.hpp"
#include "pg_rate_budget.hpp"
#include "pg_store_refunds.hpp"
#include "pg_store_sql.hpp"
#include "store_engine.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using pg_sql::capped;
using pg_sql::max_detail;
using pg_sql::read_record;
using pg_sql::record_columns;
using pg_sql::record_params;
using pg_sql::same_fields;
using pg_sql::to_public;

/// What a statement retried by pg_store::retrying ended with. `maybe_sent_before`: an earlier
/// attempt lost its connection after the statement may have reached the server, so it may have
/// committed with its reply lost; the answer in `value` is then the resend's.
template <class T>
struct retried {
  error_code ec;
  T value{};
  bool maybe_sent_before = false;
};

class pg_store final : public charge_store, public std::enable_shared_from_this<pg_store> {
 public:
  pg_store(asio::any_io_executor ex, std::string url, std::string shown,
           std::chrono::milliseconds timeout)
      : ex_(std::move(ex)),
        url_(url),
        shown_(std::move(shown)),
        instance_(pg_instance_name()),
        timeout_(timeout),
        conn_(pg::connection::create(ex_, std::move(url))) {}
  ~pg_store() override {
    conn_->close();
    if (inbox_) inbox_->stop();
  }

  executor_type get_executor() const noexcept override { return ex_; }
  std::string describe() const override { return shown_; }
  bool leases_terminals() const noexcept override { return true; }
  std::shared_ptr<webhook_feed> shared_webhooks() override {
    std::lock_guard lock(inbox_mutex_);
    if (!inbox_) inbox_ = pg_inbox_feed::start(ex_, url_, timeout_);
    return inbox_->feed();
  }

 protected:
  void do_begin(charge_record record,
                asio::any_completion_handler<charge_begin_signature> h) override {
    submit("begin", std::move(h),
           [record = std::move(record)](pg_store& s) { return s.begin(record); });
  }
  void do_save(charge_record record, std::string detail,
               asio::any_completion_handler<charge_save_signature> h) override {
    submit("save", std::move(h),
           [record = std::move(record), detail = std::move(detail)](pg_store& s) {
             return s.save(record, detail);
           });
  }
  void do_load(std::string key, asio::any_completion_handler<charge_load_signature> h) override {
    submit("load", std::move(h), [key = std::move(key)](pg_store& s) { return s.load(key); });
  }
  void do_list(charge_list_filter filter,
               asio::any_completion_handler<charge_list_signature> h) override {
    submit("list", std::move(h), [filter](pg_store& s) { return s.list(filter); });
  }
  void do_history(std::string key,
                  asio::any_completion_handler<charge_history_signature> h) override {
    submit("history", std::move(h), [key = std::move(key)](pg_store& s) { return s.history(key); });
  }
  void do_record_webhook(std::string key, std::string body,
                         asio::any_completion_handler<webhook_record_signature> h) override {
    submit("record_webhook", std::move(h),
           [key = std::move(key), body = std::move(body)](pg_store& s) {
             return s.record_webhook(key, body);
           });
  }

  void do_acquire_lease(std::string terminal_id, std::string charge_key,
                        std::chrono::milliseconds ttl,
                        asio::any_completion_handler<lease_acquire_signature> h) override {
    submit("acquire_lease", std::move(h),
           [t = std::move(terminal_id), k = std::move(charge_key), ttl](pg_store& s) {
             return s.acquire_lease(t, k, ttl);
           });
  }
  void do_release_lease(std::string terminal_id, std::string holder, std::int64_t fencing_token,
                        asio::any_completion_handler<lease_release_signature> h) override {
    submit("release_lease", std::move(h),
           [t = std::move(terminal_id), who = std::move(holder), fencing_token](pg_store& s) {
             return s.release_lease(t, who, fencing_token);
           });
  }
  std::shared_ptr<rate_budget> shared_rate_budget(const rate_budget_options& options) override {
    return make_pg_rate_budget(ex_, url_, options, timeout_);
  }

  void do_stop_lease(std::string terminal_id, std::int64_t fencing_token,
                     std::chrono::milliseconds ttl,
                     asio::any_completion_handler<lease_release_signature> h) override {
    // Marking again what an earlier attempt marked answers true again: safe to send twice.
    submit("stop_lease", std::move(h),
           [t = std::move(terminal_id), fencing_token, ttl](pg_store& s) {
             return s.idempotent<bool>([=](pg::connection& c, auto done) {
               pg::async_stop_lease(c, t, fencing_token, ttl, std::move(done));
             });
           });
  }
  void do_renew_lease(std::string terminal_id, std::int64_t fencing_token,
                      std::chrono::milliseconds ttl,
                      asio::any_completion_handler<lease_release_signature> h) override {
    // Renewing twice extends twice from now: safe to send again.
    submit("renew_lease", std::move(h),
           [t = std::move(terminal_id), fencing_token, ttl](pg_store& s) {
             return s.idempotent<bool>([=](pg::connection& c, auto done) {
               pg::async_renew_lease(c, t, fencing_token, ttl, std::move(done));
             });
           });
  }
  void do_claim_webhook(std::string semantic_key,
                        asio::any_completion_handler<webhook_record_signature> h) override {
    // An event not in the inbox (published by this process's own receiver, not stored here)
    // is this process's to act on: true. A claim sent again answers true again for this instance.
    submit("claim_webhook", std::move(h), [k = std::move(semantic_key)](pg_store& s) {
      return s.idempotent<bool>([k, who = s.instance_](pg::connection& c, auto done) {
        pg::async_claim_webhook(c, k, who, std::move(done));
      });
    });
  }
  void do_list_leases(asio::any_completion_handler<lease_list_signature> h) override {
    submit("list_leases", std::move(h), [](pg_store& s) { return s.list_leases(); });
  }

  // Keyed refunds (pg_store_refunds.cpp), on the same queue and connection as the charges'.
  void do_begin_refund(refund_record r,
                       asio::any_completion_handler<refund_begin_signature> h) override {
    submit("begin_refund", std::move(h),
           [r = std::move(r)](pg_store& s) { return pg_refunds::begin(s.refund_table(), r); });
  }
  void do_save_refund(refund_record r, std::string detail,
                      asio::any_completion_handler<refund_save_signature> h) override {
    submit("save_refund", std::move(h), [r = std::move(r), d = std::move(detail)](pg_store& s) {
      return pg_refunds::save(s.refund_table(), r, d);
    });
  }
  void do_load_refund(std::string key,
                      asio::any_completion_handler<refund_load_signature> h) override {
    submit("load_refund", std::move(h),
           [k = std::move(key)](pg_store& s) { return pg_refunds::load(s.refund_table(), k); });
  }
  void do_list_refunds(refund_list_filter f,
                       asio::any_completion_handler<refund_list_signature> h) override {
    submit("list_refunds", std::move(h),
           [f = std::move(f)](pg_store& s) { return pg_refunds::list(s.refund_table(), f); });
  }
  void do_refund_history(std::string key,
                         asio::any_completion_handler<refund_history_signature> h) override {
    submit("refund_history", std::move(h),
           [k = std::move(key)](pg_store& s) { return pg_refunds::history(s.refund_table(), k); });
  }

 public:
  /// Test hook (pg_store_drop_replies): the next `n` answered statements are taken as lost.
  void drop_replies(int n) { drop_replies_.store(n); }

 private:
  using job = std::function<asio::awaitable<void>()>;
  using clock = std::chrono::steady_clock;

  static std::chrono::milliseconds left_until(clock::time_point deadline) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
  }

  /// Runs one statement, `attempt(timeout)` (an awaitable of tuple<error_code, T> on conn_), until
  /// the server answers it: when there was no connection, the connection could not be made, or it
  /// was lost, the store reconnects and sends it again, at most pg::max_statement_attempts times
  /// before `deadline`. A statement that may have reached the server (connection_lost: it may have
  /// committed, its reply lost) is sent again only when `resend_lost`; the caller recognises
  /// its own earlier write by maybe_sent_before. Final: the server's answer (a refused statement
  /// included), a timeout (the statement may still run; the time is spent), close(). Any failure
  /// is error::store_failed.
  template <class T, class Attempt>
  asio::awaitable<retried<T>> retrying(Attempt attempt, clock::time_point deadline,
                                       bool resend_lost = true) {
    retried<T> out;
    pg::reconnect_state state;
    for (;;) {
      auto connecting = ready(std::min(timeout_, left_until(deadline)));
      error_code ec = co_await std::move(connecting);
      if (!ec) {
        auto op = attempt(std::max(left_until(deadline), std::chrono::milliseconds(1)));
        auto [e, value] = co_await std::move(op);
        ec = e;
        if (!ec && drop_replies_.load() > 0) {
          --drop_replies_;
          conn_->close();
          ec = pg::errc::connection_lost;
        }
        if (!ec) out.value = std::move(value);
      }
      // The decision is the pure policy's (src/flow/store/pg/reconnect.hpp); this only carries it
      // out.
      const auto step = pg::next_step(state, ec, resend_lost, left_until(deadline));
      out.maybe_sent_before = state.maybe_sent_before;
      if (step.what == pg::reconnect_step::action::done) co_return out;
      if (step.what == pg::reconnect_step::action::give_up) break;
      if (step.pause.count() > 0) {
        asio::steady_timer pause(conn_->strand());
        pause.expires_after(step.pause);
        auto wait = pause.async_wait(asio::as_tuple(asio::use_awaitable));
        co_await std::move(wait);
      }
    }
    out.ec = error::store_failed;
    co_return out;
  }

  /// Runs a src/flow/store/pg operation `start(connection&, handler)` completing with (error_code,
  /// T) through retrying.
  template <class T, class Start>
  asio::awaitable<retried<T>> call(Start start, bool resend_lost = true) {
    auto attempt = [this, &start](std::chrono::milliseconds) {
      auto token = asio::as_tuple(asio::use_awaitable);
      return asio::async_initiate<decltype(token), void(error_code, T)>(
          [c = conn_, start](auto handler) mutable { start(*c, std::move(handler)); }, token);
    };
    auto op = retrying<T>(attempt, clock::now() + timeout_, resend_lost);
    auto out = co_await std::move(op);
    co_return out;
  }

  /// call for a statement whose resend answers as its first attempt would have: (error, value).
  template <class T, class Start>
  asio::awaitable<std::tuple<error_code, T>> idempotent(Start start) {
    auto op = call<T>(std::move(start));
    auto [ec, value, resent] = co_await std::move(op);
    co_return std::tuple(ec, std::move(value));
  }

  /// Queues `body` (pg_store& -> awaitable<tuple<error_code, ...>>); its result goes to `h`,
  /// posted to h's associated executor (default: the store's).
  /// `operation`: its label in paystack_store_operation_duration_seconds (from queued to done).
  template <class Handler, class Body>
  void submit(std::string_view operation, Handler h, Body body) {
    auto handler = std::make_shared<Handler>(std::move(h));
    auto self = shared_from_this();
    auto timed = std::make_shared<flow_metrics::store_timer>("postgres", operation);
    job j = [self, handler, body = std::move(body), timed = std::move(timed)]() mutable {
      return self->run_one(std::move(*handler), body, std::move(timed));
    };
    asio::dispatch(conn_->strand(), [self, j = std::move(j)]() mutable {
      self->jobs_.push_back(std::move(j));
      if (self->running_) return;
      self->running_ = true;
      asio::co_spawn(self->conn_->strand(), self->drain(), asio::detached);
    });
  }

  template <class Handler, class Body>
  asio::awaitable<void> run_one(Handler h, Body body,
                                std::shared_ptr<flow_metrics::store_timer> timed) {
    auto op = body(*this);
    auto result = co_await std::move(op);
    timed.reset();  // recorded before the handler runs
    std::apply(
        [&](auto&&... args) {
          asio::post(ex_, asio::append(std::move(h), std::forward<decltype(args)>(args)...));
        },
        std::move(result));
  }

  asio::awaitable<void> drain() {
    while (!jobs_.empty()) {
      auto j = std::move(jobs_.front());
      jobs_.pop_front();
      auto op = j();
      co_await std::move(op);
    }
    running_ = false;
  }

  /// Connects when there is no connection (first use, or after one was lost).
  asio::awaitable<error_code> ready(std::chrono::milliseconds timeout) {
    if (conn_->is_connected()) co_return error_code{};
    auto token = asio::as_tuple(asio::use_awaitable);
    auto op = asio::async_initiate<decltype(token), void(error_code)>(
        [c = conn_, timeout](auto handler) { c->async_connect(timeout, std::move(handler)); },
        token);
    auto [ec] = co_await std::move(op);
    co_return ec;
  }

  /// The refund operations' view of this store: statements through `run`.
  pg_refunds::table refund_table() {
    auto runner = [this](
                      std::string sql, pg::params p,
                      clock::time_point deadline) -> asio::awaitable<pg_refunds::statement_result> {
      auto op = run(std::move(sql), std::move(p), deadline);
      auto [ec, res, resent] = co_await std::move(op);
      co_return pg_refunds::statement_result{ec, std::move(res), resent};
    };
    return {std::move(runner), instance_, timeout_};
  }

  /// Runs one statement through retrying, within the store's timeout from now or `deadline`.
  asio::awaitable<retried<pg::result>> run(std::string sql, pg::params p,
                                           std::optional<clock::time_point> deadline = {}) {
    auto attempt = [this, &sql, &p](std::chrono::milliseconds timeout) {
      return pg::query(conn_, sql, p, timeout);
    };
    auto op = retrying<pg::result>(attempt, deadline.value_or(clock::now() + timeout_));
    auto out = co_await std::move(op);
    co_return out;
  }

  asio::awaitable<std::tuple<error_code, charge_record, bool>> begin(charge_record r) {
    if (r.key.empty()) co_return std::tuple(error_code(error::invalid_argument), r, false);
    if (r.created_at_ms == 0) r.created_at_ms = unix_ms();
    r.stage = charge_journal_stage::started;
    const std::string select = std::string(" SELECT ") + record_columns;
    // Column 21 of an existing row: the instance that inserted it (its "started" journal row).
    const std::string sql =
        "WITH ins AS (INSERT INTO paystack_charges (charge_key, terminal_id, customer, amount,"
        " currency, stage, request_id, request_code, offline_reference, event_id, pushes, outcome,"
        " open, reason, transaction_reference, fencing_token, version, created_at, updated_at,"
        " request_fingerprint)"
        " VALUES ($1, $2, $3, $4::bigint, $5, $6, $7::bigint, $8, $9, $10, $11::int, $12,"
        " $13::boolean, $14, $15, $16::bigint, 1, to_timestamp($17::bigint / 1000.0),"
        " to_timestamp($17::bigint / 1000.0), $19)"
        " ON CONFLICT (charge_key) DO NOTHING RETURNING *),"
        " j AS (INSERT INTO paystack_charge_journal (charge_key, stage, detail, fencing_token,"
        " instance) SELECT charge_key, stage, 'started', fencing_token, $18 FROM ins)" +
        select + ", true, NULL::text FROM ins UNION ALL" + select +
        ", false, (SELECT instance FROM paystack_charge_journal WHERE charge_key = $1 ORDER BY id"
        " LIMIT 1) FROM paystack_charges WHERE charge_key = $1 AND NOT EXISTS (SELECT 1 FROM ins)";
    auto p = record_params(r);
    p.push_back(std::to_string(r.created_at_ms));
    p.push_back(instance_);
    p.push_back(r.request_fingerprint.empty() ? std::nullopt
                                              : std::optional<std::string>(r.request_fingerprint));
    const auto deadline = clock::now() + timeout_;
    bool maybe_ours = false;
    // A key inserted by another writer after this statement's snapshot was taken shows as no
    // row (the insert skipped it, the select cannot see it yet): the next attempt sees it.
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto op = run(sql, p, deadline);
      auto [ec, res, resent] = co_await std::move(op);
      if (ec) co_return std::tuple(ec, r, false);
      maybe_ours = maybe_ours || resent;
      if (res.rows() != 1) continue;
      auto stored = read_record(res, 0);
      bool inserted = res.value(0, 20) == "t";
      // An earlier attempt that committed with its reply lost: the row is this call's when this
      // instance inserted it with this call's creation time and fields.
      if (!inserted && maybe_ours && res.value(0, 21) == instance_ &&
          stored.created_at_ms == r.created_at_ms && stored.terminal_id == r.terminal_id &&
          stored.customer == r.customer && stored.amount == r.amount &&
          stored.currency == r.currency)
        inserted = true;
      co_return std::tuple(error_code{}, std::move(stored), inserted);
    }
    co_return std::tuple(error_code(error::store_failed), r, false);
  }

  asio::awaitable<std::tuple<error_code, charge_record>> save(charge_record r, std::string detail) {
    // The write is refused when the version is stale; for a write carrying a fencing token,
    // when the charge or its terminal's lease has a newer token (a holder that lost its lease
    // cannot write over the one that took it over); for a write without one, while a live lease
    // (not expired, not stopped) is held for the charge's key (its holder runs the charge).
    const std::string sql =
        std::string(
            "WITH upd AS (UPDATE paystack_charges c SET terminal_id = $2, customer = $3,"
            " amount = $4::bigint, currency = $5, stage = $6, request_id = $7::bigint,"
            " request_code = $8, offline_reference = $9, event_id = $10, pushes = $11::int,"
            " outcome = $12, open = $13::boolean, reason = $14, transaction_reference = $15,"
            " fencing_token = coalesce($16::bigint, c.fencing_token), version = c.version + 1,"
            " updated_at = clock_timestamp()"
            " WHERE c.charge_key = $1 AND c.version = $17::bigint AND (($16::bigint IS NULL AND"
            " NOT EXISTS (SELECT 1 FROM paystack_terminal_leases l WHERE l.charge_key ="
            " c.charge_key AND l.expires_at > clock_timestamp() AND l.stopped_at IS NULL)) OR"
            " ($16::bigint IS NOT NULL AND (c.fencing_token IS NULL OR"
            " c.fencing_token <= $16::bigint) AND NOT EXISTS ("
            "SELECT 1 FROM paystack_terminal_leases l WHERE l.terminal_id = c.terminal_id"
            " AND l.fencing_token > $16::bigint))) RETURNING *),"
            " j AS (INSERT INTO paystack_charge_journal (charge_key, stage, detail, fencing_token,"
            " instance) SELECT charge_key, stage, $18, fencing_token, $19 FROM upd) SELECT ") +
        record_columns + " FROM upd";
    detail = capped(std::move(detail), max_detail);
    auto p = record_params(r);
    p.push_back(std::to_string(r.version));
    p.push_back(detail);
    p.push_back(instance_);
    const auto deadline = clock::now() + timeout_;
    auto op = run(sql, std::move(p), deadline);
    auto [ec, res, resent] = co_await std::move(op);
    if (ec) co_return std::tuple(ec, r);
    if (res.rows() == 1) co_return std::tuple(error_code{}, read_record(res, 0));
    if (!resent) co_return std::tuple(error_code(error::store_conflict), r);
    auto check = saved_before(r, detail, deadline);
    auto [cec, own] = co_await std::move(check);
    if (cec) co_return std::tuple(cec, r);
    if (!own) co_return std::tuple(error_code(error::store_conflict), r);
    co_return std::tuple(error_code{}, std::move(*own));
  }

  /// After a save refused on a resend: the stored record when it is exactly what an earlier
  /// attempt of this save wrote (its reply lost): the next version, this save's fields and token,
  /// and the journal's last entry this stage and detail, written by this instance.
  asio::awaitable<std::tuple<error_code, std::optional<charge_record>>> saved_before(
      const charge_record& r, const std::string& detail, clock::time_point deadline) {
    auto op = run(std::string("WITH j AS (SELECT stage AS j_stage, detail AS j_detail,"
                              " fencing_token AS j_token, instance AS j_instance FROM"
                              " paystack_charge_journal WHERE charge_key = $1 ORDER BY id DESC"
                              " LIMIT 1) SELECT ") +
                      record_columns +
                      ", j_stage, j_detail, j_token, j_instance FROM paystack_charges LEFT JOIN j"
                      " ON true WHERE charge_key = $1",
                  pg::params{r.key}, deadline);
    auto [ec, res, resent] = co_await std::move(op);
    std::optional<charge_record> own;
    if (ec || res.rows() != 1) co_return std::tuple(ec, own);
    auto stored = read_record(res, 0);
    const bool ours = stored.version == r.version + 1 && same_fields(stored, r) &&
                      (r.fencing_token == 0 || stored.fencing_token == r.fencing_token) &&
                      res.value(0, 20) == to_string(r.stage) && res.value(0, 21) == detail &&
                      res.integer(0, 22) == stored.fencing_token && res.value(0, 23) == instance_;
    if (ours) own = std::move(stored);
    co_return std::tuple(error_code{}, std::move(own));
  }

  asio::awaitable<std::tuple<error_code, std::optional<charge_record>>> load(std::string key) {
    auto op = run(
        std::string("SELECT ") + record_columns + " FROM paystack_charges WHERE charge_key = $1",
        pg::params{std::move(key)});
    auto [ec, res, resent] = co_await std::move(op);
    std::optional<charge_record> out;
    if (!ec && res.rows() == 1) out = read_record(res, 0);
    co_return std::tuple(ec, std::move(out));
  }

  asio::awaitable<std::tuple<error_code, std::vector<charge_record>>> list(charge_list_filter f) {
    std::string sql = std::string("SELECT ") + record_columns + " FROM paystack_charges WHERE true";
    if (f.unfinished_only) sql += " AND stage <> 'finished'";
    if (f.open_only) sql += f.unfinished_only ? " AND false" : " AND stage = 'finished' AND open";
    pg::params params{std::to_string(std::min(f.limit, max_charge_list))};
    if (!f.after.empty()) {
      sql +=
          " AND (created_at, charge_key) > (SELECT created_at, charge_key FROM paystack_charges"
          " WHERE charge_key = $2)";
      params.push_back(f.after);
    }
    sql += " ORDER BY created_at, charge_key LIMIT $1::int";
    auto op = run(std::move(sql), std::move(params));
    auto [ec, res, resent] = co_await std::move(op);
    std::vector<charge_record> out;
    for (int i = 0; !ec && i < res.rows(); ++i) out.push_back(read_record(res, i));
    co_return std::tuple(ec, std::move(out));
  }

  asio::awaitable<std::tuple<error_code, std::vector<charge_journal_entry>>> history(
      std::string key) {
    auto op =
        run("SELECT id, stage, round(extract(epoch FROM recorded_at) * 1000)::bigint,"
            " coalesce(detail, '') FROM paystack_charge_journal WHERE charge_key = $1"
            " ORDER BY id LIMIT 1000",
            pg::params{std::move(key)});
    auto [ec, res, resent] = co_await std::move(op);
    std::vector<charge_journal_entry> out;
    for (int i = 0; !ec && i < res.rows(); ++i) {
      charge_journal_entry e;
      e.sequence = static_cast<std::uint64_t>(res.integer(i, 0));
      e.stage = journal_stage_from_string(res.value(i, 1)).value_or(charge_journal_stage::started);
      e.at_ms = res.integer(i, 2);
      e.detail = std::string(res.value(i, 3));
      out.push_back(std::move(e));
    }
    co_return std::tuple(ec, std::move(out));
  }

  asio::awaitable<std::tuple<error_code, terminal_lease>> acquire_lease(
      std::string terminal_id, std::string charge_key, std::chrono::milliseconds ttl) {
    auto op = call<pg::lease>([=, who = instance_](pg::connection& c, auto done) {
      pg::async_acquire_lease(c, terminal_id, who, charge_key, ttl, std::move(done));
    });
    auto [ec, l, resent] = co_await std::move(op);
    // An earlier attempt that took the lease with its reply lost: the resend finds it held by
    // this instance for this charge (an expired one it would have taken again).
    if (!ec && !l.acquired && resent && l.holder == instance_ && l.charge_key == charge_key)
      l.acquired = true;
    // Held for this key by a process of this machine that is gone: its rerun or resume takes it
    // over now, not when it expires (another key waits for the expiry).
    if (!ec && !l.acquired && !l.stopped && l.charge_key == charge_key &&
        holder_is_dead(l.holder)) {
      auto again =
          call<pg::lease>([=, who = instance_, dead = l.holder](pg::connection& c, auto done) {
            pg::async_acquire_lease(c, terminal_id, who, charge_key, ttl, std::move(done), dead);
          });
      auto [ec2, l2, resent2] = co_await std::move(again);
      if (!ec2) l = std::move(l2);
      ec = ec2;
    }
    co_return std::tuple(ec, to_public(std::move(l)));
  }

  asio::awaitable<std::tuple<error_code, bool>> release_lease(std::string terminal_id,
                                                              std::string holder,
                                                              std::int64_t fencing_token) {
    // Without a token the release names whatever lease the holder has (an operator's): a resend
    // could release one taken after the first attempt, so it is not sent again once it may have
    // reached the server.
    auto op = call<bool>(
        [=](pg::connection& c, auto done) {
          pg::async_release_lease_of(c, terminal_id, holder, fencing_token, std::move(done));
        },
        fencing_token != 0);
    auto [ec, released, resent] = co_await std::move(op);
    if (ec || released || !resent) co_return std::tuple(ec, released);
    // Nothing left to release after a resend: the earlier attempt released it when the terminal
    // has no lease now; a lease with another token may have been taken before or after it.
    auto check = run("SELECT count(*) FROM paystack_terminal_leases WHERE terminal_id = $1",
                     pg::params{terminal_id});
    auto [cec, res, again] = co_await std::move(check);
    if (cec) co_return std::tuple(cec, false);
    if (res.integer(0, 0) != 0) co_return std::tuple(error_code(error::store_failed), false);
    co_return std::tuple(error_code{}, true);
  }

  asio::awaitable<std::tuple<error_code, std::vector<terminal_lease>>> list_leases() {
    auto op = idempotent<std::vector<pg::lease>>(
        [](pg::connection& c, auto done) { pg::async_list_leases(c, std::move(done)); });
    auto [ec, ls] = co_await std::move(op);
    std::vector<terminal_lease> out;
    for (auto& l : ls) out.push_back(to_public(std::move(l)));
    co_return std::tuple(ec, std::move(out));
  }

  asio::awaitable<std::tuple<error_code, bool>> record_webhook(std::string key, std::string body) {
    const auto started = clock::now();
    auto e = pg_sql::inbox_event_of(key, body, instance_);
    auto op = call<bool>([e = std::move(e)](pg::connection& c, auto done) {
      pg::async_store_webhook(c, e, std::move(done));
    });
    auto [ec, fresh, resent] = co_await std::move(op);
    if (ec || fresh || !resent) co_return std::tuple(ec, fresh);
    // A duplicate on a resend: this call's own row when this instance stored this body since the
    // call began (by the database's clock: the time since then, and a second for the round trip).
    const auto since =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - started) +
        std::chrono::seconds(1);
    auto check = run(
        "SELECT count(*) FROM paystack_webhook_inbox WHERE semantic_key = $1 AND received_by = $2"
        " AND body = $3 AND received_at >= clock_timestamp() - $4::bigint * interval '1 ms'",
        pg::params{std::move(key), instance_, std::move(body), std::to_string(since.count())});
    auto [cec, res, again] = co_await std::move(check);
    co_return std::tuple(cec, !cec && res.integer(0, 0) == 1);
  }

  asio::any_io_executor ex_;
  std::string url_;
  std::string shown_;
  std::string instance_;
  std::chrono::milliseconds timeout_;
  std::shared_ptr<pg::connection> conn_;
  std::deque<job> jobs_;  // on the connection's strand only
  bool running_ = false;  // on the connection's strand only
  std::atomic<int> drop_replies_{0};
  std::mutex inbox_mutex_;
  std::shared_ptr<pg_inbox_feed> inbox_;
};

}  // namespace

bool pg_store_drop_replies([[maybe_unused]] charge_store& store, [[maybe_unused]] int n) {
#ifdef PAYSTACK_FAILPOINTS
  auto* pg = dynamic_cast<pg_store*>(&store);
  if (pg == nullptr) return false;
  pg->drop_replies(n);
  return true;
#else
  return false;
#endif
}

namespace {

/// Test hook (pg_open_cut_after_connect): opens whose connection the server ends right after it
/// was made.
std::atomic<int> cut_after_connect{0};

/// Connects to `url` and migrates its schema, on a private io_context (the caller's may not run
/// yet), within about 3 * `timeout`.
std::pair<error_code, pg::migrate_report> connect_and_migrate(const std::string& url,
                                                              std::chrono::milliseconds timeout) {
  asio::io_context io;
  auto c = pg::connection::create(io.get_executor(), url);
  error_code step;
  pg::migrate_report report;
  bool done = false;
  auto migrate = [&] {
    pg::async_migrate(c, timeout, [&](error_code me, pg::migrate_report r) {
      step = me;
      report = std::move(r);
      done = true;
      io.stop();  // the connection's socket would keep run_for busy until its time is up
    });
  };
  c->async_connect(timeout, [&](error_code e) {
    if (e) {
      step = e;
      report.message = c->last_error();
      done = true;
      io.stop();
      return;
    }
    if (cut_after_connect.load() > 0) {
      // The server ends this session at once, as a restart or pg_terminate_backend would
      // between the connect and the migration's first statement.
      --cut_after_connect;
      c->async_query("SELECT pg_terminate_backend(pg_backend_pid())", {}, timeout,
                     [&](error_code, pg::result) { migrate(); });
      return;
    }
    migrate();
  });
  io.run_for(3 * timeout + std::chrono::seconds(1));
  c->close();
  io.restart();
  io.poll();
  if (!done) {
    step = make_error_code(pg::errc::timed_out);
    report.message = "no answer in time";
  }
  return {step, std::move(report)};
}

/// Whether an open that failed with `step` is worth another try: the connection could not be
/// made, was lost, or was gone before the migration's statement was sent (a session ended right
/// after it was made: `not_connected`). Nothing was changed by the failed attempt, or it is
/// repeated safely (the migration checks the schema's version first, in one transaction).
bool open_again(error_code step) {
  return step == pg::errc::connection_lost || step == pg::errc::connect_failed ||
         step == pg::errc::not_connected;
}

}  // namespace

bool pg_open_cut_after_connect([[maybe_unused]] int n) {
#ifdef PAYSTACK_FAILPOINTS
  cut_after_connect.store(n);
  return true;
#else
  return false;
#endif
}

}  // namespace detail

std::shared_ptr<charge_store> open_postgresql_charge_store(boost::asio::any_io_executor executor,
                                                           std::string_view url_text,
                                                           boost::system::error_code& ec,
                                                           std::string& why, int busy_timeout_ms) {
  why.clear();
  const std::string url(url_text);
  const std::string shown = pg::shown_url(url);
  const auto secrets = pg::conninfo_secrets(url);
  const std::chrono::milliseconds timeout(busy_timeout_ms > 0 ? busy_timeout_ms : 5000);
  // Connect and migrate now, so that a database that is gone or too new is refused here with a
  // clear message. A connection cut meanwhile (or refused while the server restarts) is tried
  // again, as the store's statements are: the migration is one transaction that checks the
  // schema's version first, so repeating it is safe.
  auto [step, report] = detail::connect_and_migrate(url, timeout);
  // The same policy as the store's statements (src/flow/store/pg/reconnect.hpp); a session ended
  // right after it was made (not_connected) counts as a lost connection here.
  pg::reconnect_state state;
  for (;;) {
    const auto seen =
        step == pg::errc::not_connected ? make_error_code(pg::errc::connect_failed) : step;
    const auto next = pg::next_step(state, seen, detail::open_again(step), timeout);
    if (next.what != pg::reconnect_step::action::retry) break;
    std::this_thread::sleep_for(next.pause);
    std::tie(step, report) = detail::connect_and_migrate(url, timeout);
  }
  if (step == pg::errc::schema_too_new) {
    ec = error::store_too_new;
    why = "the charge store " + shown + ": " + report.message;
  } else if (step) {
    ec = error::store_failed;
    auto message = report.message;
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    why = "the charge store " + shown +
          " cannot be used: " + (message.empty() ? step.message() : message);
  }
  if (step) {
    why = pg::redact_secrets(why, secrets);  // libpq's text may echo parts of the URL
    return nullptr;
  }
  ec = {};
  return std::make_shared<detail::pg_store>(std::move(executor), url, shown, timeout);
}

std::vector<std::string> charge_store_url_secrets(std::string_view url) {
  auto where = parse_charge_store_url(url);
  if (!where || where->engine != charge_store_engine::postgres) return {};
  return pg::conninfo_secrets(url);
}

}  // namespace v0
}  // namespace paystack
