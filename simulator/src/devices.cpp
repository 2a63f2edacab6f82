// Device simulation: delivering events to terminals (after delivery_delay, only while online and
// not held) and settling payment requests (auto_pay_delay, or approve/decline), which emits the
// webhooks a real payment would; a payment leaves a transaction (routes/transactions.cpp). Each
// terminal's screen (idle, invoice, processing, paid, declined, walked away) follows, for
// /_sim/state and the live page; a customer who walks away leaves the screen and pays nothing.
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "engine.hpp"
#include "util.hpp"
#include "wire.hpp"

namespace paystack::sim::detail {

namespace json = boost::json;

void engine::schedule_delivery_locked(event& e) {
  if (e.delivered || e.held || e.scheduled || !options_.delivery_delay) return;
  auto* d = find_terminal_locked(e.terminal_id);
  if (d == nullptr || !d->online) return;
  if (options_.delivery_delay->count() <= 0) {
    deliver_locked(e);
    return;
  }
  if (!hooks_.schedule) return;
  e.scheduled = true;
  hooks_.schedule(*options_.delivery_delay, [this, gen = generation_, id = e.id] {
    std::lock_guard lk(mutex_);
    if (gen != generation_) return;
    auto it = events_.find(id);
    if (it == events_.end()) return;
    auto& ev = it->second;
    ev.scheduled = false;
    if (ev.held || ev.delivered) return;
    auto* term = find_terminal_locked(ev.terminal_id);
    if (term == nullptr || !term->online) return;
    deliver_locked(ev);
  });
}

void engine::deliver_locked(event& e) {
  e.delivered = true;
  if (e.type != "invoice") return;
  auto it = requests_.find(e.data_id);
  if (it == requests_.end()) return;
  auto& pr = it->second;
  pr.last_terminal = e.terminal_id;
  auto* d = find_terminal_locked(e.terminal_id);
  if (e.action != "process") return;
  // An archived request cannot be paid: the terminal shows nothing to pay and stays free.
  if (pr.status != "pending" || pr.archived) {
    if (d != nullptr && d->screen_request == pr.id) show_locked(*d, screen_state::idle, 0);
    return;
  }
  if (d != nullptr) show_locked(*d, screen_state::invoice, pr.id);
  // A magic amount decides what the customer does (magic_amounts.cpp).
  if (magic_on_delivery_locked(pr)) return;
  if (d != nullptr) d->available = false;  // customer is paying
  if (!options_.auto_pay_delay) return;
  if (options_.auto_pay_delay->count() <= 0) {
    settle_locked(pr, true);
    return;
  }
  if (!hooks_.schedule) return;
  hooks_.schedule(*options_.auto_pay_delay,
                  [this, gen = generation_, id = pr.id, terminal = e.terminal_id] {
                    std::lock_guard lk(mutex_);
                    if (gen != generation_) return;
                    auto found = requests_.find(id);
                    if (found == requests_.end()) return;
                    auto& req = found->second;
                    // Not when the customer walked away meanwhile (the screen moved on).
                    const auto* shown = screen_of_locked(req);
                    if (req.status == "pending" && !req.archived && req.last_terminal == terminal &&
                        shown != nullptr && shown->screen == screen_state::invoice) {
                      settle_locked(req, true);
                    }
                  });
}

control_result engine::settle_locked(payment_request& pr, bool approve) {
  // Archived: Paystack takes no payment for it, at a terminal or by its offline reference.
  if (pr.status != "pending" || pr.archived) return control_result::conflict;
  device* d = pr.last_terminal.empty() ? nullptr : find_terminal_locked(pr.last_terminal);
  if (d != nullptr) d->available = true;
  if (auto* shown = screen_of_locked(pr)) {
    show_locked(*shown, approve ? screen_state::paid : screen_state::declined, pr.id);
  }
  auto now = now_iso();
  if (!approve) {
    json::object data;
    data["domain"] = domain();
    data["invoice_code"] = pr.request_code;
    data["amount"] = pr.amount;
    data["period_start"] = pr.created_at;
    data["period_end"] = now;
    data["status"] = "pending";
    data["paid"] = false;
    data["paid_at"] = nullptr;
    data["description"] = pr.description;
    // Card details as the device would report them (test card values, the sample's types).
    data["authorization"] =
        json::object{{"authorization_code", "AUTH_" + random_string(alnum_lower, 10)},
                     {"bin", "506066"},
                     {"last4", "6666"},
                     {"exp_month", "03"},
                     {"exp_year", "2033"},
                     {"channel", "pos"},
                     {"card_type", "verve"},
                     {"bank", "TEST BANK"},
                     {"country_code", "NG"},
                     {"brand", "verve"},
                     {"reusable", false},
                     {"signature", "SIG_" + random_string(alnum_upper, 20)},
                     {"account_name", "POS CUSTOMER"}};
    data["subscription"] = json::object{};
    data["customer"] = customer_json(pr.customer_id, false);
    data["transaction"] = json::object{};
    data["created_at"] = pr.created_at;
    data["offline_reference"] = pr.offline_reference;
    emit_locked("invoice.payment_failed",
                json::serialize(json::object{{"event", "invoice.payment_failed"}, {"data", data}}));
    return control_result::ok;
  }
  pr.status = "success";
  pr.paid_at = now;
  pr.updated_at = now;
  const auto& tx = record_transaction_locked({.amount = pr.amount,
                                              .currency = pr.currency,
                                              .terminal_id = pr.last_terminal,
                                              .customer_id = pr.customer_id,
                                              .request_code = pr.request_code,
                                              .offline_reference = pr.offline_reference});
  pr.transaction_id = tx.id;
  pr.transaction_reference = tx.reference;
  auto charge = transaction_json(tx);
  charge["amount"] = std::to_string(tx.amount);  // strings in the POS sample
  charge["requested_amount"] = std::to_string(tx.amount);
  charge["metadata"] = 0;  // as in the POS sample (the API's replies carry an object)
  emit_locked("charge.success",
              json::serialize(json::object{{"event", "charge.success"}, {"data", charge}}));
  emit_locked("paymentrequest.success",
              json::serialize(json::object{{"event", "paymentrequest.success"},
                                           {"data", request_webhook_json(pr, false)}}));
  return control_result::ok;
}

void engine::show_locked(device& d, screen_state s, std::int64_t request_id) {
  d.screen = s;
  d.screen_request = request_id;
}

device* engine::screen_of_locked(const payment_request& pr) {
  if (pr.last_terminal.empty()) return nullptr;
  auto* d = find_terminal_locked(pr.last_terminal);
  return d != nullptr && d->screen_request == pr.id ? d : nullptr;
}

control_result engine::walk_away_locked(payment_request& pr) {
  auto* d = screen_of_locked(pr);
  if (pr.status != "pending" || pr.archived || d == nullptr || d->screen != screen_state::invoice)
    return control_result::conflict;
  d->available = true;
  show_locked(*d, screen_state::walked_away, pr.id);
  return control_result::ok;
}

}  // namespace paystack::sim::detail
