// The fleet's webhook inbox (doc/fleet.md): a verified webhook is stored under its semantic key
// before the receiver answers 200; the instance whose charge awaits it claims it once fleet-wide.
// The insert NOTIFYs `paystack_webhook` with "<seq> <semantic key>"; the table is the truth, so an
// instance that missed notifications reads the rows after the last seq it saw.
//
// Each function is one statement. Handlers run on the connection's strand, never from within the
// initiating function. Errors are the connection's (errc).
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pg/connection.hpp"

namespace paystack {
inline namespace v0 {
namespace pg {

/// The NOTIFY channel of new inbox rows.
inline constexpr std::string_view inbox_channel = "paystack_webhook";

struct inbox_event {
  std::int64_t seq = 0;      // assigned by the database, increasing in insertion order
  std::string semantic_key;  // paymentrequest.success:{id}, charge.success:{reference}, ...
  std::string event;         // the webhook's event name
  std::string request_code;
  std::string offline_reference;
  std::optional<std::int64_t> payment_request_id;
  std::string body;            // the verified body, as received
  std::string received_by;     // the instance that stored it
  std::string handed_over_to;  // "" until claimed
  std::int64_t age_ms = 0;     // read: how long ago it was stored (the database's clock)
  std::string merchant;        // the merchant whose key verified it ("" with one key)
};

/// Parses a notification's payload ("<seq> <semantic key>"); nullopt when malformed.
std::optional<std::pair<std::int64_t, std::string>> parse_inbox_notification(
    std::string_view payload);

using stored_handler = bool_handler;
using events_handler =
    boost::asio::any_completion_handler<void(boost::system::error_code, std::vector<inbox_event>)>;

/// Stores `e` (its seq and handed_over_to are ignored): true when stored, false when its semantic
/// key was already there (a duplicate: hand nothing over).
void async_store_webhook(connection& c, inbox_event e, stored_handler h);

/// Claims the event for `instance`: true for exactly one claimer fleet-wide (again true for that
/// same instance, whose claim may have been sent twice; true for a key not in the inbox, which
/// nobody else can claim).
void async_claim_webhook(connection& c, std::string semantic_key, std::string instance,
                         stored_handler h);

/// Up to `limit` (capped at 1000) events with seq > `after_seq`, in seq order: catching up after a
/// reconnect, or reading the row a notification named.
void async_read_inbox(connection& c, std::int64_t after_seq, int limit, events_handler h);

/// The unclaimed events for a payment request (by request code or offline reference): what a
/// charge that starts or resumes waiting checks first.
void async_find_unclaimed(connection& c, std::string request_code, std::string offline_reference,
                          events_handler h);

}  // namespace pg
}  // namespace v0
}  // namespace paystack
