#pragma once
// The simulator's HTTP/1.1 front end (Beast), and the same parse+handle path without sockets.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
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
  class impl;
  std::unique_ptr<impl> impl_;
};

/// Parses `bytes` as one or more pipelined HTTP/1.1 requests, handles them with `eng` and
/// returns the serialised responses (transport faults are reduced to a marker). Never throws on
/// malformed input. This is what the fuzz target drives.
std::string process_raw(engine& eng, const server_options& options, std::string_view bytes);

/// A request as the Beast parser hands it over.
using http_message = boost::beast::http::request<boost::beast::http::string_body>;

/// The fault for a request (x-sim-fault, x-sim-fault-id), looked up once its header is read:
/// reset=before_read drops the connection before the body.
fault_plan fault_for(engine& eng, const http_message& msg);

/// The answer to one request read in full, before the transport writes it.
struct reply {
  http_response response;
  bool reset = false;       ///< reset=after_read: handled, then the connection is dropped
  bool truncate = false;    ///< half the body is written, then the connection is closed
  bool keep_alive = false;  ///< the client asked for keep-alive and no fault forbids it
};

/// Handles one request: the one path from a parsed request to an answer, shared by the socket
/// server and process_raw() (hence the fuzz target) so they cannot drift.
reply respond(engine& eng, const http_message& msg, const fault_plan& plan);

/// The bytes to write for `r`: the serialised response, cut in half when truncating.
std::string wire_form(const reply& r, bool keep_alive);

/// The wire form of a response.
std::string serialize_response(const http_response& r, bool keep_alive);

/// The head of an event stream (no Content-Length, Connection: close) and its first frame.
std::string serialize_stream_head(const http_response& r);

}  // namespace paystack::sim::detail
