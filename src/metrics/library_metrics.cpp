// The client library's series (library_metrics.hpp).
#include "metrics/library_metrics.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <paystack/metrics.hpp>

#include "metrics/clear_generation.hpp"
#include "operations.hpp"

namespace paystack {
inline namespace v0 {
namespace detail::library_metrics {

namespace {

struct families {
  metrics::family<metrics::counter>& requests;
  metrics::family<metrics::histogram>& duration;
  metrics::family<metrics::counter>& rate_limited;
  metrics::gauge& tokens;
};

families& get() {
  static families f = [] {
    auto& r = metrics::default_registry();
    return families{
        r.add_counter("paystack_http_requests_total",
                      "HTTP attempts sent to Paystack, by operation and status code (error: no "
                      "reply).",
                      {"operation", "code"}),
        r.add_histogram("paystack_http_request_duration_seconds",
                        "Time of one HTTP attempt to Paystack, by operation.", {"operation"},
                        {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}),
        r.add_counter("paystack_rate_limited_total",
                      "429 answers met (from Paystack, or the rate budget's own), by operation.",
                      {"operation"}),
        r.add_gauge("paystack_rate_budget_tokens",
                    "Tokens the rate budget holds (the shared one: as last seen here).")
            .with()};
  }();
  return f;
}

/// The operation's label: its row's name in the operations table, "other" off the table (and
/// for an empty one), so the label's values stay the table's.
std::string_view label(std::string_view operation) noexcept {
  for (const auto& op : operation_table())
    if (op.name == operation) return op.name;
  return "other";
}

/// The `code` label of `status` (0: "error"), written into `buf`.
std::string_view code_label(unsigned status, std::array<char, 12>& buf) noexcept {
  if (status == 0) return "error";
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), status);
  if (ec != std::errc()) return "error";
  return {buf.data(), static_cast<std::size_t>(end - buf.data())};
}

/// The two series of one (operation, status) as this thread last found them. Keyed by the
/// operation name's address: it is in static storage (paystack/transport.hpp's
/// http_request::operation), so an address always holds the same name.
struct cached_series {
  const char* operation = nullptr;
  std::uint32_t size = 0;
  std::uint32_t status = 0;
  std::uint64_t generation = 0;  ///< metrics::detail::clear_generation when found (0: empty)
  metrics::counter* requests = nullptr;
  metrics::histogram* duration = nullptr;
};

/// Direct-mapped, one per thread: no lock and nothing shared on the way to a series already
/// met; a collision or a clear() costs one lookup in the families (a mutex and a map).
constexpr std::size_t cache_slots = 64;
thread_local constinit std::array<cached_series, cache_slots> cache{};

std::size_t slot(const char* operation, unsigned status) noexcept {
  const auto key = reinterpret_cast<std::uintptr_t>(operation) ^ (std::uintptr_t{status} << 48);
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15u) >> 58);  // 64 slots
}

const cached_series& series(std::string_view operation, unsigned status) {
  const auto generation = metrics::detail::clear_generation.load(std::memory_order_acquire);
  auto& c = cache[slot(operation.data(), status)];
  if (c.operation == operation.data() && c.size == operation.size() && c.status == status &&
      c.generation == generation) [[likely]]
    return c;
  // Found after reading the generation: a clear() in between leaves the entry stale, not wrong.
  auto& f = get();
  const auto name = label(operation);
  std::array<char, 12> buf{};
  c = cached_series{operation.data(),
                    static_cast<std::uint32_t>(operation.size()),
                    status,
                    generation,
                    &f.requests.with({name, code_label(status, buf)}),
                    &f.duration.with({name})};
  return c;
}

/// A 429 (rare: no cache). The rate budget's own (`sent` false) reached nothing: it counts
/// in paystack_rate_limited_total only.
void rate_limited(std::string_view operation, bool sent, double seconds) {
  auto& f = get();
  const auto name = label(operation);
  f.rate_limited.with({name}).inc();
  if (!sent) return;
  f.requests.with({name, "429"}).inc();
  f.duration.with({name}).observe(seconds);
}

}  // namespace

void http_attempt(std::string_view operation, unsigned status, bool sent, double seconds) {
  if (status == 429) return rate_limited(operation, sent, seconds);
  if (status != 0 && !sent) return;  // nothing reached Paystack (not made today: be safe)
  const auto& s = series(operation, status);
  s.requests->inc();
  s.duration->observe(seconds);
}

void rate_budget_tokens(double tokens) noexcept {
  get().tokens.set(tokens);
}

}  // namespace detail::library_metrics
}  // namespace v0
}  // namespace paystack
