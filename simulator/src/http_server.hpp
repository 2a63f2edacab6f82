#pragma once
// The simulator's HTTP/1.1 front end (Beast), and the same parse+handle path without sockets.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine.hpp"

namespace paystack::sim::detail {

/// Serves the engine over HTTP/1.1 keep-alive on one io_context thread it owns.
class http_server {
 public:
  http_server(engine& eng, const server_options& options);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds, listens and starts the thread; returns the bound port. Throws on bind errors.
  std::uint16_t start();
  /// Graceful stop (idle connections closed, busy ones finish within ~2 s); joins. Idempotent.
  void stop() noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Parses `bytes` as one or more pipelined HTTP/1.1 requests, handles them with `eng` and
/// returns the serialised responses (transport faults are reduced to a marker). Never throws on
/// malformed input. This is what the fuzz target drives.
std::string process_raw(engine& eng, const server_options& options, std::string_view bytes);

/// The wire form of a response.
std::string serialize_response(const http_response& r, bool keep_alive);

}  // namespace paystack::sim::detail
