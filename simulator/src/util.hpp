#pragma once
// Small string helpers shared by the simulator's translation units.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paystack::sim::detail {

/// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b) noexcept;
/// Trims spaces and tabs at both ends.
std::string_view trim(std::string_view s) noexcept;
/// Splits on `sep`, dropping empty pieces.
std::vector<std::string_view> split(std::string_view s, char sep);
/// Decodes %XX and '+' (as space). Invalid escapes are kept as they are.
std::string percent_decode(std::string_view s);
/// The decoded value of `name` in a query string (`a=1&b=2`), if present.
std::optional<std::string> query_param(std::string_view query, std::string_view name);
/// Parses a non-negative decimal integer (no sign, at most 18 digits).
std::optional<std::int64_t> parse_uint(std::string_view s) noexcept;
/// Standard base64 (with padding).
std::string base64_encode(std::string_view in);
std::optional<std::string> base64_decode(std::string_view in);
/// `2021-05-17T14:48:53.269Z`
std::string iso8601(std::chrono::system_clock::time_point tp);
/// Reason phrase of an HTTP status ("Not Found"), or "Unknown".
std::string_view reason_phrase(unsigned status) noexcept;

/// Whether `s` begins with `prefix`.
bool starts_with(std::string_view s, std::string_view prefix) noexcept;
/// The current time, as iso8601().
std::string now_iso();

}  // namespace paystack::sim::detail
