#include "http/endpoint.hpp"

#include <algorithm>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <cctype>
#include <paystack/error.hpp>

namespace paystack {
inline namespace v0 {
namespace detail {

bool is_loopback_host(std::string_view host) noexcept {
  // An IP literal only: a name ("localhost", "127.0.0.1.nip.io") is whatever the resolver says,
  // and a dotted text that is not an address ("127.0.0.256") goes to the resolver too.
  if (auto v4 = boost::urls::parse_ipv4_address(host)) return v4->is_loopback();
  if (auto v6 = boost::urls::parse_ipv6_address(host)) return v6->is_loopback();
  return false;
}

boost::system::error_code parse_endpoint(std::string_view url, bool allow_insecure_http,
                                         endpoint& out, std::string& detail) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    detail = "base URL is not a valid absolute URL";
    return error::invalid_base_url;
  }
  const auto& u = *parsed;
  std::string scheme(u.scheme());
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme != "https" && scheme != "http") {
    detail = "base URL scheme must be https or http";
    return error::invalid_base_url;
  }
  if (u.has_userinfo() || u.has_query() || u.has_fragment()) {
    detail = "base URL must not contain user info, a query or a fragment";
    return error::invalid_base_url;
  }
  endpoint ep;
  ep.tls = scheme == "https";
  ep.host = std::string(u.host_address());
  if (ep.host.empty()) {
    detail = "base URL has no host";
    return error::invalid_base_url;
  }
  std::transform(ep.host.begin(), ep.host.end(), ep.host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // With an authority the path is empty or starts with '/'. Boost.URL 1.81 reads
  // "http://127.0.0.1.nip.io:8080" as host 127.0.0.1, path ".nip.io:8080": refused, or the
  // request would go to 127.0.0.1:80.
  if (!u.encoded_path().empty() && u.encoded_path().front() != '/') {
    detail = "base URL has a host that is not a valid address or name";
    return error::invalid_base_url;
  }
  ep.loopback = is_loopback_host(ep.host);  // on the parsed address, not on how it looks
  if (!ep.tls && !ep.loopback && !allow_insecure_http) {
    detail =
        "plain http:// is accepted only for a loopback address (127.0.0.0/8, [::1]); use "
        "https:// (or set allow_insecure_http)";
    return error::insecure_transport;
  }
  const bool default_port =
      !u.has_port() || u.port().empty() || (ep.tls ? u.port() == "443" : u.port() == "80");
  ep.port = u.has_port() && !u.port().empty() ? std::string(u.port()) : (ep.tls ? "443" : "80");
  const bool ipv6 = u.host_type() == boost::urls::host_type::ipv6;
  ep.host_header = ipv6 ? "[" + ep.host + "]" : ep.host;
  if (!default_port) ep.host_header += ":" + ep.port;
  std::string path(u.encoded_path());
  while (!path.empty() && path.back() == '/') path.pop_back();
  ep.path_prefix = std::move(path);
  out = std::move(ep);
  return {};
}

target_builder& target_builder::literal(std::string_view segment) {
  target_ += '/';
  target_ += segment;
  return *this;
}

target_builder& target_builder::segment(std::string_view value) {
  target_ += '/';
  if (value == "." || value == "..") {
    // Dot segments would be removed by URL normalisation (RFC 3986 5.2.4) in servers and
    // proxies, changing the path: send them encoded.
    for (std::size_t i = 0; i < value.size(); ++i) target_ += "%2E";
    return *this;
  }
  boost::urls::encode(value, boost::urls::unreserved_chars, {},
                      boost::urls::string_token::append_to(target_));
  return *this;
}

target_builder& target_builder::query(std::string_view name, std::string_view value) {
  target_ += has_query_ ? '&' : '?';
  has_query_ = true;
  target_ += name;
  target_ += '=';
  boost::urls::encode(value, boost::urls::unreserved_chars, {},
                      boost::urls::string_token::append_to(target_));
  return *this;
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
