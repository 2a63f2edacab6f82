// The /terminal routes: list (cursor paging), fetch, update, presence, commission and
// decommission. Events sent to a terminal are in routes/events.cpp.
#include <algorithm>
#include <boost/json/array.hpp>

#include "engine.hpp"
#include "util.hpp"
#include "wire.hpp"

namespace paystack::sim::detail {

namespace json = boost::json;

namespace {
constexpr std::int64_t max_per_page = 100;
}  // namespace

// ---------------------------------------------------------------------------------------------
// JSON mapping

json::object engine::terminal_json(const device& d, bool with_split_code) const {
  json::object o;
  o["id"] = d.id;
  o["serial_number"] = d.serial;
  o["device_make"] = nullptr;
  o["terminal_id"] = d.terminal_id;
  o["integration"] = options_.integration_id;
  o["domain"] = domain();
  o["name"] = d.name ? json::value(*d.name) : json::value(nullptr);
  o["address"] = d.address ? json::value(*d.address) : json::value(nullptr);
  o["status"] = "active";
  if (with_split_code) o["split_code"] = nullptr;
  return o;
}

// ---------------------------------------------------------------------------------------------
// Routes

http_response engine::list_terminals(std::string_view query) {
  std::int64_t per_page = 50;
  if (auto err = read_per_page(query, max_per_page, per_page)) return std::move(*err);
  std::optional<std::int64_t> after;
  std::optional<std::int64_t> before;
  auto decode = [](const std::string& cursor, std::string_view prefix) {
    std::optional<std::int64_t> id;
    auto raw = base64_decode(cursor);
    if (raw && starts_with(*raw, prefix))
      id = parse_uint(std::string_view(*raw).substr(prefix.size()));
    return id;
  };
  if (auto next = query_param(query, "next"); next && !next->empty() && *next != "null") {
    after = decode(*next, "terminal:after:");
    if (!after) return invalid("Invalid cursor");
  } else if (auto prev = query_param(query, "previous");
             prev && !prev->empty() && *prev != "null") {
    before = decode(*prev, "terminal:before:");
    if (!before) return invalid("Invalid cursor");
  }

  // Walk the id-ordered map from the cursor: a page costs O(per_page + log n), not O(n), so a
  // simulator holding 100,000 terminals still pages quickly.
  const auto limit = static_cast<std::size_t>(per_page);
  std::vector<const device*> page;
  bool more_after = false;
  bool more_before = false;
  if (before) {
    auto it = devices_.lower_bound(*before);
    while (it != devices_.begin()) {
      --it;
      if (!it->second.commissioned) continue;
      if (page.size() == limit) {
        more_before = true;
        break;
      }
      page.push_back(&it->second);
    }
    std::reverse(page.begin(), page.end());
    more_after = std::any_of(devices_.lower_bound(*before), devices_.end(),
                             [](const auto& kv) { return kv.second.commissioned; });
  } else {
    auto it = after ? devices_.upper_bound(*after) : devices_.begin();
    for (; it != devices_.end(); ++it) {
      if (!it->second.commissioned) continue;
      if (page.size() == limit) {
        more_after = true;
        break;
      }
      page.push_back(&it->second);
    }
    if (!page.empty()) {
      const auto first_id = page.front()->id;
      more_before = std::any_of(devices_.begin(), devices_.lower_bound(first_id),
                                [](const auto& kv) { return kv.second.commissioned; });
    }
  }
  json::array data;
  for (const auto* d : page) data.push_back(terminal_json(*d, false));
  json::object meta;
  meta["next"] =
      more_after && !page.empty()
          ? json::value(base64_encode("terminal:after:" + std::to_string(page.back()->id)))
          : json::value(nullptr);
  meta["previous"] =
      more_before && !page.empty()
          ? json::value(base64_encode("terminal:before:" + std::to_string(page.front()->id)))
          : json::value(nullptr);
  meta["perPage"] = per_page;
  return make_json(200, json::object{{"status", true},
                                     {"message", "Terminals retrieved successfully"},
                                     {"data", std::move(data)},
                                     {"meta", std::move(meta)}});
}

http_response engine::fetch_terminal(std::string_view terminal_id) {
  auto* d = find_terminal_locked(terminal_id);
  if (d == nullptr) return not_found("Terminal not found");
  return ok("Terminal retrieved successfully", terminal_json(*d, true));
}

http_response engine::update_terminal(std::string_view terminal_id, const http_request& req) {
  auto* d = find_terminal_locked(terminal_id);
  if (d == nullptr) return not_found("Terminal not found");
  json::object body;
  if (auto err = parse_body(req, body)) return std::move(*err);
  std::optional<std::string> name;
  std::optional<std::string> address;
  if (const auto* v = member(body, "name")) {
    if (!v->is_string()) return invalid("\"name\" must be a string");
    if (v->get_string().size() > field_limit::name)
      return invalid(too_long("name", field_limit::name));
    name = std::string(v->get_string());
  }
  if (const auto* v = member(body, "address")) {
    if (!v->is_string()) return invalid("\"address\" must be a string");
    if (v->get_string().size() > field_limit::name) {
      return invalid(too_long("address", field_limit::name));
    }
    address = std::string(v->get_string());
  }
  if (name) d->name = std::move(name);
  if (address) d->address = std::move(address);
  return ok("Terminal Details updated");
}

http_response engine::presence(std::string_view terminal_id) {
  auto* d = find_terminal_locked(terminal_id);
  if (d == nullptr) return not_found("Terminal not found");
  return ok("Terminal status retrieved",
            json::object{{"online", d->online}, {"available", d->online && d->available}});
}

http_response engine::commission(const http_request& req, bool commission) {
  json::object body;
  if (auto err = parse_body(req, body)) return std::move(*err);
  const auto* v = member(body, "serial_number");
  if (v == nullptr || v->is_null()) return missing("serial_number");
  auto serial = to_str(*v);
  if (!serial || serial->empty()) return invalid("\"serial_number\" must be a string");
  auto it = by_serial_.find(*serial);
  if (it == by_serial_.end()) return fail_plain(404, "Device not found");
  auto& d = devices_.at(it->second);
  if (commission) {
    if (d.commissioned) return fail_plain(200, "Device has been commissioned already");
    d.commissioned = true;
    d.online = true;
    d.available = true;
    return ok("Device commissioned successfully", terminal_json(d, false));
  }
  if (!d.commissioned) return fail_plain(404, "Device not found");
  d.commissioned = false;
  return ok("Device decommissioned successfully");
}

}  // namespace paystack::sim::detail
