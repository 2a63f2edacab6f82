// paystack/charge_store.hpp: where charges are journalled, so that a charge key means one
// charge, whatever crashes (doc/charges.md, doc/adr/0007-charge-store.md,
// doc/adr/0008-charge-recovery.md).
//
// A charge_store keeps one charge_record per charge key and the journal of its stages. It is an
// asynchronous interface like the clients (completion tokens; the handler is never invoked from
// within the initiating function) with three implementations: in memory
// (make_memory_charge_store, in the core library paystack::paystack), SQLite
// (paystack/sqlite_store.hpp, library paystack::sqlite) and PostgreSQL
// (paystack/postgresql_store.hpp, library paystack::postgresql, shared by a fleet of instances:
// doc/fleet.md); paystack/store_url.hpp opens any of them from a URL. The interface names no
// engine type: another engine implements the protected do_* functions.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <paystack/charge.hpp>
#include <paystack/export.hpp>
#include <paystack/rate_budget.hpp>
#include <paystack/refund_flow.hpp>
#include <paystack/webhook.hpp>
#include <string>
#include <string_view>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// The journal's stages, in order. Each is recorded before the side effect it names and its
/// result right after (doc/adr/0008-charge-recovery.md).
enum class charge_journal_stage {
  started,    ///< key, terminal, amount, customer recorded; nothing sent that costs anything
  creating,   ///< Create Payment Request is about to be sent (a request may exist from here on)
  created,    ///< the request exists: request id, code and offline reference recorded
  pushing,    ///< the invoice event is about to be pushed (the terminal may show it from here on)
  pushed,     ///< Paystack acknowledged the push: event id recorded
  delivered,  ///< Fetch Event Status said the terminal picked it up
  /// The charge ended unpaid (charge_record::outcome holds how): its request is about to be
  /// verified once more and archived, so that it cannot be paid later. A charge left here (the
  /// archive got no answer, or the process stopped) is closed by resuming it or by the
  /// reconciler.
  archiving,
  finished,  ///< an outcome is recorded (charge_record::outcome)
};

/// "started", "creating", "created", "pushing", "pushed", "delivered", "archiving", "finished".
std::string_view to_string(charge_journal_stage s) noexcept;
/// The stage named `text` (as to_string writes it); std::nullopt for anything else.
std::optional<charge_journal_stage> journal_stage_from_string(std::string_view text) noexcept;

/// One charge as the store keeps it.
struct charge_record {
  std::string key;          ///< the caller's idempotency key (charge_params::key)
  std::string terminal_id;  ///< where it is charged
  std::string customer;     ///< customer id or code
  std::int64_t amount = 0;  ///< subunits
  std::string currency;     ///< as given; empty: Paystack's default
  charge_journal_stage stage = charge_journal_stage::started;  ///< the last recorded stage
  std::optional<std::int64_t> request_id;                      ///< once created
  std::optional<std::string> request_code;                     ///< once created
  std::optional<std::string> offline_reference;                ///< once created
  std::optional<std::string> event_id;                         ///< once a push was acknowledged
  unsigned pushes = 0;                    ///< pushes started (the "pushing" records)
  std::optional<charge_outcome> outcome;  ///< once finished
  /// Finished, but a late payment can still change it (not_delivered, timed_out, failed after
  /// the request may exist): the reconciler verifies it until paid, cancelled or past the
  /// horizon.
  bool open = false;
  std::string reason;                                ///< the last outcome's explanation
  std::optional<std::string> transaction_reference;  ///< POS transaction, when seen
  std::int64_t created_at_ms = 0;                    ///< Unix time in ms of "started"
  std::int64_t updated_at_ms = 0;                    ///< Unix time in ms of the last record
  /// Incremented by every write. A write whose version is not the stored one is refused with
  /// error::store_conflict (another process moved the charge on): reload and decide again.
  std::uint64_t version = 0;
  /// The fencing token of the terminal lease the charge holds (SQLite and PostgreSQL stores; 0:
  /// none). A save carrying a token is refused with error::store_conflict when the charge or
  /// its terminal's lease has a newer one (its holder lost the lease); a save without one is
  /// refused while a live lease (not expired, not stopped) is held for the charge's key (its
  /// holder runs it). The memory store ignores it.
  std::int64_t fencing_token = 0;
  /// What the caller asked for, as a digest (charge_service: SHA-256 of the whole request, also
  /// the fields not stored above: description, wait_for_terminal, keep_open), so that the same
  /// key with another request is told apart across restarts and instances. Written once, by
  /// async_begin when it inserts the record; async_save never changes it. Empty: none was given
  /// (async_charge_on_terminal gives none), or the record was begun before schema version 4
  /// (SQLite) / 5 (PostgreSQL). At most 128 bytes.
  std::string request_fingerprint;
};

/// One entry of a charge's journal (charge_store::async_history).
struct charge_journal_entry {
  std::uint64_t sequence = 0;                                  ///< increasing over the whole store
  charge_journal_stage stage = charge_journal_stage::started;  ///< the stage recorded
  std::int64_t at_ms = 0;                                      ///< Unix time in ms
  std::string detail;  ///< e.g. the request code, the event id, the outcome
};

/// Which charges async_list returns: at most `limit`, oldest first (by creation time, then key).
/// To page through them all, ask again with `after` set to the last key of the page, until a
/// page is shorter than the limit (or ask for limit + 1 to know whether there are more).
struct charge_list_filter {
  bool unfinished_only = false;  ///< only charges without an outcome (to resume)
  bool open_only = false;        ///< only finished-but-open charges (to reconcile)
  std::size_t limit = 1000;      ///< at most this many (capped at 10,000)
  /// Only the charges listed after the charge of this key (""; from the first). An unknown key
  /// lists nothing.
  std::string after;
};

/// Completion signature of charge_store::async_begin: the stored record and whether this call
/// inserted it (false: the key existed; the record is the one stored before).
using charge_begin_signature = void(boost::system::error_code, charge_record, bool);
/// Completion signature of charge_store::async_save: the stored record (new version).
using charge_save_signature = void(boost::system::error_code, charge_record);
/// Completion signature of charge_store::async_load.
using charge_load_signature = void(boost::system::error_code, std::optional<charge_record>);
/// Completion signature of charge_store::async_list.
using charge_list_signature = void(boost::system::error_code, std::vector<charge_record>);
/// Completion signature of charge_store::async_history.
using charge_history_signature = void(boost::system::error_code, std::vector<charge_journal_entry>);
/// Completion signature of charge_store::async_record_webhook: true when the event was new.
using webhook_record_signature = void(boost::system::error_code, bool);

/// A terminal's lease: at most one charge per terminal across every process sharing a store
/// (SQLite: the processes of one machine; PostgreSQL: a fleet; doc/fleet.md). A running holder
/// renews it (async_renew_lease); a dead holder's lease expires by itself.
struct terminal_lease {
  bool acquired = false;    ///< async_acquire_lease: this call holds the lease now
  std::string terminal_id;  ///< the terminal
  std::string holder;       ///< the store holding it ("HOST:PID/N"; "" when unknown)
  std::string charge_key;   ///< the charge it was taken for
  /// Strictly increasing per acquisition, store-wide; 0 for stores without leases.
  std::int64_t fencing_token = 0;
  /// Time left, by the database's clock (negative: expired, free to take over).
  std::chrono::milliseconds expires_in{0};
  /// Its holder stopped the charge unfinished after the push (async_stop_lease): other charges
  /// stay off the terminal until it expires; the same charge key's resume takes it over.
  bool stopped = false;
};

/// Completion signature of charge_store::async_acquire_lease.
using lease_acquire_signature = void(boost::system::error_code, terminal_lease);
/// Completion signature of charge_store::async_release_lease: true when it was released.
using lease_release_signature = void(boost::system::error_code, bool);
/// Completion signature of charge_store::async_list_leases.
using lease_list_signature = void(boost::system::error_code, std::vector<terminal_lease>);

/// The store of charges. Errors (the error_code of every completion): error::store_failed (the
/// engine could not read or write; a write may still have been committed if only its reply was
/// lost: a later async_load or async_begin tells), error::store_conflict (async_save with
/// a stale version), error::invalid_argument (an empty key). Every write is one transaction,
/// durable when its handler runs. Thread safety: every member may be called from any thread.
/// The handler runs on its associated executor (by default the store's executor) and is never
/// invoked from within the initiating function. Cancellation: not supported (each operation is
/// short). The store must outlive its operations (keep the shared_ptr until they complete).
class charge_store {
 public:
  /// The store's default executor for handlers.
  using executor_type = boost::asio::any_io_executor;

  virtual ~charge_store() = default;

  /// The executor handlers run on when they have none of their own.
  virtual executor_type get_executor() const noexcept = 0;

  /// "memory", "sqlite:PATH" or "postgres://user@host:port/db" (no password): where the
  /// records are.
  virtual std::string describe() const = 0;

  /// Inserts `record` (stage started, version 1) unless its key exists; completes with the
  /// stored record and whether it was inserted. Completion: charge_begin_signature.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_begin(charge_record record, CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, charge_begin_signature>(
        [this](auto h, charge_record r) {
          do_begin(std::move(r),
                   boost::asio::any_completion_handler<charge_begin_signature>(std::move(h)));
        },
        token, std::move(record));
  }

  /// Writes `record` (found by key) and appends a journal entry for its stage with `detail`, in
  /// one transaction, if the stored version is record.version; completes with the stored record
  /// (version + 1). error::store_conflict otherwise. Completion: charge_save_signature.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_save(charge_record record, std::string detail, CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, charge_save_signature>(
        [this](auto h, charge_record r, std::string d) {
          do_save(std::move(r), std::move(d),
                  boost::asio::any_completion_handler<charge_save_signature>(std::move(h)));
        },
        token, std::move(record), std::move(detail));
  }

  /// The record of `key`, or std::nullopt. Completion: charge_load_signature.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_load(std::string key, CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, charge_load_signature>(
        [this](auto h, std::string k) {
          do_load(std::move(k),
                  boost::asio::any_completion_handler<charge_load_signature>(std::move(h)));
        },
        token, std::move(key));
  }

  /// The records `filter` selects, oldest first. Completion: charge_list_signature.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_list(charge_list_filter filter, CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, charge_list_signature>(
        [this](auto h, charge_list_filter f) {
          do_list(f, boost::asio::any_completion_handler<charge_list_signature>(std::move(h)));
        },
        token, filter);
  }

  /// The journal of `key`, oldest first (empty for an unknown key). Completion:
  /// charge_history_signature.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_history(std::string key, CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, charge_history_signature>(
        [this](auto h, std::string k) {
          do_history(std::move(k),
                     boost::asio::any_completion_handler<charge_history_signature>(std::move(h)));
        },
        token, std::move(key));
  }

  /// Records a verified webhook under its semantic key (webhook_semantic_key) unless that key
  /// is recorded already; completes with true when it was new. Completion:
  /// webhook_record_signature.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_record_webhook(std::string semantic_key, std::string body,
                            CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, webhook_record_signature>(
        [this](auto h, std::string k, std::string b) {
          do_record_webhook(
              std::move(k), std::move(b),
              boost::asio::any_completion_handler<webhook_record_signature>(std::move(h)));
        },
        token, std::move(semantic_key), std::move(body));
  }

  /// Webhooks received by any process sharing the store: PostgreSQL's inbox (a receiver's
  /// async_record_webhook stores the event; NOTIFY wakes every process whose feed exists, which
  /// reads the new rows and publishes them; after a lost connection it reconnects and reads the
  /// rows it missed: the table is the truth). Started on the first call; the same feed after.
  /// Null for stores not shared between processes (memory, SQLite). async_charge_on_terminal
  /// uses it when charge_params::webhooks is null.
  virtual std::shared_ptr<webhook_feed> shared_webhooks() { return nullptr; }

  /// The rate budget shared by every process of this store that names the same
  /// options.integration (PostgreSQL: a token bucket in the database, sized by `options`, the
  /// latest configuration winning), for client_options::rate_budget. A new object per call, on
  /// a connection of its own. Null for stores not shared between processes (memory, SQLite:
  /// use make_local_rate_budget). Throws std::invalid_argument for options out of range
  /// (paystack::resolved).
  virtual std::shared_ptr<rate_budget> shared_rate_budget(const rate_budget_options& options) {
    (void)resolved(options);
    return nullptr;
  }

  /// Whether the store leases terminals (SQLite and PostgreSQL: shared by several processes).
  /// The memory store does not: its async_acquire_lease always grants, with fencing token 0.
  virtual bool leases_terminals() const noexcept { return false; }

  /// Takes the lease of `terminal_id` for `charge_key` for `ttl` when it is free or expired (a
  /// crashed holder's lease is taken over), with a new fencing token; otherwise completes with
  /// acquired false and the current holder. One round trip, atomic: of several processes
  /// racing for a terminal, exactly one gets it. Completion: lease_acquire_signature.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_acquire_lease(std::string terminal_id, std::string charge_key,
                           std::chrono::milliseconds ttl, CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, lease_acquire_signature>(
        [this](auto h, std::string t, std::string k, std::chrono::milliseconds d) {
          do_acquire_lease(
              std::move(t), std::move(k), d,
              boost::asio::any_completion_handler<lease_acquire_signature>(std::move(h)));
        },
        token, std::move(terminal_id), std::move(charge_key), ttl);
  }

  /// Releases the lease of `terminal_id` only if it is still the one named: by `holder` (when
  /// not empty) and by `fencing_token` (when not 0). The holder ending its charge names its
  /// token; an operator names the holder they saw, so a lease taken over meanwhile is not
  /// touched. Completion: lease_release_signature (true when released).
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_release_lease(std::string terminal_id, std::string holder, std::int64_t fencing_token,
                           CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, lease_release_signature>(
        [this](auto h, std::string t, std::string who, std::int64_t f) {
          do_release_lease(
              std::move(t), std::move(who), f,
              boost::asio::any_completion_handler<lease_release_signature>(std::move(h)));
        },
        token, std::move(terminal_id), std::move(holder), fencing_token);
  }

  /// Marks the lease of `terminal_id` stopped if `fencing_token` is still its token, and makes
  /// it last `ttl` from now: the holder stopped its charge unfinished after the push (or kept
  /// it open, charge_params::keep_open), while the customer may still pay. The lease keeps other
  /// charges off the terminal until it expires; async_acquire_lease for the same charge key (its
  /// resume) takes it over at once. Completion: lease_release_signature (true when marked;
  /// false for stores without leases).
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_stop_lease(std::string terminal_id, std::int64_t fencing_token,
                        std::chrono::milliseconds ttl, CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, lease_release_signature>(
        [this](auto h, std::string t, std::int64_t f, std::chrono::milliseconds d) {
          do_stop_lease(std::move(t), f, d,
                        boost::asio::any_completion_handler<lease_release_signature>(std::move(h)));
        },
        token, std::move(terminal_id), fencing_token, ttl);
  }

  /// Makes the lease of `terminal_id` last `ttl` from now if `fencing_token` is still its token
  /// (a running holder calls it every third of the lease's life, so that only a dead holder's
  /// lease expires). Completion: lease_release_signature (true when renewed; false when the lease
  /// is gone or taken over, and for stores without leases).
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_renew_lease(std::string terminal_id, std::int64_t fencing_token,
                         std::chrono::milliseconds ttl, CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, lease_release_signature>(
        [this](auto h, std::string t, std::int64_t f, std::chrono::milliseconds d) {
          do_renew_lease(
              std::move(t), f, d,
              boost::asio::any_completion_handler<lease_release_signature>(std::move(h)));
        },
        token, std::move(terminal_id), fencing_token, ttl);
  }

  /// Claims the webhook stored under `semantic_key` for this store's process: true for exactly
  /// one claimer across every process sharing the store (PostgreSQL's inbox), so an event decides
  /// one charge once fleet-wide. Stores not shared between processes answer true (their
  /// receivers' de-duplication already hands each event over once); so does PostgreSQL for an
  /// event not in its inbox (one the process's own receiver published). Completion:
  /// webhook_record_signature.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_claim_webhook(std::string semantic_key, CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, webhook_record_signature>(
        [this](auto h, std::string k) {
          do_claim_webhook(
              std::move(k),
              boost::asio::any_completion_handler<webhook_record_signature>(std::move(h)));
        },
        token, std::move(semantic_key));
  }

  // Keyed refunds (paystack/refund_flow.hpp, doc/refunds.md): their records and journal, kept
  // beside the charges. Same errors, thread safety and lifetime as the charge operations. A store
  // without them (an engine of another program's) completes with error::store_failed.

  /// Inserts `record` (stage started, version 1) unless its key exists; completes with the
  /// stored record and whether it was inserted. Completion: refund_begin_signature.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_begin_refund(refund_record record, CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, refund_begin_signature>(
        [this](auto h, refund_record r) {
          do_begin_refund(std::move(r), boost::asio::any_completion_handler<refund_begin_signature>(
                                            std::move(h)));
        },
        token, std::move(record));
  }

  /// Writes `record` and appends a journal entry for its stage with `detail`, in one
  /// transaction, if the stored version is record.version (else error::store_conflict).
  /// Completion: refund_save_signature.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_save_refund(refund_record record, std::string detail, CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, refund_save_signature>(
        [this](auto h, refund_record r, std::string d) {
          do_save_refund(std::move(r), std::move(d),
                         boost::asio::any_completion_handler<refund_save_signature>(std::move(h)));
        },
        token, std::move(record), std::move(detail));
  }

  /// The refund record of `key`, or std::nullopt. Completion: refund_load_signature.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_load_refund(std::string key, CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, refund_load_signature>(
        [this](auto h, std::string k) {
          do_load_refund(std::move(k),
                         boost::asio::any_completion_handler<refund_load_signature>(std::move(h)));
        },
        token, std::move(key));
  }

  /// The refund records `filter` selects, oldest first. Completion: refund_list_signature.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_list_refunds(refund_list_filter filter, CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, refund_list_signature>(
        [this](auto h, refund_list_filter f) {
          do_list_refunds(std::move(f),
                          boost::asio::any_completion_handler<refund_list_signature>(std::move(h)));
        },
        token, std::move(filter));
  }

  /// The journal of refund `key`, oldest first. Completion: refund_history_signature.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_refund_history(std::string key, CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, refund_history_signature>(
        [this](auto h, std::string k) {
          do_refund_history(
              std::move(k),
              boost::asio::any_completion_handler<refund_history_signature>(std::move(h)));
        },
        token, std::move(key));
  }

  /// The leases held now, expired ones included (at most 1,000, by terminal). Completion:
  /// lease_list_signature.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_list_leases(CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, lease_list_signature>(
        [this](auto h) {
          do_list_leases(boost::asio::any_completion_handler<lease_list_signature>(std::move(h)));
        },
        token);
  }

 protected:
  /// Implements async_begin_refund. The default completes with error::store_failed.
  virtual void do_begin_refund(refund_record record,
                               boost::asio::any_completion_handler<refund_begin_signature> h);
  /// Implements async_save_refund. The default completes with error::store_failed.
  virtual void do_save_refund(refund_record record, std::string detail,
                              boost::asio::any_completion_handler<refund_save_signature> h);
  /// Implements async_load_refund. The default completes with error::store_failed.
  virtual void do_load_refund(std::string key,
                              boost::asio::any_completion_handler<refund_load_signature> h);
  /// Implements async_list_refunds. The default completes with error::store_failed.
  virtual void do_list_refunds(refund_list_filter filter,
                               boost::asio::any_completion_handler<refund_list_signature> h);
  /// Implements async_refund_history. The default completes with error::store_failed.
  virtual void do_refund_history(std::string key,
                                 boost::asio::any_completion_handler<refund_history_signature> h);
  /// Implements async_acquire_lease. The default (stores without leases) grants, token 0.
  virtual void do_acquire_lease(std::string terminal_id, std::string charge_key,
                                std::chrono::milliseconds ttl,
                                boost::asio::any_completion_handler<lease_acquire_signature> h);
  /// Implements async_release_lease. The default releases nothing (false).
  virtual void do_release_lease(std::string terminal_id, std::string holder,
                                std::int64_t fencing_token,
                                boost::asio::any_completion_handler<lease_release_signature> h);
  /// Implements async_stop_lease. The default marks nothing (false).
  virtual void do_stop_lease(std::string terminal_id, std::int64_t fencing_token,
                             std::chrono::milliseconds ttl,
                             boost::asio::any_completion_handler<lease_release_signature> h);
  /// Implements async_renew_lease. The default renews nothing (false).
  virtual void do_renew_lease(std::string terminal_id, std::int64_t fencing_token,
                              std::chrono::milliseconds ttl,
                              boost::asio::any_completion_handler<lease_release_signature> h);
  /// Implements async_claim_webhook. The default claims (true).
  virtual void do_claim_webhook(std::string semantic_key,
                                boost::asio::any_completion_handler<webhook_record_signature> h);
  /// Implements async_list_leases. The default lists none.
  virtual void do_list_leases(boost::asio::any_completion_handler<lease_list_signature> h);
  /// Implements async_begin.
  virtual void do_begin(charge_record record,
                        boost::asio::any_completion_handler<charge_begin_signature> h) = 0;
  /// Implements async_save.
  virtual void do_save(charge_record record, std::string detail,
                       boost::asio::any_completion_handler<charge_save_signature> h) = 0;
  /// Implements async_load.
  virtual void do_load(std::string key,
                       boost::asio::any_completion_handler<charge_load_signature> h) = 0;
  /// Implements async_list.
  virtual void do_list(charge_list_filter filter,
                       boost::asio::any_completion_handler<charge_list_signature> h) = 0;
  /// Implements async_history.
  virtual void do_history(std::string key,
                          boost::asio::any_completion_handler<charge_history_signature> h) = 0;
  /// Implements async_record_webhook.
  virtual void do_record_webhook(
      std::string semantic_key, std::string body,
      boost::asio::any_completion_handler<webhook_record_signature> h) = 0;
};

/// The engines a store URL can name.
enum class charge_store_engine {
  memory,    ///< "memory:" (nothing survives the process)
  sqlite,    ///< a plain PATH, or "sqlite:PATH"
  postgres,  ///< "postgres://user@host:port/db" or "postgresql://..." (libpq's URL)
};

/// A parsed store URL (parse_charge_store_url).
struct charge_store_location {
  charge_store_engine engine = charge_store_engine::sqlite;  ///< which engine
  /// The SQLite file, or the whole PostgreSQL URL (empty for memory).
  std::string path;
};

/// The one parser of store URLs: "memory:", "sqlite:PATH", "postgres://user@host:port/db"
/// (also "postgresql://"), or a plain PATH (a SQLite file). std::nullopt (and `why`) for an empty
/// PATH or an unknown scheme such as "redis://".
std::optional<charge_store_location> parse_charge_store_url(std::string_view url,
                                                            std::string* why = nullptr);

/// A store in memory: today's behaviour (nothing survives the process). Handlers without an
/// executor of their own run on `executor`.
std::shared_ptr<charge_store> make_memory_charge_store(boost::asio::any_io_executor executor);

/// The semantic de-duplication key of a verified webhook: "paymentrequest.success:{id}",
/// "paymentrequest.pending:{id}", "charge.success:{reference}",
/// "invoice.payment_failed:{invoice or request code}", else webhook_dedup_key(e) (the event name
/// and the SHA-256 of the body). A replay of the same fact under another body has the same key.
/// An event with a merchant (webhook_event::merchant) has "<merchant>/" before that key, so two
/// merchants' events about the same id never collide in a store's inbox.
std::string webhook_semantic_key(const webhook_event& e);

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
