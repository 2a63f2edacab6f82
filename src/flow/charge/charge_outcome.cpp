// The charge flow's last stage: delivery (Fetch Event Status, polled with backoff) and the
// outcome (webhooks first, Verify Payment Request as the fallback), until the deadline. See
// charge_flow.hpp and doc/adr/0005-charge-flow.md (why delivery and outcome are one wait).
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <paystack/error.hpp>

#include "charge_flow.hpp"
#include "failpoint.hpp"

namespace paystack {
inline namespace v0 {
namespace detail::charge_impl {

/// 4 and 5. Delivery (polled with backoff), then the outcome (webhooks first, verify polls).
asio::awaitable<charge_outcome_pair> charge_flow::await_outcome() {
  progress(charge_stage::awaiting_delivery,
           "waiting for the terminal to pick up event " + *r_.event_id);
  outcome_wait w;
  w.delivery_limit = std::min(deadline_, pushed_at_ + delivery_status_window);
  w.delivery_interval = p_.delivery_poll_initial;
  w.next_delivery_poll = now();
  // The store's shared feed (webhooks other instances received) speeds the outcome up but does
  // not replace polling: nothing says a receiver runs anywhere.
  w.webhooks_first = p_.webhooks && !store_feed_;
  w.verify_interval = w.webhooks_first ? p_.verify_fallback_interval : p_.verify_poll_interval;
  // Resumed after "delivered": verify at once.
  w.next_verify = r_.delivered ? now() : clock::time_point::max();
  if (r_.resumed) pushed_at_ = now();

  for (;;) {
    // Webhooks first: they may decide before any poll does.
    auto decided = co_await take_webhooks();
    if (decided) co_return std::move(*decided);
    if (auto over = past_deadline(w)) co_return std::move(*over);
    const auto at = now();
    if (!r_.delivered && at >= w.next_delivery_poll) {
      auto done = co_await poll_delivery(w);
      if (done) co_return std::move(*done);
      continue;
    }
    if (r_.delivered && at >= w.next_verify) {
      auto done = co_await poll_verify(w);
      if (done) co_return std::move(*done);
      continue;
    }
    auto wake = std::min(deadline_, r_.delivered ? w.next_verify : w.next_delivery_poll);
    if (!r_.delivered) wake = std::min(wake, w.delivery_limit);
    co_await sleep_until(wake);
    const bool stop = co_await cancelled();
    if (stop)
      co_return end(charge_outcome::cancelled,
                    r_.delivered ? "cancelled while waiting for payment"
                                 : "cancelled while waiting for delivery",
                    asio::error::operation_aborted);
  }
}

asio::awaitable<charge_flow::step_result> charge_flow::take_webhooks() {
  bool verify_now = false;
  bool declined = false;
  for (auto& e : box_->take()) {
    const auto v = match(e);
    bool mine = true;
    if (v != verdict::none) {
      auto claimed = co_await claim(e);  // bound first: GCC 12 and co_await in conditions
      mine = claimed;
    }
    switch (mine ? v : verdict::none) {
      case verdict::paid:
        r_.decided_by = "webhook";
        r_.delivered = true;
        co_return end(charge_outcome::paid, "paid (paymentrequest.success)");
      case verdict::declined:
        declined = true;
        break;
      case verdict::verify:
        verify_now = true;
        break;
      case verdict::none:
        break;
    }
  }
  if (!declined && !verify_now) co_return std::nullopt;
  std::string why = declined ? "confirming invoice.payment_failed" : "confirming charge.success";
  auto v = co_await verify(std::move(why));
  if (v.first) co_return std::move(*v.first);
  if (v.second == verify_state::paid) {
    r_.delivered = true;
    co_return end(charge_outcome::paid, "paid (verified)");
  }
  if (declined) {
    r_.decided_by = "webhook";
    co_return end(charge_outcome::declined,
                  "the payment failed on the terminal (invoice.payment_failed)");
  }
  co_return std::nullopt;
}

charge_flow::step_result charge_flow::past_deadline(const outcome_wait& w) {
  const auto at = now();
  if (!r_.delivered && at >= w.delivery_limit) {
    // "not delivered" only when Paystack said so; a poll that got no answer proves nothing.
    if (!w.delivery_answered)
      return end(charge_outcome::timed_out,
                 "delivery of event " + *r_.event_id +
                     " could not be checked before the deadline (" +
                     (r_.last_reply ? describe(*r_.last_reply) : std::string("no reply")) +
                     "); payment request " + r_.request->request_code +
                     " may still be paid: verify it before charging again");
    return end(charge_outcome::not_delivered,
               "terminal " + terminal_id_ + " did not pick up event " + *r_.event_id +
                   " before the deadline; payment request " + r_.request->request_code +
                   " stays open (it can still be paid by its offline reference)");
  }
  if (at >= deadline_)
    return end(charge_outcome::timed_out, "no outcome before the deadline; payment request " +
                                              r_.request->request_code + " is still " +
                                              r_.request->status);
  return std::nullopt;
}

asio::awaitable<charge_flow::step_result> charge_flow::poll_delivery(outcome_wait& w) {
  failpoint("awaiting_delivery");
  ++r_.delivery_polls;
  progress(charge_stage::awaiting_delivery,
           "checking delivery of event " + *r_.event_id + " (poll " +
               std::to_string(r_.delivery_polls) + ")",
           r_.delivery_polls);
  auto api = bounded();
  auto [ec, resp] = co_await api.async_fetch_event_status(terminal_id_, *r_.event_id,
                                                          asio::as_tuple(asio::use_awaitable));
  record("fetch_event_status", resp);
  const bool stop = co_await cancelled();
  if (ec && stop)
    co_return end(charge_outcome::cancelled, "cancelled while waiting for delivery",
                  asio::error::operation_aborted);
  w.delivery_answered = !ec && resp.ok();
  if (!ec && resp.ok() && resp.data->delivered) {
    r_.delivered = true;
    auto unrecorded = co_await journal(charge_journal_stage::delivered, *r_.event_id);
    if (unrecorded) co_return std::move(*unrecorded);
    failpoint("awaiting_outcome");
    progress(charge_stage::awaiting_payment,
             std::string("delivered; waiting for the customer to pay") +
                 (w.webhooks_first ? " (webhooks, verify as fallback)" : " (verify polling)"));
    // A resumed charge checks at once: the customer may have paid while it was down.
    w.next_verify = r_.resumed ? now() : now() + w.verify_interval;
    co_return std::nullopt;
  }
  if (!ec && !resp.ok() && (resp.code == "INVALID_PUSH_ID" || resp.status_code == 404))
    co_return end(
        charge_outcome::not_delivered,
        "event " + *r_.event_id + " is unknown to Paystack (" + describe(*r_.last_reply) + ")");
  // Any other refusal is repeated until the deadline: the event was pushed and the customer
  // may pay, so a poll never ends the charge as "failed".
  w.next_delivery_poll = now() + w.delivery_interval;
  w.delivery_interval = std::min(
      p_.delivery_poll_max,
      milliseconds(static_cast<milliseconds::rep>(static_cast<double>(w.delivery_interval.count()) *
                                                  p_.delivery_poll_multiplier)));
  co_return std::nullopt;
}

asio::awaitable<charge_flow::step_result> charge_flow::poll_verify(outcome_wait& w) {
  std::string why = "checking payment";
  auto v = co_await verify(std::move(why));
  if (v.first) co_return std::move(*v.first);
  if (v.second == verify_state::paid) co_return end(charge_outcome::paid, "paid (verified)");
  if (v.second == verify_state::failed) {
    r_.decided_by = "verify";
    co_return end(charge_outcome::declined,
                  "payment request " + r_.request->request_code + " failed");
  }
  w.next_verify = now() + w.verify_interval;
  co_return std::nullopt;
}

asio::awaitable<bool> charge_flow::claim(const webhook_event& e) {
  if (!p_.store) co_return true;
  auto op =
      p_.store->async_claim_webhook(webhook_semantic_key(e), asio::as_tuple(asio::use_awaitable));
  auto [ec, claimed] = co_await std::move(op);
  co_return !ec && claimed;
}

charge_flow::verdict charge_flow::match(const webhook_event& e) {
  const auto& pr = *r_.request;
  switch (e.type) {
    case webhook_event_type::payment_request_success: {
      const auto& d = std::get<payment_request>(e.data);
      if (d.id != pr.id && d.request_code != pr.request_code) return verdict::none;
      r_.request = d;
      return d.paid || d.status == "success" ? verdict::paid : verdict::verify;
    }
    case webhook_event_type::invoice_payment_failed: {
      const auto& d = std::get<invoice_payment_failed_data>(e.data);
      if (is_ours(d.invoice_code) || is_ours(d.request_code) || is_ours(d.offline_reference))
        return verdict::declined;
      return verdict::none;
    }
    case webhook_event_type::charge_success: {
      const auto& d = std::get<charge_success_data>(e.data);
      if (d.terminal_id != terminal_id_) return verdict::none;
      candidate_reference_ = d.reference;
      return verdict::verify;
    }
    case webhook_event_type::payment_request_pending:
    case webhook_event_type::refund_pending:
    case webhook_event_type::refund_processing:
    case webhook_event_type::refund_processed:
    case webhook_event_type::refund_failed:
    case webhook_event_type::other:
      break;
  }
  return verdict::none;
}

/// One Verify Payment Request call. first: set when the flow must end (cancelled).
asio::awaitable<std::pair<std::optional<charge_outcome_pair>, charge_flow::verify_state>>
charge_flow::verify(std::string why) {
  ++r_.verify_polls;
  progress(charge_stage::awaiting_payment,
           why + ": verifying " + r_.request->request_code + " (poll " +
               std::to_string(r_.verify_polls) + ")",
           r_.verify_polls);
  payment_request_client api(bounded());
  auto [ec, resp] = co_await api.async_verify_payment_request(r_.request->request_code,
                                                              asio::as_tuple(asio::use_awaitable));
  record("verify_payment_request", resp);
  const bool stop = co_await cancelled();
  if (ec && stop)
    co_return std::pair{
        std::optional(end(charge_outcome::cancelled, "cancelled while waiting for payment",
                          asio::error::operation_aborted)),
        verify_state::unknown};
  last_verify_ec_ = ec;
  if (ec || !resp.ok())
    co_return std::pair{std::optional<charge_outcome_pair>{}, verify_state::unknown};
  r_.request = std::move(*resp.data);
  if (r_.request->paid || r_.request->status == "success") {
    r_.decided_by = "verify";
    if (candidate_reference_) r_.transaction_reference = candidate_reference_;
    co_return std::pair{std::optional<charge_outcome_pair>{}, verify_state::paid};
  }
  if (r_.request->status == "failed")
    co_return std::pair{std::optional<charge_outcome_pair>{}, verify_state::failed};
  co_return std::pair{std::optional<charge_outcome_pair>{}, verify_state::pending};
}

}  // namespace detail::charge_impl
}  // namespace v0
}  // namespace paystack
