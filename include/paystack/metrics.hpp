// paystack/metrics.hpp: the library's metrics (doc/operations.md,
// doc/adr/ops-0001-metrics-and-tracing.md).
//
// One registry per process (default_registry()) holds counters, gauges and histograms, each a
// family of series told apart by label values. The library feeds it from the one place each
// thing happens (every HTTP attempt, the rate budget, the charge stages, the stores, the webhook
// receiver, the leases, the inbox); scrape() writes it in the Prometheus text exposition format
// 0.0.4, with our own code (no client library). Recording is a few atomic operations and, for a
// labelled family, one lookup under a mutex; nothing is formatted until someone scrapes.
//
// Label values must come from bounded sets (an operation's name, an HTTP status, an outcome, a
// terminal of the integration): never a key, a request code, an amount or anything a client
// sends.
//
// Thread safety: every member of every class here may be called from any thread. Families and
// series live as long as their registry (default_registry(): the whole process), so the
// references returned stay valid.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <paystack/export.hpp>
#include <string>
#include <string_view>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {
namespace metrics {

/// A value that only goes up (`_total`).
class counter {
 public:
  /// Adds `by` (must not be negative: ignored when it is).
  void inc(double by = 1) noexcept {
    if (by >= 0) value_.fetch_add(by, std::memory_order_relaxed);
  }
  /// The current total.
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

/// A value that goes up and down.
class gauge {
 public:
  /// Sets the value.
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  /// Adds `by`.
  void inc(double by = 1) noexcept { value_.fetch_add(by, std::memory_order_relaxed); }
  /// Subtracts `by`.
  void dec(double by = 1) noexcept { value_.fetch_sub(by, std::memory_order_relaxed); }
  /// The current value.
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

/// Observations counted into buckets with fixed upper bounds (plus +Inf), with their sum.
class histogram {
 public:
  /// `bounds`: the buckets' upper bounds, ascending (the family's).
  explicit histogram(const std::vector<double>* bounds);
  /// Counts `v` in the first bucket whose bound is >= v (+Inf at last) and adds it to the sum.
  void observe(double v) noexcept;
  /// The observations of each bucket (not cumulative), +Inf last.
  std::vector<std::uint64_t> bucket_counts() const;
  /// The number of observations.
  std::uint64_t count() const noexcept;
  /// The sum of the observations.
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }
  /// The buckets' upper bounds (without +Inf).
  const std::vector<double>& bounds() const noexcept { return *bounds_; }

 private:
  const std::vector<double>* bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

/// What a family holds.
enum class metric_type { counter, gauge, histogram };

namespace detail {
struct family_data;
}

/// The series of one metric, by label values.
template <class Metric>
class family {
 public:
  /// The series with these label values (in the order of the family's label names), made on
  /// first use. Throws std::invalid_argument when their number differs from the labels'.
  Metric& with(std::initializer_list<std::string_view> label_values = {});
  /// Forgets every series (e.g. terminals that left the fleet); references to them dangle.
  void clear();

 private:
  friend class registry;
  explicit family(detail::family_data* d) : d_(d) {}
  detail::family_data* d_;
};

extern template class family<counter>;
extern template class family<gauge>;
extern template class family<histogram>;

/// A set of metric families and how to expose them.
class registry {
 public:
  registry();
  ~registry();
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  /// Registers (or finds) a family. `name` matches [a-zA-Z_:][a-zA-Z0-9_:]*, each label name
  /// [a-zA-Z_][a-zA-Z0-9_]* and not "le" for a histogram nor starting with "__". A name already
  /// registered with the same type, labels (and buckets) returns the same family; with others,
  /// std::invalid_argument. `help` is one line of text.
  family<counter>& add_counter(std::string_view name, std::string_view help,
                               std::vector<std::string> labels = {});
  /// Registers (or finds) a gauge family, as add_counter().
  family<gauge>& add_gauge(std::string_view name, std::string_view help,
                           std::vector<std::string> labels = {});
  /// `buckets`: ascending upper bounds, finite, at least one (+Inf is added).
  family<histogram>& add_histogram(std::string_view name, std::string_view help,
                                   std::vector<std::string> labels, std::vector<double> buckets);

  /// A series without labels whose value `read` gives at each exposition (process metrics).
  /// `read` runs on the scraping thread; it must not call this registry.
  void add_callback(std::string_view name, std::string_view help, metric_type type,
                    std::function<double()> read);

  /// Every family, sorted by name, in the text exposition format 0.0.4 (`# HELP`, `# TYPE`, one
  /// line per series; histograms as cumulative `_bucket{le=...}` with `+Inf`, `_sum`, `_count`).
  std::string expose() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The process's registry: the one the library feeds. It holds process_resident_memory_bytes,
/// process_cpu_seconds_total and process_open_fds (read from /proc/self at each exposition).
registry& default_registry();

/// default_registry().expose(): what GET /metrics serves.
std::string scrape();

/// The Content-Type of expose()'s text.
inline constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace metrics
}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
