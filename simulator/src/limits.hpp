#pragma once
// The byte bounds of paystack-sim: how large each stored field may be, the UTF-8 rule for
// client input, and the counters GET /_sim/stats shows. The figures are written down in
// doc/simulator.md ("Limits") and doc/server-bounds.md; Paystack documents none of them.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace paystack::sim::detail {

/// Field bounds (bytes of UTF-8, or of the serialised JSON for free-form values). Over: 400.
namespace field_limit {
inline constexpr std::size_t description = 2048;  ///< payment request description
inline constexpr std::size_t name = 256;          ///< item/tax names, terminal name and address
inline constexpr std::size_t customer = 128;      ///< customer code
inline constexpr std::size_t due_date = 64;       ///< payment request due_date
inline constexpr std::size_t metadata = 4096;     ///< payment request metadata, serialised
inline constexpr std::size_t items = 8192;        ///< line_items (and tax), serialised, each
inline constexpr std::size_t serial = 64;         ///< device serial numbers
inline constexpr std::size_t fault_id = 128;      ///< x-sim-fault-id / POST /_sim/faults id
}  // namespace field_limit

/// GET /_sim/webhooks pages: entries per page (default, most) and a soft byte bound per page.
inline constexpr std::size_t webhook_page_default = 100;
inline constexpr std::size_t webhook_page_max = 1000;
inline constexpr std::size_t webhook_page_bytes = 1024 * 1024;

/// `"<field>" must be at most N bytes`
std::string too_long(std::string_view field, std::size_t max);

/// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or code points > U+10FFFF).
bool valid_utf8(std::string_view s) noexcept;
/// `s` with every ill-formed sequence replaced by U+FFFD.
std::string to_valid_utf8(std::string_view s);

/// Counters shared by the HTTP server, the webhook sender and the engine (GET /_sim/stats).
/// Cumulative since the server was built; reset() leaves them alone.
struct sim_counters {
  std::atomic<std::uint64_t> webhook_queue_length{0};
  std::atomic<std::uint64_t> webhook_queue_dropped{0};
  std::atomic<std::uint64_t> connections_open{0};
  std::atomic<std::uint64_t> connections_refused{0};             ///< max_connections reached
  std::atomic<std::uint64_t> connections_refused_per_source{0};  ///< per-source limit reached
};

}  // namespace paystack::sim::detail
