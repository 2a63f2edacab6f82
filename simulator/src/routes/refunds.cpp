// Refunds: POST /refund (full or partial; never more than the amount not refunded yet), GET
// /refund (filters, page numbers), GET /refund/{id}, POST /refund/retry_with_customer_details/{id},
// and the lifecycle pending -> processing -> processed (or failed, or needs-attention, for the
// magic amounts) with a signed refund.* webhook at each step, paced by refund_delay or driven by
// POST /_sim/refunds/{id}/advance and /_sim/refunds/{id}/needs-attention.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "engine.hpp"
#include "util.hpp"
#include "wire.hpp"

namespace paystack::sim::detail {

namespace json = boost::json;

namespace {

constexpr std::int64_t default_per_page = 50;
constexpr std::int64_t max_per_page = 100;
constexpr std::size_t max_note = 1024;  // customer_note, merchant_note (bytes)

/// A refund whose subunit part (amount % 100) is 13 fails at processing (doc/simulator.md).
constexpr bool magic_failure(std::int64_t amount) {
  return amount % 100 == 13;
}

/// A refund whose subunit part is 14 needs attention at processing: Paystack asks for the
/// customer's bank account (doc/simulator.md).
constexpr bool magic_attention(std::int64_t amount) {
  return amount % 100 == 14;
}

/// Reads refund_account_details {currency, account_number, bank_id} (the spec's RefundRetry).
std::optional<http_response> read_account(const json::object& body, const std::string& currency,
                                          std::string& account_number) {
  const auto* v = member(body, "refund_account_details");
  if (v == nullptr || v->is_null()) return missing("refund_account_details");
  if (!v->is_object()) return invalid("\"refund_account_details\" must be an object");
  const auto& a = v->get_object();
  for (const char* k : {"currency", "account_number", "bank_id"}) {
    const auto* f = member(a, k);
    if (f == nullptr || f->is_null()) return missing(std::string("refund_account_details.") + k);
    if (!f->is_string() || f->get_string().empty() || f->get_string().size() > 32)
      return invalid("\"refund_account_details." + std::string(k) + "\" must be a string");
  }
  if (a.at("currency").get_string() != currency)
    return invalid("\"refund_account_details.currency\" must be the payment's (" + currency + ")");
  const auto& number = a.at("account_number").get_string();
  if (!std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return invalid("\"refund_account_details.account_number\" must be digits");
  account_number = std::string(number);
  return std::nullopt;
}

std::optional<http_response> read_note(const json::object& body, std::string_view key,
                                       std::string& out) {
  const auto* v = member(body, key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) return invalid("\"" + std::string(key) + "\" must be a string");
  if (v->get_string().size() > max_note) return invalid(too_long(key, max_note));
  out = std::string(v->get_string());
  return std::nullopt;
}

}  // namespace

/// The customer as the refund replies carry it: the spec types phone,
/// international_format_phone and metadata as strings here (metadata: the JSON text).
json::object engine::refund_customer_json(std::int64_t customer_id) const {
  auto c = customer_json(customer_id, false);
  if (c.empty()) return c;
  if (c["phone"].is_null()) c["phone"] = "";
  if (c["international_format_phone"].is_null()) c["international_format_phone"] = "";
  c["metadata"] = json::serialize(c["metadata"]);
  return c;
}

json::object engine::refund_json(const refund_record& r) const {
  const bool done = r.status == "processed";
  json::object o;
  o["integration"] = options_.integration_id;
  o["transaction"] = r.transaction_id;
  o["dispute"] = nullptr;
  o["settlement"] = nullptr;
  o["id"] = r.id;
  o["domain"] = domain();
  o["currency"] = r.currency;
  o["amount"] = r.amount;
  o["status"] = r.status;
  o["refunded_at"] = done ? json::value(r.refunded_at) : json::value(nullptr);
  o["refunded_by"] = "simulator@example.com";
  o["customer_note"] = r.customer_note;
  o["merchant_note"] = r.merchant_note;
  o["deducted_amount"] = done ? r.amount : 0;
  o["fully_deducted"] = done ? 1 : 0;
  o["createdAt"] = r.created_at;
  o["updatedAt"] = r.updated_at;
  o["bank_reference"] = nullptr;
  o["transaction_reference"] = r.transaction_reference;
  o["reason"] = r.merchant_note;
  o["customer"] = refund_customer_json(r.customer_id);
  o["refund_type"] = r.amount == r.transaction_amount ? "full" : "partial";
  o["transaction_amount"] = r.transaction_amount;
  o["initiated_by"] = "merchant";
  o["refund_channel"] = r.channel;
  o["session_id"] = nullptr;
  o["collect_account_number"] = false;
  return o;
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

void engine::emit_refund_locked(const refund_record& r) {
  // The samples' shape: amount a string, except in refund.failed (an integer there).
  json::object data;
  data["status"] = r.status;
  data["transaction_reference"] = r.transaction_reference;
  data["refund_reference"] =
      r.refund_reference.empty() ? json::value(nullptr) : json::value(r.refund_reference);
  data["amount"] =
      r.status == "failed" ? json::value(r.amount) : json::value(std::to_string(r.amount));
  data["currency"] = r.currency;
  data["processor"] = "instant-transfer";
  auto customer = customer_json(r.customer_id, false);
  data["customer"] = json::object{{"first_name", customer["first_name"]},
                                  {"last_name", customer["last_name"]},
                                  {"email", customer["email"]}};
  data["integration"] = options_.integration_id;
  data["domain"] = domain();
  const std::string name = "refund." + r.status;
  emit_locked(name, json::serialize(json::object{{"event", name}, {"data", std::move(data)}}));
}

control_result engine::advance_refund_locked(std::int64_t id) {
  auto it = refunds_.find(id);
  if (it == refunds_.end()) return control_result::not_found;
  auto& r = it->second;
  if (r.status == "pending") {
    r.status = "processing";
    r.updated_at = now_iso();
  } else if (r.status == "processing" && r.will_need_attention && r.account_number.empty()) {
    r.status = "needs-attention";
    r.updated_at = now_iso();
  } else if (r.status == "processing") {
    r.status = r.will_fail ? "failed" : "processed";
    r.updated_at = now_iso();
    if (r.will_fail) {
      if (auto* t = find_transaction_locked(std::to_string(r.transaction_id)))
        t->refunded -= std::min(t->refunded, r.amount);  // the amount may be refunded again
    } else {
      r.refunded_at = now_iso();
      r.refund_reference = random_string("0123456789", 12);
    }
  } else {
    return control_result::conflict;
  }
  emit_refund_locked(r);
  return control_result::ok;
}

void engine::schedule_refund_locked(const refund_record& r) {
  if (!options_.refund_delay) return;
  if (options_.refund_delay->count() <= 0) {
    while (advance_refund_locked(r.id) == control_result::ok) {
    }
    return;
  }
  if (!hooks_.schedule) return;
  hooks_.schedule(*options_.refund_delay, [this, gen = generation_, id = r.id] {
    std::lock_guard lk(mutex_);
    if (gen != generation_) return;
    if (advance_refund_locked(id) != control_result::ok) return;
    auto it = refunds_.find(id);
    if (it != refunds_.end() && it->second.status == "processing")
      schedule_refund_locked(it->second);
  });
}

// ---------------------------------------------------------------------------------------------
// Routes

http_response engine::create_refund(const http_request& req) {
  json::object body;
  if (auto err = parse_body(req, body)) return std::move(*err);
  const auto* tv = member(body, "transaction");
  if (tv == nullptr || tv->is_null()) return missing("transaction");
  auto key = to_str(*tv);
  if (!key || key->empty() || key->size() > field_limit::customer)
    return invalid("\"transaction\" must be a transaction id or reference");
  auto* t = find_transaction_locked(*key);
  if (t == nullptr) return not_found("Transaction not found");
  if (t->status != "success") return invalid("Only successful transactions can be refunded");
  const std::int64_t remaining = t->amount - t->refunded;
  if (remaining <= 0) return invalid("Transaction has been fully reversed");
  std::int64_t amount = remaining;
  if (const auto* v = member(body, "amount"); v != nullptr && !v->is_null()) {
    auto a = to_int(*v);
    if (!a || *a <= 0) return invalid("\"amount\" must be a positive integer");
    if (*a > remaining) {
      return invalid("Refund amount cannot be more than the amount not refunded yet (" +
                     std::to_string(remaining) + ")");
    }
    amount = *a;
  }
  if (const auto* v = member(body, "currency"); v != nullptr && !v->is_null()) {
    if (!v->is_string() || v->get_string() != t->currency)
      return invalid("\"currency\" must be the transaction's currency (" + t->currency + ")");
  }
  refund_record r;
  if (auto err = read_note(body, "customer_note", r.customer_note)) return std::move(*err);
  if (auto err = read_note(body, "merchant_note", r.merchant_note)) return std::move(*err);

  if (refunds_.size() >= state_limit::refunds) {
    refunds_.erase(refunds_.begin());
    ++refunds_dropped_;
  }
  r.id = next_refund_id_++;
  r.transaction_id = t->id;
  r.transaction_reference = t->reference;
  r.customer_id = t->customer_id;
  r.transaction_amount = t->amount;
  r.channel = t->channel;
  r.amount = amount;
  r.currency = t->currency;
  r.will_fail = magic_failure(amount);
  r.will_need_attention = magic_attention(amount);
  r.created_at = r.updated_at = now_iso();
  t->refunded += amount;

  // The create reply expands the transaction (the spec's RefundCreateResponse).
  auto data = refund_json(r);
  auto tx = transaction_json(*t);
  tx["subaccount"] = json::object{{"currency", nullptr}};  // RefundCreateResponse requires it
  data["transaction"] = std::move(tx);
  data["expected_at"] = r.created_at;
  data["fully_deducted"] = false;
  data["channel"] = nullptr;

  emit_refund_locked(r);
  auto id = r.id;
  const auto& stored = refunds_.emplace(id, std::move(r)).first->second;
  schedule_refund_locked(stored);
  return ok("Refund has been queued for processing", std::move(data));
}

http_response engine::list_refunds(std::string_view query) {
  std::int64_t per_page = default_per_page, page_no = 1;
  if (auto err = read_per_page(query, max_per_page, per_page)) return std::move(*err);
  if (auto err = read_page_number(query, page_no)) return std::move(*err);
  auto txn = query_param(query, "transaction");
  auto currency = query_param(query, "currency");
  auto from = query_param(query, "from");
  auto to = query_param(query, "to");
  json::array data;
  std::int64_t total = 0, failed = 0;
  const std::int64_t skip = (page_no - 1) * per_page;
  for (auto it = refunds_.rbegin(); it != refunds_.rend(); ++it) {
    const auto& r = it->second;
    if (txn && *txn != r.transaction_reference && *txn != std::to_string(r.transaction_id))
      continue;
    if (currency && *currency != r.currency) continue;
    if (from && r.created_at.compare(0, from->size(), *from) < 0) continue;
    if (to && r.created_at.compare(0, to->size(), *to) > 0) continue;
    if (total >= skip && total < skip + per_page) data.push_back(refund_json(r));
    ++total;
    if (r.status == "failed") ++failed;
  }
  json::object meta{{"total", total},
                    {"skipped", skip},
                    {"perPage", std::to_string(per_page)},  // a string in the spec
                    {"page", page_no},
                    {"pageCount", (total + per_page - 1) / per_page},
                    {"failedRefundCount", failed}};
  return make_json(200, json::object{{"status", true},
                                     {"message", "Refunds retrieved"},
                                     {"data", std::move(data)},
                                     {"meta", std::move(meta)}});
}

control_result engine::refund_needs_attention_locked(std::int64_t id) {
  auto it = refunds_.find(id);
  if (it == refunds_.end()) return control_result::not_found;
  auto& r = it->second;
  if (r.status != "pending" && r.status != "processing") return control_result::conflict;
  r.status = "needs-attention";
  r.account_number.clear();
  r.updated_at = now_iso();
  emit_refund_locked(r);
  return control_result::ok;
}

/// The reply of Retry Refund: the refund as the spec's RefundRetryResponse shapes it.
json::object retry_reply(json::object data) {
  data["expected_at"] = data["updatedAt"];
  data["channel"] = data["refund_channel"];
  data["fully_deducted"] = false;
  data["dispute"] = json::object{};
  data["settlement"] = json::object{};
  data["bank_reference"] = nullptr;
  data["reversed_at"] = nullptr;
  return data;
}

http_response engine::retry_refund(std::string_view id, const http_request& req) {
  auto n = parse_uint(id);
  auto it = n ? refunds_.find(*n) : refunds_.end();
  if (it == refunds_.end()) return not_found("Refund not found");
  auto& r = it->second;
  json::object body;
  if (auto err = parse_body(req, body)) return std::move(*err);
  std::string account;
  if (auto err = read_account(body, r.currency, account)) return std::move(*err);
  if (r.status != "needs-attention")
    return invalid("Refund is " + r.status + ": only a refund that needs attention can be retried");
  r.account_number = std::move(account);
  r.status = "processing";
  r.updated_at = now_iso();
  emit_refund_locked(r);
  schedule_refund_locked(r);
  return ok("Refund retried", retry_reply(refund_json(r)));
}

http_response engine::fetch_refund(std::string_view id) {
  auto n = parse_uint(id);
  auto it = n ? refunds_.find(*n) : refunds_.end();
  if (it == refunds_.end()) return not_found("Refund not found");
  return ok("Refund retrieved", refund_json(it->second));
}

}  // namespace paystack::sim::detail
