#include <boost/beast/core/string.hpp>
#include <paystack/transport.hpp>

namespace paystack {
inline namespace v0 {
namespace {

std::string_view find_header(const std::vector<std::pair<std::string, std::string>>& headers,
                             std::string_view name) noexcept {
  for (const auto& [k, v] : headers) {
    if (boost::beast::iequals(k, name)) return v;
  }
  return {};
}

}  // namespace

std::string_view to_string(http_method m) noexcept {
  switch (m) {
    case http_method::get:
      return "GET";
    case http_method::post:
      return "POST";
    case http_method::put:
      return "PUT";
    case http_method::delete_:
      return "DELETE";
  }
  return "";
}

std::string_view http_request::header(std::string_view name) const noexcept {
  return find_header(headers, name);
}

std::string_view http_reply::header(std::string_view name) const noexcept {
  return find_header(headers, name);
}

}  // namespace v0
}  // namespace paystack
