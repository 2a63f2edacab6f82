#pragma once
// paystack-sim: a local, stateful simulator of Paystack's Terminal API (and the Payment Request
// endpoints the in-person flow needs), embeddable in tests and tools.
//
// The server owns its own threads: one io_context thread answers HTTP, a second one runs the
// simulated devices (event delivery, payments) and sends webhooks. An embedding program needs
// nothing else: construct, start(), talk to base_url(), stop() (or let the destructor do it).
//
// See doc/simulator.md for the HTTP surface (Paystack endpoints, the /_sim control API and the
// x-sim-fault header).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace paystack::sim {

/// Everything a simulator instance is configured with. Plain data; copied into the server.
struct server_options {
  /// Address to listen on. Keep the default (loopback) unless you know why.
  std::string bind_address = "127.0.0.1";
  /// TCP port; 0 picks an ephemeral port (read it back with server::port()).
  std::uint16_t port = 0;
  /// The only secret key accepted in `Authorization: Bearer ...`; also the webhook HMAC key.
  /// Never logged or echoed by the simulator.
  std::string secret_key = "sk_test_simulator";
  /// Where webhooks are POSTed (plain `http://host:port/path`). Empty: no webhook is sent, but
  /// every event is still recorded in the webhook log with status `skipped`.
  std::string webhook_url;
  /// Seed of the random generator behind every generated id (terminal ids, serial numbers, event
  /// ids, request codes...). The same seed and the same requests give the same ids.
  std::uint64_t seed = 1;
  /// Number of commissioned demo terminals (online, available) created at start and on reset().
  std::size_t seed_terminals = 3;
  /// Number of debug devices waiting to be commissioned, created at start and on reset().
  std::size_t seed_devices = 2;
  /// Added before every HTTP response (all routes).
  std::chrono::milliseconds latency{0};
  /// Requests allowed per 60 s window on the Paystack routes (not /_sim); unset: no limit.
  /// When set every authenticated response carries the x-ratelimit-{limit,remaining,reset} headers
  /// and requests over the limit get 429 "Rate limit exceeded!".
  std::optional<unsigned> rate_limit;
  /// Time between a push (send event) and the simulated device picking it up (`delivered`).
  /// 0: delivered before the push request returns. Unset: only through deliver_event() / the
  /// control API. Events to an offline terminal wait until it comes back online.
  std::optional<std::chrono::milliseconds> delivery_delay = std::chrono::milliseconds{500};
  /// Time between an invoice `process` event being delivered and the customer paying on the
  /// device. 0: paid at delivery. Unset: only through approve_payment() / decline_payment().
  std::optional<std::chrono::milliseconds> auto_pay_delay = std::chrono::milliseconds{3000};
  /// Time between the steps of a refund: pending -> processing -> processed (or failed), each
  /// step emitting its refund.* webhook. 0: all steps before the create request returns. Unset:
  /// only through POST /_sim/refunds/{id}/advance (one step each).
  std::optional<std::chrono::milliseconds> refund_delay = std::chrono::milliseconds{2000};
  /// Webhook retries follow Paystack's test-mode schedule (first attempt, then hourly, up to
  /// webhook_max_attempts attempts); every interval is multiplied by this factor. The default
  /// turns one hour into one second. Intervals never go below 1 ms.
  double webhook_time_scale = 1.0 / 3600.0;
  /// Attempts per webhook, the first one included (Paystack test mode: hourly for 10 hours).
  unsigned webhook_max_attempts = 11;
  /// Per-attempt timeout of a webhook POST (Paystack: 30 s).
  std::chrono::milliseconds webhook_timeout{30000};
  /// Serve the live page GET /_sim/ui (every terminal's screen and the customer's buttons, its
  /// icon and its event stream /_sim/ui/stream; doc/simulator.md). false: those routes are 404.
  bool ui = true;
  /// The integration id that appears in resources (and prefixes offline references).
  std::int64_t integration_id = 463433;

  // Robustness limits of the HTTP server.
  std::size_t max_header_bytes = 8 * 1024;  ///< request line + headers; over: 431
  std::size_t max_header_count = 64;        ///< header fields; over: 431
  std::size_t max_body_bytes = 64 * 1024;   ///< over: 413
  std::size_t max_connections = 4096;       ///< further connections are closed on accept
  /// Connections one client address may hold at once (so one client cannot take every slot);
  /// further ones from that address are closed on accept. Every local client shares 127.0.0.1.
  std::size_t max_connections_per_source = 1024;
  std::chrono::milliseconds idle_timeout{30000};  ///< keep-alive wait for the next request
  std::chrono::milliseconds read_timeout{10000};  ///< to read a body / write a response

  // Memory bounds of the simulated state (see doc/server-bounds.md).
  /// Terminals plus debug devices. Adding more (control API, add_terminal(), add_device()) is
  /// refused (HTTP 409); the seeded ones (seed_terminals, seed_devices) always exist.
  std::size_t max_devices = 100000;
  /// Webhooks waiting to be sent (first attempts and retries). When full, the oldest is dropped:
  /// its log entry becomes `failed` with the error "dropped: webhook queue full" (counted).
  std::size_t max_webhook_queue = 1000;
  /// Bytes held by the webhook log (bodies, signatures, attempts). Over: the oldest entries are
  /// dropped (counted). The log also keeps at most 10,000 entries.
  std::size_t max_webhook_log_bytes = 32 * 1024 * 1024;
  /// Bytes held by stored payment requests (their free-form fields). Over: the oldest are dropped
  /// (counted), as at the 100,000-request bound.
  std::size_t max_payment_request_bytes = 64 * 1024 * 1024;
};

/// Result of a control operation.
enum class control_result {
  ok,         ///< done
  not_found,  ///< no such terminal / event / payment request
  conflict,   ///< not possible in the current state (e.g. approving a paid request)
};

/// State of one webhook in the delivery log.
enum class webhook_status {
  pending,    ///< not acknowledged yet, attempts remain
  delivered,  ///< a 2xx answer was received
  failed,     ///< every attempt failed
  skipped,    ///< no webhook_url configured: recorded, never sent
};

/// One POST of a webhook.
struct webhook_attempt {
  std::chrono::system_clock::time_point at;
  unsigned http_status = 0;  ///< 0 when no HTTP answer came back (see error)
  std::string error;         ///< transport error text, empty when an answer came back
};

/// A webhook the simulator emitted, with every attempt to deliver it.
struct webhook_delivery {
  std::uint64_t id = 0;   ///< increasing, in emission order
  std::string event;      ///< e.g. "charge.success"
  std::string body;       ///< the exact bytes POSTed
  std::string signature;  ///< x-paystack-signature: lower-case hex HMAC-SHA512(body, key)
  webhook_status status = webhook_status::pending;
  std::vector<webhook_attempt> attempts;
};

/// A running (or runnable) simulator.
///
/// Thread safety: every member function may be called from any thread concurrently, except that
/// the destructor must not race with other calls. Control functions take effect immediately and
/// are visible to the next HTTP request.
class server {
 public:
  /// Stores the options and builds the seeded state; does not bind or start threads.
  explicit server(server_options options);
  /// Calls stop().
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds and listens on options.bind_address:options.port, then starts the internal threads.
  /// Returns once connections are accepted. Throws boost::system::system_error when binding
  /// fails and std::logic_error when called twice.
  void start();

  /// Graceful shutdown: stops accepting, closes idle keep-alive connections, lets requests in
  /// progress finish (at most ~2 s), stops the device simulation and webhook sender and joins
  /// every thread. Idempotent; safe before start().
  void stop() noexcept;

  /// The bound port (after start()); options.port before.
  std::uint16_t port() const noexcept;
  /// `http://<bind_address>:<port>` without a trailing slash.
  std::string base_url() const;
  /// The options the server was built with.
  const server_options& options() const noexcept;

  // ---- control operations (same effect as the /_sim HTTP routes) -------------------------

  /// Terminal ids of the commissioned terminals, in list order.
  std::vector<std::string> terminal_ids() const;
  /// Serial numbers of the debug devices not commissioned yet.
  std::vector<std::string> device_serials() const;
  /// Serial number of the device behind a terminal id, if that terminal exists.
  std::optional<std::string> serial_of(std::string_view terminal_id) const;
  /// Adds a commissioned terminal (online, available); returns its terminal id, or an empty
  /// string when options.max_devices is reached.
  std::string add_terminal(std::string name = {});
  /// Adds a debug device waiting to be commissioned; returns its serial number, or an empty
  /// string when options.max_devices is reached.
  std::string add_device();
  /// Sets what GET /terminal/{id}/presence reports. Going online releases the events held back
  /// while offline (with the usual delivery delay).
  control_result set_presence(std::string_view terminal_id, bool online, bool available);
  /// Delivers a pushed event now (conflict: already delivered).
  control_result deliver_event(std::string_view event_id);
  /// Keeps a pushed event from being delivered automatically (conflict: already delivered).
  control_result hold_event(std::string_view event_id);
  /// The customer pays the payment request (id or request code) on the device: it becomes paid
  /// and charge.success + paymentrequest.success are emitted. Conflict: not pending, or archived
  /// (an archived request cannot be paid).
  control_result approve_payment(std::string_view id_or_code);
  /// The payment on the device fails: invoice.payment_failed is emitted, the request stays
  /// pending. Conflict: not pending.
  control_result decline_payment(std::string_view id_or_code);
  /// The customer walks away from the terminal showing the payment request (id or request
  /// code): nothing is paid, no webhook is emitted, the terminal is free again and auto-pay
  /// does not happen; the request stays pending (payable later, e.g. by its offline reference).
  /// Not found: no such request. Conflict: not pending, archived, or not shown as an invoice on
  /// a terminal. Same as POST /_sim/payment-requests/{id_or_code}/walk-away.
  control_result walk_away(std::string_view id_or_code);
  /// The customer pays the request whose offline reference is `offline_reference`, with no push
  /// (a late payment): charge.success (no terminal identifier) and paymentrequest.success are
  /// emitted and verify shows it paid. Not found: no such reference. Conflict: not pending, or
  /// archived. Same as POST /_sim/offline-payments/{offline_reference}.
  control_result pay_offline(std::string_view offline_reference);
  /// Registers a fault plan: the next `times` requests carrying `x-sim-fault-id: <id>` get the
  /// fault described by `spec` (same grammar as the x-sim-fault header). Throws
  /// std::invalid_argument on a malformed spec.
  void add_fault(std::string id, std::string spec, unsigned times);
  /// A copy of the webhook log (the most recent 10,000 entries, at most
  /// options.max_webhook_log_bytes), oldest first.
  std::vector<webhook_delivery> webhook_log() const;
  /// Waits until at least `count` log entries are settled (delivered, failed or skipped), or
  /// the timeout passes. Returns whether the condition holds.
  bool wait_for_webhooks(std::size_t count, std::chrono::milliseconds timeout) const;
  /// Back to the seeded state: terminals, devices, payment requests, events, fault counters,
  /// rate-limit window and the webhook log (queued retries are dropped).
  void reset();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The longest delay or latency the command-line options accept: one hour.
inline constexpr std::chrono::milliseconds max_option_delay{3'600'000};

/// Reads the value of a delay option (--delivery-delay, --auto-pay-delay): whole milliseconds
/// from 0 to max_option_delay, or "manual" (std::nullopt: only through the control API).
/// Returns false, leaving `out` alone, for anything else. Shared by `paystack-sim` and
/// `paystack-terminal sim`, so both accept the same values.
bool parse_delay_option(std::string_view text, std::optional<std::chrono::milliseconds>& out);

/// Runs a simulator in the foreground until SIGINT or SIGTERM: starts it, prints where it
/// listens and the terminals and devices it holds to `out` (never the secret key), waits for
/// the signal, then stops it gracefully. Returns 0, or 1 when it could not start (the reason
/// goes to `err`). Used by `paystack-sim` and `paystack-terminal sim`.
int run_until_signal(const server_options& options, std::ostream& out, std::ostream& err);

}  // namespace paystack::sim
