// Transactions: the record every simulated payment leaves (record_transaction_locked, called by
// devices.cpp when a terminal payment settles, and by any other payment source), its JSON (the
// POS charge.success shape), and the /transaction routes: list (filters; page numbers or
// `use_cursor` cursors), fetch, verify and totals. Newest first, as Paystack lists.
#include <algorithm>
#include <boost/json/array.hpp>
#include <map>

#include "engine.hpp"
#include "util.hpp"
#include "wire.hpp"

namespace paystack::sim::detail {

namespace json = boost::json;

namespace {

constexpr std::int64_t default_per_page = 50;
constexpr std::int64_t max_per_page = 100;

/// Whether `iso` falls in [from, to]: compared on the length of the bound, so a bare date
/// ("2024-06-30") takes in that whole day.
bool in_period(const std::string& iso, const std::optional<std::string>& from,
               const std::optional<std::string>& to) {
  if (from && iso.compare(0, from->size(), *from) < 0) return false;
  if (to && iso.compare(0, to->size(), *to) > 0) return false;
  return true;
}

std::optional<http_response> read_period(std::string_view query, std::optional<std::string>& from,
                                         std::optional<std::string>& to) {
  from = query_param(query, "from");
  to = query_param(query, "to");
  for (const auto* v : {&from, &to}) {
    if (*v && (v->value().empty() || v->value().size() > 64))
      return invalid("\"from\" and \"to\" must be dates (ISO 8601)");
  }
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The record

transaction_record& engine::record_transaction_locked(new_transaction in) {
  if (transactions_.size() >= state_limit::transactions) {
    by_transaction_reference_.erase(transactions_.begin()->second.reference);
    transactions_.erase(transactions_.begin());
    ++transactions_dropped_;
  }
  transaction_record t;
  t.id = next_transaction_id_++;
  do {
    t.reference = in.reference_prefix + random_string(alnum_lower, 10);
  } while (by_transaction_reference_.contains(t.reference));
  t.amount = in.amount;
  t.currency = std::move(in.currency);
  t.channel = std::move(in.channel);
  t.source = std::move(in.source);
  t.terminal_id = std::move(in.terminal_id);
  t.customer_id = in.customer_id;
  t.request_code = std::move(in.request_code);
  t.offline_reference = std::move(in.offline_reference);
  t.created_at = t.paid_at = now_iso();
  by_transaction_reference_[t.reference] = t.id;
  auto id = t.id;
  return transactions_.emplace(id, std::move(t)).first->second;
}

transaction_record* engine::find_transaction_locked(std::string_view id_or_reference) {
  std::optional<std::int64_t> id = parse_uint(id_or_reference);
  if (!id) {
    auto it = by_transaction_reference_.find(std::string(id_or_reference));
    if (it == by_transaction_reference_.end()) return nullptr;
    id = it->second;
  }
  auto it = transactions_.find(*id);
  return it == transactions_.end() ? nullptr : &it->second;
}

namespace {

/// The card a payment was taken with, every member the spec requires as a string (test card
/// values: Verve at a POS terminal, the Virtual Terminal sample's Visa otherwise). Derived from the
/// transaction id, so nothing more is stored per transaction.
json::object card_authorization(const transaction_record& t) {
  const bool pos = t.channel == "pos";
  const auto n = std::to_string(t.id);
  return json::object{{"authorization_code", "AUTH_" + n},
                      {"bin", pos ? "506066" : "408408"},
                      {"last4", pos ? "6666" : "4081"},
                      {"exp_month", pos ? "03" : "12"},
                      {"exp_year", pos ? "2033" : "2030"},
                      {"channel", t.channel},
                      {"card_type", pos ? "verve" : "visa "},
                      {"bank", "TEST BANK"},
                      {"country_code", "NG"},
                      {"brand", pos ? "verve" : "visa"},
                      {"reusable", false},
                      {"signature", "SIG_" + n},
                      {"account_name", nullptr},
                      {"receiver_bank_account_number", nullptr},
                      {"receiver_bank", nullptr}};
}

}  // namespace

json::object engine::transaction_json(const transaction_record& t) const {
  json::object o;
  o["id"] = t.id;
  o["domain"] = domain();
  o["status"] = t.status;
  o["reference"] = t.reference;
  o["receipt_number"] = nullptr;
  o["amount"] = t.amount;
  o["message"] = t.status == "success" ? json::value("Payment Made") : json::value(nullptr);
  o["gateway_response"] = "Approved or completed successfully";
  o["helpdesk_link"] = nullptr;
  o["paid_at"] = t.paid_at;
  o["created_at"] = t.created_at;
  o["channel"] = t.channel;
  o["currency"] = t.currency;
  o["ip_address"] = "127.0.0.1";
  // An object with custom_fields, as Fetch Transaction's schema requires (the POS webhook sample
  // has 0 there; devices.cpp keeps that in the webhook).
  o["metadata"] = json::object{{"custom_fields", json::array{}}};
  // The payment request paid, if any: Paystack's samples show no link (inferred names:
  // doc/simulator.md, "Transactions").
  if (!t.request_code.empty()) {
    o["request_code"] = t.request_code;
    o["offline_reference"] = t.offline_reference;
  }
  o["log"] = nullptr;
  o["fees"] = paystack_fee(t.amount);
  o["fees_split"] = nullptr;
  o["fees_breakdown"] = nullptr;
  o["authorization"] = card_authorization(t);
  o["customer"] = customer_json(t.customer_id, false);
  o["plan"] = json::object{};
  o["subaccount"] = json::object{};
  o["split"] = json::object{};
  o["order_id"] = nullptr;
  o["paidAt"] = t.paid_at;
  o["createdAt"] = t.created_at;
  o["requested_amount"] = t.amount;
  o["pos_transaction_data"] = nullptr;
  o["source"] = json::object{
      {"type", t.source_type},
      {"source", t.source},
      {"entry_point", t.entry_point},
      {"identifier", t.terminal_id.empty() ? json::value(nullptr) : json::value(t.terminal_id)}};
  o["connect"] = nullptr;
  return o;
}

// ---------------------------------------------------------------------------------------------
// Routes

namespace {

/// The filters of List Transactions: terminal, channel, status, customer (an id or a code; an
/// unknown code matches nothing) and the period.
struct transaction_filter {
  std::optional<std::string> terminal, channel, status, from, to;
  std::optional<std::int64_t> customer_id;

  bool matches(const transaction_record& t) const {
    return (!terminal || t.terminal_id == *terminal) && (!channel || t.channel == *channel) &&
           (!status || t.status == *status) && (!customer_id || t.customer_id == *customer_id) &&
           in_period(t.created_at, from, to);
  }
};

/// The transactions of one page, newest first, and the list's meta.
struct transaction_page {
  std::vector<const transaction_record*> items;
  json::object meta;
};

using transaction_map = std::map<std::int64_t, transaction_record>;

/// A page by cursor (`use_cursor=true`): base64("txn:next:<id>") lists the ids below <id>,
/// "txn:prev:<id>" the ones above; without a cursor, the newest.
std::optional<http_response> page_by_cursor(const transaction_map& all,
                                            const transaction_filter& filter,
                                            std::string_view query, std::int64_t per_page,
                                            transaction_page& out) {
  cursor_page paging;
  paging.per_page = per_page;
  if (auto err = read_cursor_page(query, max_per_page, "txn:next:", "txn:prev:", paging))
    return err;
  const auto& below = paging.next;
  const auto& above = paging.previous;
  auto& page = out.items;
  bool more = false;  // matches beyond the page, in the direction walked
  auto take = [&](const transaction_record& t) {
    if (!filter.matches(t)) return true;
    if (static_cast<std::int64_t>(page.size()) == per_page) {
      more = true;
      return false;
    }
    page.push_back(&t);
    return true;
  };
  if (above) {  // the closest ids above, then newest first
    for (auto it = all.upper_bound(*above); it != all.end(); ++it)
      if (!take(it->second)) break;
    std::reverse(page.begin(), page.end());
  } else {
    auto it = below ? all.lower_bound(*below) : all.end();
    while (it != all.begin())
      if (!take((--it)->second)) break;
  }
  auto cursor = [](std::string_view kind, std::int64_t id) {
    return json::value(base64_encode("txn:" + std::string(kind) + ":" + std::to_string(id)));
  };
  const bool has_next = above ? true : more;
  const bool has_prev = above ? more : below.has_value();
  out.meta["next"] = !page.empty() && has_next ? cursor("next", page.back()->id) : nullptr;
  out.meta["previous"] = !page.empty() && has_prev ? cursor("prev", page.front()->id) : nullptr;
  out.meta["perPage"] = per_page;
  return std::nullopt;
}

/// A page by number (`page`, from 1), with the count and volume of all the matches.
std::optional<http_response> page_by_number(const transaction_map& all,
                                            const transaction_filter& filter,
                                            std::string_view query, std::int64_t per_page,
                                            transaction_page& out) {
  std::int64_t page_no = 1;
  if (auto err = read_page_number(query, page_no)) return err;
  std::int64_t total = 0, volume = 0;
  const std::int64_t skip = (page_no - 1) * per_page;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (!filter.matches(it->second)) continue;
    if (total >= skip && total < skip + per_page) out.items.push_back(&it->second);
    ++total;
    volume += it->second.amount;
  }
  out.meta["total"] = total;
  out.meta["total_volume"] = volume;
  out.meta["skipped"] = skip;
  out.meta["perPage"] = per_page;
  out.meta["page"] = page_no;
  out.meta["pageCount"] = (total + per_page - 1) / per_page;
  return std::nullopt;
}

}  // namespace

http_response engine::list_transactions(std::string_view query) {
  std::int64_t per_page = default_per_page;
  if (auto err = read_per_page(query, max_per_page, per_page)) return std::move(*err);
  transaction_filter filter;
  if (auto err = read_period(query, filter.from, filter.to)) return std::move(*err);
  filter.terminal = query_param(query, "terminal_id");
  filter.channel = query_param(query, "channel");
  filter.status = query_param(query, "status");
  auto cust = query_param(query, "customer_code");
  if (!cust) cust = query_param(query, "customer");
  if (cust) filter.customer_id = customer_filter_locked(*cust);
  const auto use_cursor = query_param(query, "use_cursor");
  transaction_page page;
  auto err = use_cursor && *use_cursor == "true"
                 ? page_by_cursor(transactions_, filter, query, per_page, page)
                 : page_by_number(transactions_, filter, query, per_page, page);
  if (err) return std::move(*err);
  json::array data;
  for (const auto* t : page.items) data.push_back(transaction_json(*t));
  return make_json(200, json::object{{"status", true},
                                     {"message", "Transactions retrieved"},
                                     {"data", std::move(data)},
                                     {"meta", std::move(page.meta)}});
}

http_response engine::fetch_transaction(std::string_view id) {
  auto n = parse_uint(id);
  if (!n) return invalid("Transaction ID should be numeric");
  auto it = transactions_.find(*n);
  if (it == transactions_.end()) return not_found("Transaction not found");
  return ok("Transaction retrieved", transaction_json(it->second));
}

http_response engine::verify_transaction(std::string_view reference) {
  auto it = by_transaction_reference_.find(std::string(reference));
  if (it == by_transaction_reference_.end()) return not_found("Transaction reference not found");
  const auto& t = transactions_.at(it->second);
  // Verify's own shape (the spec's VerifyResponse): `plan` a code or null, the plan itself in
  // plan_object, and transaction_date.
  auto data = transaction_json(t);
  data["plan"] = nullptr;
  data["plan_object"] = json::object{};
  data["transaction_date"] = t.created_at;
  return ok("Verification successful", std::move(data));
}

http_response engine::transaction_totals(std::string_view query) {
  std::optional<std::string> from, to;
  if (auto err = read_period(query, from, to)) return std::move(*err);
  std::int64_t count = 0, volume = 0;
  std::map<std::string, std::int64_t> by_currency;
  for (const auto& [id, t] : transactions_) {
    if (t.status != "success" || !in_period(t.created_at, from, to)) continue;
    ++count;
    volume += t.amount;
    by_currency[t.currency] += t.amount;
  }
  json::array amounts;
  for (const auto& [currency, amount] : by_currency)
    amounts.push_back(json::object{{"currency", currency}, {"amount", amount}});
  // Nothing is ever settled in the simulator: everything taken is still pending transfer.
  return ok("Transaction totals", json::object{{"total_transactions", count},
                                               {"total_volume", volume},
                                               {"total_volume_by_currency", amounts},
                                               {"pending_transfers", volume},
                                               {"pending_transfers_by_currency", amounts}});
}

}  // namespace paystack::sim::detail
