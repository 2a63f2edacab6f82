// paystack/webhook.hpp: verifying, parsing and fanning out Paystack webhook events.
//
// Paystack POSTs `{"event": "<name>", "data": {...}}` to the integration's webhook URL with an
// `x-paystack-signature` header: the lower-case hex HMAC-SHA512 of the raw body, keyed with the
// secret key of the same mode. Verify the raw bytes first, parse second (see doc/webhooks.md).
//
// The four events the in-person flow uses and the four refund.* events are parsed into typed
// structs; every other event is kept as raw JSON (webhook_event::raw_body,
// webhook_event::data_json).
#pragma once

#include <boost/system/result.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <paystack/export.hpp>
#include <paystack/payment_request.hpp>
#include <paystack/refund.hpp>
#include <span>
#include <string>
#include <string_view>
#include <variant>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// True when `signature_header` is the HMAC-SHA512 of exactly `raw_body` keyed with
/// `secret_key`, written as 128 hex digits (either case; surrounding blanks ignored). The
/// comparison runs in constant time (CRYPTO_memcmp). False for an empty key or header, or a
/// header of the wrong length. Never throws; never logs anything.
[[nodiscard]] bool verify_webhook_signature(std::string_view raw_body,
                                            std::string_view signature_header,
                                            std::string_view secret_key) noexcept;

/// One merchant of a receiver that serves several (a POS vendor's merchants, each signing its
/// webhooks with its own secret key; doc/webhooks.md, "Several merchants", ADR 0009).
struct merchant_key {
  /// The merchant's name: 1 to 64 of A-Z a-z 0-9 _ . - (valid_merchant_name). It names the
  /// merchant in webhook_event::merchant and scopes its de-duplication keys; it is not secret.
  std::string merchant;
  /// The merchant's secret key (the HMAC key of its webhooks). Never logged, never in a message.
  std::string secret_key;
};

/// Whether `name` is a valid merchant_key::merchant (1 to 64 of A-Z a-z 0-9 _ . -).
[[nodiscard]] bool valid_merchant_name(std::string_view name) noexcept;

/// The index in `keys` of the key whose HMAC-SHA512 of `raw_body` is `signature_header` (as
/// verify_webhook_signature reads it), or std::nullopt when none is (or the header is
/// malformed, or `keys` is empty). Every key is tried, whichever matches, each compared in
/// constant time, and the index is selected without a branch on the comparison: the time taken
/// depends on the number of keys (and the body's length), not on which key matched or whether
/// one did. Two entries with the same key: the first wins. Never throws; never logs anything.
[[nodiscard]] std::optional<std::size_t> match_webhook_signature(
    std::string_view raw_body, std::string_view signature_header,
    std::span<const merchant_key> keys) noexcept;

/// Test helper: the `x-paystack-signature` value Paystack would send with `raw_body`
/// (lower-case hex HMAC-SHA512 keyed with `secret_key`). Throws std::runtime_error if OpenSSL
/// fails.
[[nodiscard]] std::string sign_webhook_payload(std::string_view raw_body,
                                               std::string_view secret_key);

/// The events the library knows by type.
enum class webhook_event_type {
  charge_success,           ///< "charge.success"
  payment_request_success,  ///< "paymentrequest.success"
  payment_request_pending,  ///< "paymentrequest.pending"
  invoice_payment_failed,   ///< "invoice.payment_failed"
  refund_pending,           ///< "refund.pending"
  refund_processing,        ///< "refund.processing"
  refund_processed,         ///< "refund.processed"
  refund_failed,            ///< "refund.failed"
  other,                    ///< anything else: read webhook_event::data_json yourself
  /// "refund.needs-attention": the refund waits for the customer's bank account
  /// (refund_client::async_retry_refund). Last, so that the values before it stay as they were.
  refund_needs_attention,
};

/// `data` of charge.success (POS shape: amounts may come as strings; both are read).
struct charge_success_data {
  std::int64_t id = 0;      ///< transaction id
  std::string reference;    ///< e.g. "pos_wtwyrj7n6x"
  std::string status;       ///< "success"
  std::int64_t amount = 0;  ///< subunits
  /// Amount asked for, when Paystack sends it (subunits).
  std::optional<std::int64_t> requested_amount;
  /// Currency code, e.g. "NGN".
  std::string currency;
  std::optional<std::string> channel;  ///< "pos" for terminal payments
  /// ISO 8601 time of payment, when present.
  std::optional<std::string> paid_at;
  /// The processor's message, e.g. "Approved".
  std::optional<std::string> gateway_response;
  std::optional<std::int64_t> customer_id;   ///< customer.id
  std::optional<std::string> customer_code;  ///< customer.customer_code
  std::optional<std::string> source_type;    ///< source.type, e.g. "offline"
  std::optional<std::string> terminal_id;    ///< source.identifier (the terminal, for POS)
};

/// `data` of invoice.payment_failed. Paystack's sample identifies the invoice by
/// `invoice_code`; the simulator adds `offline_reference`. Whatever identifies it is kept.
struct invoice_payment_failed_data {
  /// Invoice id, when present.
  std::optional<std::int64_t> id;
  std::optional<std::string> invoice_code;       ///< e.g. "INV_..." (or a "PRQ_..." code)
  std::optional<std::string> request_code;       ///< when present
  std::optional<std::string> offline_reference;  ///< when present
  /// Amount in subunits, when present.
  std::optional<std::int64_t> amount;
  /// Invoice status, e.g. "failed", when present.
  std::optional<std::string> status;
  /// Invoice description, when present.
  std::optional<std::string> description;
  /// customer.id, when present.
  std::optional<std::int64_t> customer_id;
  /// customer.customer_code, when present.
  std::optional<std::string> customer_code;
};

/// A parsed webhook. `data` holds:
///   charge_success                                   -> charge_success_data
///   payment_request_success / payment_request_pending -> payment_request
///   invoice_payment_failed                           -> invoice_payment_failed_data
///   refund_pending / _processing / _processed / _failed / _needs_attention -> refund_event_data
///   other                                            -> std::monostate
struct webhook_event {
  /// The kind of event (`other` for unknown ones).
  webhook_event_type type = webhook_event_type::other;
  std::string event;      ///< the `event` member verbatim, e.g. "charge.success"
  std::string raw_body;   ///< the exact bytes received (what the signature covers)
  std::string data_json;  ///< the `data` member re-serialised (every event; an object or, for
                          ///< some other events, an array)
  std::variant<std::monostate, charge_success_data, payment_request, invoice_payment_failed_data,
               refund_event_data>
      data;  ///< the typed `data` (see above)
  /// The merchant whose key verified the event (merchant_key::merchant) when the receiver
  /// serves several merchants; empty when it has one secret key. De-duplication and store keys
  /// (webhook_dedup_key, webhook_semantic_key) are scoped by it.
  std::string merchant;
};

/// The wire name of a known type ("charge.success", ...); "" for other.
std::string_view to_string(webhook_event_type t) noexcept;

/// Parses a webhook body (verify its signature first). Fails with error::bad_response when the
/// body is not a JSON object with a string `event` and a `data` member, or when a known event's
/// `data` is not an object or lacks a required member (the detail goes to `detail` when given).
/// Unknown members are ignored; unknown events parse as webhook_event_type::other, whatever
/// their `data` holds (subscription.expiring_cards sends an array).
boost::system::result<webhook_event> parse_webhook_event(std::string_view raw_body,
                                                         std::string* detail = nullptr);

/// A de-duplication key for a delivery: Paystack retries a delivery with the same body, so the
/// key is the event name plus the SHA-256 of the raw body (hex), after "<merchant>/" when the
/// event has a merchant (two merchants' identical deliveries are two keys).
std::string webhook_dedup_key(const webhook_event& e);

/// Where webhook_server remembers the deliveries it already handed over. Paystack retries
/// deliveries for up to 72 hours, so a persistent store (database, Redis) suits a process that
/// restarts; the default is in memory.
///
/// Thread safety: implementations must accept concurrent calls.
class webhook_dedup_store {
 public:
  virtual ~webhook_dedup_store() = default;
  /// Records `key`; returns true the first time a key is seen, false for a duplicate.
  virtual bool insert_if_absent(std::string_view key) = 0;
};

/// The default store: the most recent `capacity` keys, each forgotten after `ttl`.
/// Thread-safe (one mutex).
std::shared_ptr<webhook_dedup_store> make_memory_dedup_store(
    std::size_t capacity = 100'000, std::chrono::seconds ttl = std::chrono::hours(73));

/// A fan-out of verified webhook events to in-process subscribers (the charge flow subscribes
/// while it waits for an outcome). webhook_server publishes into one; an application that
/// receives webhooks with its own HTTP stack can publish into one itself (after verifying the
/// signature and de-duplicating).
///
/// Thread safety: every member may be called from any thread. publish() calls each subscriber
/// synchronously on the publishing thread, outside the feed's lock; a subscriber must be quick
/// and must not throw. A subscriber may still be called once by a publish() that started before
/// its subscription was reset.
class webhook_feed {
 public:
  /// A subscriber: called with each published event.
  using handler = std::function<void(const webhook_event&)>;

  /// Keeps a subscriber registered for as long as it lives (movable, not copyable).
  class subscription {
   public:
    subscription() = default;
    /// Takes over `other`'s registration.
    subscription(subscription&&) noexcept = default;
    /// Drops this registration and takes over `other`'s.
    subscription& operator=(subscription&& other) noexcept {
      if (this != &other) {
        reset();
        token_ = std::move(other.token_);
      }
      return *this;
    }
    ~subscription() { reset(); }
    /// Unregisters now (idempotent).
    void reset() noexcept;

   private:
    friend class webhook_feed;
    struct token;
    std::shared_ptr<token> token_;
  };

  webhook_feed();
  ~webhook_feed();
  webhook_feed(const webhook_feed&) = delete;
  webhook_feed& operator=(const webhook_feed&) = delete;

  /// Registers `h` until the returned subscription is reset or destroyed.
  [[nodiscard]] subscription subscribe(handler h);
  /// Hands `e` to every current subscriber.
  void publish(const webhook_event& e);
  /// Number of live subscriptions.
  std::size_t subscriber_count() const;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
