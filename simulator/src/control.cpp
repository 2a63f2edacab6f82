// The control operations behind paystack::sim::server's C++ API and the /_sim routes: add
// terminals and devices, set presence, deliver or hold events, approve or decline payments,
// walk away, reset. Public members lock; *_locked ones expect the lock held.
#include "engine.hpp"

namespace paystack::sim::detail {

namespace json = boost::json;

std::vector<std::string> engine::terminal_ids() const {
  std::lock_guard lk(mutex_);
  std::vector<std::string> out;
  for (const auto& [id, d] : devices_) {
    if (d.commissioned) out.push_back(d.terminal_id);
  }
  return out;
}

std::vector<std::string> engine::device_serials() const {
  std::lock_guard lk(mutex_);
  std::vector<std::string> out;
  for (const auto& [id, d] : devices_) {
    if (!d.commissioned) out.push_back(d.serial);
  }
  return out;
}

std::optional<std::string> engine::serial_of(std::string_view terminal_id) const {
  std::lock_guard lk(mutex_);
  auto it = by_terminal_id_.find(std::string(terminal_id));
  if (it == by_terminal_id_.end()) return std::nullopt;
  const auto& d = devices_.at(it->second);
  if (!d.commissioned) return std::nullopt;
  return d.serial;
}

bool engine::devices_full_locked() const {
  return devices_.size() >= options_.max_devices;
}

std::string engine::add_terminal_locked(std::string name) {
  if (devices_full_locked()) return {};
  if (name.empty()) name = "Terminal " + std::to_string(next_device_id_);
  return add_device_locked(new_serial_locked(), true, std::move(name)).terminal_id;
}

std::string engine::add_terminal(std::string name) {
  std::lock_guard lk(mutex_);
  return add_terminal_locked(std::move(name));
}

std::string engine::add_device(std::string serial) {
  std::lock_guard lk(mutex_);
  if (devices_full_locked()) return {};
  if (serial.empty()) serial = new_serial_locked();
  if (by_serial_.contains(serial)) return {};
  return add_device_locked(std::move(serial), false, std::nullopt).serial;
}

control_result engine::set_presence_locked(std::string_view terminal_id, std::optional<bool> online,
                                           std::optional<bool> available) {
  auto* d = find_terminal_locked(terminal_id);
  if (d == nullptr) return control_result::not_found;
  bool was_online = d->online;
  if (online) d->online = *online;
  if (available) d->available = *available;
  if (!was_online && d->online) {
    for (const auto& id : event_order_) {
      auto it = events_.find(id);
      if (it != events_.end() && it->second.terminal_id == terminal_id) {
        schedule_delivery_locked(it->second);
      }
    }
  }
  return control_result::ok;
}

control_result engine::set_presence(std::string_view terminal_id, std::optional<bool> online,
                                    std::optional<bool> available) {
  std::lock_guard lk(mutex_);
  return set_presence_locked(terminal_id, online, available);
}

control_result engine::deliver_event_locked(std::string_view event_id) {
  auto it = events_.find(std::string(event_id));
  if (it == events_.end()) return control_result::not_found;
  if (it->second.delivered) return control_result::conflict;
  it->second.held = false;
  deliver_locked(it->second);
  return control_result::ok;
}

control_result engine::deliver_event(std::string_view event_id) {
  std::lock_guard lk(mutex_);
  return deliver_event_locked(event_id);
}

control_result engine::hold_event_locked(std::string_view event_id) {
  auto it = events_.find(std::string(event_id));
  if (it == events_.end()) return control_result::not_found;
  if (it->second.delivered) return control_result::conflict;
  it->second.held = true;
  return control_result::ok;
}

control_result engine::hold_event(std::string_view event_id) {
  std::lock_guard lk(mutex_);
  return hold_event_locked(event_id);
}

control_result engine::approve_payment(std::string_view id_or_code) {
  std::lock_guard lk(mutex_);
  auto* pr = find_request_locked(id_or_code);
  if (pr == nullptr) return control_result::not_found;
  return settle_locked(*pr, true);
}

control_result engine::decline_payment(std::string_view id_or_code) {
  std::lock_guard lk(mutex_);
  auto* pr = find_request_locked(id_or_code);
  if (pr == nullptr) return control_result::not_found;
  return settle_locked(*pr, false);
}

control_result engine::walk_away(std::string_view id_or_code) {
  std::lock_guard lk(mutex_);
  auto* pr = find_request_locked(id_or_code);
  if (pr == nullptr) return control_result::not_found;
  return walk_away_locked(*pr);
}

void engine::reset() {
  std::lock_guard lk(mutex_);
  reset_locked();
}

}  // namespace paystack::sim::detail
