// paystack/limits.hpp: the sizes the client refuses before sending anything.
#pragma once

#include <cstddef>
#include <paystack/export.hpp>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// Longest identifier an operation accepts, in characters: terminal ids, serial numbers, event
/// ids, payment request ids and codes. An empty or longer one completes the operation with
/// error::invalid_argument and sends nothing.
inline constexpr std::size_t max_id_length = 256;

/// Longest list cursor (list_terminals_params::next / previous, from a page's meta), in
/// characters. A longer one is refused with error::invalid_argument.
inline constexpr std::size_t max_cursor_length = 1024;

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
