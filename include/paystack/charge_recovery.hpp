// paystack/charge_recovery.hpp: what to do with the charges a store holds after a crash: resume
// one key or all unfinished ones, reconcile the open ones (verify until paid, cancelled or past
// the horizon; sweep the POS transactions), cancel one. The rules:
// doc/adr/0008-charge-recovery.md; for POS engineers: doc/charges.md.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <memory>
#include <paystack/charge.hpp>
#include <paystack/charge_store.hpp>
#include <paystack/export.hpp>
#include <paystack/terminal_client.hpp>
#include <string>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// What the reconciler did with one open charge.
struct reconcile_entry {
  std::string key;                                  ///< the charge key
  charge_outcome outcome = charge_outcome::failed;  ///< the recorded outcome after reconciling
  bool open = true;                                 ///< still open after reconciling
  std::string action;            ///< e.g. "verified: paid", "still pending", "past the horizon"
  boost::system::error_code ec;  ///< set when Paystack or the store could not be asked
};

/// The reconciler's report.
struct reconcile_report {
  std::vector<reconcile_entry> entries;  ///< one per open charge looked at, oldest first
  unsigned paid = 0;                     ///< charges found paid (recorded paid)
  unsigned closed = 0;      ///< charges closed without a payment (no request, past the horizon)
  unsigned still_open = 0;  ///< charges left open (pending, or could not be checked)
  unsigned swept = 0;       ///< of `paid`, the charges the POS transaction sweep found paid
};

/// How the reconciler works.
struct reconcile_params {
  /// An open charge older than this (from its start) whose request is still unpaid is closed:
  /// its recorded outcome stays, `open` becomes false and the reason says so. A late payment
  /// after that is not seen by the reconciler (doc/charges.md). Default 72 hours (as long as
  /// Paystack retries webhooks).
  std::chrono::hours horizon{72};
  /// At most this many open charges per call (oldest first).
  std::size_t limit = 1000;
  /// After verifying, sweep the POS transactions of each terminal with a charge still open
  /// (GET /transaction?terminal_id=&channel=pos&status=success&from=&use_cursor=true, at most
  /// 2,000 per terminal) for a transaction naming the charge's request code or offline
  /// reference: a match is recorded paid with its `pos_...` reference. Catches a payment that
  /// Verify could not show (it failed, or the request was archived after the customer paid).
  bool sweep_transactions = true;
};

/// What async_cancel_charge did.
struct cancel_result {
  std::string key;  ///< the charge key
  /// The recorded outcome after the call: `cancelled`, or `paid` when the customer had paid
  /// (a paid charge is never cancelled: refund it), or the previous outcome when nothing was
  /// decided (error_code set).
  std::optional<charge_outcome> outcome;
  bool cancelled = false;                   ///< the charge is cancelled (by this call or before)
  bool archived = false;                    ///< this call archived the payment request at Paystack
  std::optional<std::string> request_code;  ///< the charge's request, when one exists
  std::string action;  ///< what was done, e.g. "verified unpaid, archived PRQ_...: cancelled"
};

/// Completion signature of async_reconcile_charges.
using reconcile_signature = void(boost::system::error_code, reconcile_report);
/// Completion signature of async_cancel_charge.
using cancel_signature = void(boost::system::error_code, cancel_result);
/// Completion signature of async_resume_all_charges: one result per unfinished key resumed.
using resume_all_signature = void(boost::system::error_code, std::vector<charge_result>);

namespace detail {
void start_resume_charge(terminal_client client, std::shared_ptr<charge_store> store,
                         std::string key, charge_params settings,
                         boost::asio::any_completion_handler<charge_signature> handler);
void start_resume_all_charges(terminal_client client, std::shared_ptr<charge_store> store,
                              charge_params settings,
                              boost::asio::any_completion_handler<resume_all_signature> handler);
void start_reconcile_charges(terminal_client client, std::shared_ptr<charge_store> store,
                             reconcile_params params,
                             boost::asio::any_completion_handler<reconcile_signature> handler);
void start_cancel_charge(terminal_client client, std::shared_ptr<charge_store> store,
                         std::string key,
                         boost::asio::any_completion_handler<cancel_signature> handler);
}  // namespace detail

/// Resumes the charge of `key` from its last recorded stage (or replays its recorded outcome
/// when it finished). `settings` gives the timeouts, poll intervals, on_progress and webhooks;
/// customer, amount, currency and terminal come from the record. Completion: charge_signature,
/// as async_charge_on_terminal; error::invalid_argument (r.reason) when the key is unknown;
/// store errors (error::store_failed) as they come. Calls: those of the stages that remain
/// (doc/adr/0008-charge-recovery.md: "creating" lists the customer's payment requests first,
/// "pushing" verifies before pushing the same request again). The handler is never invoked
/// from within this function. Cancellation: as async_charge_on_terminal.
template <class CompletionToken = boost::asio::deferred_t>
auto async_resume_charge(const terminal_client& client, std::shared_ptr<charge_store> store,
                         std::string key, charge_params settings, CompletionToken&& token = {}) {
  return boost::asio::async_initiate<CompletionToken, charge_signature>(
      [client](auto h, std::shared_ptr<charge_store> s, std::string k, charge_params p) {
        detail::start_resume_charge(
            client, std::move(s), std::move(k), std::move(p),
            boost::asio::any_completion_handler<charge_signature>(std::move(h)));
      },
      token, std::move(store), std::move(key), std::move(settings));
}

/// Resumes every unfinished charge of `store`, one after the other (oldest first, at most
/// 1,000); one whose terminal another unfinished charge still holds is tried once more after
/// the others (that charge's own resume may have freed it). Completion: resume_all_signature; the
/// error_code is set only when the store could not be listed. Each charge_result says how its
/// charge ended. The handler is never invoked from within this function. Cancellation: none between
/// charges; each charge as async_charge_on_terminal.
template <class CompletionToken = boost::asio::deferred_t>
auto async_resume_all_charges(const terminal_client& client, std::shared_ptr<charge_store> store,
                              charge_params settings, CompletionToken&& token = {}) {
  return boost::asio::async_initiate<CompletionToken, resume_all_signature>(
      [client](auto h, std::shared_ptr<charge_store> s, charge_params p) {
        detail::start_resume_all_charges(
            client, std::move(s), std::move(p),
            boost::asio::any_completion_handler<resume_all_signature>(std::move(h)));
      },
      token, std::move(store), std::move(settings));
}

/// Verifies every open charge (GET /paymentrequest/verify/{code}; for a charge whose creation
/// got no answer, GET /paymentrequest listing the customer's requests first): paid ones are
/// recorded paid and closed, charges without a request, with an archived unpaid request
/// (closed as cancelled) and past params.horizon are closed, the rest stay open; then the POS
/// transaction sweep (reconcile_params::sweep_transactions) looks for the payments of those
/// still open. A Verify refused with a 4xx is followed by Fetch Payment Request (an archived
/// request cannot be verified). Completion: reconcile_signature; the error_code is set only when
/// the store could not be listed (a charge that could not be checked has its own entry.ec and
/// stays open). Idempotent: safe to run repeatedly and from several processes (a charge
/// changed by another process meanwhile is left to it: error::store_conflict in its entry).
/// The handler is never invoked from within this function. Cancellation: not supported.
template <class CompletionToken = boost::asio::deferred_t>
auto async_reconcile_charges(const terminal_client& client, std::shared_ptr<charge_store> store,
                             reconcile_params params = {}, CompletionToken&& token = {}) {
  return boost::asio::async_initiate<CompletionToken, reconcile_signature>(
      [client](auto h, std::shared_ptr<charge_store> s, reconcile_params p) {
        detail::start_reconcile_charges(
            client, std::move(s), p,
            boost::asio::any_completion_handler<reconcile_signature>(std::move(h)));
      },
      token, std::move(store), params);
}

/// Cancels the charge of `key` (doc/adr/0008-charge-recovery.md, rule 7): Paystack has no
/// cancel, so the charge's payment request is archived (POST /paymentrequest/archive/{code}),
/// and only after Verify Payment Request says it is unpaid; the intent is journalled before the
/// archive and the outcome `cancelled` (closed) right after. A charge whose creation got no
/// answer looks for its request first (GET /paymentrequest by the key marker); none: recorded
/// cancelled with nothing to archive. A paid request is recorded paid and not cancelled
/// (r.cancelled false: refund it). A charge already cancelled answers at once, without a call.
/// A charge still running in another process is stopped by the version check of its next
/// journal write (error::store_conflict there). The race that remains: the customer can pay
/// between the verify and the archive; the reconciler's next verify then records it paid.
///
/// Completion: cancel_signature. Errors: error::invalid_argument (unknown key, no store),
/// store errors, and a transport error or error::bad_response when Paystack could not be asked
/// or refused the archive (the charge is left as it was: run it again). The handler is never
/// invoked from within this function. Cancellation: not supported.
template <class CompletionToken = boost::asio::deferred_t>
auto async_cancel_charge(const terminal_client& client, std::shared_ptr<charge_store> store,
                         std::string key, CompletionToken&& token = {}) {
  return boost::asio::async_initiate<CompletionToken, cancel_signature>(
      [client](auto h, std::shared_ptr<charge_store> s, std::string k) {
        detail::start_cancel_charge(
            client, std::move(s), std::move(k),
            boost::asio::any_completion_handler<cancel_signature>(std::move(h)));
      },
      token, std::move(store), std::move(key));
}

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
