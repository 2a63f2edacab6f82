// The built-in transport: Asio sockets over TCP, with TLS (OpenSSL) for https, and a bounded pool
// of keep-alive connections. See doc/adr/0003-transport.md.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <paystack/transport.hpp>
#include <string>
#include <utility>
#include <vector>

#include "http/endpoint.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

struct transport_settings {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds idle_read_timeout{10'000};
  std::size_t max_connections = 16;
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::string ca_file;  ///< empty: the system store
};

/// Creates the transport; `strand` serialises its state. Fails (ec, detail) only when the TLS
/// context cannot be set up (e.g. an unreadable ca_file).
std::shared_ptr<transport> make_builtin_transport(boost::asio::any_io_executor strand, endpoint ep,
                                                  transport_settings settings,
                                                  boost::system::error_code& ec,
                                                  std::string& detail);

}  // namespace detail
}  // namespace v0
}  // namespace paystack
