// paystack/tracing_otel.hpp: the tracing hooks (paystack/tracing.hpp) connected to
// OpenTelemetry. Only in builds where CMake found opentelemetry-cpp (find_package(
// opentelemetry-cpp CONFIG)): link paystack::otel. Debian 12 does not ship opentelemetry-cpp, so
// the project's own builds and CI do not build or test it (doc/operations.md, "Tracing").
//
//   paystack::tracing::set_tracer(paystack::tracing::make_opentelemetry_tracer());
//
// Spans go to the global TracerProvider (opentelemetry::trace::Provider) the application set
// up; attributes are copied when set; a span ended with ok false gets StatusCode::kError.
// Thread safety: as OpenTelemetry's tracer (any thread).
#pragma once

#include <memory>
#include <paystack/export.hpp>
#include <paystack/tracing.hpp>
#include <string_view>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {
namespace tracing {

/// A tracer over OpenTelemetry's global provider, instrumentation scope `scope`.
std::shared_ptr<tracer> make_opentelemetry_tracer(std::string_view scope = "paystack-cpp");

}  // namespace tracing
}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
