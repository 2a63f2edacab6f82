// The client library's series (library_metrics.hpp).
#include "metrics/library_metrics.hpp"

#include <charconv>
#include <paystack/metrics.hpp>

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

}  // namespace

void http_attempt(std::string_view operation, unsigned status, bool sent, double seconds) {
  auto& f = get();
  if (operation.empty()) operation = "other";
  if (status == 429) f.rate_limited.with({operation}).inc();
  if (status != 0 && !sent) return;  // the budget's own 429: nothing reached Paystack
  char buf[8];
  std::string_view code = "error";
  if (status != 0) {
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, status);
    if (ec == std::errc()) code = std::string_view(buf, static_cast<std::size_t>(end - buf));
  }
  f.requests.with({operation, code}).inc();
  f.duration.with({operation}).observe(seconds);
}

void rate_budget_tokens(double tokens) noexcept {
  get().tokens.set(tokens);
}

}  // namespace detail::library_metrics
}  // namespace v0
}  // namespace paystack
