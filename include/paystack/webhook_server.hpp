// paystack/webhook_server.hpp: a small Beast HTTP server that receives Paystack webhooks.
//
// For every POST it: refuses a source address outside the allow-list (403, when enabled),
// refuses a body over max_body_bytes (413), verifies x-paystack-signature over the raw bytes
// before parsing anything (401), parses (400 when a signed body is not an event), answers 200
// at once, drops a duplicate delivery (still 200, so Paystack stops retrying) and hands every
// new event to on_event and to feed() subscribers. Other methods get 405.
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
#include <paystack/webhook.hpp>
#include <string>
#include <vector>

namespace paystack {

/// Paystack's documented webhook source addresses (test and live).
inline const std::vector<std::string>& paystack_webhook_addresses() {
  static const std::vector<std::string> a{"52.31.139.75", "52.49.173.169", "52.214.14.220"};
  return a;
}

struct webhook_server_options {
  /// HMAC key. Empty: read PAYSTACK_SECRET_KEY; start() throws std::invalid_argument when there
  /// is none. Never logged, never in an error message.
  std::string secret_key;
  /// Listen address and port; port 0 picks an ephemeral port (read it with port()).
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 0;
  /// Only this request path is served (others: 404). Empty: any path.
  std::string path;
  /// Larger bodies are refused with 413 before they are read in full.
  std::size_t max_body_bytes = 1024 * 1024;
  /// When true, only connections from `allowed_sources` are served (others: 403).
  bool restrict_sources = false;
  std::vector<std::string> allowed_sources = paystack_webhook_addresses();
  /// Time to read one request and to write its answer; idle keep-alive connections close after
  /// it as well.
  std::chrono::milliseconds io_timeout{10'000};
  /// Further connections are closed on accept.
  std::size_t max_connections = 256;
  /// Remembers deliveries already handed over. Null: make_memory_dedup_store().
  std::shared_ptr<webhook_dedup_store> dedup;
  /// Called (on the server's executor) for each new, verified event. May be empty.
  std::function<void(const webhook_event&)> on_event;
};

/// Counters of what the server did (monotonic).
struct webhook_server_stats {
  std::uint64_t requests = 0;       ///< HTTP requests answered
  std::uint64_t accepted = 0;       ///< new events handed over
  std::uint64_t duplicates = 0;     ///< valid deliveries dropped as duplicates
  std::uint64_t bad_signature = 0;  ///< 401
  std::uint64_t too_large = 0;      ///< 413
  std::uint64_t forbidden = 0;      ///< 403
  std::uint64_t bad_request = 0;    ///< 400, 404, 405
};

/// Thread safety: start(), stop(), port(), url(), feed() and stats() may be called from any
/// thread. Connections run on the executor given to the constructor (run it: an io_context
/// thread, a thread pool). on_event and feed() subscribers are called on that executor, after
/// the 200 answer was started; they must not block it for long.
/// Lifetime: the destructor calls stop(); handlers already running finish first only if the
/// executor is still being run.
class webhook_server {
 public:
  webhook_server(boost::asio::any_io_executor executor, webhook_server_options options = {});
  ~webhook_server();
  webhook_server(const webhook_server&) = delete;
  webhook_server& operator=(const webhook_server&) = delete;

  /// Binds and listens. Throws boost::system::system_error when binding fails,
  /// std::invalid_argument without a secret key, std::logic_error when called twice.
  void start();
  /// Stops accepting and closes every connection. Idempotent; safe before start().
  void stop() noexcept;

  /// The bound port (after start()).
  std::uint16_t port() const noexcept;
  /// `http://<bind_address>:<port><path or "/">`, e.g. to give the simulator as webhook_url.
  std::string url() const;
  /// The feed every accepted event is published to; give it to charge_params::webhooks.
  std::shared_ptr<webhook_feed> feed() const noexcept;
  webhook_server_stats stats() const noexcept;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace paystack
