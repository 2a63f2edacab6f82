// The client library's own series (src/metrics/library_metrics.*), as scrape() exposes them:
// every HTTP attempt counted exactly from many threads through the per-thread cache of series,
// operations off the table counted as `other`, and a family cleared under the cache.
#include "metrics/library_metrics.hpp"

#include <gtest/gtest.h>

#include <paystack/metrics.hpp>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using paystack::detail::library_metrics::http_attempt;

/// The value of the exposed line that starts with `series` (its name and labels), or -1.
double exposed(std::string_view series) {
  const auto text = paystack::metrics::scrape();
  const auto line = "\n" + std::string(series) + " ";
  const auto at = text.find(line);
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + line.size()));
}

/// As exposed(), 0 for a series not made yet.
double count(std::string_view series) {
  const double v = exposed(series);
  return v < 0 ? 0 : v;
}

constexpr std::string_view ok =
    R"(paystack_http_requests_total{operation="send_event",code="200"})";
constexpr std::string_view failed =
    R"(paystack_http_requests_total{operation="send_event",code="error"})";
constexpr std::string_view other_error =
    R"(paystack_http_requests_total{operation="other",code="error"})";
constexpr std::string_view other_503 =
    R"(paystack_http_requests_total{operation="other",code="503"})";
constexpr std::string_view send_event_seconds =
    R"(paystack_http_request_duration_seconds_count{operation="send_event"})";
constexpr std::string_view other_seconds =
    R"(paystack_http_request_duration_seconds_count{operation="other"})";

TEST(LibraryMetrics, attempts_are_counted_exactly_from_many_threads) {
  const double ok0 = count(ok), failed0 = count(failed), seconds0 = count(send_event_seconds);
  constexpr int threads = 4, per_thread = 5000;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([] {
      for (int i = 0; i < per_thread; ++i) {
        http_attempt("send_event", 200, true, 0.01);
        if (i % 5 == 0) http_attempt("send_event", 0, true, 0.5);
        http_attempt("fetch_terminal", 200, true, 0.01);  // another pair, another slot
      }
    });
  }
  for (auto& t : pool) t.join();
  EXPECT_EQ(exposed(ok) - ok0, threads * per_thread);
  EXPECT_EQ(exposed(failed) - failed0, threads * per_thread / 5);
  EXPECT_EQ(exposed(send_event_seconds) - seconds0, threads * per_thread * 6 / 5);
}

TEST(LibraryMetrics, an_empty_or_unknown_operation_counts_as_other) {
  const double error0 = count(other_error), s503 = count(other_503),
               seconds0 = count(other_seconds);
  http_attempt("", 0, true, 0.1);
  http_attempt("no_such_operation", 503, true, 0.1);
  http_attempt("no_such_operation", 503, true, 0.1);  // the second: from the cache
  http_attempt(std::string_view(), 0, true, 0.1);
  EXPECT_EQ(exposed(other_error) - error0, 2);
  EXPECT_EQ(exposed(other_503) - s503, 2);
  EXPECT_EQ(exposed(other_seconds) - seconds0, 4);
  EXPECT_EQ(paystack::metrics::scrape().find("no_such_operation"), std::string::npos);
}

TEST(LibraryMetrics, a_cleared_family_is_found_again) {
  auto& requests = paystack::metrics::default_registry().add_counter("paystack_http_requests_total",
                                                                     "", {"operation", "code"});
  http_attempt("send_event", 200, true, 0.01);  // in this thread's cache now
  ASSERT_GE(exposed(ok), 1);
  requests.clear();  // the cached series are gone
  EXPECT_EQ(exposed(ok), -1);
  http_attempt("send_event", 200, true, 0.01);
  EXPECT_EQ(exposed(ok), 1);
}

TEST(LibraryMetrics, a_429_counts_as_rate_limited_and_as_an_attempt_only_when_sent) {
  constexpr std::string_view limited = R"(paystack_rate_limited_total{operation="send_event"})";
  constexpr std::string_view sent429 =
      R"(paystack_http_requests_total{operation="send_event",code="429"})";
  const double limited0 = count(limited), sent0 = count(sent429);
  http_attempt("send_event", 429, true, 0.01);
  http_attempt("send_event", 429, false, 0);  // the rate budget's own: nothing sent
  EXPECT_EQ(exposed(limited) - limited0, 2);
  EXPECT_EQ(exposed(sent429) - sent0, 1);
}

}  // namespace
