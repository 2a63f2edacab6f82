// The OpenTelemetry adapter of the tracing hooks (paystack/tracing_otel.hpp). Built only when
// find_package(opentelemetry-cpp) succeeds (src/CMakeLists.txt): not on Debian 12, which does
// not ship it, so no build of this project has compiled it there.
#include <opentelemetry/trace/provider.h>
#include <opentelemetry/trace/span.h>
#include <opentelemetry/trace/tracer.h>

#include <paystack/tracing_otel.hpp>
#include <string>
#include <variant>

namespace paystack {
inline namespace v0 {
namespace tracing {

namespace {

namespace otel = opentelemetry;

otel::nostd::string_view view(std::string_view s) {
  return {s.data(), s.size()};
}

otel::common::AttributeValue value_of(const attribute& a) {
  return std::visit(
      [](const auto& v) -> otel::common::AttributeValue {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string_view>)
          return view(v);
        else
          return v;
      },
      a.value);
}

class otel_span final : public span {
 public:
  explicit otel_span(otel::nostd::shared_ptr<otel::trace::Span> s) : span_(std::move(s)) {}
  void set_attribute(const attribute& a) override { span_->SetAttribute(view(a.key), value_of(a)); }
  void end(bool ok) override {
    if (!ok) span_->SetStatus(otel::trace::StatusCode::kError);
    span_->End();
  }

 private:
  otel::nostd::shared_ptr<otel::trace::Span> span_;
};

class otel_tracer final : public tracer {
 public:
  explicit otel_tracer(std::string scope) : scope_(std::move(scope)) {}
  std::unique_ptr<span> start_span(std::string_view name,
                                   std::span<const attribute> attributes) override {
    auto t = otel::trace::Provider::GetTracerProvider()->GetTracer(view(scope_));
    auto s = t->StartSpan(view(name));
    for (const auto& a : attributes) s->SetAttribute(view(a.key), value_of(a));
    return std::make_unique<otel_span>(std::move(s));
  }

 private:
  std::string scope_;
};

}  // namespace

std::shared_ptr<tracer> make_opentelemetry_tracer(std::string_view scope) {
  return std::make_shared<otel_tracer>(std::string(scope));
}

}  // namespace tracing
}  // namespace v0
}  // namespace paystack
