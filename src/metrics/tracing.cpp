// The process's tracer (paystack/tracing.hpp).
#include <atomic>
#include <mutex>
#include <paystack/tracing.hpp>

namespace paystack {
inline namespace v0 {
namespace tracing {

namespace {

struct state {
  std::mutex mutex;
  std::shared_ptr<tracer> current;
  std::atomic<bool> enabled{false};
};

state& global() {
  static state* s = new state();  // never destroyed: spans may end during exit
  return *s;
}

}  // namespace

void set_tracer(std::shared_ptr<tracer> t) {
  auto& g = global();
  std::lock_guard lock(g.mutex);
  g.enabled.store(t != nullptr, std::memory_order_relaxed);
  g.current = std::move(t);
}

std::shared_ptr<tracer> current_tracer() {
  auto& g = global();
  if (!g.enabled.load(std::memory_order_relaxed)) return nullptr;
  std::lock_guard lock(g.mutex);
  return g.current;
}

bool tracing_enabled() noexcept {
  return global().enabled.load(std::memory_order_relaxed);
}

std::unique_ptr<span> start_span(std::string_view name, std::span<const attribute> attributes) {
  auto t = current_tracer();
  if (!t) return nullptr;
  try {
    return t->start_span(name, attributes);
  } catch (...) {
    return nullptr;  // a tracer must not break the step it traces
  }
}

}  // namespace tracing
}  // namespace v0
}  // namespace paystack
