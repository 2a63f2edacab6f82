// The Prometheus text exposition format 0.0.4, written by our code
// (doc/adr/ops-0001-metrics-and-tracing.md): names checked, label values and help text escaped,
// numbers as Prometheus reads them. Private to the library; tests/unit/metrics_test.cpp holds it to
// the format.
#pragma once

#include <paystack/metrics.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace paystack {
inline namespace v0 {
namespace metrics::exposition {

/// [a-zA-Z_:][a-zA-Z0-9_:]*
bool valid_metric_name(std::string_view name) noexcept;
/// [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__".
bool valid_label_name(std::string_view name) noexcept;

/// A label value with `\`, `"` and the line feed escaped (`\\`, `\"`, `\n`).
void append_label_value(std::string& out, std::string_view value);
/// Help text with `\` and the line feed escaped.
void append_help(std::string& out, std::string_view help);
/// A sample value: shortest round-trip decimal, "+Inf", "-Inf", "NaN".
void append_number(std::string& out, double v);

/// "# HELP name help\n# TYPE name type\n".
void write_header(std::string& out, std::string_view name, std::string_view help, metric_type type);
/// `name{l1="v1",...,extra}` value: `extra` (may be empty) is one more label already written
/// as `le="..."`.
void write_sample(std::string& out, std::string_view name, std::span<const std::string> labels,
                  std::span<const std::string> values, std::string_view extra, double value);
/// The `_bucket` lines (cumulative, `+Inf` last), `_sum` and `_count` of one series.
void write_histogram(std::string& out, std::string_view name, std::span<const std::string> labels,
                     std::span<const std::string> values, const histogram& h);

}  // namespace metrics::exposition
}  // namespace v0
}  // namespace paystack
