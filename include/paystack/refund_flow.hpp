// paystack/refund_flow.hpp: exactly-once refunds ("refund this much of that transaction, once,
// whatever crashes"): a refund with a key, journalled in a charge_store (doc/refunds.md,
// doc/adr/refund-0001-marker-and-serialisation.md).
//
// Paystack's POST /refund has no idempotency key and partial refunds add up, so a create sent
// again after a lost reply refunds twice. async_refund makes the key the idempotency key:
//   1. the key's record is inserted (stage started) or loaded (finished: replayed, nothing sent)
//   2. the transaction is read (GET /transaction/{id} or /transaction/verify/{reference}) and
//      the store's refund lease of that transaction is taken ("refund:txn:ID"): one refund of a
//      transaction at a time across every process sharing the store
//   3. the transaction's refunds are listed (GET /refund?transaction=ID): the key's refund (its
//      merchant_note ends with the marker " [key:KEY]" and its amount is the key's) is taken as
//      this refund; else the amount refunded so far (every refund not failed) plus this one must
//      not exceed the transaction's amount, or nothing is sent (outcome refused)
//   4. stage sending is journalled, then POST /refund with the marker in merchant_note
//   5. the reply (the refund id and status) is journalled (stage finished), the lease released.
// A reply that does not come back (no reply, reset, timeout, garbage, 5xx) is looked up once
// more (step 3); not found, the record stays at sending and a later async_resume_refund (or a
// rerun with the key) looks again before anything is sent again.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <paystack/export.hpp>
#include <paystack/refund.hpp>
#include <paystack/terminal_client.hpp>
#include <string>
#include <string_view>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

class charge_store;

/// The refund journal's stages, in order.
enum class refund_journal_stage {
  started,   ///< key, transaction and amount recorded; nothing sent
  sending,   ///< POST /refund is about to be sent (a refund may exist from here on)
  finished,  ///< an outcome is recorded (refund_record::outcome)
};

/// "started", "sending", "finished".
std::string_view to_string(refund_journal_stage s) noexcept;
/// The stage named `text`; std::nullopt for anything else.
std::optional<refund_journal_stage> refund_stage_from_string(std::string_view text) noexcept;

/// How a keyed refund ended.
enum class refund_outcome {
  refunded,  ///< the refund exists at Paystack (refund_result::refund: its id and status)
  refused,   ///< nothing was refunded: Paystack refused it, or it would exceed the amount
  busy,      ///< another refund of the transaction held it past refund_params::wait (nothing sent)
  failed,    ///< unknown or not started (see the error_code): resume it to find out
};

/// "refunded", "refused", "busy", "failed".
std::string_view to_string(refund_outcome o) noexcept;
/// The outcome named `text`; std::nullopt for anything else.
std::optional<refund_outcome> refund_outcome_from_string(std::string_view text) noexcept;

/// One keyed refund as the store keeps it.
struct refund_record {
  std::string key;          ///< the caller's idempotency key (refund_params::key)
  std::string transaction;  ///< as given: the transaction's id or reference
  std::int64_t amount = 0;  ///< subunits to refund
  std::string currency;     ///< as given; empty: the transaction's
  refund_journal_stage stage = refund_journal_stage::started;  ///< the last recorded stage
  std::optional<std::int64_t> transaction_id;                  ///< once the transaction was read
  std::optional<std::int64_t> refund_id;                       ///< once the refund is known
  std::string refund_status;                                   ///< its status text when known
  std::optional<refund_outcome> outcome;                       ///< once finished
  std::string reason;                                          ///< the outcome's explanation
  std::int64_t created_at_ms = 0;                              ///< Unix ms of "started"
  std::int64_t updated_at_ms = 0;                              ///< Unix ms of the last record
  /// Incremented by every write; a save with a stale version is error::store_conflict.
  std::uint64_t version = 0;
};

/// One entry of a refund's journal (charge_store::async_refund_history).
struct refund_journal_entry {
  std::uint64_t sequence = 0;                                  ///< increasing
  refund_journal_stage stage = refund_journal_stage::started;  ///< the stage recorded
  std::int64_t at_ms = 0;                                      ///< Unix time in ms
  std::string detail;                                          ///< e.g. the refund id, the outcome
};

/// Which refunds charge_store::async_list_refunds returns: at most `limit` (capped at 10,000),
/// oldest first (creation time, then key); page with `after` (the last key of a page).
struct refund_list_filter {
  bool unfinished_only = false;  ///< only refunds without an outcome (to resume)
  std::size_t limit = 1000;      ///< at most this many
  std::string after;             ///< only those listed after this key ("": from the first)
};

/// Completion signature of charge_store::async_begin_refund: the stored record, and whether
/// this call inserted it.
using refund_begin_signature = void(boost::system::error_code, refund_record, bool);
/// Completion signature of charge_store::async_save_refund: the stored record (new version).
using refund_save_signature = void(boost::system::error_code, refund_record);
/// Completion signature of charge_store::async_load_refund.
using refund_load_signature = void(boost::system::error_code, std::optional<refund_record>);
/// Completion signature of charge_store::async_list_refunds.
using refund_list_signature = void(boost::system::error_code, std::vector<refund_record>);
/// Completion signature of charge_store::async_refund_history.
using refund_history_signature = void(boost::system::error_code, std::vector<refund_journal_entry>);

/// What to refund.
struct refund_params {
  /// The idempotency key (e.g. the POS's return id): 1 to 64 of A-Z a-z 0-9 . _ : -. The same
  /// key always means the same refund; a key recorded with another transaction or amount is
  /// refused (error::invalid_argument).
  std::string key;
  /// The transaction: its id (digits) or its reference.
  std::string transaction;
  /// Subunits to refund (at least 1; at most what is not refunded yet).
  std::int64_t amount = 0;
  std::optional<std::string> currency;       ///< the transaction's currency, e.g. "NGN"
  std::optional<std::string> customer_note;  ///< the reason shown to the customer
  /// Your own reason. The key's marker " [key:KEY]" is appended to it (or sent alone): the
  /// whole must fit create_refund_params::max_note_length.
  std::optional<std::string> merchant_note;
  /// Where the refund is journalled (make_memory_charge_store, open_charge_store). Required.
  std::shared_ptr<charge_store> store;
  /// How long to wait for another refund of the same transaction (another process) to finish
  /// before ending as busy. 0 to 10 min.
  std::chrono::milliseconds wait{std::chrono::seconds(30)};
  /// The refund lease's life without renewal: a process that dies holding it frees the
  /// transaction within this time (at once for a dead process of this machine rerunning the same
  /// key). Must exceed the time the refund's calls can take (the client's timeouts). 1 s to 10 min.
  std::chrono::milliseconds lease_ttl{std::chrono::seconds(120)};
};

/// How a keyed refund ended; filled as far as it went, also on errors.
struct refund_result {
  refund_outcome outcome = refund_outcome::failed;  ///< how it ended
  std::string key;                                  ///< the key
  /// The refund as Paystack last described it (create reply or list), once known: its id and
  /// status. Set whenever the refund is known to exist.
  std::optional<paystack::refund> data;
  std::optional<std::int64_t> refund_id;  ///< the refund's id, once known (also from the store)
  std::optional<std::int64_t> transaction_id;      ///< once the transaction was read
  std::optional<std::int64_t> transaction_amount;  ///< the transaction's amount, once read
  /// The amount other refunds of the transaction hold (not failed), once listed.
  std::optional<std::int64_t> refunded_before;
  std::string reason;  ///< human readable explanation
  /// The last reply from Paystack when it was not a success: HTTP status (0: no reply), message.
  unsigned last_status = 0;
  std::string last_message;  ///< the envelope's message or the transport error
  bool replayed = false;     ///< finished before: the recorded outcome, nothing sent
  bool resumed = false;      ///< an earlier run left it unfinished; continued here
  bool found = false;        ///< the refund was found by its marker (a lost reply recovered)
};

/// Completion signature of async_refund and async_resume_refund.
using refund_signature = void(boost::system::error_code, refund_result);

namespace detail {
void start_keyed_refund(terminal_client client, refund_params params, bool resume_only,
                        boost::asio::any_completion_handler<refund_signature> handler);
}  // namespace detail

/// Refunds `params.amount` of `params.transaction` once per `params.key`, through `client`.
///
/// Completion: void(boost::system::error_code ec, refund_result r).
///   ec clear: r.outcome is refunded (r.refund_id set), refused (nothing refunded: Paystack's
///             error envelope in r.last_status/last_message, or the amount refunded so far plus
///             this one would exceed the transaction's; r.reason says which), or busy.
///   ec set  : error::invalid_argument (params refused before anything was sent, or the key is
///             recorded with another transaction or amount), error::store_failed (the journal
///             could not be written: nothing is sent after a failed write), or the transport
///             error of a call that got no usable reply (refused, reset, timeout, a reply that is
///             not the envelope); r.outcome is failed, r.refund_id and r.key say what is known.
///             When the create's reply was lost and the refund could not be found, the record
///             stays at stage sending: resume it (async_resume_refund or a rerun with the key),
///             which looks it up again before sending anything.
///   The handler is never invoked from within this function.
/// Guarantees: for one key, at most one refund exists at Paystack (the key's marker is found
/// before any resend); with every refunder of a transaction using stores that share its lease
/// (one SQLite file, one PostgreSQL database), no refund is sent that would take the
/// transaction's refunds (not failed) over its amount. A memory store serialises nothing across
/// processes; within one, the refunds of a transaction through it go one at a time.
/// Cancellation: not supported (the steps are short; each call is bounded by the client's
///   timeouts). Thread safety and lifetime: as terminal_client; everything is copied. The
///   handler runs on its associated executor (by default the client's).
template <class CompletionToken = boost::asio::deferred_t>
auto async_refund(const terminal_client& client, refund_params params,
                  CompletionToken&& token = {}) {
  return boost::asio::async_initiate<CompletionToken, refund_signature>(
      [client](auto handler, refund_params p) {
        detail::start_keyed_refund(
            client, std::move(p), false,
            boost::asio::any_completion_handler<refund_signature>(std::move(handler)));
      },
      token, std::move(params));
}

/// Continues the refund recorded under `key` in `store`: replays a finished one; an
/// unfinished one is looked up at Paystack by its marker and sent only when not found (as
/// async_refund with the recorded transaction and amount). An unknown key completes with
/// error::invalid_argument. Completion, guarantees, thread safety: as async_refund.
template <class CompletionToken = boost::asio::deferred_t>
auto async_resume_refund(const terminal_client& client, std::shared_ptr<charge_store> store,
                         std::string key, CompletionToken&& token = {}) {
  refund_params p;
  p.key = std::move(key);
  p.store = std::move(store);
  return boost::asio::async_initiate<CompletionToken, refund_signature>(
      [client](auto handler, refund_params params) {
        detail::start_keyed_refund(
            client, std::move(params), true,
            boost::asio::any_completion_handler<refund_signature>(std::move(handler)));
      },
      token, std::move(p));
}

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
