// paystack/charge_recovery.hpp: what to do with the charges a store holds after a crash: resume
// one key or all unfinished ones, reconcile the open ones (verify until paid, cancelled or past
// the horizon), cancel one. The rules: doc/adr/0008-charge-recovery.md; for POS engineers:
// doc/charges.md.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <memory>
#include <paystack/charge.hpp>
#include <paystack/charge_store.hpp>
#include <paystack/terminal_client.hpp>
#include <string>
#include <vector>

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
};

/// Completion signature of async_reconcile_charges.
using reconcile_signature = void(boost::system::error_code, reconcile_report);
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
/// 1,000). Completion: resume_all_signature; the error_code is set only when the store could not
/// be listed. Each charge_result says how its charge ended. The handler is never invoked from
/// within this function. Cancellation: none between charges; each charge as
/// async_charge_on_terminal.
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
/// recorded paid and closed, charges without a request and charges past params.horizon are
/// closed, the rest stay open. Completion: reconcile_signature; the error_code is set only when
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

}  // namespace v0
}  // namespace paystack
