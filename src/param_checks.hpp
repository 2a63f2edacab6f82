// Argument checks shared by the transaction and refund operations: numeric ids, optional text
// filters, page numbers. Each returns why the argument is refused, or "" when it may be sent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "ids.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

/// "<what> must be a positive integer" unless `id` >= 1.
inline std::string check_positive(std::string_view what, std::int64_t id) {
  if (id >= 1) return {};
  return std::string(what) + " must be a positive integer";
}

/// check_positive for an optional number (absent is fine).
inline std::string check_positive(std::string_view what, const std::optional<std::int64_t>& v) {
  return v ? check_positive(what, *v) : std::string();
}

/// check_id for an optional text filter (absent is fine; given, it must be 1 to max_id_length
/// characters).
inline std::string check_filter(std::string_view what, const std::optional<std::string>& v) {
  return v ? check_id(what, *v) : std::string();
}

/// The first non-empty of `checks` (all evaluated), or "".
template <class... S>
std::string first_problem(S&&... checks) {
  std::string out;
  ((out.empty() ? void(out = std::forward<S>(checks)) : void()), ...);
  return out;
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
