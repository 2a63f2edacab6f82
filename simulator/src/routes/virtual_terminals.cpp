// The /virtual_terminal routes: create, list (cursor or page paging, as the request asks),
// fetch, update, deactivate, assign and unassign destinations, add and remove a split code; and
// POST /_sim/virtual_terminals/{code}/pay, a customer paying a Virtual Terminal (charge.success
// with source "virtual_terminal", as the guide's webhook sample shows). Messages and shapes come
// from the samples under samples/api/virtual-terminal (terminal-api.md §3); where Paystack
// documents nothing the choice is written in doc/simulator.md ("Virtual Terminal").
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>

#include "engine.hpp"
#include "util.hpp"
#include "wire.hpp"

namespace paystack::sim::detail {

namespace json = boost::json;

namespace {

constexpr std::int64_t max_per_page = 100;
constexpr std::size_t max_destinations = 5;  // "up to five WhatsApp-enabled phone numbers"
constexpr std::size_t max_custom_fields = 10;
constexpr std::size_t split_code_limit = 64;

/// The one 404 Paystack documents for a Virtual Terminal (Update's sample), used for every
/// unknown code.
http_response vt_not_found() {
  return fail(404, "Virtual Terminal not assigned", "Try again later", "api_error", "unknown");
}

/// An optional '+' then 6 to 15 digits.
bool phone_ok(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  return s.size() >= 6 && s.size() <= 15 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// A short string member: absent or null gives nullopt in `out`; the answer on a bad one.
std::optional<http_response> read_text(const json::object& body, std::string_view key,
                                       std::size_t limit, std::optional<std::string>& out) {
  const auto* v = member(body, key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) return invalid("\"" + std::string(key) + "\" must be a string");
  if (v->get_string().size() > limit) return invalid(too_long(key, limit));
  out = std::string(v->get_string());
  return std::nullopt;
}

/// Reads `destinations` ([{target, name}], 1 to `room` items) into `out`.
std::optional<http_response> read_destinations(const json::object& body, std::size_t room,
                                               std::vector<vt_destination>& out) {
  const auto* v = member(body, "destinations");
  if (v == nullptr || v->is_null()) return missing("destinations");
  if (!v->is_array() || v->get_array().empty())
    return invalid("\"destinations\" must be a non-empty array");
  if (v->get_array().size() > room)
    return invalid("A virtual terminal can have at most " + std::to_string(max_destinations) +
                   " destinations");
  for (const auto& item : v->get_array()) {
    if (!item.is_object()) return invalid("Each of \"destinations\" must be an object");
    const auto& o = item.get_object();
    std::optional<std::string> target;
    std::optional<std::string> name;
    if (auto err = read_text(o, "target", 32, target)) return err;
    if (!target) return missing("destinations.target");
    if (!phone_ok(*target)) return invalid("\"destinations.target\" must be a phone number");
    if (auto err = read_text(o, "name", field_limit::name, name)) return err;
    vt_destination d;
    d.target = std::move(*target);
    d.name = name ? json::value(*name) : json::value(nullptr);
    out.push_back(std::move(d));
  }
  return std::nullopt;
}

std::string ascii_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool has_target(const virtual_terminal& vt, std::string_view target) {
  return std::any_of(vt.destinations.begin(), vt.destinations.end(),
                     [&](const vt_destination& d) { return d.target == target; });
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// State and JSON

void engine::reset_virtual_terminals_locked() {
  virtual_terminals_.clear();
  by_vt_code_.clear();
  next_vt_id_ = 26000;
  next_vt_destination_id_ = 27900;
}

virtual_terminal* engine::find_virtual_terminal_locked(std::string_view code) {
  std::string upper(code);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  auto it = by_vt_code_.find(upper);
  if (it == by_vt_code_.end()) return nullptr;
  return &virtual_terminals_.at(it->second);
}

/// `full`: the Fetch/Create shape (destinations, connect_account_id); else the List item.
json::object engine::virtual_terminal_json(const virtual_terminal& vt, bool full) const {
  json::object o;
  o["id"] = vt.id;
  o["code"] = vt.code;
  o["name"] = vt.name;
  o["integration"] = options_.integration_id;
  o["domain"] = domain();
  o["paymentMethods"] = json::array{};
  o["active"] = vt.active;
  o["created_at"] = vt.created_at;
  if (full) {
    o["metadata"] = vt.metadata;
    o["connect_account_id"] = nullptr;
    json::array ds;
    for (const auto& d : vt.destinations)
      ds.push_back(json::object{{"target", d.target},
                                {"type", "whatsapp"},
                                {"name", d.name},
                                {"created_at", d.created_at}});
    o["destinations"] = std::move(ds);
  }
  o["currency"] = vt.currency;
  return o;
}

// ---------------------------------------------------------------------------------------------
// Routes

http_response engine::route_virtual_terminals(const http_request& req,
                                              std::span<std::string_view> seg,
                                              std::string_view query) {
  const auto& m = req.method;
  const auto n = seg.size();
  if (n == 1 && m == "GET") return list_virtual_terminals(query);
  if (n == 1 && m == "POST") return create_virtual_terminal(req);
  if (n < 2 || n > 4) return fail_plain(404, "Entity not found");
  auto* vt = find_virtual_terminal_locked(seg[1]);
  const bool known_route = (n == 2 && (m == "GET" || m == "PUT")) ||
                           (n == 3 && m == "PUT" && seg[2] == "deactivate") ||
                           (n == 3 && (m == "PUT" || m == "DELETE") && seg[2] == "split_code") ||
                           (n == 4 && m == "POST" && seg[2] == "destination" &&
                            (seg[3] == "assign" || seg[3] == "unassign"));
  if (!known_route) return fail_plain(404, "Entity not found");
  if (vt == nullptr) return vt_not_found();
  if (n == 2 && m == "GET")
    return ok("Virtual Terminal retrieved", virtual_terminal_json(*vt, true));
  if (n == 2) return update_virtual_terminal(*vt, req);
  if (seg[2] == "deactivate") {
    vt->active = false;
    return ok("Terminal set to inactive");
  }
  if (seg[2] == "split_code") return split_code_route(*vt, req, m == "PUT");
  if (seg[3] == "assign") return assign_destinations(*vt, req);
  return unassign_destinations(*vt, req);
}

http_response engine::create_virtual_terminal(const http_request& req) {
  json::object body;
  if (auto err = parse_body(req, body)) return std::move(*err);
  std::optional<std::string> name;
  if (auto err = read_text(body, "name", field_limit::name, name)) return std::move(*err);
  if (!name || name->empty()) return missing("name");
  virtual_terminal vt;
  vt.name = std::move(*name);
  if (auto err = read_destinations(body, max_destinations, vt.destinations)) return std::move(*err);

  // currency: a string (or, as the docs type it, an array holding one); default NGN.
  vt.currency = "NGN";
  if (const auto* c = member(body, "currency"); c != nullptr && !c->is_null()) {
    const json::value* one = c;
    if (c->is_array() && c->get_array().size() == 1) one = &c->get_array()[0];
    const auto* s = one->if_string();
    if (s == nullptr || (*s != "NGN" && *s != "GHS" && *s != "ZAR" && *s != "KES" && *s != "USD"))
      return invalid("\"currency\" must be one of [NGN, GHS, ZAR, KES, USD]");
    vt.currency = std::string(*s);
  }
  // metadata: an object (spec) or a stringified JSON object (docs); stored as an object.
  vt.metadata = nullptr;
  if (const auto* md = member(body, "metadata"); md != nullptr && !md->is_null()) {
    json::value parsed = *md;
    if (md->is_string()) {
      boost::system::error_code ec;
      parsed = json::parse(md->get_string(), ec);
      if (ec) return invalid("\"metadata\" must be a JSON object");
    }
    if (!parsed.is_object()) return invalid("\"metadata\" must be a JSON object");
    if (json::serialize(parsed).size() > field_limit::metadata)
      return invalid(too_long("metadata", field_limit::metadata));
    vt.metadata = std::move(parsed);
  }
  vt.custom_fields = nullptr;
  if (const auto* cf = member(body, "custom_fields"); cf != nullptr && !cf->is_null()) {
    if (!cf->is_array() || cf->get_array().size() > max_custom_fields)
      return invalid("\"custom_fields\" must be an array of at most " +
                     std::to_string(max_custom_fields));
    for (const auto& f : cf->get_array()) {
      std::optional<std::string> display;
      std::optional<std::string> variable;
      if (!f.is_object()) return invalid("Each of \"custom_fields\" must be an object");
      if (auto err = read_text(f.get_object(), "display_name", field_limit::name, display))
        return std::move(*err);
      if (auto err = read_text(f.get_object(), "variable_name", field_limit::name, variable))
        return std::move(*err);
      if (!display || !variable)
        return missing(!display ? "custom_fields.display_name" : "custom_fields.variable_name");
    }
    vt.custom_fields = *cf;
  }
  std::optional<std::string> split;
  if (auto err = read_text(body, "split_code", split_code_limit, split)) return std::move(*err);
  vt.split_code = std::move(split);

  // Bounded like every collection: the oldest terminal goes first.
  while (virtual_terminals_.size() >= state_limit::virtual_terminals) {
    by_vt_code_.erase(virtual_terminals_.begin()->second.code);
    virtual_terminals_.erase(virtual_terminals_.begin());
  }
  vt.id = next_vt_id_++;
  do {
    vt.code = "VT_" + random_string(alnum_upper, 8);
  } while (by_vt_code_.contains(vt.code));
  vt.created_at = now_iso();
  for (auto& d : vt.destinations) {
    d.id = next_vt_destination_id_++;
    d.created_at = vt.created_at;
  }
  // The create sample: no created_at, destinations without one either.
  json::object data = virtual_terminal_json(vt, true);
  data.erase("created_at");
  data.erase("connect_account_id");
  for (auto& d : data["destinations"].as_array()) d.as_object().erase("created_at");
  by_vt_code_[vt.code] = vt.id;
  virtual_terminals_.emplace(vt.id, std::move(vt));
  return ok("Virtual Terminal created", std::move(data));
}

namespace {

/// The filters of List Virtual Terminals: `status` (active or inactive) and `search` (in the
/// name or the code, any case).
struct vt_filter {
  std::optional<std::string> status;
  std::string needle;  // lower case; empty: any

  bool matches(const virtual_terminal& vt) const {
    if (status && vt.active != (*status == "active")) return false;
    return needle.empty() || ascii_lower(vt.name).find(needle) != std::string::npos ||
           ascii_lower(vt.code).find(needle) != std::string::npos;
  }
};

std::optional<http_response> read_vt_filter(std::string_view query, vt_filter& out) {
  out.status = query_param(query, "status");
  if (out.status && *out.status != "active" && *out.status != "inactive")
    return invalid("status must be one of [active, inactive]");
  auto search = query_param(query, "search");
  if (search && search->size() > field_limit::name)
    return invalid(too_long("search", field_limit::name));
  if (search) out.needle = ascii_lower(*search);
  return std::nullopt;
}

using vt_map = std::map<std::int64_t, virtual_terminal>;

/// The Virtual Terminals of one page, newest first, and the list's meta.
struct vt_page {
  std::vector<const virtual_terminal*> items;
  json::object meta;
};

/// A page by number (the spec's `page`, from 1).
std::optional<http_response> vt_page_by_number(const vt_map& all, const vt_filter& filter,
                                               std::string_view page_text, std::int64_t per_page,
                                               vt_page& out) {
  auto page = parse_uint(page_text);
  if (!page || *page < 1) return invalid("page must be a positive integer");
  const auto limit = static_cast<std::size_t>(per_page);
  std::int64_t total = 0;
  const std::int64_t skip = (*page - 1) * per_page;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (!filter.matches(it->second)) continue;
    if (total >= skip && out.items.size() < limit) out.items.push_back(&it->second);
    ++total;
  }
  out.meta = json::object{{"total", total},
                          {"skipped", skip},
                          {"perPage", per_page},
                          {"page", *page},
                          {"pageCount", (total + per_page - 1) / per_page}};
  return std::nullopt;
}

/// A page by cursor (the docs): `next` holds the id the next page starts below, `previous` the
/// id the page before starts above.
void vt_page_by_cursor(const vt_map& all, const vt_filter& filter, const cursor_page& paging,
                       vt_page& out) {
  const auto limit = static_cast<std::size_t>(paging.per_page);
  const auto& below = paging.next;
  const auto& above = paging.previous;
  auto& page = out.items;
  bool more_after = false;
  if (above) {  // the page before: the `limit` matches just above, newest first
    for (auto it = all.upper_bound(*above); it != all.end(); ++it) {
      if (!filter.matches(it->second)) continue;
      if (page.size() == limit) break;
      page.push_back(&it->second);
    }
    std::reverse(page.begin(), page.end());
    more_after = true;
  } else {
    auto it = below ? std::make_reverse_iterator(all.lower_bound(*below)) : all.rbegin();
    for (; it != all.rend(); ++it) {
      if (!filter.matches(it->second)) continue;
      if (page.size() == limit) {
        more_after = true;
        break;
      }
      page.push_back(&it->second);
    }
  }
  const bool more_before =
      !page.empty() && std::any_of(all.upper_bound(page.front()->id), all.end(),
                                   [&](const auto& kv) { return filter.matches(kv.second); });
  out.meta["next"] = more_after && !page.empty()
                         ? json::value(base64_encode("vt:below:" + std::to_string(page.back()->id)))
                         : json::value(nullptr);
  out.meta["previous"] =
      more_before ? json::value(base64_encode("vt:above:" + std::to_string(page.front()->id)))
                  : json::value(nullptr);
  out.meta["perPage"] = paging.per_page;
}

}  // namespace

http_response engine::list_virtual_terminals(std::string_view query) {
  cursor_page paging;
  if (auto err = read_cursor_page(query, max_per_page, "vt:below:", "vt:above:", paging))
    return std::move(*err);
  vt_filter filter;
  if (auto err = read_vt_filter(query, filter)) return std::move(*err);
  // Newest first, as the sample. Page numbers (the spec) when `page` is given, else cursors
  // (the docs).
  vt_page page;
  if (auto page_text = query_param(query, "page")) {
    auto err = vt_page_by_number(virtual_terminals_, filter, *page_text, paging.per_page, page);
    if (err) return std::move(*err);
  } else {
    vt_page_by_cursor(virtual_terminals_, filter, paging, page);
  }
  json::array data;
  for (const auto* vt : page.items) data.push_back(virtual_terminal_json(*vt, false));
  return make_json(200, json::object{{"status", true},
                                     {"message", "Virtual Terminals retrieved"},
                                     {"data", std::move(data)},
                                     {"meta", std::move(page.meta)}});
}

http_response engine::update_virtual_terminal(virtual_terminal& vt, const http_request& req) {
  json::object body;
  if (auto err = parse_body(req, body)) return std::move(*err);
  std::optional<std::string> name;
  if (auto err = read_text(body, "name", field_limit::name, name)) return std::move(*err);
  // The documented 400, with the trailing no-break space (U+00A0) of its nextStep.
  if (!name || name->empty())
    return fail(400, "\"name\" is required", "Provide all required params\u00a0",
                "validation_error", "missing_params");
  vt.name = std::move(*name);
  return ok("Virtual Terminal updated", virtual_terminal_json(vt, true));
}

http_response engine::assign_destinations(virtual_terminal& vt, const http_request& req) {
  json::object body;
  if (auto err = parse_body(req, body)) return std::move(*err);
  std::vector<vt_destination> added;
  if (auto err = read_destinations(body, max_destinations - vt.destinations.size(), added))
    return std::move(*err);
  for (std::size_t i = 0; i < added.size(); ++i) {
    const bool twice = std::any_of(added.begin(), added.begin() + static_cast<std::ptrdiff_t>(i),
                                   [&](const auto& d) { return d.target == added[i].target; });
    if (twice || has_target(vt, added[i].target))
      return invalid("Destination " + added[i].target + " is already assigned");
  }
  const auto now = now_iso();
  json::array data;
  for (auto& d : added) {
    d.id = next_vt_destination_id_++;
    d.created_at = now;
    data.push_back(json::object{{"integration", options_.integration_id},
                                {"target", d.target},
                                {"name", d.name},
                                {"type", "whatsapp"},
                                {"id", d.id},
                                {"createdAt", now},
                                {"updatedAt", now}});
    vt.destinations.push_back(std::move(d));
  }
  return ok("Destinations assigned successfully", std::move(data));
}

http_response engine::unassign_destinations(virtual_terminal& vt, const http_request& req) {
  json::object body;
  if (auto err = parse_body(req, body)) return std::move(*err);
  const auto* v = member(body, "targets");
  if (v == nullptr || v->is_null()) return missing("targets");
  if (!v->is_array() || v->get_array().empty() || v->get_array().size() > max_destinations)
    return invalid("\"targets\" must be an array of 1 to " + std::to_string(max_destinations) +
                   " phone numbers");
  for (const auto& t : v->get_array())
    if (!t.is_string() || !phone_ok(t.get_string()))
      return invalid("Each of \"targets\" must be a phone number");
  std::erase_if(vt.destinations, [&](const vt_destination& d) {
    return std::any_of(v->get_array().begin(), v->get_array().end(),
                       [&](const json::value& t) { return t.get_string() == d.target; });
  });
  return ok("Destination deleted successfully");
}

http_response engine::split_code_route(virtual_terminal& vt, const http_request& req, bool add) {
  json::object body;
  if (auto err = parse_body(req, body)) return std::move(*err);
  std::optional<std::string> code;
  if (auto err = read_text(body, "split_code", split_code_limit, code)) return std::move(*err);
  if (!code || code->empty()) return missing("split_code");
  if (!add) {
    // The documented 400 of Remove Split Code, for a split the terminal does not have.
    if (vt.split_code != code)
      return fail(400, "Payment method does not exist",
                  "Ensure that you're passing the correct reference for the requested resource "
                  "that exists on this integration",
                  "validation_error", "not_found");
    vt.split_code.reset();
    return ok("Split code removed");
  }
  if (!starts_with(*code, "SPL_")) return not_found("Split code not found");
  vt.split_code = *code;
  const auto now = now_iso();
  return ok("Split code assigned", json::object{{"id", 3000000 + vt.id},
                                                {"name", "Split for " + vt.code},
                                                {"type", "percentage"},
                                                {"currency", vt.currency},
                                                {"integration", options_.integration_id},
                                                {"domain", domain()},
                                                {"split_code", *code},
                                                {"active", true},
                                                {"bearer_type", "account"},
                                                {"bearer_subaccount", nullptr},
                                                {"createdAt", now},
                                                {"updatedAt", now},
                                                {"is_dynamic", false},
                                                {"subaccounts", json::array{}},
                                                {"total_subaccounts", 0}});
}

// ---------------------------------------------------------------------------------------------
// A customer pays a Virtual Terminal (POST /_sim/virtual_terminals/{code}/pay {amount, email?}).

namespace {

/// The test card a Virtual Terminal payment is made with (the guide's sample: a reusable Visa).
json::object vt_card_authorization(std::string authorization_code, std::string signature) {
  return json::object{{"authorization_code", std::move(authorization_code)},
                      {"bin", "408408"},
                      {"last4", "4081"},
                      {"exp_month", "12"},
                      {"exp_year", "2030"},
                      {"channel", "card"},
                      {"card_type", "visa "},
                      {"bank", "TEST BANK"},
                      {"country_code", "NG"},
                      {"brand", "visa"},
                      {"reusable", true},
                      {"signature", std::move(signature)},
                      {"account_name", nullptr},
                      {"receiver_bank_account_number", nullptr},
                      {"receiver_bank", nullptr}};
}

/// The data of the charge.success webhook of payment `t` to `vt` at `now`, as the guide's
/// sample shows it.
json::object vt_charge_json(const virtual_terminal& vt, const transaction_record& t,
                            const std::string& now, std::string domain, json::object customer,
                            json::object authorization) {
  json::object charge;
  charge["id"] = t.id;
  charge["domain"] = std::move(domain);
  charge["status"] = "success";
  charge["reference"] = t.reference;
  charge["amount"] = t.amount;  // an integer in the Virtual Terminal sample
  charge["message"] = nullptr;
  charge["gateway_response"] = "Successful";
  charge["paid_at"] = now;
  charge["created_at"] = now;
  charge["channel"] = "card";
  charge["currency"] = vt.currency;
  charge["ip_address"] = "127.0.0.1";
  charge["metadata"] =
      json::object{{"virtual_terminal", json::object{{"code", vt.code}}},
                   {"referrer", "https://paystack.shop/pay/" + ascii_lower(vt.code)}};
  charge["fees_breakdown"] = nullptr;
  charge["log"] = nullptr;
  charge["fees"] = t.amount * 29 / 1000;
  charge["fees_split"] = nullptr;
  charge["authorization"] = std::move(authorization);
  charge["customer"] = std::move(customer);
  charge["plan"] = json::object{};
  charge["subaccount"] = json::object{};
  charge["split"] = json::object{};
  charge["order_id"] = nullptr;
  charge["paidAt"] = now;
  charge["requested_amount"] = t.amount;
  charge["pos_transaction_data"] = nullptr;
  charge["source"] = json::object{{"type", "offline"},
                                  {"source", "virtual_terminal"},
                                  {"entry_point", "request_inline"},
                                  {"identifier", vt.code}};
  return charge;
}

}  // namespace

http_response engine::pay_virtual_terminal_locked(std::string_view code, const json::object& body) {
  auto* vt = find_virtual_terminal_locked(code);
  if (vt == nullptr) return fail_plain(404, "Virtual Terminal not found");
  if (!vt->active) return fail_plain(409, "Virtual Terminal is inactive");
  const auto* amount_v = member(body, "amount");
  auto amount = amount_v != nullptr ? to_int(*amount_v) : std::nullopt;
  if (!amount || *amount < 1 || *amount > 1'000'000'000'000)
    return invalid("\"amount\" must be a positive integer (subunits)");
  std::optional<std::string> email;
  if (auto err = read_text(body, "email", field_limit::customer, email)) return std::move(*err);
  const auto now = now_iso();
  const auto customer_id = customer_for_locked(0, "CUS_" + random_string(alnum_lower, 15));
  json::object customer = customer_json(customer_id, false);
  if (email) customer["email"] = *email;
  customer["phone"] = "";  // as in the sample
  customer["international_format_phone"] = nullptr;

  // The payment becomes a transaction (GET /transaction?channel=card finds it), with the
  // Virtual Terminal's code as its source identifier.
  new_transaction paid;
  paid.amount = *amount;
  paid.currency = vt->currency;
  paid.channel = "card";
  paid.source = "virtual_terminal";
  paid.terminal_id = vt->code;
  paid.customer_id = customer_id;
  paid.reference_prefix = "T";
  auto& recorded = record_transaction_locked(std::move(paid));
  recorded.entry_point = "request_inline";
  const auto transaction_id = recorded.id;
  const auto reference = recorded.reference;

  // Drawn in this order, so that a seed gives the same ids.
  auto authorization_code = "AUTH_" + random_string(alnum_lower, 10);
  auto signature = "SIG_" + random_string(alnum_upper, 20);
  auto charge =
      vt_charge_json(*vt, recorded, now, domain(), std::move(customer),
                     vt_card_authorization(std::move(authorization_code), std::move(signature)));
  emit_locked("charge.success",
              json::serialize(json::object{{"event", "charge.success"}, {"data", charge}}));
  return ok("Virtual Terminal paid", json::object{{"reference", reference},
                                                  {"id", transaction_id},
                                                  {"amount", *amount},
                                                  {"currency", vt->currency}});
}

}  // namespace paystack::sim::detail
