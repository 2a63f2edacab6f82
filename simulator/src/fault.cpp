// The x-sim-fault grammar: `key=value` or flags separated by ';' (or ','), and the engine's
// fault lookup: per-request specs and plans registered by id with a use count.
#include "fault.hpp"

#include <stdexcept>

#include "engine.hpp"
#include "util.hpp"

namespace paystack::sim::detail {

namespace {
std::optional<unsigned> bounded(std::string_view v, unsigned max) {
  auto n = parse_uint(v);
  if (!n || *n > static_cast<std::int64_t>(max)) return std::nullopt;
  return static_cast<unsigned>(*n);
}
}  // namespace

fault_plan parse_fault_spec(std::string_view spec, std::optional<unsigned>* times) {
  fault_plan plan;
  auto fail = [&](std::string msg) {
    fault_plan bad;
    bad.error = std::move(msg);
    return bad;
  };
  std::string normalised(spec);
  for (auto& c : normalised) {
    if (c == ',') c = ';';
  }
  for (auto raw : split(normalised, ';')) {
    auto item = trim(raw);
    if (item.empty()) continue;
    auto eq = item.find('=');
    auto key = trim(item.substr(0, eq));
    auto value = eq == std::string_view::npos ? std::string_view{} : trim(item.substr(eq + 1));
    if (key == "status") {
      auto v = bounded(value, 599);
      if (!v || *v < 200) return fail("status must be 200..599");
      plan.status = *v;
    } else if (key == "retry_after") {
      auto v = bounded(value, 86400);
      if (!v) return fail("retry_after must be seconds (0..86400)");
      plan.retry_after = *v;
    } else if (key == "delay_ms") {
      auto v = bounded(value, 60000);
      if (!v) return fail("delay_ms must be 0..60000");
      plan.delay = std::chrono::milliseconds{*v};
    } else if (key == "reset") {
      if (value == "before_read") {
        plan.reset = reset_mode::before_read;
      } else if (value == "after_read") {
        plan.reset = reset_mode::after_read;
      } else {
        return fail("reset must be before_read or after_read");
      }
    } else if (key == "truncate" && value.empty()) {
      plan.truncate = true;
    } else if (key == "html502" && value.empty()) {
      plan.html502 = true;
    } else if (key == "trickle_ms") {
      auto v = bounded(value, 1000);
      if (!v || *v == 0) return fail("trickle_ms must be 1..1000");
      plan.trickle = std::chrono::milliseconds{*v};
    } else if (key == "times") {
      auto v = bounded(value, 1000000);
      if (!v) return fail("times must be 0..1000000");
      if (times != nullptr) *times = *v;
    } else {
      return fail("unknown fault '" + std::string(key.substr(0, 40)) + "'");
    }
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Registered fault plans (x-sim-fault-id counters and POST /_sim/faults)

fault_plan engine::take_fault(std::string_view spec, std::string_view fault_id) {
  if (spec.empty() && fault_id.empty()) return {};
  std::lock_guard lk(mutex_);
  if (!fault_id.empty()) {
    auto it = faults_.find(std::string(fault_id));
    if (it != faults_.end()) {
      if (it->second.remaining == 0) return {};
      --it->second.remaining;
      return it->second.plan;
    }
    if (spec.empty()) return {};
    std::optional<unsigned> times;
    auto plan = parse_fault_spec(spec, &times);
    if (!plan.error.empty() || !times) return plan;
    if (fault_id.size() > field_limit::fault_id) {
      plan = {};
      plan.error =
          "x-sim-fault-id must be at most " + std::to_string(field_limit::fault_id) + " bytes";
      return plan;
    }
    if (faults_.size() >= state_limit::faults) faults_.clear();
    faults_[std::string(fault_id)] = fault_entry{plan, *times == 0 ? 0 : *times - 1};
    return *times == 0 ? fault_plan{} : plan;
  }
  return parse_fault_spec(spec, nullptr);
}

void engine::add_fault(std::string id, std::string spec, unsigned times) {
  auto plan = parse_fault_spec(spec, nullptr);
  if (!plan.error.empty()) throw std::invalid_argument("invalid fault spec: " + plan.error);
  std::lock_guard lk(mutex_);
  if (faults_.size() >= state_limit::faults) faults_.clear();
  faults_[std::move(id)] = fault_entry{std::move(plan), times};
}

}  // namespace paystack::sim::detail
