// The /terminal/{terminal_id}/event routes: send an event to a terminal, and its delivery
// status. Delivery itself is simulated in devices.cpp.
#include "engine.hpp"
#include "util.hpp"
#include "wire.hpp"

namespace paystack::sim::detail {

namespace json = boost::json;

http_response engine::send_event(std::string_view terminal_id, const http_request& req) {
  auto* d = find_terminal_locked(terminal_id);
  if (d == nullptr) return not_found("Terminal not found");
  json::object body;
  if (auto err = parse_body(req, body)) return std::move(*err);
  const auto* type = member(body, "type");
  if (type == nullptr || type->is_null()) return missing("type");
  if (!type->is_string() ||
      (type->get_string() != "invoice" && type->get_string() != "transaction")) {
    return invalid("\"type\" must be one of [invoice, transaction]");
  }
  bool is_invoice = type->get_string() == "invoice";
  const auto* action = member(body, "action");
  if (action == nullptr || action->is_null()) return missing("action");
  if (!action->is_string()) return invalid("\"action\" must be a string");
  auto a = std::string_view(action->get_string());
  if (is_invoice && a != "process" && a != "view") {
    return invalid("\"action\" must be one of [process, view] for invoice events");
  }
  if (!is_invoice && a != "process" && a != "print") {
    return invalid("\"action\" must be one of [process, print] for transaction events");
  }
  const auto* data = member(body, "data");
  if (data == nullptr || data->is_null()) return missing("data");
  if (!data->is_object()) return invalid("\"data\" must be an object");
  const auto* id_v = member(data->get_object(), "id");
  if (id_v == nullptr || id_v->is_null()) return missing("data.id");
  auto data_id = to_int(*id_v);
  if (!data_id) return invalid("\"data.id\" must be a number");
  if (is_invoice) {
    const auto* ref_v = member(data->get_object(), "reference");
    if (ref_v == nullptr || ref_v->is_null()) return missing("data.reference");
    auto ref = to_str(*ref_v);
    auto it = requests_.find(*data_id);
    if (!ref || it == requests_.end() || it->second.offline_reference != *ref ||
        it->second.status == "draft") {
      return fail_plain(404, "Invoice not found");
    }
  }

  event e;
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  std::string prefix(8, '0');
  for (int i = 7; i >= 0; --i) {
    prefix[static_cast<std::size_t>(i)] = hex_lower[static_cast<std::size_t>(secs & 15)];
    secs >>= 4;
  }
  do {
    e.id = prefix + random_string(hex_lower, 16);
  } while (events_.contains(e.id));
  e.terminal_id = std::string(terminal_id);
  e.type = std::string(type->get_string());
  e.action = std::string(a);
  e.data_id = *data_id;
  e.created = std::chrono::system_clock::now();
  auto id = e.id;
  if (is_invoice && a == "process") {
    // The screen shows the invoice coming (until delivered) if there is something to pay.
    const auto& pr = requests_.at(*data_id);
    if (pr.status == "pending" && !pr.archived) show_locked(*d, screen_state::processing, pr.id);
  }
  remember_event_locked(std::move(e));
  schedule_delivery_locked(events_.at(id));
  return ok("Event sent to Terminal", json::object{{"id", id}});
}

void engine::remember_event_locked(event e) {
  if (events_.size() >= state_limit::events && !event_order_.empty()) {
    events_.erase(event_order_.front());
    event_order_.pop_front();
  }
  event_order_.push_back(e.id);
  auto id = e.id;
  events_.emplace(std::move(id), std::move(e));
}

http_response engine::event_status(std::string_view terminal_id, std::string_view event_id) {
  auto* d = find_terminal_locked(terminal_id);
  if (d == nullptr) return not_found("Terminal not found");
  auto it = events_.find(std::string(event_id));
  bool valid = it != events_.end() && it->second.terminal_id == terminal_id &&
               std::chrono::system_clock::now() - it->second.created < std::chrono::hours{48};
  if (!valid) {
    // Documented body; the sample is keyed 400 (its description says 404): we answer 400.
    return make_json(400, json::object{{"status", false},
                                       {"message", "The push notification ID provided is invalid"},
                                       {"data", json::object{{"code", "INVALID_PUSH_ID"}}}});
  }
  return ok("Message Status Retrieved", json::object{{"delivered", it->second.delivered}});
}

}  // namespace paystack::sim::detail
