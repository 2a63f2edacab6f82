// Transactions (list, fetch, verify), Transaction Totals, Refunds (create, list, fetch) and the
// refund.* webhook data, read from the `data` document (their shapes nest: customer, source,
// metadata, an expanded transaction). Amounts are read as integers or strings of digits.
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "json/models.hpp"
#include "json/reader.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

/// `key` if present, else `fallback` (Paystack spells some members both ways: paid_at/paidAt).
void optional_either(object_reader& r, std::string_view key, std::string_view fallback,
                     std::optional<std::string>& out) {
  r.optional(key, out);
  if (!out) r.optional(fallback, out);
}

bool read_transaction(const boost::json::value& v, const std::string& path, transaction& out,
                      std::string& detail) {
  object_reader r(v, path, detail);
  r.required("id", out.id);
  r.required("reference", out.reference);
  r.required("status", out.status);
  r.required("amount", out.amount);
  std::optional<std::string> currency;
  r.optional("currency", currency);
  out.currency = currency.value_or("");
  r.optional("requested_amount", out.requested_amount);
  r.optional("channel", out.channel);
  optional_either(r, "paid_at", "paidAt", out.paid_at);
  optional_either(r, "created_at", "createdAt", out.created_at);
  r.optional("gateway_response", out.gateway_response);
  r.optional("request_code", out.request_code);
  r.optional("offline_reference", out.offline_reference);
  if (!r.ok()) return false;
  if (const auto* c = r.find("customer"); c && c->is_object()) {
    object_reader cr(*c, path + ".customer", detail);
    cr.optional("id", out.customer_id);
    cr.optional("customer_code", out.customer_code);
    cr.optional("email", out.customer_email);
    if (!cr.ok()) return false;
  }
  if (const auto* src = r.find("source"); src && src->is_object()) {
    object_reader sr(*src, path + ".source", detail);
    sr.optional("type", out.source_type);
    sr.optional("source", out.source);
    sr.optional("identifier", out.terminal_id);
    if (!sr.ok()) return false;
  }
  if (!out.terminal_id) r.optional("terminal_id", out.terminal_id);
  if (const auto* m = r.find("metadata"); m && !m->is_null()) {
    out.metadata_json = boost::json::serialize(*m);
    if (m->is_object()) {
      object_reader mr(*m, path + ".metadata", detail);
      if (!out.request_code) mr.optional("request_code", out.request_code);
      if (!out.offline_reference) mr.optional("offline_reference", out.offline_reference);
      if (!mr.ok()) return false;
    }
  }
  return r.ok();
}

void read_amount(object_reader& r, currency_amount& a) {
  r.required("currency", a.currency);
  r.required("amount", a.amount);
}

/// `fully_deducted`: a boolean in create, 0/1 in fetch.
void read_flag(object_reader& r, std::string_view key, std::optional<bool>& out) {
  const auto* v = r.find(key);
  if (!v || v->is_null()) return;
  if (const auto* b = v->if_bool()) {
    out = *b;
  } else if (auto i = to_int64(*v); i && (*i == 0 || *i == 1)) {
    out = *i == 1;
  } else {
    r.fail(key, "expected a boolean, 0 or 1");
  }
}

bool read_refund(const boost::json::value& v, const std::string& path, refund& out,
                 std::string& detail) {
  object_reader r(v, path, detail);
  r.required("id", out.id);
  r.required("amount", out.amount);
  r.required("status", out.status_text);
  out.status = refund_status_from_string(out.status_text);
  std::optional<std::string> currency;
  r.optional("currency", currency);
  out.currency = currency.value_or("");
  r.optional("transaction_reference", out.transaction_reference);
  r.optional("deducted_amount", out.deducted_amount);
  read_flag(r, "fully_deducted", out.fully_deducted);
  r.optional("customer_note", out.customer_note);
  r.optional("merchant_note", out.merchant_note);
  r.optional("refunded_by", out.refunded_by);
  r.optional("refunded_at", out.refunded_at);
  r.optional("expected_at", out.expected_at);
  optional_either(r, "createdAt", "created_at", out.created_at);
  if (!r.ok()) return false;
  // `transaction` is the id in fetch and list, the expanded transaction in create.
  if (const auto* t = r.find("transaction"); t && t->is_object()) {
    object_reader tr(*t, path + ".transaction", detail);
    tr.optional("id", out.transaction_id);
    if (!out.transaction_reference) tr.optional("reference", out.transaction_reference);
    return tr.ok();
  }
  r.optional("transaction", out.transaction_id);
  return r.ok();
}

}  // namespace

data_binding bind_data(transaction& out) {
  return document_binding(out);
}
data_binding bind_data(std::vector<transaction>& out) {
  return document_binding(out);
}
data_binding bind_data(transaction_totals& out) {
  return document_binding(out);
}
data_binding bind_data(refund& out) {
  return document_binding(out);
}
data_binding bind_data(std::vector<refund>& out) {
  return document_binding(out);
}

bool read_model(const boost::json::value& v, transaction& out, std::string& detail) {
  return read_transaction(v, "data", out, detail);
}

bool read_model(const boost::json::value& v, std::vector<transaction>& out, std::string& detail) {
  return read_array(v, out, detail, &read_transaction);
}

bool read_model(const boost::json::value& v, transaction_totals& out, std::string& detail) {
  object_reader r(v, "data", detail);
  r.required("total_transactions", out.total_transactions);
  r.required("total_volume", out.total_volume);
  std::optional<std::int64_t> pending;
  r.optional("pending_transfers", pending);
  out.pending_transfers = pending.value_or(0);
  if (!r.ok()) return false;
  return read_items(r, "total_volume_by_currency", out.total_volume_by_currency, detail,
                    &read_amount) &&
         read_items(r, "pending_transfers_by_currency", out.pending_transfers_by_currency, detail,
                    &read_amount);
}

bool read_model(const boost::json::value& v, refund& out, std::string& detail) {
  return read_refund(v, "data", out, detail);
}

bool read_model(const boost::json::value& v, std::vector<refund>& out, std::string& detail) {
  return read_array(v, out, detail, &read_refund);
}

bool read_model(const boost::json::value& v, refund_event_data& out, std::string& detail) {
  object_reader r(v, "data", detail);
  r.required("status", out.status_text);
  out.status = refund_status_from_string(out.status_text);
  r.required("transaction_reference", out.transaction_reference);
  r.optional("refund_reference", out.refund_reference);
  r.required("amount", out.amount);
  std::optional<std::string> currency;
  r.optional("currency", currency);
  out.currency = currency.value_or("");
  r.optional("processor", out.processor);
  r.optional("integration", out.integration);
  r.optional("domain", out.domain);
  if (!r.ok()) return false;
  if (const auto* c = r.find("customer"); c && c->is_object()) {
    object_reader cr(*c, "data.customer", detail);
    cr.optional("email", out.customer_email);
    return cr.ok();
  }
  return true;
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack

namespace paystack {
inline namespace v0 {

std::string_view to_string(refund_status s) noexcept {
  switch (s) {
    case refund_status::pending:
      return "pending";
    case refund_status::processing:
      return "processing";
    case refund_status::processed:
      return "processed";
    case refund_status::failed:
      return "failed";
    case refund_status::needs_attention:
      return "needs-attention";
    case refund_status::unknown:
      break;
  }
  return "";
}

refund_status refund_status_from_string(std::string_view s) noexcept {
  for (auto st : {refund_status::pending, refund_status::processing, refund_status::processed,
                  refund_status::failed, refund_status::needs_attention})
    if (s == to_string(st)) return st;
  return refund_status::unknown;
}

}  // namespace v0
}  // namespace paystack
