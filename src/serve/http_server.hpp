// The charge service's HTTP/1.1 server: bounded connections, header and body sizes and times
// (doc/server-bounds.md, "Charge service"). Beast stays in http_server.cpp; the service sees
// plain requests and answers through a responder.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace paystack {
inline namespace v0 {
namespace serve {

/// What the server enforces.
struct http_limits {
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 0;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 16 * 1024;
  std::chrono::milliseconds header_timeout{30'000};
  std::chrono::milliseconds io_timeout{10'000};
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_source = 256;
};

/// One request, read in full.
struct http_request {
  std::string method;  ///< "GET", "POST", ...
  std::string target;  ///< path and query
  std::string authorization;
  std::string content_type;
  std::string body;
};

/// The answer side of one request (implemented by the server).
class responder {
 public:
  virtual ~responder() = default;
  /// Writes a complete answer; false when the client is gone. `headers`: extra fields.
  virtual boost::asio::awaitable<bool> send(
      unsigned status, std::string body, std::string_view content_type,
      std::vector<std::pair<std::string, std::string>> headers) = 0;
  /// Starts a streamed answer (200, no length; the connection closes after it).
  virtual boost::asio::awaitable<bool> open_stream(std::string_view content_type) = 0;
  /// Writes a piece of the streamed answer; false when the client is gone.
  virtual boost::asio::awaitable<bool> write(std::string data) = 0;
};

/// The application: answers `req` through `res` (runs on the server's strand).
using http_handler = std::function<boost::asio::awaitable<void>(http_request&, responder&)>;

/// Counters (monotonic).
struct http_server_counts {
  std::atomic<std::uint64_t> requests{0}, too_large{0}, refused{0}, timed_out{0};
};

/// Accepts on `limits.bind_address:port` and runs every connection on `strand`.
class http_server {
 public:
  http_server(boost::asio::strand<boost::asio::any_io_executor> strand, http_limits limits,
              http_handler handler);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;
  /// Binds and listens; throws boost::system::system_error.
  void start();
  /// Closes the acceptor and every connection. Idempotent.
  void stop() noexcept;
  std::uint16_t port() const noexcept;
  const http_server_counts& counts() const noexcept;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

/// `{"error":{"code":...,"message":...}}` (with "field" when not empty).
std::string error_body(std::string_view code, std::string_view message,
                       std::string_view field = {});

}  // namespace serve
}  // namespace v0
}  // namespace paystack
