// Settlements (list), Export Transactions and Fetch Transaction Timeline, read from the `data`
// document. A settlement's transactions are transactions (json/transaction_json.cpp).
#include "json/models.hpp"
#include "json/reader.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

/// `key` if present, else `fallback` (Paystack spells some members both ways).
void optional_either(object_reader& r, std::string_view key, std::string_view fallback,
                     std::optional<std::string>& out) {
  r.optional(key, out);
  if (!out) r.optional(fallback, out);
}

bool read_settlement(const boost::json::value& v, const std::string& path, settlement& out,
                     std::string& detail) {
  object_reader r(v, path, detail);
  r.required("id", out.id);
  r.required("status", out.status);
  r.required("total_amount", out.total_amount);
  std::optional<std::string> currency;
  r.optional("currency", currency);
  out.currency = currency.value_or("");
  r.optional("effective_amount", out.effective_amount);
  r.optional("total_fees", out.total_fees);
  r.optional("total_processed", out.total_processed);
  r.optional("deductions", out.deductions);
  r.optional("domain", out.domain);
  r.optional("integration", out.integration);
  optional_either(r, "settlement_date", "settledAt", out.settlement_date);
  r.optional("settled_by", out.settled_by);
  optional_either(r, "createdAt", "created_at", out.created_at);
  optional_either(r, "updatedAt", "updated_at", out.updated_at);
  return r.ok();
}

}  // namespace

data_binding bind_data(std::vector<settlement>& out) {
  return document_binding(out);
}
data_binding bind_data(transaction_export& out) {
  return document_binding(out);
}
data_binding bind_data(transaction_timeline& out) {
  return document_binding(out);
}

bool read_model(const boost::json::value& v, std::vector<settlement>& out, std::string& detail) {
  return read_array(v, out, detail, &read_settlement);
}

bool read_model(const boost::json::value& v, transaction_export& out, std::string& detail) {
  object_reader r(v, "data", detail);
  r.required("path", out.path);
  r.required("expiresAt", out.expires_at);
  return r.ok();
}

bool read_model(const boost::json::value& v, transaction_timeline& out, std::string& detail) {
  object_reader r(v, "data", detail);
  r.optional("start_time", out.start_time);
  r.optional("time_spent", out.time_spent);
  r.optional("attempts", out.attempts);
  r.optional("errors", out.errors);
  r.optional("success", out.success);
  r.optional("mobile", out.mobile);
  r.optional("channel", out.channel);
  if (!r.ok()) return false;
  return read_items(r, "history", out.history, detail,
                    [](object_reader& item, transaction_timeline_step& s) {
                      item.required("type", s.type);
                      item.required("message", s.message);
                      item.required("time", s.time);
                    });
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
