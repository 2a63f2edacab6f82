// paystack/terminal.hpp: the Terminal models and the parameters of terminal operations.
#pragma once

#include <cstdint>
#include <optional>
#include <paystack/export.hpp>
#include <paystack/limits.hpp>
#include <string>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// A Paystack Terminal (`data` of Fetch Terminal, an item of List Terminals).
/// Nullable fields of the spec are std::optional; unknown extra fields are ignored.
struct terminal {
  std::int64_t id = 0;                       ///< `id` (required)
  std::optional<std::string> serial_number;  ///< `serial_number` (nullable)
  std::optional<std::string> device_make;    ///< `device_make` (nullable)
  std::string terminal_id;                   ///< `terminal_id`, e.g. "2872S934" (required)
  std::int64_t integration = 0;              ///< `integration` (required)
  std::string domain;                        ///< `domain`: "live" or "test" (required)
  std::optional<std::string> name;           ///< `name` (nullable)
  std::optional<std::string> address;        ///< `address` (nullable)
  std::string status;                        ///< `status`, e.g. "active" (required)
  std::optional<std::string> split_code;     ///< `split_code` (in the spec, not in the docs)
};

/// Presence of a terminal (Fetch Terminal Status). Ready for events when both are true.
struct terminal_status {
  /// The terminal is connected to Paystack.
  bool online = false;
  /// The terminal can take an event now (not busy with another).
  bool available = false;
};

/// Delivery state of an event (Fetch Event Status).
struct event_status {
  /// The terminal has received the event.
  bool delivered = false;
};

/// Acknowledgement of Send Event: `data.id` is the event id used with Fetch Event Status.
struct event_ack {
  /// The event id (for Fetch Event Status).
  std::string id;
};

/// Parameters of List Terminals. Cursors are opaque strings taken from the previous page's
/// `meta`; leave both empty for the first page.
struct list_terminals_params {
  std::optional<int> per_page;          ///< sent as `perPage`; must be >= 1 when set
  std::optional<std::string> next;      ///< `meta.next` of the previous page
  std::optional<std::string> previous;  ///< `meta.previous` of the previous page
};

/// Parameters of Update Terminal. At least one field must be set.
struct update_terminal_params {
  /// New name of the terminal.
  std::optional<std::string> name;
  /// New address of the terminal.
  std::optional<std::string> address;
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
