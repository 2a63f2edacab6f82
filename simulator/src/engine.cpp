// The engine's core: construction and seeding, ids, record lookups, customers, and handle():
// fault answers, authentication, the rate limit and the dispatch of /terminal and
// /paymentrequest to the route files under routes/. Message strings come from
// /work/shared/paystack/terminal-api.md and the official samples; where Paystack documents
// nothing, the choice is recorded in doc/simulator.md ("inferred").
#include "engine.hpp"

#include <boost/json/array.hpp>
#include <limits>

#include "util.hpp"
#include "wire.hpp"

namespace paystack::sim::detail {

namespace json = boost::json;

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

device& engine::add_device_locked(std::string serial, bool commissioned,
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
  next_refund_id_ = next_transaction_id_ / 100;  // no draw: the seeded ids stay as they were
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
  transactions_.clear();
  by_transaction_reference_.clear();
  refunds_.clear();
  events_.clear();
  event_order_.clear();
  exports_.clear();
  faults_.clear();
  reset_virtual_terminals_locked();
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

device* engine::find_terminal_locked(std::string_view terminal_id) {
  auto it = by_terminal_id_.find(std::string(terminal_id));
  if (it == by_terminal_id_.end()) return nullptr;
  auto& d = devices_.at(it->second);
  return d.commissioned ? &d : nullptr;
}

payment_request* engine::find_request_locked(std::string_view id_or_code) {
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
  if (customers_.size() >= state_limit::customers) {
    by_customer_code_.erase(customers_.begin()->second.code);
    customers_.erase(customers_.begin());
  }
  by_customer_code_[c.code] = c.id;
  auto cid = c.id;
  customers_.emplace(cid, std::move(c));
  return cid;
}

std::int64_t engine::customer_filter_locked(std::string_view id_or_code) const {
  if (auto id = parse_uint(id_or_code)) return *id;
  auto it = by_customer_code_.find(std::string(id_or_code));
  return it == by_customer_code_.end() ? -1 : it->second;
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

// The API resources, one file under routes/ each. To add one (virtual terminals, transactions,
// refunds...): write routes/<resource>.cpp, declare its members in engine.hpp, add a branch here.
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
    if (n == 1 && m == "GET") return list_requests(query);
    if (n == 2 && m == "GET" && seg[1] == "totals") return request_totals();
    if (n == 3 && m == "GET" && seg[1] == "verify") return fetch_request(seg[2], true);
    if (n == 3 && m == "POST" && seg[1] == "archive") return archive_request(seg[2]);
    if (n == 3 && m == "POST" && seg[1] == "finalize") return finalize_request(seg[2]);
    if (n == 3 && m == "POST" && seg[1] == "notify") return notify_request(seg[2]);
    if (n == 2 && m == "GET") return fetch_request(seg[1], false);
    if (n == 2 && m == "PUT") return update_request(seg[1], req);
  } else if (n >= 1 && seg[0] == "virtual_terminal") {
    return route_virtual_terminals(req, seg, query);
  } else if (n >= 1 && seg[0] == "transaction") {
    if (n == 1 && m == "GET") return list_transactions(query);
    if (n == 2 && m == "GET" && seg[1] == "totals") return transaction_totals(query);
    if (n == 2 && m == "GET" && seg[1] == "export") return export_transactions(query);
    if (n == 3 && m == "GET" && seg[1] == "timeline") return transaction_timeline(seg[2]);
    if (n == 3 && m == "GET" && seg[1] == "verify") return verify_transaction(seg[2]);
    if (n == 2 && m == "GET") return fetch_transaction(seg[1]);
  } else if (n >= 1 && seg[0] == "settlement") {
    if (n == 1 && m == "GET") return list_settlements(query);
    if (n == 3 && m == "GET" && seg[2] == "transactions")
      return settlement_transactions(seg[1], query);
  } else if (n >= 1 && seg[0] == "refund") {
    if (n == 1 && m == "POST") return create_refund(req);
    if (n == 1 && m == "GET") return list_refunds(query);
    if (n == 2 && m == "GET") return fetch_refund(seg[1]);
    if (n == 3 && m == "POST" && seg[1] == "retry_with_customer_details")
      return retry_refund(seg[2], req);
  }
  return fail_plain(404, "Entity not found");
}

}  // namespace paystack::sim::detail
