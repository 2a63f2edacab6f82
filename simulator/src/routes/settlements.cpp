// After the sale: settlements (GET /settlement, /settlement/{id}/transactions), made on demand
// from each day's successful transactions less Paystack's fees (doc/simulator.md,
// "Settlements"); Export Transactions (GET /transaction/export: a link the simulator serves at
// /_sim/exports/{token}.csv, without a key, as Paystack's pre-signed links are); and Fetch
// Transaction Timeline (GET /transaction/timeline/{id_or_reference}).
#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <ctime>
#include <map>

#include "engine.hpp"
#include "util.hpp"
#include "wire.hpp"

namespace paystack::sim::detail {

namespace json = boost::json;

namespace {

constexpr std::int64_t default_per_page = 50;
constexpr std::int64_t max_per_page = 100;
constexpr std::size_t max_exports = 64;
constexpr std::chrono::minutes export_lifetime{30};

/// The currencies a settlement id encodes (id = YYYYMMDD * 100 + index); others are 99.
constexpr std::array<std::string_view, 7> currencies{"NGN", "GHS", "ZAR", "KES",
                                                     "USD", "XOF", "EGP"};

std::int64_t currency_index(std::string_view c) {
  for (std::size_t i = 0; i < currencies.size(); ++i)
    if (currencies[i] == c) return static_cast<std::int64_t>(i) + 1;
  return 99;
}

/// A settlement is one UTC day's successful transactions in one currency.
struct settlement_key {
  std::string day;  // "2024-06-01"
  std::string currency;
  auto operator<=>(const settlement_key&) const = default;
};

std::int64_t settlement_id(const settlement_key& k) {
  std::int64_t ymd = 0;
  for (char c : k.day)
    if (c >= '0' && c <= '9') ymd = ymd * 10 + (c - '0');
  return ymd * 100 + currency_index(k.currency);
}

/// Unix seconds of an iso8601() time (whole seconds); 0 when it does not parse.
std::int64_t unix_seconds(const std::string& iso) {
  std::tm tm{};
  if (iso.size() < 19 || !strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

/// The day after `day` ("2024-06-30" -> "2024-07-01").
std::string next_day(const std::string& day) {
  const auto t = unix_seconds(day + "T00:00:00") + 86400;
  return iso8601(std::chrono::system_clock::time_point(std::chrono::seconds(t))).substr(0, 10);
}

/// Whether `day` falls in [from, to], compared on the bound's length (a bare date is a day).
bool in_period(const std::string& iso, const std::optional<std::string>& from,
               const std::optional<std::string>& to) {
  if (from && iso.compare(0, from->size(), *from) < 0) return false;
  if (to && iso.compare(0, to->size(), *to) > 0) return false;
  return true;
}

json::object page_meta(std::int64_t total, std::int64_t per_page, std::int64_t page_no) {
  return json::object{{"total", total},
                      {"skipped", (page_no - 1) * per_page},
                      {"perPage", per_page},
                      {"page", page_no},
                      {"pageCount", (total + per_page - 1) / per_page}};
}

/// One CSV field, quoted when it needs to be (RFC 4180).
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::int64_t paystack_fee(std::int64_t amount) {
  // 1.5% + NGN 100 (10,000 kobo), the NGN 100 waived under NGN 2,500, capped at NGN 2,000.
  const std::int64_t fee = amount * 15 / 1000 + (amount >= 250000 ? 10000 : 0);
  return std::min<std::int64_t>(fee, 200000);
}

void engine::set_base_url(std::string url) {
  std::lock_guard lk(mutex_);
  base_url_ = std::move(url);
}

std::vector<engine::settlement_group> engine::settlements_locked() const {
  std::map<settlement_key, settlement_group> groups;
  for (const auto& [id, t] : transactions_) {
    if (t.status != "success" || t.paid_at.size() < 10) continue;
    settlement_key k{t.paid_at.substr(0, 10), t.currency};
    auto& g = groups[k];
    g.day = k.day;
    g.currency = k.currency;
    g.id = settlement_id(k);
    g.processed += t.amount;
    g.fees += paystack_fee(t.amount);
    g.deductions += t.refunded;
    g.transactions.push_back(&t);
  }
  std::vector<settlement_group> out;
  for (auto it = groups.rbegin(); it != groups.rend(); ++it) out.push_back(std::move(it->second));
  return out;  // newest day first
}

json::object engine::settlement_json(const settlement_group& g) const {
  const bool today = g.day == now_iso().substr(0, 10);
  const auto settled = next_day(g.day) + "T00:00:00.000Z";
  return json::object{{"id", g.id},
                      {"domain", domain()},
                      {"status", today ? "pending" : "success"},
                      {"currency", g.currency},
                      {"integration", 463433},
                      {"total_amount", g.processed - g.fees},
                      {"effective_amount", g.processed - g.fees - g.deductions},
                      {"total_fees", g.fees},
                      {"total_processed", g.processed},
                      {"deductions", g.deductions},
                      {"settlement_date", settled},
                      {"settled_by", nullptr},
                      {"createdAt", g.day + "T23:59:59.000Z"},
                      {"updatedAt", today ? g.day + "T23:59:59.000Z" : settled}};
}

http_response engine::list_settlements(std::string_view query) {
  std::int64_t per_page = default_per_page;
  if (auto err = read_per_page(query, max_per_page, per_page)) return std::move(*err);
  std::int64_t page_no = 1;
  if (auto err = read_page_number(query, page_no)) return std::move(*err);
  auto from = query_param(query, "from");
  auto to = query_param(query, "to");
  auto status = query_param(query, "status");
  for (const auto* v : {&from, &to, &status})
    if (*v && (v->value().empty() || v->value().size() > 64))
      return invalid("\"from\", \"to\" and \"status\" must not be empty");
  json::array data;
  std::int64_t total = 0;
  const std::int64_t skip = (page_no - 1) * per_page;
  for (const auto& g : settlements_locked()) {
    auto s = settlement_json(g);
    if (!in_period(g.day, from, to) || (status && s["status"].as_string() != *status)) continue;
    if (total >= skip && total < skip + per_page) data.push_back(std::move(s));
    ++total;
  }
  return make_json(200, json::object{{"status", true},
                                     {"message", "Settlements retrieved"},
                                     {"data", std::move(data)},
                                     {"meta", page_meta(total, per_page, page_no)}});
}

http_response engine::settlement_transactions(std::string_view id, std::string_view query) {
  auto sid = parse_uint(id);
  if (!sid) return invalid("Settlement ID should be numeric");
  std::int64_t per_page = default_per_page;
  if (auto err = read_per_page(query, max_per_page, per_page)) return std::move(*err);
  std::int64_t page_no = 1;
  if (auto err = read_page_number(query, page_no)) return std::move(*err);
  auto from = query_param(query, "from");
  auto to = query_param(query, "to");
  for (const auto& g : settlements_locked()) {
    if (g.id != *sid) continue;
    json::array data;
    std::int64_t total = 0, volume = 0;
    const std::int64_t skip = (page_no - 1) * per_page;
    for (auto it = g.transactions.rbegin(); it != g.transactions.rend(); ++it) {
      if (!in_period((*it)->paid_at, from, to)) continue;
      if (total >= skip && total < skip + per_page) data.push_back(transaction_json(**it));
      ++total;
      volume += (*it)->amount;
    }
    auto meta = page_meta(total, per_page, page_no);
    meta["total_volume"] = volume;
    return make_json(200, json::object{{"status", true},
                                       {"message", "Transactions retrieved"},
                                       {"data", std::move(data)},
                                       {"meta", std::move(meta)}});
  }
  return not_found("Settlement not found");
}

http_response engine::export_transactions(std::string_view query) {
  export_filter f;
  f.from = query_param(query, "from");
  f.to = query_param(query, "to");
  f.status = query_param(query, "status");
  f.subaccount = query_param(query, "subaccount_code");
  if (f.status && *f.status != "success" && *f.status != "failed" && *f.status != "abandoned" &&
      *f.status != "reversed" && *f.status != "all")
    return invalid("status must be one of success, failed, abandoned, reversed, all");
  if (auto c = query_param(query, "customer")) {
    if (!(f.customer = parse_uint(*c))) return invalid("customer must be a customer ID");
  }
  if (auto s = query_param(query, "settlement")) {
    if (!(f.settlement = parse_uint(*s))) return invalid("settlement must be a settlement ID");
  }
  if (exports_.size() >= max_exports) exports_.erase(exports_.begin());
  std::string token;
  do {
    token = random_string("abcdefghijklmnopqrstuvwxyz0123456789", 24);
  } while (exports_.contains(token));
  const auto expires = std::chrono::system_clock::now() + export_lifetime;
  f.expires = expires;
  exports_.emplace(token, std::move(f));
  auto at = iso8601(expires);  // "2024-08-22T11:00:23.000Z" -> "2024-08-22 11:00:23"
  at = at.substr(0, 10) + " " + at.substr(11, 8);
  return ok(
      "Export successful",
      json::object{{"path", base_url_ + "/_sim/exports/" + token + ".csv"}, {"expiresAt", at}});
}

http_response engine::export_download(std::string_view file) {
  if (file.size() < 5 || file.substr(file.size() - 4) != ".csv")
    return fail_plain(404, "Export not found");
  auto it = exports_.find(std::string(file.substr(0, file.size() - 4)));
  if (it == exports_.end() || std::chrono::system_clock::now() >= it->second.expires)
    return fail_plain(404, "Export not found or expired");
  const auto& f = it->second;
  std::map<std::int64_t, std::int64_t> settlement_of;  // transaction id -> settlement id
  for (const auto& g : settlements_locked())
    for (const auto* t : g.transactions) settlement_of[t->id] = g.id;
  http_response r;
  r.content_type = "text/csv; charset=utf-8";
  r.body =
      "id,reference,status,amount,currency,channel,terminal_id,customer_id,fees,paid_at,"
      "created_at,settlement\r\n";
  for (auto t = transactions_.rbegin(); t != transactions_.rend(); ++t) {
    const auto& x = t->second;
    const auto s = settlement_of.find(x.id);
    if ((f.status && *f.status != "all" && x.status != *f.status) ||
        (f.customer && x.customer_id != *f.customer) || f.subaccount ||
        (f.settlement && (s == settlement_of.end() || s->second != *f.settlement)) ||
        !in_period(x.created_at, f.from, f.to))
      continue;  // the simulator has no subaccounts: a subaccount filter matches nothing
    r.body += std::to_string(x.id) + "," + csv_field(x.reference) + "," + x.status + "," +
              std::to_string(x.amount) + "," + csv_field(x.currency) + "," + csv_field(x.channel) +
              "," + csv_field(x.terminal_id) + "," +
              (x.customer_id ? std::to_string(x.customer_id) : "") + "," +
              std::to_string(paystack_fee(x.amount)) + "," + x.paid_at + "," + x.created_at + "," +
              (s == settlement_of.end() ? "" : std::to_string(s->second)) + "\r\n";
  }
  return r;
}

http_response engine::transaction_timeline(std::string_view id_or_reference) {
  const auto* t = find_transaction_locked(id_or_reference);
  if (!t) return not_found("Transaction not found");
  const bool success = t->status == "success";
  const auto start = unix_seconds(t->created_at);
  const auto spent = std::max<std::int64_t>(unix_seconds(t->paid_at) - start, 0);
  const std::string where = t->terminal_id.empty() ? t->channel : "terminal " + t->terminal_id;
  json::array history{
      json::object{{"type", "action"}, {"message", "Started a payment on " + where}, {"time", 0}},
      json::object{{"type", success ? "success" : "error"},
                   {"message", success ? "Successfully paid with card on " + where
                                       : "Payment " + t->status + " on " + where},
                   {"time", spent}}};
  return ok("Timeline retrieved", json::object{{"start_time", start},
                                               {"time_spent", spent},
                                               {"attempts", 1},
                                               {"errors", success ? 0 : 1},
                                               {"success", success},
                                               {"mobile", false},
                                               {"input", json::array{}},
                                               {"channel", t->channel},
                                               {"history", std::move(history)}});
}

}  // namespace paystack::sim::detail
