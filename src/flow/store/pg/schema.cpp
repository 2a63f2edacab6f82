#include "pg/schema.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <exception>
#include <utility>

#include "pg/await.hpp"

namespace paystack {
inline namespace v0 {
namespace pg {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// Version 1: the charge journal (the columns of issue 14's charge_record: stages started ..
// finished, version for optimistic concurrency, open for late payments), the webhook inbox
// with its NOTIFY, terminal leases with fencing tokens, the shared rate budget. Text columns are
// length-capped (doc/server-bounds.md): the database is shared by every instance.
constexpr std::string_view v1 = R"sql(
CREATE TABLE paystack_charges (
  charge_key            text PRIMARY KEY CHECK (length(charge_key) BETWEEN 1 AND 200),
  terminal_id           text NOT NULL CHECK (length(terminal_id) BETWEEN 1 AND 100),
  customer              text NOT NULL CHECK (length(customer) <= 200),
  amount                bigint NOT NULL CHECK (amount > 0),
  currency              text NOT NULL DEFAULT '' CHECK (length(currency) <= 10),
  stage                 text NOT NULL CHECK (stage IN ('started', 'creating', 'created',
                                                       'pushing', 'pushed', 'delivered',
                                                       'finished')),
  request_id            bigint,
  request_code          text CHECK (length(request_code) <= 100),
  offline_reference     text CHECK (length(offline_reference) <= 100),
  event_id              text CHECK (length(event_id) <= 100),
  pushes                integer NOT NULL DEFAULT 0 CHECK (pushes >= 0),
  outcome               text CHECK (length(outcome) <= 40),
  open                  boolean NOT NULL DEFAULT false,
  reason                text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
  transaction_reference text CHECK (length(transaction_reference) <= 100),
  version               bigint NOT NULL DEFAULT 1,
  fencing_token         bigint,
  created_at            timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at            timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- Unfinished charges (to resume) and finished-but-open ones (to reconcile).
CREATE INDEX paystack_charges_unfinished ON paystack_charges (created_at)
  WHERE outcome IS NULL OR open;
CREATE INDEX paystack_charges_request_code ON paystack_charges (request_code);

-- The write-ahead journal: one row per stage record, appended in the transaction that updates
-- paystack_charges (the row is the current state, the journal its history).
CREATE TABLE paystack_charge_journal (
  id            bigserial PRIMARY KEY,
  charge_key    text NOT NULL REFERENCES paystack_charges (charge_key) ON DELETE CASCADE,
  stage         text NOT NULL CHECK (length(stage) <= 20),
  detail        text CHECK (length(detail) <= 4000),
  fencing_token bigint,
  instance      text CHECK (length(instance) <= 100),
  recorded_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX paystack_charge_journal_key ON paystack_charge_journal (charge_key, id);

-- Verified webhooks, stored before the 200 under their semantic key
-- (paymentrequest.success:{id}, charge.success:{reference}): a second instance storing the same
-- event conflicts and hands nothing over. The table is the truth; the NOTIFY only wakes.
CREATE TABLE paystack_webhook_inbox (
  seq               bigserial UNIQUE,
  semantic_key      text PRIMARY KEY CHECK (length(semantic_key) BETWEEN 1 AND 200),
  event             text NOT NULL CHECK (length(event) <= 100),
  request_code      text CHECK (length(request_code) <= 100),
  offline_reference text CHECK (length(offline_reference) <= 100),
  payment_request_id bigint,
  body              text NOT NULL CHECK (length(body) <= 1048576),
  received_by       text CHECK (length(received_by) <= 100),
  received_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  handed_over_to    text CHECK (length(handed_over_to) <= 100),
  handed_over_at    timestamptz
);
CREATE INDEX paystack_webhook_inbox_request ON paystack_webhook_inbox (request_code);
CREATE FUNCTION paystack_webhook_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('paystack_webhook', NEW.seq::text || ' ' || NEW.semantic_key);
  RETURN NEW;
END $$;
CREATE TRIGGER paystack_webhook_inbox_notify AFTER INSERT ON paystack_webhook_inbox
  FOR EACH ROW EXECUTE FUNCTION paystack_webhook_notify();

-- At most one charge per terminal across the fleet. Every acquisition takes a new fencing token
-- (strictly increasing); journal writes carry it, and a write whose token is no longer the
-- terminal's is refused. Expiry is the database's clock: one clock for the whole fleet.
CREATE SEQUENCE paystack_fencing_tokens;
CREATE TABLE paystack_terminal_leases (
  terminal_id   text PRIMARY KEY CHECK (length(terminal_id) BETWEEN 1 AND 100),
  holder        text NOT NULL CHECK (length(holder) BETWEEN 1 AND 100),
  charge_key    text CHECK (length(charge_key) <= 200),
  fencing_token bigint NOT NULL,
  acquired_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  expires_at    timestamptz NOT NULL
);

-- One token bucket per integration (named by configuration, never by its secret key), shared by
-- the fleet. `reserve` tokens are kept for payment-critical calls: housekeeping cannot take them.
CREATE TABLE paystack_rate_budget (
  integration       text PRIMARY KEY CHECK (length(integration) BETWEEN 1 AND 100),
  capacity          double precision NOT NULL CHECK (capacity > 0),
  refill_per_second double precision NOT NULL CHECK (refill_per_second > 0),
  reserve           double precision NOT NULL DEFAULT 0 CHECK (reserve >= 0),
  tokens            double precision NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
)sql";

// Version 2: a lease whose holder stopped its charge unfinished after the push (the customer may
// still pay) is marked stopped: it keeps other charges off the terminal until it expires, but
// the same charge key's resume takes it over at once (pg::async_stop_lease).
constexpr std::string_view v2 = R"sql(
ALTER TABLE paystack_terminal_leases ADD COLUMN stopped_at timestamptz;
)sql";

// Version 3 (issue 21): a charge that ended unpaid archives its request first ("archiving");
// leases are renewed by their running holder, and a write without a fencing token cannot touch a
// charge whose live lease is held (the index finds a key's lease).
constexpr std::string_view v3 = R"sql(
ALTER TABLE paystack_charges DROP CONSTRAINT paystack_charges_stage_check;
ALTER TABLE paystack_charges ADD CONSTRAINT paystack_charges_stage_check CHECK (stage IN
  ('started', 'creating', 'created', 'pushing', 'pushed', 'delivered', 'archiving', 'finished'));
CREATE INDEX paystack_terminal_leases_key ON paystack_terminal_leases (charge_key);
)sql";

// Version 4 (issue 27): several merchants in one receiver. Each inbox row names the merchant
// whose key verified it ('' for a receiver with one key, as every row before); the semantic key
// is scoped by it ("<merchant>/<key>"), so two merchants' identical events are two rows, and
// the longer key is allowed.
constexpr std::string_view v4 = R"sql(
ALTER TABLE paystack_webhook_inbox ADD COLUMN merchant text NOT NULL DEFAULT ''
  CHECK (length(merchant) <= 64);
ALTER TABLE paystack_webhook_inbox DROP CONSTRAINT paystack_webhook_inbox_semantic_key_check;
ALTER TABLE paystack_webhook_inbox ADD CONSTRAINT paystack_webhook_inbox_semantic_key_check
  CHECK (length(semantic_key) BETWEEN 1 AND 300);
)sql";

// Version 5 (issue 24): the request's fingerprint (charge_record::request_fingerprint), so that
// the charge service tells the same key with another request apart on every instance. NULL for
// the charges begun before it.
constexpr std::string_view v5 = R"sql(
ALTER TABLE paystack_charges ADD COLUMN request_fingerprint text
  CHECK (length(request_fingerprint) <= 128);
)sql";

// Version 6 (issue 27): exactly-once refunds (paystack/refund_flow.hpp). A keyed refund's state
// (stages started, sending, finished; version for optimistic concurrency) and its write-ahead
// journal, appended in the transaction that updates the row. The refunds of one transaction go
// one at a time under a lease of paystack_terminal_leases named "refund:txn:ID".
constexpr std::string_view v6 = R"sql(
CREATE TABLE paystack_refunds (
  refund_key     text PRIMARY KEY CHECK (length(refund_key) BETWEEN 1 AND 200),
  txn            text NOT NULL CHECK (length(txn) BETWEEN 1 AND 100),
  amount         bigint NOT NULL CHECK (amount > 0),
  currency       text NOT NULL DEFAULT '' CHECK (length(currency) <= 10),
  stage          text NOT NULL CHECK (stage IN ('started', 'sending', 'finished')),
  transaction_id bigint,
  refund_id      bigint,
  refund_status  text NOT NULL DEFAULT '' CHECK (length(refund_status) <= 100),
  outcome        text CHECK (outcome IN ('refunded', 'refused', 'busy', 'failed')),
  reason         text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
  version        bigint NOT NULL DEFAULT 1,
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX paystack_refunds_unfinished ON paystack_refunds (created_at)
  WHERE stage <> 'finished';
CREATE TABLE paystack_refund_journal (
  id          bigserial PRIMARY KEY,
  refund_key  text NOT NULL REFERENCES paystack_refunds (refund_key) ON DELETE CASCADE,
  stage       text NOT NULL CHECK (length(stage) <= 20),
  detail      text CHECK (length(detail) <= 4000),
  instance    text CHECK (length(instance) <= 100),
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX paystack_refund_journal_key ON paystack_refund_journal (refund_key, id);
)sql";

const std::vector<std::string_view> all_migrations{v1, v2, v3, v4, v5, v6};

std::string ms_text(std::chrono::milliseconds t) {
  return std::to_string(t.count());
}

asio::awaitable<std::pair<error_code, migrate_report>> migrate(std::shared_ptr<connection> c,
                                                               std::chrono::milliseconds timeout) {
  migrate_report report;
  auto fail = [&report](error_code ec, std::string message) {
    report.message = std::move(message);
    return std::pair{ec, report};
  };
  // BEGIN, bounded waits (the advisory lock honours lock_timeout), the lock, the version table.
  auto begin = exec(c,
                    "BEGIN; SET LOCAL lock_timeout = " + ms_text(timeout) +
                        "; SET LOCAL statement_timeout = " + ms_text(timeout) +
                        "; SELECT pg_advisory_xact_lock(hashtextextended("
                        "'paystack-cpp schema ' || current_schema(), 0));"
                        " CREATE TABLE IF NOT EXISTS paystack_schema_version ("
                        " singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),"
                        " version integer NOT NULL,"
                        " applied_at timestamptz NOT NULL DEFAULT clock_timestamp());"
                        " SELECT version FROM paystack_schema_version",
                    timeout);
  auto [ec, r] = co_await std::move(begin);
  if (!ec) {
    report.from = r.rows() == 1 ? static_cast<int>(r.integer(0, 0)) : 0;
    report.to = report.from;
    if (report.from > schema_version) {
      ec = make_error_code(errc::schema_too_new);
      report.message = "the database's schema is version " + std::to_string(report.from) +
                       ", written by a newer paystack-cpp; this one knows versions up to " +
                       std::to_string(schema_version) + " (upgrade it; nothing was changed)";
    }
  } else {
    report.message = r.message();
  }
  for (int v = report.from; !ec && v < schema_version; ++v) {
    auto step = exec(c, std::string(all_migrations[static_cast<std::size_t>(v)]), timeout);
    auto [step_ec, step_r] = co_await std::move(step);
    if (step_ec) {
      ec = step_ec;
      report.message = "migration to version " + std::to_string(v + 1) + ": " + step_r.message();
    }
  }
  if (!ec && report.from != schema_version) {
    auto mark = query(c,
                      "INSERT INTO paystack_schema_version (version) VALUES ($1::int) "
                      "ON CONFLICT (singleton) DO UPDATE SET version = EXCLUDED.version, "
                      "applied_at = clock_timestamp()",
                      {std::to_string(schema_version)}, timeout);
    auto [mark_ec, mark_r] = co_await std::move(mark);
    if (mark_ec) {
      ec = mark_ec;
      report.message = mark_r.message();
    }
  }
  if (ec) {
    if (c->is_connected()) {
      auto rollback = exec(c, "ROLLBACK", timeout);
      auto ignored = co_await std::move(rollback);
      (void)ignored;
    }
    co_return fail(ec, report.message);
  }
  auto commit = exec(c, "COMMIT", timeout);
  auto [commit_ec, commit_r] = co_await std::move(commit);
  if (commit_ec) co_return fail(commit_ec, commit_r.message());
  report.to = schema_version;
  co_return std::pair{error_code{}, report};
}

}  // namespace

const std::vector<std::string_view>& migrations() {
  return all_migrations;
}

void async_migrate(std::shared_ptr<connection> c, std::chrono::milliseconds timeout,
                   migrate_handler h) {
  auto strand = c->strand();
  asio::co_spawn(
      strand, migrate(std::move(c), timeout),
      [h = std::move(h)](std::exception_ptr e, std::pair<error_code, migrate_report> out) mutable {
        if (e) {
          out.first = make_error_code(errc::query_failed);
          out.second.message = "unexpected exception while migrating";
        }
        std::move(h)(out.first, std::move(out.second));
      });
}

}  // namespace pg
}  // namespace v0
}  // namespace paystack
