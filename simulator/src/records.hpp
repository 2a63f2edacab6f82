#pragma once
// The records the simulator keeps (its state, held by `engine` behind one mutex): devices and
// terminals, customers, payment requests, terminal events and registered faults, with the
// count bounds on each collection and the alphabets ids are drawn from.

#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fault.hpp"

namespace paystack::sim::detail {

/// How many records each collection keeps (the oldest go first). Byte bounds: limits.hpp.
namespace state_limit {
inline constexpr std::size_t payment_requests = 100000;
inline constexpr std::size_t events = 100000;
inline constexpr std::size_t customers = 100000;
inline constexpr std::size_t faults = 10000;
inline constexpr std::size_t webhook_log = 10000;
inline constexpr std::size_t virtual_terminals = 10000;
inline constexpr std::size_t transactions = 100000;
inline constexpr std::size_t refunds = 100000;
}  // namespace state_limit

inline constexpr std::string_view alnum_upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
inline constexpr std::string_view alnum_lower = "abcdefghijklmnopqrstuvwxyz0123456789";
inline constexpr std::string_view hex_lower = "0123456789abcdef";

/// What a terminal's screen shows (doc/simulator.md, "The live page"); an offline terminal is
/// shown `offline` whatever its screen holds.
enum class screen_state {
  idle,         ///< nothing to pay
  invoice,      ///< a payment request delivered by an invoice `process` event: the customer acts
  processing,   ///< an invoice `process` event is on its way (pushed, not delivered yet)
  paid,         ///< the customer paid the request shown
  declined,     ///< the card was declined (invoice.payment_failed)
  walked_away,  ///< the customer left without paying
};

/// The name of a screen state in /_sim/state and the page's `data-state`.
constexpr std::string_view screen_name(screen_state s) noexcept {
  switch (s) {
    case screen_state::idle:
      return "idle";
    case screen_state::invoice:
      return "invoice";
    case screen_state::processing:
      return "processing";
    case screen_state::paid:
      return "paid";
    case screen_state::declined:
      return "declined";
    case screen_state::walked_away:
      return "walked_away";
  }
  return "idle";
}

/// A device: a terminal once commissioned, a debug device (serial only) before.
struct device {
  std::int64_t id = 0;
  std::string serial;
  std::string terminal_id;
  std::optional<std::string> name;
  std::optional<std::string> address;
  bool commissioned = false;
  bool online = true;
  bool available = true;
  screen_state screen = screen_state::idle;
  std::int64_t screen_request = 0;  ///< the payment request on the screen (0: none)
};

struct customer {
  std::int64_t id = 0;
  std::string code;
  std::string email;
  std::string created_at;
};

struct payment_request {
  std::int64_t id = 0;
  std::string request_code;
  std::string offline_reference;
  std::int64_t amount = 0;
  std::string currency;
  boost::json::value description;  // string or null
  boost::json::value due_date;     // string or null
  boost::json::value metadata;     // as given, or null
  boost::json::value line_items;   // array, items as given
  boost::json::value tax;          // array, items as given
  bool has_invoice = false;
  std::optional<std::int64_t> invoice_number;
  std::int64_t customer_id = 0;
  std::string status = "pending";  // pending | success | draft
  std::optional<std::string> paid_at;
  std::string created_at;
  std::string updated_at;
  std::optional<std::int64_t> transaction_id;
  std::string transaction_reference;
  std::string last_terminal;  // terminal id of the last delivered invoice event
  std::size_t bytes = 0;      // what it counts against max_payment_request_bytes
  bool archived = false;      // POST /paymentrequest/archive: out of lists, not verifiable
  unsigned verifies = 0;      // verify calls answered (magic_amount::pays_late counts them)
  unsigned notified = 0;      // POST /paymentrequest/notify calls
};

/// What a payment request's amount makes the simulated customer do (doc/simulator.md, "Magic
/// amounts"): only amounts with a non-zero subunit part are magic, whole units are normal.
enum class magic_amount {
  none,        ///< as configured (auto_pay_delay, control API)
  declines,    ///< subunits 01: the card is declined at the terminal (invoice.payment_failed)
  walks_away,  ///< subunits 02: the event is delivered, the customer never pays
  pays_late,   ///< subunits 03: never pays at the terminal; pays by offline reference, no push,
               ///< just before the answer to the request's second verify
};

constexpr magic_amount magic_of(std::int64_t amount) noexcept {
  switch (amount % 100) {
    case 1:
      return magic_amount::declines;
    case 2:
      return magic_amount::walks_away;
    case 3:
      return magic_amount::pays_late;
    default:
      return magic_amount::none;
  }
}

/// An event sent to a terminal (POST /terminal/{id}/event).
struct event {
  std::string id;
  std::string terminal_id;
  std::string type;
  std::string action;
  std::int64_t data_id = 0;
  std::chrono::system_clock::time_point created;
  bool delivered = false;
  bool held = false;
  bool scheduled = false;
};

/// A destination of a Virtual Terminal (a WhatsApp number).
struct vt_destination {
  std::int64_t id = 0;
  std::string target;
  boost::json::value name;  // string or null (the guide's sample has null)
  std::string created_at;
};

/// A Virtual Terminal (routes/virtual_terminals.cpp).
struct virtual_terminal {
  std::int64_t id = 0;
  std::string code;  // "VT_" + 8 upper-case letters and digits
  std::string name;
  bool active = true;
  std::string currency;
  boost::json::value metadata;       // an object, or null
  boost::json::value custom_fields;  // an array, or null
  std::vector<vt_destination> destinations;
  std::optional<std::string> split_code;
  std::string created_at;
};

/// A payment the simulator took (GET /transaction): made by record_transaction_locked(), for a
/// terminal payment (devices.cpp) or any other payment source.
struct transaction_record {
  std::int64_t id = 0;
  std::string reference;           // "pos_" + 10 random characters for terminal payments
  std::string status = "success";  // success | failed | abandoned | reversed
  std::int64_t amount = 0;         // subunits
  std::string currency = "NGN";
  std::string channel = "pos";  // the `channel` filter
  std::string source = "pos";   // source.source: pos, virtualTerminal, checkout...
  std::string source_type = "offline";
  std::string entry_point = "pos_initialize";
  std::string terminal_id;        // source.identifier; empty: none
  std::int64_t customer_id = 0;   // 0: none
  std::string request_code;       // the payment request paid, if any
  std::string offline_reference;  // its offline reference
  std::string paid_at;
  std::string created_at;
  std::int64_t refunded = 0;  // sum of the refunds that have not failed
};

/// A refund (POST /refund), moved pending -> processing -> processed (or failed, or
/// needs-attention until POST /refund/retry_with_customer_details/{id} sends it on).
struct refund_record {
  std::int64_t id = 0;
  std::int64_t transaction_id = 0;
  std::string transaction_reference;
  std::int64_t customer_id = 0;  // the transaction's customer (0: none)
  std::int64_t transaction_amount = 0;
  std::string channel;  // the transaction's channel (refund_channel)
  std::int64_t amount = 0;
  std::string currency;
  // pending | processing | processed | failed | needs-attention
  std::string status = "pending";
  bool will_fail = false;            // the magic amount (doc/simulator.md, "Refunds")
  bool will_need_attention = false;  // the magic amount: needs-attention instead of processed
  std::string account_number;        // the customer's account, once retried with it
  std::string customer_note;
  std::string merchant_note;
  std::string refund_reference;  // set when processed
  std::string created_at;
  std::string updated_at;   // at each step
  std::string refunded_at;  // set when processed
};

/// A fault plan registered by id, with the uses it has left.
struct fault_entry {
  fault_plan plan;
  unsigned remaining = 0;
};

}  // namespace paystack::sim::detail
