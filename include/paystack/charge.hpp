// paystack/charge.hpp: "charge this customer on that terminal and tell me whether they paid".
//
// async_charge_on_terminal runs the documented in-person flow (Paystack's guide "Push Payment
// Requests", https://paystack.com/docs/terminal/push-payment-requests/) as one operation:
//   1. checking_presence   GET  /terminal/{id}/presence   (refuse early when offline or busy)
//   2. creating_request    POST /paymentrequest           (never repeated)
//   3. pushing_event       POST /terminal/{id}/event      (invoice+process; pushed at most once)
//   4. awaiting_delivery   GET  /terminal/{id}/event/{event_id}, polled with capped exponential
//                          backoff (Paystack keeps the delivery status for 48 hours)
//   5. awaiting_payment    webhook feed (when attached) + GET /paymentrequest/verify/{code}
//                          polled as the fallback
// A matching paymentrequest.success decides "paid"; a matching invoice.payment_failed decides
// "declined" after one verify call confirms the request is still unpaid (a delayed failure
// cannot undo a payment); charge.success from this terminal triggers an immediate verify.
// Without a feed a decline cannot be observed (the request stays pending at Paystack): the flow
// then ends with timed_out when the deadline passes. See doc/adr/0005-charge-flow.md.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <paystack/detail/charge_operation.hpp>
#include <paystack/export.hpp>
#include <paystack/payment_request.hpp>
#include <paystack/terminal.hpp>
#include <paystack/terminal_client.hpp>
#include <paystack/webhook.hpp>
#include <string>
#include <string_view>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

class charge_store;

/// Where a charge is (progress) or where it ended (charge_result::stage).
enum class charge_stage {
  checking_presence,
  creating_request,
  pushing_event,
  awaiting_delivery,
  awaiting_payment,
  done,
};

/// How a charge ended.
enum class charge_outcome {
  paid,              ///< the payment request is paid (webhook or verify)
  declined,          ///< invoice.payment_failed for this request, and verify says unpaid
  terminal_offline,  ///< presence: offline; nothing was created or pushed
  terminal_busy,     ///< presence: online but not available; nothing was created or pushed
  not_delivered,     ///< pushed, and Paystack said the terminal had not picked it up in time
  timed_out,         ///< no outcome before the deadline (also when delivery could not be checked)
  failed,            ///< Paystack refused a step, or a step failed (see the error_code)
  cancelled,         ///< the caller cancelled (error_code operation_aborted)
};

/// "paid", "declined", "terminal_offline", ...
std::string_view to_string(charge_outcome o) noexcept;
/// "checking_presence", "creating_request", ...
std::string_view to_string(charge_stage s) noexcept;

/// Reported through charge_params::on_progress.
struct charge_progress {
  /// Where the charge is now.
  charge_stage stage = charge_stage::checking_presence;
  std::string text;                      ///< human readable, e.g. "waiting for delivery (poll 3)"
  std::chrono::milliseconds elapsed{0};  ///< since the charge started
  unsigned poll = 0;                     ///< poll number within awaiting_delivery/awaiting_payment
  std::optional<std::string> request_code;  ///< once the payment request exists
  std::optional<std::string> event_id;      ///< once the event was pushed
};

/// What to charge, and how patiently.
struct charge_params {
  /// Customer id or code (required), e.g. "CUS_xwaj0txjryg393b".
  std::string customer;
  /// Total in the currency subunit; use it or line_items (not both empty).
  std::optional<std::int64_t> amount;
  std::optional<std::string> currency;  ///< Paystack's default: NGN
  /// Shown to the customer on the terminal and on the invoice.
  std::optional<std::string> description;
  /// Itemised amounts (instead of, or with, `amount`).
  std::vector<line_item> line_items;
  /// Tax lines added to the total.
  std::vector<tax_item> tax;
  /// Paystack's default (true) e-mails the customer an invoice; terminal charges usually don't.
  bool send_notification = false;

  /// Check presence first (step 1). Turn off only when you checked it yourself.
  bool check_presence = true;
  /// Overall deadline of the whole charge, every poll and wait included. Each HTTP call is
  /// bounded by what remains.
  std::chrono::milliseconds timeout{std::chrono::minutes(3)};
  /// Delivery polling: first interval, multiplied by delivery_poll_multiplier up to
  /// delivery_poll_max.
  std::chrono::milliseconds delivery_poll_initial{500};
  /// Longest delivery poll interval.
  std::chrono::milliseconds delivery_poll_max{5'000};
  /// Factor applied to the delivery poll interval after each poll.
  double delivery_poll_multiplier = 2.0;
  /// Verify polling interval when no webhook feed is attached.
  std::chrono::milliseconds verify_poll_interval{3'000};
  /// Verify polling interval when a webhook feed is attached (the fallback for lost webhooks).
  std::chrono::milliseconds verify_fallback_interval{15'000};

  /// Called on the flow's strand at every stage change and poll. Must not block or throw.
  /// Never sees the secret key.
  std::function<void(const charge_progress&)> on_progress;
  /// Webhook events (e.g. webhook_server::feed()). Null: verify polling only.
  std::shared_ptr<webhook_feed> webhooks;

  /// The caller's idempotency key of this sale (e.g. the POS order id): 1 to 64 characters of
  /// A-Z a-z 0-9 . _ : -. With a store, the same key always means the same charge: a charge
  /// whose key is recorded is resumed from its last recorded stage, or, when it finished, its
  /// recorded outcome is returned without calling Paystack (charge_result::replayed). The key's
  /// marker " [key:KEY]" ends the payment request's description, so that recovery can find the
  /// request at Paystack (doc/charges.md).
  std::optional<std::string> key;
  /// Where the charge is journalled (make_memory_charge_store, open_charge_store). Needs `key`.
  /// Null: nothing is recorded (the charge lives in this operation only). A store shared by
  /// several processes (PostgreSQL) also leases the terminal: the charge takes the terminal's
  /// lease before anything is sent, every later journal write carries its fencing token, and
  /// the lease is released at the end (doc/fleet.md).
  std::shared_ptr<charge_store> store;
  /// With a store that leases terminals, when another charge holds the terminal: false (the
  /// default) ends the charge as terminal_busy at once (nothing created or pushed); true waits
  /// for the terminal until the deadline (then terminal_busy).
  bool wait_for_terminal = false;
  /// With a store that leases terminals: how long the terminal's lease lasts without renewal.
  /// The running charge renews it every third of this, so a process that dies holding it frees
  /// the terminal within this time (doc/fleet.md, "Leases follow their holder"). 1 s to 10 min.
  std::chrono::milliseconds lease_ttl{std::chrono::seconds(10)};
  /// Leave the payment request payable when the charge ends unpaid (declined, timed out, not
  /// delivered): for a customer who will pay later by the offline reference. The charge is
  /// recorded open, keeps its terminal's lease (marked stopped) for `timeout` + 30 s, and the
  /// reconciler records a late payment. False (the default): an unpaid charge verifies its request
  /// once more and archives it, so that nothing unpaid stays payable (a payment found on the way
  /// makes the charge paid).
  bool keep_open = false;
};

/// The last reply (or failure) of a Paystack call during the charge, for messages and logs.
struct charge_reply {
  std::string operation;            ///< e.g. "send_event"
  unsigned status_code = 0;         ///< 0 when no reply came back
  std::string message;              ///< the envelope's message
  std::optional<std::string> code;  ///< error code, e.g. "INVALID_PUSH_ID"
  std::string error_detail;         ///< the library's explanation when no usable reply came back
};

/// How a charge ended; filled as far as the charge went, also on errors and cancellation (so a
/// caller can reconcile a payment request that was pushed).
struct charge_result {
  /// How the charge ended.
  charge_outcome outcome = charge_outcome::failed;
  charge_stage stage = charge_stage::checking_presence;  ///< the stage it ended in
  std::string reason;                                    ///< human readable explanation
  std::optional<terminal_status> presence;               ///< what presence said
  /// The payment request as created, updated by the last verify or paymentrequest.* webhook
  /// (id, request_code, offline_reference, amount, currency, status, paid).
  std::optional<payment_request> request;
  std::optional<std::string> event_id;  ///< set once the push was acknowledged
  bool delivered = false;               ///< Fetch Event Status said delivered
  /// Reference of the POS transaction (charge.success), when seen.
  std::optional<std::string> transaction_reference;
  /// Which source decided paid/declined: "webhook" or "verify"; empty otherwise.
  std::string decided_by;
  /// The last reply Paystack sent (status, message, raw body), for diagnosis.
  std::optional<charge_reply> last_reply;
  /// Fetch Event Status calls made.
  unsigned delivery_polls = 0;
  /// Verify Payment Request calls made.
  unsigned verify_polls = 0;
  /// With a store: the outcome was recorded before; nothing was sent to Paystack.
  bool replayed = false;
  /// With a store: the charge continued from a recorded stage (an earlier process stopped).
  bool resumed = false;
  /// With a store: the outcome may still change (not delivered, timed out, or a request may
  /// exist): the reconciler verifies it (doc/adr/0008-charge-recovery.md).
  bool open = false;
  /// Time the charge took, from the call to the completion.
  std::chrono::milliseconds elapsed{0};
};

/// Completion signature of async_charge_on_terminal.
using charge_signature = void(boost::system::error_code, charge_result);

/// Charges `params` on terminal `terminal_id` through `client` (its configuration, secret key
/// and connections; a payment_request_client is made from it).
///
/// Completion: void(boost::system::error_code ec, charge_result r).
///   ec clear: r.outcome is paid, declined, terminal_offline, terminal_busy, not_delivered,
///             timed_out, or failed when Paystack refused a step (r.last_reply has its message).
///   ec set  : error::invalid_argument (params refused before anything was sent; r.reason),
///             asio::error::operation_aborted (cancelled; r.outcome == cancelled), or the error
///             of a presence/create/push call that got no usable reply (refused, reset,
///             timeout, an HTML or unreadable reply; r.outcome == failed, or timed_out when
///             the deadline passed). Polls that fail (no reply, 4xx, 5xx, garbage) are repeated
///             until the deadline instead and never end the charge as failed: a pushed
///             request may be paid anyway. When delivery could not be checked at all, the
///             outcome is timed_out, not not_delivered. A failed push's reason names the
///             request code to verify. A 429 (rate limited: Paystack did not act) to the
///             presence check, the create or the push is waited out (Retry-After in seconds, else
///             x-ratelimit-reset in seconds, at least 100 ms; else 250 ms doubling to 8 s) and
///             the call sent again while the deadline allows; only a 429
///             that lasts until the deadline ends the charge as failed, saying so.
///   The handler is never invoked from within this function (refusals are posted too).
///   In every case r says how far the charge went; when r.event_id is set the terminal may
///   still show the request: reconcile with async_verify_payment_request(r.request->request_code).
///
/// Guarantees: the invoice event is pushed at most once (a push answered 429 was not carried
/// out, so sending it again is not a second push); nothing runs after completion (the
/// webhook subscription is released). Deadline: params.timeout bounds everything.
/// Cancellation (the handler's cancellation slot): terminal and partial are honoured at every
///   stage; the charge ends as cancelled with operation_aborted and r says what exists (the
///   request, the event id). Total is honoured only while presence is checked: once the payment
///   request may exist, nothing can make the charge as if it never started, so a total-only
///   request is ignored from then on (terminal or partial still end it).
/// Thread safety and lifetime: as terminal_client; everything is copied. on_progress is called
/// on an internal strand of the client's executor; the handler on its associated executor
/// (by default the client's).
template <class CompletionToken = boost::asio::deferred_t>
auto async_charge_on_terminal(const terminal_client& client, std::string terminal_id,
                              charge_params params, CompletionToken&& token = {}) {
  return boost::asio::async_initiate<CompletionToken, charge_signature>(
      [client](auto handler, std::string id, charge_params p) {
        detail::start_charge_on_terminal(
            client, std::move(id), std::move(p),
            boost::asio::any_completion_handler<charge_signature>(std::move(handler)));
      },
      token, std::move(terminal_id), std::move(params));
}

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
