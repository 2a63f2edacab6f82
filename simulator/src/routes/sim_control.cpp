// The /_sim control routes (the HTTP face of control.cpp): health, state, reset, webhooks,
// stats, terminals, devices, presence, events, payment approval, decline and walk-away, offline
// payment, refund steps and faults; the live page (routes/sim_ui.cpp) unless options.ui is off.
#include <boost/json/array.hpp>

#include "engine.hpp"
#include "util.hpp"
#include "wire.hpp"

namespace paystack::sim::detail {

namespace json = boost::json;

namespace {
http_response control_answer(control_result r, std::string_view what, std::string_view done) {
  switch (r) {
    case control_result::ok:
      return ok(done);
    case control_result::not_found:
      return fail_plain(404, std::string(what) + " not found");
    case control_result::conflict:
      return fail_plain(409, std::string(what) + " is not in a state that allows this");
  }
  return fail_plain(500, "unexpected");
}

/// The boolean member `key` of a control body, if it is one.
std::optional<bool> bool_member(const json::object& body, std::string_view key) {
  const auto* v = member(body, key);
  if (v != nullptr && v->is_bool()) return v->get_bool();
  return std::nullopt;
}

/// The string member `key` of a control body; empty when absent or not a string.
std::string string_member(const json::object& body, std::string_view key) {
  const auto* v = member(body, key);
  if (v != nullptr && v->is_string()) return std::string(v->get_string());
  return {};
}

/// The answer when a payment request cannot be acted on (unknown or archived), else nullopt.
std::optional<http_response> request_unusable(const payment_request* pr) {
  if (pr == nullptr) return fail_plain(404, "Payment request not found");
  if (pr->archived) return fail_plain(409, "Payment request has been archived");
  return std::nullopt;
}
}  // namespace

http_response engine::route_control(const http_request& req, std::string_view path) {
  auto seg = split(path, '/');  // seg[0] == "_sim"
  const auto& m = req.method;
  json::object body;
  if (m == "POST" || m == "PUT") {
    if (auto err = parse_body(req, body)) return std::move(*err);
  }
  if (auto r = control_state_route(req, seg, path)) return std::move(*r);
  if (auto r = control_device_route(m, seg, body)) return std::move(*r);
  if (auto r = control_payment_route(m, seg, body)) return std::move(*r);
  if (seg.size() == 2 && m == "POST" && seg[1] == "faults") return register_fault_locked(body);
  return fail_plain(404, "Unknown simulator control route");
}

/// Health, state, reset, the webhook log, stats, export downloads and the live page.
std::optional<http_response> engine::control_state_route(const http_request& req,
                                                         std::span<const std::string_view> seg,
                                                         std::string_view path) {
  const auto& m = req.method;
  const auto n = seg.size();
  if (n == 2 && m == "GET" && seg[1] == "health") return ok("Simulator is running");
  if (n == 3 && m == "GET" && seg[1] == "exports") return export_download(seg[2]);
  if (n >= 2 && n <= 3 && m == "GET" && seg[1] == "ui" && options_.ui) return route_ui(path);
  if (n == 2 && m == "GET" && seg[1] == "state") return ok("State retrieved", state_json_locked());
  if (n == 2 && m == "POST" && seg[1] == "reset") {
    reset_locked();
    return ok("State reset");
  }
  if (n == 2 && m == "GET" && seg[1] == "webhooks") {
    std::string error;
    auto page = webhook_page_locked(query_of(req.target), error);
    if (!page) return invalid(error);
    return make_json(200, *page);
  }
  if (n == 2 && m == "GET" && seg[1] == "stats") return ok("Stats retrieved", stats_json_locked());
  return std::nullopt;
}

/// Terminals and debug devices added, and a terminal's presence.
std::optional<http_response> engine::control_device_route(std::string_view m,
                                                          std::span<const std::string_view> seg,
                                                          const json::object& body) {
  const auto n = seg.size();
  if (n == 2 && m == "POST" && (seg[1] == "terminals" || seg[1] == "devices") &&
      devices_full_locked()) {
    return fail_plain(409, "Device limit reached: at most " + std::to_string(options_.max_devices) +
                               " terminals and devices (POST /_sim/reset starts over)");
  }
  if (n == 2 && m == "POST" && seg[1] == "terminals") {
    auto name = string_member(body, "name");
    if (name.size() > field_limit::name) return invalid(too_long("name", field_limit::name));
    auto tid = add_terminal_locked(std::move(name));
    return ok("Terminal added", terminal_json(*find_terminal_locked(tid), false));
  }
  if (n == 2 && m == "POST" && seg[1] == "devices") {
    auto serial = string_member(body, "serial_number");
    if (serial.size() > field_limit::serial) {
      return invalid(too_long("serial_number", field_limit::serial));
    }
    if (serial.empty()) serial = new_serial_locked();
    if (by_serial_.contains(serial)) return fail_plain(409, "Device already exists");
    add_device_locked(serial, false, std::nullopt);
    return ok("Device added", json::object{{"serial_number", serial}});
  }
  if (n == 4 && (m == "POST" || m == "PUT") && seg[1] == "terminals" && seg[3] == "presence") {
    return control_answer(
        set_presence_locked(seg[2], bool_member(body, "online"), bool_member(body, "available")),
        "Terminal", "Terminal presence updated");
  }
  return std::nullopt;
}

/// The steps of a payment: events delivered or held, a payment request approved, declined,
/// walked away from or paid offline, a Virtual Terminal paid, a refund advanced or put in
/// needs-attention.
std::optional<http_response> engine::control_payment_route(std::string_view m,
                                                           std::span<const std::string_view> seg,
                                                           const json::object& body) {
  const auto n = seg.size();
  if (n == 4 && m == "POST" && seg[1] == "events" && seg[3] == "deliver") {
    return control_answer(deliver_event_locked(seg[2]), "Event", "Event delivered");
  }
  if (n == 4 && m == "POST" && seg[1] == "events" && seg[3] == "hold") {
    return control_answer(hold_event_locked(seg[2]), "Event", "Event held");
  }
  if (n == 4 && m == "POST" && seg[1] == "payment-requests" &&
      (seg[3] == "approve" || seg[3] == "decline")) {
    auto* pr = find_request_locked(seg[2]);
    if (auto refused = request_unusable(pr)) return refused;
    bool approve = seg[3] == "approve";
    return control_answer(settle_locked(*pr, approve), "Payment request",
                          approve ? "Payment approved" : "Payment declined");
  }
  if (n == 4 && m == "POST" && seg[1] == "payment-requests" && seg[3] == "walk-away") {
    auto* pr = find_request_locked(seg[2]);
    if (auto refused = request_unusable(pr)) return refused;
    return control_answer(walk_away_locked(*pr), "Payment request", "Customer walked away");
  }
  if (n == 3 && m == "POST" && seg[1] == "offline-payments") {
    auto* pr = find_by_reference_locked(seg[2]);
    if (auto refused = request_unusable(pr)) return refused;
    return control_answer(pay_offline_locked(*pr), "Payment request", "Payment made offline");
  }
  if (n == 4 && m == "POST" && seg[1] == "virtual_terminals" && seg[3] == "pay") {
    return pay_virtual_terminal_locked(seg[2], body);
  }
  if (n == 4 && m == "POST" && seg[1] == "refunds" && seg[3] == "advance") {
    auto id = parse_uint(seg[2]);
    return control_answer(id ? advance_refund_locked(*id) : control_result::not_found, "Refund",
                          "Refund advanced");
  }
  if (n == 4 && m == "POST" && seg[1] == "refunds" && seg[3] == "needs-attention") {
    auto id = parse_uint(seg[2]);
    return control_answer(id ? refund_needs_attention_locked(*id) : control_result::not_found,
                          "Refund", "Refund needs attention");
  }
  return std::nullopt;
}

/// POST /_sim/faults {id, fault, times?}: a fault plan for the requests that name its id.
http_response engine::register_fault_locked(const json::object& body) {
  auto id = string_member(body, "id");
  auto spec = string_member(body, "fault");
  const auto* times_v = member(body, "times");
  auto times = times_v != nullptr ? to_int(*times_v) : std::optional<std::int64_t>{1};
  if (id.empty() || spec.empty()) return missing(id.empty() ? "id" : "fault");
  if (id.size() > field_limit::fault_id) return invalid(too_long("id", field_limit::fault_id));
  if (!times || *times > 1000000) return invalid("\"times\" must be 0..1000000");
  auto plan = parse_fault_spec(spec, nullptr);
  if (!plan.error.empty()) return invalid("Invalid fault: " + plan.error);
  if (faults_.size() >= state_limit::faults) faults_.clear();
  faults_[id] = fault_entry{std::move(plan), static_cast<unsigned>(*times)};
  return ok("Fault registered", json::object{{"id", id}, {"times", *times}});
}

}  // namespace paystack::sim::detail
