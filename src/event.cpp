#include <paystack/error.hpp>
#include <paystack/event.hpp>
#include <utility>

namespace paystack {
inline namespace v0 {

std::string_view to_string(event_type t) noexcept {
  switch (t) {
    case event_type::invoice:
      return "invoice";
    case event_type::transaction:
      return "transaction";
  }
  return "";
}

std::string_view to_string(event_action a) noexcept {
  switch (a) {
    case event_action::process:
      return "process";
    case event_action::view:
      return "view";
    case event_action::print:
      return "print";
  }
  return "";
}

std::optional<event_type> parse_event_type(std::string_view s) noexcept {
  if (s == "invoice") return event_type::invoice;
  if (s == "transaction") return event_type::transaction;
  return std::nullopt;
}

std::optional<event_action> parse_event_action(std::string_view s) noexcept {
  if (s == "process") return event_action::process;
  if (s == "view") return event_action::view;
  if (s == "print") return event_action::print;
  return std::nullopt;
}

bool is_valid_pair(event_type t, event_action a) noexcept {
  if (t == event_type::invoice) return a == event_action::process || a == event_action::view;
  return a == event_action::process || a == event_action::print;
}

terminal_event::terminal_event(event_type t, event_action a, std::int64_t id, std::string reference)
    : type_(t), action_(a), id_(id), reference_(std::move(reference)) {}

terminal_event terminal_event::process_invoice(std::int64_t payment_request_id,
                                               std::string offline_reference) {
  return {event_type::invoice, event_action::process, payment_request_id,
          std::move(offline_reference)};
}

terminal_event terminal_event::view_invoice(std::int64_t payment_request_id,
                                            std::string offline_reference) {
  return {event_type::invoice, event_action::view, payment_request_id,
          std::move(offline_reference)};
}

terminal_event terminal_event::process_transaction(std::int64_t transaction_id) {
  return {event_type::transaction, event_action::process, transaction_id, {}};
}

terminal_event terminal_event::print_transaction(std::int64_t transaction_id) {
  return {event_type::transaction, event_action::print, transaction_id, {}};
}

boost::system::result<terminal_event> terminal_event::make(event_type type, event_action action,
                                                           std::int64_t id,
                                                           std::optional<std::string> reference) {
  if (!is_valid_pair(type, action) || id <= 0) return make_error_code(error::invalid_argument);
  if (type == event_type::invoice) {
    if (!reference || reference->empty()) return make_error_code(error::invalid_argument);
    return terminal_event(type, action, id, std::move(*reference));
  }
  if (reference) return make_error_code(error::invalid_argument);
  return terminal_event(type, action, id, {});
}

}  // namespace v0
}  // namespace paystack
