// paystack/event.hpp: events pushed to a terminal (Send Event).
//
// Paystack accepts exactly four type/action pairs. terminal_event can only be built with one of
// them: the named constructors are the compile-time way; terminal_event::make checks at run time
// (for values read from a user, e.g. the CLI).
#pragma once

#include <boost/system/result.hpp>
#include <cstdint>
#include <optional>
#include <paystack/export.hpp>
#include <string>
#include <string_view>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// The `type` of an event.
enum class event_type { invoice, transaction };
/// The `action` of an event.
enum class event_action { process, view, print };

/// The lowercase wire value: "invoice", "transaction".
std::string_view to_string(event_type t) noexcept;
/// The lowercase wire value: "process", "view", "print".
std::string_view to_string(event_action a) noexcept;
/// Parses a wire value (exact, lowercase). std::nullopt for anything else.
std::optional<event_type> parse_event_type(std::string_view s) noexcept;
/// Parses a wire value (exact, lowercase). std::nullopt for anything else.
std::optional<event_action> parse_event_action(std::string_view s) noexcept;
/// True for the four documented pairs: invoice+process, invoice+view, transaction+process,
/// transaction+print.
bool is_valid_pair(event_type t, event_action a) noexcept;

/// An event to push to a terminal. Its type/action pair is always one of the four documented
/// ones. The named constructors cannot fail; the values they are given (a positive id, a
/// non-empty reference for invoices) are checked by terminal_client::async_send_event, which
/// refuses a bad event with error::invalid_argument before sending anything.
///
/// On the wire: `{"type":..., "action":..., "data":{"id": <integer>, "reference": "<string>"}}`
/// (`reference` only for invoice events).
class terminal_event {
 public:
  /// invoice + process: the terminal asks the customer to pay the payment request.
  /// `payment_request_id` is the payment request's `id`, `offline_reference` its
  /// `offline_reference`.
  static terminal_event process_invoice(std::int64_t payment_request_id,
                                        std::string offline_reference);
  /// invoice + view: the terminal shows the payment request.
  static terminal_event view_invoice(std::int64_t payment_request_id,
                                     std::string offline_reference);
  /// transaction + process.
  static terminal_event process_transaction(std::int64_t transaction_id);
  /// transaction + print: the terminal prints the receipt of a transaction.
  static terminal_event print_transaction(std::int64_t transaction_id);

  /// Run-time construction. Fails with error::invalid_argument for a pair Paystack does not
  /// accept, a non-positive id, a missing reference on an invoice event, or a reference on a
  /// transaction event.
  static boost::system::result<terminal_event> make(event_type type, event_action action,
                                                    std::int64_t id,
                                                    std::optional<std::string> reference);

  /// The event's type (invoice or transaction).
  event_type type() const noexcept { return type_; }
  /// The event's action (process, view or print).
  event_action action() const noexcept { return action_; }
  /// The id the event is about (payment request id or transaction id).
  std::int64_t id() const noexcept { return id_; }
  /// The offline reference of an invoice event; empty for transaction events.
  const std::string& reference() const noexcept { return reference_; }

 private:
  terminal_event(event_type t, event_action a, std::int64_t id, std::string reference);

  event_type type_;
  event_action action_;
  std::int64_t id_;
  std::string reference_;
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
