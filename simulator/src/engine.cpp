// State and request handling of paystack-sim. Message strings come from
// /work/shared/paystack/terminal-api.md and the official samples; where Paystack documents
// nothing, the choice is recorded in doc/simulator.md ("inferred").
#include "engine.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <limits>
#include <stdexcept>

#include "util.hpp"

namespace paystack::sim::detail {

namespace json = boost::json;

namespace {

constexpr std::size_t max_requests = 100000;
constexpr std::size_t max_events = 100000;
constexpr std::size_t max_customers = 100000;
constexpr std::size_t max_faults = 10000;
constexpr std::size_t max_webhook_log = 10000;
constexpr std::int64_t max_per_page = 100;

constexpr std::string_view next_step_required = "Provide all required params";
constexpr std::string_view next_step_invalid = "Ensure that the params you are passing are valid";
constexpr std::string_view next_step_not_found =
    "Ensure that you're passing the correct reference for the requested resource that exists on "
    "this integration";

constexpr std::string_view alnum_upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::string_view alnum_lower = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view hex_lower = "0123456789abcdef";

/// Serialises an answer. Never emits ill-formed UTF-8, whatever got into the state.
std::string to_json(const json::value& v) {
  auto s = json::serialize(v);
  return valid_utf8(s) ? s : to_valid_utf8(s);
}

http_response make_json(unsigned status, const json::value& v) {
  http_response r;
  r.status = status;
  r.body = to_json(v);
  return r;
}

http_response ok(std::string_view message) {
  return make_json(200, json::object{{"status", true}, {"message", message}});
}

http_response ok(std::string_view message, json::value data) {
  return make_json(200,
                   json::object{{"status", true}, {"message", message}, {"data", std::move(data)}});
}

/// The documented error envelope: status, message, meta.nextStep, type, code.
http_response fail(unsigned status, std::string_view message, std::string_view next_step,
                   std::string_view type, std::string_view code) {
  return make_json(status, json::object{{"status", false},
                                        {"message", message},
                                        {"meta", json::object{{"nextStep", next_step}}},
                                        {"type", type},
                                        {"code", code}});
}

/// The bare `{status:false, message}` bodies of the Terminal samples.
http_response fail_plain(unsigned status, std::string_view message) {
  return make_json(status, json::object{{"status", false}, {"message", message}});
}

http_response missing(std::string_view field) {
  return fail(400, "\"" + std::string(field) + "\" is required", next_step_required,
              "validation_error", "missing_params");
}

http_response invalid(std::string message) {
  return fail(400, message, next_step_invalid, "validation_error", "invalid_params");
}

http_response not_found(std::string_view message) {
  return fail(404, message, next_step_not_found, "validation_error", "not_found");
}

http_response rate_limited() {
  return fail(429, "Rate limit exceeded!", "Wait a few minutes and try the API call again",
              "api_error", "rate_limited");
}

/// An integer from a JSON number or a decimal string (Paystack accepts both).
std::optional<std::int64_t> to_int(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_double()) {
    double d = v.get_double();
    if (d >= 0 && d < 9e15 && static_cast<double>(static_cast<std::int64_t>(d)) == d) {
      return static_cast<std::int64_t>(d);
    }
    return std::nullopt;
  }
  if (v.is_string()) return parse_uint(v.get_string());
  return std::nullopt;
}

/// A string from a JSON string or an integer (references are sent both ways).
std::optional<std::string> to_str(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  return std::nullopt;
}

const json::value* member(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

/// Parses a JSON (or form-encoded) body into an object. Empty body: empty object.
std::optional<http_response> parse_body(const http_request& req, json::object& out) {
  auto trimmed = trim(req.body);
  if (trimmed.empty()) return std::nullopt;
  // Form bodies are accepted (the spec allows them), but a body that is plainly JSON is read as
  // JSON whatever the content type says (curl -d sends JSON labelled as a form).
  if (req.content_type.find("application/x-www-form-urlencoded") != std::string::npos &&
      trimmed.front() != '{') {
    for (auto pair : split(req.body, '&')) {
      auto eq = pair.find('=');
      auto key = percent_decode(pair.substr(0, eq));
      auto value =
          eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1));
      if (!valid_utf8(key) || !valid_utf8(value)) {
        return fail(400, "Invalid UTF-8 in request body", next_step_invalid, "validation_error",
                    "invalid_params");
      }
      out[key] = value;
    }
    return std::nullopt;
  }
  boost::system::error_code ec;
  json::parse_options po;
  po.max_depth = 32;
  auto v = json::parse(req.body, ec, {}, po);
  if (ec || !v.is_object()) {
    return fail(400, "Invalid JSON body", "Ensure that the request body is a valid JSON object",
                "validation_error", "invalid_params");
  }
  out = std::move(v.get_object());
  return std::nullopt;
}

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

std::string_view query_of(std::string_view target) {
  auto q = target.find('?');
  return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

std::string now_iso() {
  return iso8601(std::chrono::system_clock::now());
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Construction, seeding, ids

engine::engine(server_options options, hooks h)
    : options_(std::move(options)), hooks_(std::move(h)), rng_(options_.seed) {
  std::lock_guard lk(mutex_);
  seed_locked();
}

std::string engine::domain() const {
  return starts_with(options_.secret_key, "sk_live_") ? "live" : "test";
}

std::string engine::random_string(std::string_view alphabet, std::size_t n) {
  std::string s(n, ' ');
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  for (auto& c : s) c = alphabet[pick(rng_)];
  return s;
}

std::string engine::new_terminal_id_locked() {
  for (;;) {
    auto id = random_string(alnum_upper, 8);
    if (!by_terminal_id_.contains(id)) return id;
  }
}

std::string engine::new_serial_locked() {
  for (;;) {
    auto s = "0333" + random_string("0123456789", 8) + random_string("ABCDEF", 1) +
             random_string("0123456789", 6);
    if (!by_serial_.contains(s)) return s;
  }
}

engine::device& engine::add_device_locked(std::string serial, bool commissioned,
                                          std::optional<std::string> name) {
  device d;
  d.id = next_device_id_++;
  d.serial = std::move(serial);
  d.terminal_id = new_terminal_id_locked();
  d.name = std::move(name);
  d.commissioned = commissioned;
  by_serial_[d.serial] = d.id;
  by_terminal_id_[d.terminal_id] = d.id;
  auto id = d.id;
  return devices_.emplace(id, std::move(d)).first->second;
}

void engine::seed_locked() {
  rng_.seed(options_.seed);
  std::uniform_int_distribution<std::int64_t> base(1000, 9999);
  next_device_id_ = base(rng_) / 100;  // small ids, like the samples (30)
  next_request_id_ = base(rng_) * 1000;
  next_customer_id_ = base(rng_) * 10000;
  next_transaction_id_ = base(rng_) * 100000;
  next_invoice_number_ = 1;
  for (std::size_t i = 0; i < options_.seed_terminals; ++i) {
    add_device_locked(new_serial_locked(), true, "Demo Terminal " + std::to_string(i + 1));
  }
  for (std::size_t i = 0; i < options_.seed_devices; ++i) {
    add_device_locked(new_serial_locked(), false, std::nullopt);
  }
}

void engine::reset_locked() {
  ++generation_;
  devices_.clear();
  by_serial_.clear();
  by_terminal_id_.clear();
  requests_.clear();
  by_request_code_.clear();
  customers_.clear();
  by_customer_code_.clear();
  events_.clear();
  event_order_.clear();
  faults_.clear();
  webhook_log_.clear();
  webhook_log_bytes_ = 0;
  request_bytes_ = 0;
  window_start_ = {};
  window_count_ = 0;
  seed_locked();
  webhook_cv_.notify_all();
}

std::uint64_t engine::generation() const {
  std::lock_guard lk(mutex_);
  return generation_;
}

engine::device* engine::find_terminal_locked(std::string_view terminal_id) {
  auto it = by_terminal_id_.find(std::string(terminal_id));
  if (it == by_terminal_id_.end()) return nullptr;
  auto& d = devices_.at(it->second);
  return d.commissioned ? &d : nullptr;
}

engine::payment_request* engine::find_request_locked(std::string_view id_or_code) {
  std::optional<std::int64_t> id = parse_uint(id_or_code);
  if (!id) {
    auto it = by_request_code_.find(std::string(id_or_code));
    if (it == by_request_code_.end()) return nullptr;
    id = it->second;
  }
  auto it = requests_.find(*id);
  return it == requests_.end() ? nullptr : &it->second;
}

std::int64_t engine::customer_for_locked(std::int64_t id, std::string code) {
  if (id != 0) {
    if (customers_.contains(id)) return id;
  } else {
    auto it = by_customer_code_.find(code);
    if (it != by_customer_code_.end()) return it->second;
  }
  // Unknown customers are created on first use, so any id or code works offline.
  customer c;
  c.id = id != 0 ? id : next_customer_id_++;
  c.code = code.empty() || !starts_with(code, "CUS_") ? "CUS_" + random_string(alnum_lower, 15)
                                                      : std::move(code);
  c.email = "customer" + std::to_string(c.id) + "@example.com";
  c.created_at = now_iso();
  if (customers_.size() >= max_customers) {
    by_customer_code_.erase(customers_.begin()->second.code);
    customers_.erase(customers_.begin());
  }
  by_customer_code_[c.code] = c.id;
  auto cid = c.id;
  customers_.emplace(cid, std::move(c));
  return cid;
}

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

json::object engine::customer_json(std::int64_t id, bool full) const {
  json::object o;
  auto it = customers_.find(id);
  if (it == customers_.end()) return o;
  const auto& c = it->second;
  if (full) {
    o["transactions"] = json::array{};
    o["subscriptions"] = json::array{};
    o["authorizations"] = json::array{};
  } else {
    o["id"] = c.id;
  }
  // Customers made up by the simulator get placeholder names (the samples' types).
  o["first_name"] = "Test";
  o["last_name"] = "Customer";
  o["email"] = c.email;
  if (!full) o["customer_code"] = c.code;
  o["phone"] = nullptr;
  o["metadata"] = json::object{{"calling_code", "+234"}};
  if (full) {
    o["domain"] = domain();
    o["customer_code"] = c.code;
  }
  o["risk_action"] = "default";
  if (full) {
    o["id"] = c.id;
    o["integration"] = options_.integration_id;
    o["createdAt"] = c.created_at;
    o["updatedAt"] = c.created_at;
  } else {
    o["international_format_phone"] = nullptr;
  }
  return o;
}

/// The payment request as the create response and the paymentrequest.* webhooks show it.
json::object engine::request_webhook_json(const payment_request& pr, bool create) const {
  json::object o;
  o["id"] = pr.id;
  o["integration"] = options_.integration_id;
  o["domain"] = domain();
  o["amount"] = pr.amount;
  o["currency"] = pr.currency;
  o["due_date"] = pr.due_date;
  o["has_invoice"] = pr.has_invoice;
  o["invoice_number"] = pr.invoice_number ? json::value(*pr.invoice_number) : json::value(nullptr);
  o["description"] = pr.description;
  if (!create) o["pdf_url"] = nullptr;
  o["line_items"] = pr.line_items;
  o["tax"] = pr.tax;
  o["request_code"] = pr.request_code;
  o["status"] = pr.status;
  o["paid"] = pr.status == "success";
  if (!create) o["paid_at"] = pr.paid_at ? json::value(*pr.paid_at) : json::value(nullptr);
  o["metadata"] = pr.metadata;
  o["notifications"] = json::array{};
  o["offline_reference"] = pr.offline_reference;
  o["customer"] = pr.customer_id;
  o["created_at"] = pr.created_at;
  o["discount"] = nullptr;
  o["split_code"] = nullptr;
  return o;
}

// ---------------------------------------------------------------------------------------------
// Faults

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
    if (faults_.size() >= max_faults) faults_.clear();
    faults_[std::string(fault_id)] = fault_entry{plan, *times == 0 ? 0 : *times - 1};
    return *times == 0 ? fault_plan{} : plan;
  }
  return parse_fault_spec(spec, nullptr);
}

void engine::add_fault(std::string id, std::string spec, unsigned times) {
  auto plan = parse_fault_spec(spec, nullptr);
  if (!plan.error.empty()) throw std::invalid_argument("invalid fault spec: " + plan.error);
  std::lock_guard lk(mutex_);
  if (faults_.size() >= max_faults) faults_.clear();
  faults_[std::move(id)] = fault_entry{std::move(plan), times};
}

// ---------------------------------------------------------------------------------------------
// Dispatch

http_response engine::handle(const http_request& req, const fault_plan& fault) {
  if (!fault.error.empty()) {
    return invalid("Invalid x-sim-fault: " + fault.error);
  }
  if (fault.html502) {
    http_response r;
    r.status = 502;
    r.content_type = "text/html";
    r.body =
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad "
        "Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n";
    return r;
  }
  if (fault.status || fault.retry_after) {
    unsigned status = fault.status.value_or(429);
    http_response r;
    if (status == 429) {
      r = rate_limited();
      r.headers.emplace_back("x-ratelimit-limit",
                             std::to_string(options_.rate_limit.value_or(100)));
      r.headers.emplace_back("x-ratelimit-remaining", "0");
      r.headers.emplace_back("x-ratelimit-reset", std::to_string(fault.retry_after.value_or(60)));
    } else if (status >= 500) {
      r = fail(status, "Simulated server error", "Try again later", "api_error", "unknown");
    } else {
      r = fail(status, "Simulated fault", "Try again later", "api_error", "unknown");
    }
    if (fault.retry_after)
      r.headers.emplace_back("Retry-After", std::to_string(*fault.retry_after));
    return r;
  }

  auto path = path_of(req.target);
  auto query = query_of(req.target);
  std::lock_guard lk(mutex_);
  if (path == "/_sim" || starts_with(path, "/_sim/")) return route_control(req, path);

  // Authentication: `Authorization: Bearer <secret key>`.
  std::string_view auth = trim(req.authorization);
  bool authorised = auth.size() > 7 && iequals(auth.substr(0, 7), "Bearer ") &&
                    trim(auth.substr(7)) == options_.secret_key && !options_.secret_key.empty();
  if (!authorised) {
    return fail(401, "Invalid key",
                "Ensure that you provide the correct authorization key for the request",
                "validation_error", "invalid_Key");
  }

  std::vector<std::pair<std::string, std::string>> rate_headers;
  if (options_.rate_limit) {
    auto now = clock::now();
    if (window_start_ == clock::time_point{} || now - window_start_ >= std::chrono::seconds{60}) {
      window_start_ = now;
      window_count_ = 0;
    }
    if (window_count_ < std::numeric_limits<unsigned>::max()) ++window_count_;
    auto limit = *options_.rate_limit;
    auto left =
        std::chrono::ceil<std::chrono::seconds>(window_start_ + std::chrono::seconds{60} - now);
    rate_headers.emplace_back("x-ratelimit-limit", std::to_string(limit));
    rate_headers.emplace_back("x-ratelimit-remaining",
                              std::to_string(window_count_ >= limit ? 0 : limit - window_count_));
    rate_headers.emplace_back("x-ratelimit-reset", std::to_string(left.count()));
    if (window_count_ > limit) {
      auto r = rate_limited();
      r.headers = std::move(rate_headers);
      return r;
    }
  }
  auto r = route_api(req, path, query);
  for (auto& h : rate_headers) r.headers.push_back(std::move(h));
  return r;
}

http_response engine::route_api(const http_request& req, std::string_view path,
                                std::string_view query) {
  auto seg = split(path, '/');
  const auto& m = req.method;
  auto n = seg.size();
  if (n >= 1 && seg[0] == "terminal") {
    if (n == 1 && m == "GET") return list_terminals(query);
    if (n == 2 && m == "POST" && seg[1] == "commission_device") return commission(req, true);
    if (n == 2 && m == "POST" && seg[1] == "decommission_device") return commission(req, false);
    if (n == 2 && m == "GET") return fetch_terminal(seg[1]);
    if (n == 2 && m == "PUT") return update_terminal(seg[1], req);
    if (n == 3 && m == "GET" && seg[2] == "presence") return presence(seg[1]);
    if (n == 3 && m == "POST" && seg[2] == "event") return send_event(seg[1], req);
    if (n == 4 && m == "GET" && seg[2] == "event") return event_status(seg[1], seg[3]);
  } else if (n >= 1 && seg[0] == "paymentrequest") {
    if (n == 1 && m == "POST") return create_request(req);
    if (n == 3 && m == "GET" && seg[1] == "verify") return fetch_request(seg[2], true);
    if (n == 2 && m == "GET") return fetch_request(seg[1], false);
  }
  return fail_plain(404, "Entity not found");
}

// ---------------------------------------------------------------------------------------------
// Terminal endpoints

http_response engine::list_terminals(std::string_view query) {
  std::int64_t per_page = 50;
  auto pp = query_param(query, "perPage");
  if (!pp) pp = query_param(query, "per_page");
  if (pp) {
    auto v = parse_uint(*pp);
    if (!v || *v < 1) return invalid("perPage must be a positive integer");
    per_page = std::min(*v, max_per_page);
  }
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
  remember_event_locked(std::move(e));
  schedule_delivery_locked(events_.at(id));
  return ok("Event sent to Terminal", json::object{{"id", id}});
}

void engine::remember_event_locked(event e) {
  if (events_.size() >= max_events && !event_order_.empty()) {
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

// ---------------------------------------------------------------------------------------------
// Device simulation

void engine::schedule_delivery_locked(event& e) {
  if (e.delivered || e.held || e.scheduled || !options_.delivery_delay) return;
  auto* d = find_terminal_locked(e.terminal_id);
  if (d == nullptr || !d->online) return;
  if (options_.delivery_delay->count() <= 0) {
    deliver_locked(e);
    return;
  }
  if (!hooks_.schedule) return;
  e.scheduled = true;
  hooks_.schedule(*options_.delivery_delay, [this, gen = generation_, id = e.id] {
    std::lock_guard lk(mutex_);
    if (gen != generation_) return;
    auto it = events_.find(id);
    if (it == events_.end()) return;
    auto& ev = it->second;
    ev.scheduled = false;
    if (ev.held || ev.delivered) return;
    auto* term = find_terminal_locked(ev.terminal_id);
    if (term == nullptr || !term->online) return;
    deliver_locked(ev);
  });
}

void engine::deliver_locked(event& e) {
  e.delivered = true;
  if (e.type != "invoice") return;
  auto it = requests_.find(e.data_id);
  if (it == requests_.end()) return;
  auto& pr = it->second;
  pr.last_terminal = e.terminal_id;
  if (e.action != "process" || pr.status != "pending") return;
  if (auto* d = find_terminal_locked(e.terminal_id)) d->available = false;  // customer is paying
  if (!options_.auto_pay_delay) return;
  if (options_.auto_pay_delay->count() <= 0) {
    settle_locked(pr, true);
    return;
  }
  if (!hooks_.schedule) return;
  hooks_.schedule(*options_.auto_pay_delay,
                  [this, gen = generation_, id = pr.id, terminal = e.terminal_id] {
                    std::lock_guard lk(mutex_);
                    if (gen != generation_) return;
                    auto found = requests_.find(id);
                    if (found == requests_.end()) return;
                    auto& req = found->second;
                    if (req.status == "pending" && req.last_terminal == terminal) {
                      settle_locked(req, true);
                    }
                  });
}

control_result engine::settle_locked(payment_request& pr, bool approve) {
  if (pr.status != "pending") return control_result::conflict;
  device* d = pr.last_terminal.empty() ? nullptr : find_terminal_locked(pr.last_terminal);
  if (d != nullptr) d->available = true;
  auto now = now_iso();
  if (!approve) {
    json::object data;
    data["domain"] = domain();
    data["invoice_code"] = pr.request_code;
    data["amount"] = pr.amount;
    data["period_start"] = pr.created_at;
    data["period_end"] = now;
    data["status"] = "pending";
    data["paid"] = false;
    data["paid_at"] = nullptr;
    data["description"] = pr.description;
    // Card details as the device would report them (test card values, the sample's types).
    data["authorization"] =
        json::object{{"authorization_code", "AUTH_" + random_string(alnum_lower, 10)},
                     {"bin", "506066"},
                     {"last4", "6666"},
                     {"exp_month", "03"},
                     {"exp_year", "2033"},
                     {"channel", "pos"},
                     {"card_type", "verve"},
                     {"bank", "TEST BANK"},
                     {"country_code", "NG"},
                     {"brand", "verve"},
                     {"reusable", false},
                     {"signature", "SIG_" + random_string(alnum_upper, 20)},
                     {"account_name", "POS CUSTOMER"}};
    data["subscription"] = json::object{};
    data["customer"] = customer_json(pr.customer_id, false);
    data["transaction"] = json::object{};
    data["created_at"] = pr.created_at;
    data["offline_reference"] = pr.offline_reference;
    emit_locked("invoice.payment_failed",
                json::serialize(json::object{{"event", "invoice.payment_failed"}, {"data", data}}));
    return control_result::ok;
  }
  pr.status = "success";
  pr.paid_at = now;
  pr.updated_at = now;
  pr.transaction_id = next_transaction_id_++;
  pr.transaction_reference = "pos_" + random_string(alnum_lower, 10);

  json::object charge;
  charge["id"] = *pr.transaction_id;
  charge["domain"] = domain();
  charge["status"] = "success";
  charge["reference"] = pr.transaction_reference;
  charge["amount"] = std::to_string(pr.amount);  // a string in the POS sample
  charge["message"] = "Payment Made";
  charge["gateway_response"] = "Approved or completed successfully";
  charge["paid_at"] = now;
  charge["created_at"] = now;
  charge["channel"] = "pos";
  charge["currency"] = pr.currency;
  charge["ip_address"] = "127.0.0.1";
  charge["metadata"] = 0;
  charge["log"] = nullptr;
  charge["fees"] = nullptr;
  charge["fees_split"] = nullptr;
  charge["authorization"] = json::object{{"exp_month", nullptr},
                                         {"exp_year", nullptr},
                                         {"account_name", nullptr},
                                         {"receiver_bank_account_number", nullptr},
                                         {"receiver_bank", nullptr}};
  charge["customer"] = customer_json(pr.customer_id, false);
  charge["plan"] = json::object{};
  charge["subaccount"] = json::object{};
  charge["split"] = json::object{};
  charge["order_id"] = nullptr;
  charge["paidAt"] = now;
  charge["requested_amount"] = std::to_string(pr.amount);
  charge["pos_transaction_data"] = nullptr;
  charge["source"] =
      json::object{{"type", "offline"},
                   {"source", "pos"},
                   {"entry_point", "pos_initialize"},
                   {"identifier", pr.last_terminal.empty() ? json::value(nullptr)
                                                           : json::value(pr.last_terminal)}};
  emit_locked("charge.success",
              json::serialize(json::object{{"event", "charge.success"}, {"data", charge}}));
  emit_locked("paymentrequest.success",
              json::serialize(json::object{{"event", "paymentrequest.success"},
                                           {"data", request_webhook_json(pr, false)}}));
  return control_result::ok;
}

void engine::emit_locked(std::string_view name, std::string body) {
  webhook_delivery w;
  w.id = next_webhook_id_++;
  w.event = std::string(name);
  if (!valid_utf8(body)) body = to_valid_utf8(body);
  w.signature = hmac_sha512_hex(options_.secret_key, body);
  w.body = std::move(body);
  bool send = !options_.webhook_url.empty() && hooks_.webhook;
  w.status = send ? webhook_status::pending : webhook_status::skipped;
  auto bytes = webhook_bytes(w);
  while (!webhook_log_.empty() && (webhook_log_.size() >= max_webhook_log ||
                                   webhook_log_bytes_ + bytes > options_.max_webhook_log_bytes)) {
    drop_oldest_webhook_locked();
  }
  webhook_log_bytes_ += bytes;
  webhook_log_.push_back(w);
  if (send) {
    hooks_.webhook(generation_, w.id, std::move(w.body), std::move(w.signature));
  } else {
    webhook_cv_.notify_all();
  }
}

void engine::drop_oldest_webhook_locked() {
  webhook_log_bytes_ -= std::min(webhook_log_bytes_, webhook_bytes(webhook_log_.front()));
  webhook_log_.pop_front();
  ++webhook_log_dropped_;
}

void engine::record_attempt(std::uint64_t generation, std::uint64_t id, webhook_attempt attempt,
                            webhook_status status) {
  std::lock_guard lk(mutex_);
  if (generation != generation_ || webhook_log_.empty()) return;
  auto first = webhook_log_.front().id;
  if (id < first || id - first >= webhook_log_.size()) return;
  auto& w = webhook_log_[id - first];
  webhook_log_bytes_ += sizeof(webhook_attempt) + attempt.error.size();
  w.attempts.push_back(std::move(attempt));
  w.status = status;
  webhook_cv_.notify_all();
}

// ---------------------------------------------------------------------------------------------
// Payment requests

http_response engine::create_request(const http_request& req) {
  json::object body;
  if (auto err = parse_body(req, body)) return std::move(*err);

  const auto* cust = member(body, "customer");
  if (cust == nullptr || cust->is_null()) return missing("customer");
  std::int64_t customer_id = 0;
  std::string customer_code;
  if (auto id = to_int(*cust)) {
    if (*id <= 0) return invalid("\"customer\" must be a customer id or code");
    customer_id = *id;
  } else if (cust->is_string() && !cust->get_string().empty() &&
             cust->get_string().size() <= field_limit::customer) {
    customer_code = std::string(cust->get_string());
  } else {
    return invalid("\"customer\" must be a customer id or code");
  }

  json::array line_items;
  json::array tax;
  std::int64_t total = 0;
  constexpr std::int64_t max_amount = 1'000'000'000'000;  // keeps sums far from overflow
  auto read_items = [&](std::string_view field, json::array& out,
                        bool quantity) -> std::optional<http_response> {
    const auto* v = member(body, field);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_array()) return invalid("\"" + std::string(field) + "\" must be an array");
    if (v->get_array().size() > 100) return invalid("Too many " + std::string(field));
    for (const auto& item : v->get_array()) {
      if (!item.is_object())
        return invalid("Each of \"" + std::string(field) + "\" must be an object");
      const auto& o = item.get_object();
      const auto* name = member(o, "name");
      if (name == nullptr || !name->is_string()) {
        return missing(std::string(field) + ".name");
      }
      if (name->get_string().size() > field_limit::name) {
        return invalid(too_long(std::string(field) + ".name", field_limit::name));
      }
      const auto* amt = member(o, "amount");
      if (amt == nullptr) return missing(std::string(field) + ".amount");
      auto a = to_int(*amt);
      if (!a || *a > max_amount) {
        return invalid("\"" + std::string(field) + ".amount\" must be a positive integer");
      }
      std::int64_t q = 1;
      if (quantity) {
        if (const auto* qv = member(o, "quantity")) {
          auto qn = to_int(*qv);
          if (!qn || *qn < 1 || *qn > 100000)
            return invalid("\"line_items.quantity\" must be a positive integer");
          q = *qn;
        }
      }
      total += *a * q;
      out.push_back(item);
    }
    return std::nullopt;
  };
  if (auto err = read_items("line_items", line_items, true)) return std::move(*err);
  if (auto err = read_items("tax", tax, false)) return std::move(*err);
  // Items are stored as sent (extra members included), so their size is bounded as a whole.
  std::size_t stored_bytes = sizeof(payment_request) + 256;
  for (auto* items : {&line_items, &tax}) {
    auto size = json::serialize(*items).size();
    if (size > field_limit::items) {
      return invalid(too_long(items == &tax ? "tax" : "line_items", field_limit::items));
    }
    stored_bytes += size;
  }

  std::int64_t amount = 0;
  if (const auto* v = member(body, "amount"); v != nullptr && !v->is_null()) {
    auto a = to_int(*v);
    if (!a || *a <= 0 || *a > max_amount) return invalid("\"amount\" must be a positive integer");
    amount = *a;
  } else if (line_items.empty() && tax.empty()) {
    return missing("amount");
  } else {
    amount = total;
  }
  if (amount <= 0) return invalid("\"amount\" must be a positive integer");

  std::string currency = "NGN";
  if (const auto* v = member(body, "currency"); v != nullptr && !v->is_null()) {
    if (!v->is_string()) return invalid("\"currency\" must be one of [NGN, GHS, ZAR, USD]");
    currency = std::string(v->get_string());
    if (currency != "NGN" && currency != "GHS" && currency != "ZAR" && currency != "USD") {
      return invalid("\"currency\" must be one of [NGN, GHS, ZAR, USD]");
    }
  }
  json::value description = nullptr;
  if (const auto* v = member(body, "description"); v != nullptr && !v->is_null()) {
    if (!v->is_string()) return invalid("\"description\" must be a string");
    if (v->get_string().size() > field_limit::description) {
      return invalid(too_long("description", field_limit::description));
    }
    stored_bytes += v->get_string().size();
    description = *v;
  }
  json::value due_date = nullptr;
  if (const auto* v = member(body, "due_date"); v != nullptr && !v->is_null()) {
    if (!v->is_string() || v->get_string().size() > field_limit::due_date) {
      return invalid("\"due_date\" must be an ISO 8601 date");
    }
    due_date = *v;
  }
  json::value metadata = nullptr;
  if (const auto* v = member(body, "metadata")) {
    auto size = json::serialize(*v).size();
    if (size > field_limit::metadata) return invalid(too_long("metadata", field_limit::metadata));
    stored_bytes += size;
    metadata = *v;
  }
  bool has_invoice = !line_items.empty();
  if (const auto* v = member(body, "has_invoice"); v != nullptr && v->is_bool()) {
    has_invoice = v->get_bool();
  }
  bool draft = false;
  if (const auto* v = member(body, "draft"); v != nullptr && v->is_bool()) draft = v->get_bool();

  payment_request pr;
  pr.id = next_request_id_++;
  pr.customer_id = customer_for_locked(customer_id, customer_code);
  pr.request_code = "PRQ_" + random_string(alnum_lower, 15);
  pr.offline_reference = std::to_string(options_.integration_id) + std::to_string(pr.id);
  pr.amount = amount;
  pr.currency = currency;
  pr.description = std::move(description);
  pr.due_date = std::move(due_date);
  pr.metadata = std::move(metadata);
  pr.line_items = std::move(line_items);
  pr.tax = std::move(tax);
  pr.has_invoice = has_invoice;
  if (has_invoice) {
    if (const auto* v = member(body, "invoice_number"); v != nullptr && to_int(*v)) {
      pr.invoice_number = *to_int(*v);
    } else {
      pr.invoice_number = next_invoice_number_++;
    }
  }
  pr.status = draft ? "draft" : "pending";
  pr.created_at = now_iso();
  pr.updated_at = pr.created_at;
  pr.bytes = stored_bytes;
  auto id = pr.id;
  store_request_locked(std::move(pr));
  auto& stored = requests_.at(id);

  if (!draft) {
    emit_locked("paymentrequest.pending",
                json::serialize(json::object{{"event", "paymentrequest.pending"},
                                             {"data", request_webhook_json(stored, false)}}));
  }
  return ok("Payment request created", request_webhook_json(stored, true));
}

/// Keeps the newest requests within max_requests and options_.max_payment_request_bytes.
void engine::store_request_locked(payment_request pr) {
  while (!requests_.empty() && (requests_.size() >= max_requests ||
                                request_bytes_ + pr.bytes > options_.max_payment_request_bytes)) {
    auto oldest = requests_.begin();
    request_bytes_ -= std::min(request_bytes_, oldest->second.bytes);
    by_request_code_.erase(oldest->second.request_code);
    requests_.erase(oldest);
    ++requests_dropped_;
  }
  request_bytes_ += pr.bytes;
  by_request_code_[pr.request_code] = pr.id;
  auto id = pr.id;
  requests_.emplace(id, std::move(pr));
}

http_response engine::fetch_request(std::string_view id_or_code, bool verify) {
  auto* pr = find_request_locked(id_or_code);
  if (pr == nullptr) return not_found("Payment request not found");
  bool paid = pr->status == "success";
  json::array transactions;
  if (pr->transaction_id) {
    transactions.push_back(json::object{{"id", *pr->transaction_id},
                                        {"reference", pr->transaction_reference},
                                        {"amount", pr->amount},
                                        {"currency", pr->currency},
                                        {"channel", "pos"},
                                        {"status", "success"},
                                        {"paid_at", pr->paid_at ? *pr->paid_at : std::string{}}});
  }
  json::object o;
  if (verify) {
    o["id"] = pr->id;
    o["domain"] = domain();
    o["amount"] = pr->amount;
    o["currency"] = pr->currency;
    o["due_date"] = pr->due_date;
    o["has_invoice"] = pr->has_invoice;
    o["invoice_number"] =
        pr->invoice_number ? json::value(*pr->invoice_number) : json::value(nullptr);
    o["description"] = pr->description;
    o["pdf_url"] = nullptr;
    o["line_items"] = pr->line_items;
    o["tax"] = pr->tax;
    o["request_code"] = pr->request_code;
    o["status"] = pr->status;
    o["paid"] = paid;
    o["paid_at"] = pr->paid_at ? json::value(*pr->paid_at) : json::value(nullptr);
    o["metadata"] = pr->metadata;
    o["notifications"] = json::array{};
    o["offline_reference"] = pr->offline_reference;
    o["customer"] = customer_json(pr->customer_id, false);
    o["created_at"] = pr->created_at;
    o["integration"] = json::object{
        {"key", "pk_test_simulator"},
        {"name", "Paystack Simulator"},
        {"logo", "https://s3-eu-west-1.amazonaws.com/pstk-integration-logos/paystack.jpg"},
        {"allowed_currencies", json::array{"NGN", "GHS", "ZAR", "USD"}}};
    o["pending_amount"] = paid ? 0 : pr->amount;
  } else {
    o["transactions"] = std::move(transactions);
    o["domain"] = domain();
    o["request_code"] = pr->request_code;
    o["description"] = pr->description;
    o["line_items"] = pr->line_items;
    o["tax"] = pr->tax;
    o["amount"] = pr->amount;
    o["discount"] = nullptr;
    o["currency"] = pr->currency;
    o["due_date"] = pr->due_date;
    o["status"] = pr->status;
    o["paid"] = paid;
    o["paid_at"] = pr->paid_at ? json::value(*pr->paid_at) : json::value(nullptr);
    o["metadata"] = pr->metadata;
    o["has_invoice"] = pr->has_invoice;
    o["invoice_number"] =
        pr->invoice_number ? json::value(*pr->invoice_number) : json::value(nullptr);
    o["offline_reference"] = pr->offline_reference;
    o["pdf_url"] = nullptr;
    o["notifications"] = json::array{};
    o["archived"] = false;
    o["source"] = "user";
    o["payment_method"] = paid ? json::value("pos") : json::value(nullptr);
    o["note"] = nullptr;
    o["amount_paid"] = paid ? json::value(pr->amount) : json::value(nullptr);
    o["id"] = pr->id;
    o["integration"] = options_.integration_id;
    o["customer"] = customer_json(pr->customer_id, true);
    o["createdAt"] = pr->created_at;
    o["updatedAt"] = pr->updated_at;
    o["pending_amount"] = paid ? 0 : pr->amount;
  }
  return ok("Payment request retrieved", std::move(o));
}

// ---------------------------------------------------------------------------------------------
// Control operations

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

std::vector<webhook_delivery> engine::webhook_log() const {
  std::lock_guard lk(mutex_);
  return {webhook_log_.begin(), webhook_log_.end()};
}

bool engine::wait_for_webhooks(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lk(mutex_);
  return webhook_cv_.wait_for(lk, timeout, [&] {
    auto settled = std::count_if(webhook_log_.begin(), webhook_log_.end(),
                                 [](const auto& w) { return w.status != webhook_status::pending; });
    return static_cast<std::size_t>(settled) >= count;
  });
}

void engine::reset() {
  std::lock_guard lk(mutex_);
  reset_locked();
}

// ---------------------------------------------------------------------------------------------
// The /_sim control API

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
}  // namespace

http_response engine::route_control(const http_request& req, std::string_view path) {
  auto seg = split(path, '/');  // seg[0] == "_sim"
  const auto& m = req.method;
  auto n = seg.size();
  json::object body;
  if (m == "POST" || m == "PUT") {
    if (auto err = parse_body(req, body)) return std::move(*err);
  }
  auto opt_bool = [&](std::string_view key) -> std::optional<bool> {
    const auto* v = member(body, key);
    if (v != nullptr && v->is_bool()) return v->get_bool();
    return std::nullopt;
  };
  auto opt_string = [&](std::string_view key) -> std::string {
    const auto* v = member(body, key);
    if (v != nullptr && v->is_string()) return std::string(v->get_string());
    return {};
  };

  if (n == 2 && m == "GET" && seg[1] == "health") return ok("Simulator is running");
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
  if (n == 2 && m == "POST" && (seg[1] == "terminals" || seg[1] == "devices") &&
      devices_full_locked()) {
    return fail_plain(409, "Device limit reached: at most " + std::to_string(options_.max_devices) +
                               " terminals and devices (POST /_sim/reset starts over)");
  }
  if (n == 2 && m == "POST" && seg[1] == "terminals") {
    auto name = opt_string("name");
    if (name.size() > field_limit::name) return invalid(too_long("name", field_limit::name));
    auto tid = add_terminal_locked(std::move(name));
    return ok("Terminal added", terminal_json(*find_terminal_locked(tid), false));
  }
  if (n == 2 && m == "POST" && seg[1] == "devices") {
    auto serial = opt_string("serial_number");
    if (serial.size() > field_limit::serial) {
      return invalid(too_long("serial_number", field_limit::serial));
    }
    if (serial.empty()) serial = new_serial_locked();
    if (by_serial_.contains(serial)) return fail_plain(409, "Device already exists");
    add_device_locked(serial, false, std::nullopt);
    return ok("Device added", json::object{{"serial_number", serial}});
  }
  if (n == 4 && (m == "POST" || m == "PUT") && seg[1] == "terminals" && seg[3] == "presence") {
    return control_answer(set_presence_locked(seg[2], opt_bool("online"), opt_bool("available")),
                          "Terminal", "Terminal presence updated");
  }
  if (n == 4 && m == "POST" && seg[1] == "events" && seg[3] == "deliver") {
    return control_answer(deliver_event_locked(seg[2]), "Event", "Event delivered");
  }
  if (n == 4 && m == "POST" && seg[1] == "events" && seg[3] == "hold") {
    return control_answer(hold_event_locked(seg[2]), "Event", "Event held");
  }
  if (n == 4 && m == "POST" && seg[1] == "payment-requests" &&
      (seg[3] == "approve" || seg[3] == "decline")) {
    auto* pr = find_request_locked(seg[2]);
    if (pr == nullptr) return fail_plain(404, "Payment request not found");
    bool approve = seg[3] == "approve";
    return control_answer(settle_locked(*pr, approve), "Payment request",
                          approve ? "Payment approved" : "Payment declined");
  }
  if (n == 2 && m == "POST" && seg[1] == "faults") {
    auto id = opt_string("id");
    auto spec = opt_string("fault");
    const auto* times_v = member(body, "times");
    auto times = times_v != nullptr ? to_int(*times_v) : std::optional<std::int64_t>{1};
    if (id.empty() || spec.empty()) return missing(id.empty() ? "id" : "fault");
    if (id.size() > field_limit::fault_id) return invalid(too_long("id", field_limit::fault_id));
    if (!times || *times > 1000000) return invalid("\"times\" must be 0..1000000");
    auto plan = parse_fault_spec(spec, nullptr);
    if (!plan.error.empty()) return invalid("Invalid fault: " + plan.error);
    if (faults_.size() >= max_faults) faults_.clear();
    faults_[id] = fault_entry{std::move(plan), static_cast<unsigned>(*times)};
    return ok("Fault registered", json::object{{"id", id}, {"times", *times}});
  }
  return fail_plain(404, "Unknown simulator control route");
}

}  // namespace paystack::sim::detail
