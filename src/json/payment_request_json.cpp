#include <boost/json/array.hpp>

#include "json/models.hpp"
#include "json/reader.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
data_binding bind_data(payment_request& out) {
  return document_binding(out);
}

bool read_model(const boost::json::value& v, payment_request& out, std::string& detail) {
  return read_request(v, "data", out, detail);
}

bool read_request(const boost::json::value& v, const std::string& path, payment_request& out,
                  std::string& detail) {
  object_reader r(v, path, detail);
  r.required("id", out.id);
  r.required("request_code", out.request_code);
  r.optional("offline_reference", out.offline_reference);
  r.required("status", out.status);
  std::optional<bool> paid;
  r.optional("paid", paid);
  out.paid = paid.value_or(false);
  r.optional("paid_at", out.paid_at);
  r.required("amount", out.amount);
  std::optional<std::string> currency;
  r.optional("currency", currency);
  out.currency = currency.value_or("");
  r.optional("description", out.description);
  r.optional("due_date", out.due_date);
  r.optional("domain", out.domain);
  r.optional("created_at", out.created_at);
  if (!out.created_at) r.optional("createdAt", out.created_at);  // fetch's spelling
  r.optional("archived", out.archived);
  r.optional("pending_amount", out.pending_amount);
  if (!r.ok()) return false;

  // `integration` and `customer` are numbers in create/fetch and objects in verify.
  if (const auto* in = r.find("integration"); in && !in->is_object()) {
    r.optional("integration", out.integration);
  }
  if (const auto* c = r.find("customer"); c && !c->is_null()) {
    if (c->is_object()) {
      object_reader cr(*c, path + ".customer", detail);
      cr.optional("id", out.customer_id);
      cr.optional("customer_code", out.customer_code);
      if (!cr.ok()) return false;
    } else if (c->is_string() && !to_int64(*c)) {
      out.customer_code = std::string(c->get_string());
    } else {
      r.optional("customer", out.customer_id);
    }
  }
  if (!r.ok()) return false;

  if (!read_items(r, "line_items", out.line_items, detail, [](object_reader& ir, line_item& li) {
        ir.required("name", li.name);
        ir.required("amount", li.amount);
        std::optional<std::int64_t> q;
        ir.optional("quantity", q);
        li.quantity = q.value_or(1);
      }))
    return false;
  return read_items(r, "tax", out.tax, detail, [](object_reader& ir, tax_item& t) {
    ir.required("name", t.name);
    ir.required("amount", t.amount);
  });
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack

namespace paystack {
inline namespace v0 {
namespace detail {

data_binding bind_data(std::vector<payment_request>& out) {
  return {data_binding::shape::document, &out, nullptr,
          [](void* m) { static_cast<std::vector<payment_request>*>(m)->clear(); }};
}

bool read_model(const boost::json::value& v, std::vector<payment_request>& out,
                std::string& detail) {
  return read_array(v, out, detail, &read_request);
}

data_binding bind_data(payment_request_totals& out) {
  return {data_binding::shape::document, &out, nullptr,
          [](void* m) { *static_cast<payment_request_totals*>(m) = payment_request_totals{}; }};
}

bool read_model(const boost::json::value& v, payment_request_totals& out, std::string& detail) {
  object_reader r(v, "data", detail);
  if (!r.ok()) return false;
  const auto fill = [](object_reader& ir, currency_amount& c) {
    ir.required("currency", c.currency);
    ir.required("amount", c.amount);
  };
  return read_items(r, "pending", out.pending, detail, fill) &&
         read_items(r, "successful", out.successful, detail, fill) &&
         read_items(r, "total", out.total, detail, fill);
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
