// paystack/metrics_server.hpp: GET /metrics on a listener of its own (`--metrics-listen` of
// `paystack-terminal serve` and `webhooks listen`; doc/operations.md). It answers GET /metrics
// with metrics::scrape() (text format 0.0.4), GET / with a pointer to it, 404 and 405 to the
// rest; it is bounded like the charge service's API (doc/server-bounds.md: connections, header
// and body sizes, times) and never shares a port with the webhook receiver or the API. There
// is no token: bind it to loopback or a private network, where Prometheus scrapes it.
// Part of paystack::paystack.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <paystack/export.hpp>
#include <string>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// Where metrics_server listens and how many connections it keeps.
struct metrics_server_options {
  /// The address to bind (loopback by default: the listener has no token).
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 0;  ///< 0: an ephemeral port (port() says which)
  /// Open connections at most; more are closed on accept.
  std::size_t max_connections = 64;
};

/// Thread safety: start(), stop(), port() and url() may be called from any thread. The
/// executor must outlive the server's work; the destructor calls stop().
class metrics_server {
 public:
  /// Makes a server that listens nowhere until start().
  metrics_server(boost::asio::any_io_executor executor, metrics_server_options options);
  ~metrics_server();
  metrics_server(const metrics_server&) = delete;
  metrics_server& operator=(const metrics_server&) = delete;
  /// Binds and listens; throws boost::system::system_error (address in use, not local).
  void start();
  /// Closes the listener and its connections. Idempotent.
  void stop() noexcept;
  /// The bound port (0 before start()).
  std::uint16_t port() const noexcept;
  /// `http://<bind_address>:<port>/metrics`.
  std::string url() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
