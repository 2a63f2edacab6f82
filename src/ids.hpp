// Identifier checks shared by every client and flow: the one place that applies the limits of
// <paystack/limits.hpp> to what the caller gives, before anything is sent.
#pragma once

#include <paystack/limits.hpp>
#include <string>
#include <string_view>

namespace paystack {
inline namespace v0 {
namespace detail {

/// True when `id` (a terminal id, serial number, event id, payment request id or code) may be
/// sent: 1 to max_id_length characters.
constexpr bool id_ok(std::string_view id) noexcept {
  return !id.empty() && id.size() <= max_id_length;
}

/// Why `id` is refused, naming it `what` ("<what> must not be empty", "<what> is longer than
/// 256 characters"); empty when id_ok(id).
std::string check_id(std::string_view what, std::string_view id);

/// True when a list cursor may be sent: at most max_cursor_length characters.
constexpr bool cursor_ok(std::string_view cursor) noexcept {
  return cursor.size() <= max_cursor_length;
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
