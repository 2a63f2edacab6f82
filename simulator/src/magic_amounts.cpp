// Magic amounts: what a payment request's amount makes the simulated customer do, so that a test
// in any language can script a decline, a walk-away or a late payment without the control API
// (doc/simulator.md, "Magic amounts"); and payment by offline reference, with no push (the
// customer types the reference on a terminal later), which POST /_sim/offline-payments/{ref}
// and the late payer use.
#include "engine.hpp"
#include "util.hpp"

namespace paystack::sim::detail {

/// Called when a `process` invoice event reaches the terminal of a pending request. True when
/// the amount is magic and the customer's behaviour was decided here (no auto-pay follows).
bool engine::magic_on_delivery_locked(payment_request& pr) {
  switch (magic_of(pr.amount)) {
    case magic_amount::none:
      return false;
    case magic_amount::declines:
      settle_locked(pr, false);  // invoice.payment_failed; the terminal is free again
      return true;
    case magic_amount::walks_away:
    case magic_amount::pays_late:
      // Delivered, nothing paid; the terminal stays available.
      if (auto* d = screen_of_locked(pr)) show_locked(*d, screen_state::walked_away, pr.id);
      return true;
  }
  return false;
}

/// Counts a verify of `pr`; the late payer pays just before the second verify is answered.
void engine::note_verify_locked(payment_request& pr) {
  ++pr.verifies;
  if (magic_of(pr.amount) == magic_amount::pays_late && pr.verifies >= 2 &&
      pr.status == "pending") {
    pay_offline_locked(pr);
  }
}

/// The request whose offline reference is `ref` (integration id, then request id).
payment_request* engine::find_by_reference_locked(std::string_view ref) {
  const auto prefix = std::to_string(options_.integration_id);
  if (!starts_with(ref, prefix)) return nullptr;
  auto id = parse_uint(ref.substr(prefix.size()));
  if (!id) return nullptr;
  auto it = requests_.find(*id);
  if (it == requests_.end() || it->second.offline_reference != ref) return nullptr;
  return &it->second;
}

/// The customer pays `pr` by its offline reference, with no push: the same webhooks as a
/// payment at the terminal (charge.success with no terminal identifier, paymentrequest.success).
control_result engine::pay_offline_locked(payment_request& pr) {
  if (pr.status != "pending" || pr.archived) return control_result::conflict;
  // Paid by the reference at the terminal showing the invoice: that screen shows it paid.
  if (auto* d = screen_of_locked(pr); d != nullptr && d->screen == screen_state::invoice)
    show_locked(*d, screen_state::paid, pr.id);
  if (!pr.last_terminal.empty()) {
    if (auto* d = find_terminal_locked(pr.last_terminal)) d->available = true;
    pr.last_terminal.clear();
  }
  return settle_locked(pr, true);
}

control_result engine::pay_offline(std::string_view offline_reference) {
  std::lock_guard lk(mutex_);
  auto* pr = find_by_reference_locked(offline_reference);
  if (pr == nullptr) return control_result::not_found;
  return pay_offline_locked(*pr);
}

}  // namespace paystack::sim::detail
