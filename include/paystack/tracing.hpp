// paystack/tracing.hpp: tracing hooks (doc/operations.md "Tracing",
// doc/adr/ops-0001-metrics-and-tracing.md).
//
// The library opens a span per HTTP attempt ("paystack.http.attempt": operation, http.method,
// attempt; at its end http.status_code or error) and per charge stage
// ("paystack.charge.checking_presence", ".creating_request", ".pushing_event",
// ".awaiting_delivery", ".awaiting_payment": terminal_id; at its end outcome on the last
// one), through the tracer set with set_tracer. Nothing is traced until one is set: each hook
// is then one atomic load. Attributes never hold a key, a token, a signature or a body.
//
// An application connects it to OpenTelemetry with make_opentelemetry_tracer()
// (paystack/tracing_otel.hpp), built only when CMake finds opentelemetry-cpp (Debian 12 does not
// ship it), or with its own tracer.
//
// Thread safety: set_tracer and current_tracer may be called from any thread; a tracer's
// start_span, and a span's members, are called from whatever thread runs the traced step (the
// client's strand, a charge's strand), so a tracer must be thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <paystack/export.hpp>
#include <span>
#include <string_view>
#include <variant>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {
namespace tracing {

/// One attribute; the views are valid only during the call that receives them.
struct attribute {
  std::string_view key;  ///< The attribute's name (e.g. `operation`).
  /// Its value.
  std::variant<std::string_view, std::int64_t, double, bool> value;
};

/// A span the library started. end() is called exactly once (the destructor follows at once).
class span {
 public:
  virtual ~span() = default;
  /// Adds (or replaces) an attribute of the span.
  virtual void set_attribute(const attribute& a) = 0;
  /// Ends the span; `ok` false marks it as an error (no reply, a failed step).
  virtual void end(bool ok) = 0;
};

/// Starts spans for the library.
class tracer {
 public:
  virtual ~tracer() = default;
  /// A started span named `name` (see above) with `attributes`; null: not traced.
  virtual std::unique_ptr<span> start_span(std::string_view name,
                                           std::span<const attribute> attributes) = 0;
};

/// Sets the process's tracer (null: tracing off, the default). Spans already started end on the
/// tracer that started them.
void set_tracer(std::shared_ptr<tracer> t);

/// The process's tracer, or null.
std::shared_ptr<tracer> current_tracer();

/// A span from current_tracer(), or null when none is set (the cheap check the library makes
/// before building attributes is tracing_enabled()).
std::unique_ptr<span> start_span(std::string_view name, std::span<const attribute> attributes);

/// Whether a tracer is set (one relaxed atomic load).
bool tracing_enabled() noexcept;

}  // namespace tracing
}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
