// paystack/webhook_server.hpp: a small Beast HTTP server that receives Paystack webhooks.
//
// It closes a connection from outside the allow-list (when enabled) as soon as it is accepted.
// For every POST it: refuses a header block over max_header_bytes (431), a body over
// max_body_bytes or chunk framing over its caps (413), answers `Expect: 100-continue`, verifies
// x-paystack-signature over the raw bytes before parsing anything (401), parses (400 when a
// signed body is not an event), answers 200 at once, drops a duplicate delivery (still 200, so
// Paystack stops retrying) and hands every new event to on_event and to feed() subscribers.
// Other methods get 405.
//
// Bounded (see doc/server-bounds.md): memory per connection is at most the read buffer
// (max(max_header_bytes, max_chunk_line_bytes + max_trailer_bytes + 5) bytes), the parsed header
// fields and trailer (within those caps) and the body (max_body_bytes); at most max_connections
// connections, max_connections_per_source from one address. A connection that has not sent a
// full header block within header_timeout is closed; when a limit is full, the connection that
// has waited longest for its header block is closed to make room for the new one.
//
// Plain HTTP only: put it behind a TLS-terminating proxy in production (Paystack requires an
// https webhook URL). Behind a proxy, the source address check sees the proxy; leave it off and
// filter at the proxy instead.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <paystack/export.hpp>
#include <paystack/webhook.hpp>
#include <string>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

class charge_store;

/// Paystack's documented webhook source addresses (test and live).
inline const std::vector<std::string>& paystack_webhook_addresses() {
  static const std::vector<std::string> a{"52.31.139.75", "52.49.173.169", "52.214.14.220"};
  return a;
}

/// The most merchant keys a webhook_server takes: each request costs one HMAC per key.
inline constexpr std::size_t max_merchant_keys = 1000;

/// Configuration of a webhook_server: key, address, path, and the bounds it enforces.
struct webhook_server_options {
  /// HMAC key. Empty (and no merchant_keys): read PAYSTACK_SECRET_KEY; start() throws
  /// std::invalid_argument when there is none. Never logged, never in an error message.
  std::string secret_key;
  /// Several merchants in one receiver (doc/webhooks.md, "Several merchants"; ADR 0009): each
  /// request is verified against every key (match_webhook_signature: constant time each, all
  /// of them always, so which key matched does not show in the timing), and the event is
  /// handed over with webhook_event::merchant set to the merchant whose key verified it; its
  /// de-duplication and store keys are scoped by that merchant. Set it or secret_key, not both:
  /// start() throws std::invalid_argument for both, for more than max_merchant_keys entries, an
  /// invalid (valid_merchant_name) or repeated merchant name, an empty or repeated key (the
  /// message names the merchant, never a key).
  std::vector<merchant_key> merchant_keys;
  /// Listen address.
  std::string bind_address = "127.0.0.1";
  /// Listen port; 0 picks an ephemeral port (read it with port()).
  std::uint16_t port = 0;
  /// Only this request path is served (others: 404). Empty: any path.
  std::string path;
  /// Larger bodies are refused with 413 before they are read in full (from Content-Length, or as
  /// soon as the chunks pass it). Default 1 MiB.
  std::size_t max_body_bytes = 1024 * 1024;
  /// The request line and header fields, with their CRLFs: a longer header block is answered 431
  /// and the connection closed. Default 16 KiB.
  std::size_t max_header_bytes = 16 * 1024;
  /// One chunk-size line of a chunked body with its chunk extensions (without the CRLF): a longer
  /// one is answered 413 and the connection closed. Default 1 KiB.
  std::size_t max_chunk_line_bytes = 1024;
  /// The trailer section after a chunked body's last chunk (fields and the final CRLF): a longer
  /// one is answered 413 and the connection closed. Default 4 KiB.
  std::size_t max_trailer_bytes = 4 * 1024;
  /// When true, only connections from `allowed_sources` are served; others are closed as soon as
  /// they are accepted, before anything is read (counted in stats().forbidden).
  bool restrict_sources = false;
  /// Source addresses served when restrict_sources is set (default: Paystack's,
  /// paystack_webhook_addresses()).
  std::vector<std::string> allowed_sources = paystack_webhook_addresses();
  /// Time from accepting a connection (or from the end of the previous answer on a keep-alive
  /// connection) to the end of the request's header block. A connection that is slower, or idle,
  /// is closed without an answer. Default 5 s.
  std::chrono::milliseconds header_timeout{5'000};
  /// Time to read one request's body, and to write each answer. Default 10 s.
  std::chrono::milliseconds io_timeout{10'000};
  /// Open connections at most. When full, a new connection closes the one that has waited longest
  /// for its header block (idle, or still sending it); when none is, the new one is closed.
  /// Default 256.
  std::size_t max_connections = 256;
  /// Open connections from one source address at most (IPv4-mapped IPv6 counts as IPv4). When
  /// full, a new connection from that address closes that address's connection that has waited
  /// longest for its header block; when none is, the new one is closed. Behind a proxy every
  /// connection comes from the proxy: raise it to max_connections. Default 32.
  std::size_t max_connections_per_source = 32;
  /// Remembers deliveries already handed over. Null: make_memory_dedup_store(). Not used when
  /// `store` is set.
  std::shared_ptr<webhook_dedup_store> dedup;
  /// A charge store (open_charge_store): each verified event is recorded in it under its
  /// semantic key (webhook_semantic_key) before the 200 is sent, and an event whose key is
  /// recorded already (a replay, also to a restarted receiver) is answered 200 and not handed
  /// over again. When the store cannot record it, the answer is 503 (Paystack delivers it
  /// again) and nothing is handed over.
  std::shared_ptr<charge_store> store;
  /// Called (on the server's executor) for each new, verified event. May be empty.
  std::function<void(const webhook_event&)> on_event;
};

/// Counters of what the server did (monotonic).
struct webhook_server_stats {
  std::uint64_t requests = 0;          ///< HTTP requests answered
  std::uint64_t accepted = 0;          ///< new events handed over
  std::uint64_t duplicates = 0;        ///< valid deliveries dropped as duplicates
  std::uint64_t bad_signature = 0;     ///< 401
  std::uint64_t too_large = 0;         ///< 413
  std::uint64_t forbidden = 0;         ///< connections closed on accept: not an allowed source
  std::uint64_t bad_request = 0;       ///< 400, 404, 405
  std::uint64_t header_too_large = 0;  ///< 431
  std::uint64_t timed_out = 0;       ///< connections closed for not sending a header block in time
  std::uint64_t evicted = 0;         ///< connections closed to make room for a new one
  std::uint64_t refused = 0;         ///< connections closed on accept: a limit full, none to evict
  std::uint64_t store_failures = 0;  ///< 503: the charge store could not record an event
};

/// Thread safety: start(), stop(), port(), url(), feed() and stats() may be called from any
/// thread. Connections run on the executor given to the constructor (run it: an io_context
/// thread, a thread pool). on_event and feed() subscribers are called on that executor, after
/// the 200 answer was started; they must not block it for long.
/// Lifetime: the destructor calls stop(); handlers already running finish first only if the
/// executor is still being run.
class webhook_server {
 public:
  /// Creates a server that runs on `executor`; nothing is bound before start().
  webhook_server(boost::asio::any_io_executor executor, webhook_server_options options = {});
  ~webhook_server();
  webhook_server(const webhook_server&) = delete;
  webhook_server& operator=(const webhook_server&) = delete;

  /// Binds and listens. Throws boost::system::system_error when binding fails,
  /// std::invalid_argument without a secret key or with merchant_keys it refuses (see
  /// webhook_server_options::merchant_keys), std::logic_error when called twice.
  void start();
  /// Stops accepting and closes every connection. Idempotent; safe before start().
  void stop() noexcept;

  /// The bound port (after start()).
  std::uint16_t port() const noexcept;
  /// `http://<bind_address>:<port><path or "/">`, e.g. to give the simulator as webhook_url.
  std::string url() const;
  /// The feed every accepted event is published to; give it to charge_params::webhooks.
  std::shared_ptr<webhook_feed> feed() const noexcept;
  /// Counters of what the server accepted and refused so far.
  webhook_server_stats stats() const noexcept;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
