// The API endpoint parsed from the base URL, and percent-encoded request targets.
#pragma once

#include <boost/system/error_code.hpp>
#include <string>
#include <string_view>

namespace paystack {
inline namespace v0 {
namespace detail {

struct endpoint {
  bool tls = true;
  std::string host;         ///< without IPv6 brackets
  std::string port;         ///< always set ("443", "80" or explicit)
  std::string host_header;  ///< Host header value: host[:port], brackets for IPv6
  std::string path_prefix;  ///< "" or e.g. "/v1" (no trailing slash)
  bool loopback = false;    ///< host is an IP literal in 127.0.0.0/8 or ::1
};

/// True for an IP literal in 127.0.0.0/8 or ::1. A name is never loopback, "localhost"
/// included: what it resolves to is not known here (doc/adr/0003-transport.md).
bool is_loopback_host(std::string_view host) noexcept;

/// Parses `url` (http or https, no query, fragment or user info; the path empty or starting
/// with '/'). Plain http is accepted for loopback addresses, or any host when
/// allow_insecure_http.
boost::system::error_code parse_endpoint(std::string_view url, bool allow_insecure_http,
                                         endpoint& out, std::string& detail);

/// Builds "/prefix/seg/seg?k=v&k=v" with every segment and query value percent-encoded
/// (RFC 3986 unreserved characters only), so "../x?y" stays one segment.
class target_builder {
 public:
  explicit target_builder(std::string_view prefix) : target_(prefix) {}
  /// A fixed path segment from the library itself (not encoded).
  target_builder& literal(std::string_view segment);
  /// A segment from the caller: percent-encoded.
  target_builder& segment(std::string_view value);
  /// A query parameter; name is fixed by the library, value is percent-encoded.
  target_builder& query(std::string_view name, std::string_view value);
  std::string str() && { return std::move(target_); }

 private:
  std::string target_;
  bool has_query_ = false;
};

}  // namespace detail
}  // namespace v0
}  // namespace paystack
