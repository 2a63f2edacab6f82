// Reading a webhook body (parse_webhook_event): the envelope, then the typed data of the events
// the charge flow uses (charge.success, paymentrequest.*, invoice.payment_failed) and refund.*.
// Verifying the signature, de-duplication and the feed are in src/flow/webhook/webhook.cpp.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <paystack/error.hpp>
#include <paystack/webhook.hpp>

#include "json/models.hpp"
#include "json/reader.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

/// `data.customer` as an object: its id and customer_code.
bool read_customer(const boost::json::value& c, std::optional<std::int64_t>& id,
                   std::optional<std::string>& code, std::string& detail) {
  object_reader cr(c, "data.customer", detail);
  cr.optional("id", id);
  cr.optional("customer_code", code);
  return cr.ok();
}

bool read_charge(const boost::json::value& v, charge_success_data& out, std::string& detail) {
  object_reader r(v, "data", detail);
  r.required("id", out.id);
  r.required("reference", out.reference);
  r.required("amount", out.amount);
  std::optional<std::string> s;
  r.optional("status", s);
  out.status = s.value_or("");
  std::optional<std::string> cur;
  r.optional("currency", cur);
  out.currency = cur.value_or("");
  r.optional("requested_amount", out.requested_amount);
  r.optional("channel", out.channel);
  r.optional("paid_at", out.paid_at);
  r.optional("gateway_response", out.gateway_response);
  if (!r.ok()) return false;
  if (const auto* c = r.find("customer"); c && c->is_object()) {
    if (!read_customer(*c, out.customer_id, out.customer_code, detail)) return false;
  }
  if (const auto* src = r.find("source"); src && src->is_object()) {
    object_reader sr(*src, "data.source", detail);
    sr.optional("type", out.source_type);
    sr.optional("identifier", out.terminal_id);
    if (!sr.ok()) return false;
  }
  return true;
}

bool read_failed(const boost::json::value& v, invoice_payment_failed_data& out,
                 std::string& detail) {
  object_reader r(v, "data", detail);
  r.optional("id", out.id);
  r.optional("invoice_code", out.invoice_code);
  r.optional("request_code", out.request_code);
  r.optional("offline_reference", out.offline_reference);
  r.optional("amount", out.amount);
  r.optional("status", out.status);
  r.optional("description", out.description);
  if (!r.ok()) return false;
  if (const auto* c = r.find("customer"); c && c->is_object()) {
    if (!read_customer(*c, out.customer_id, out.customer_code, detail)) return false;
  } else if (c && c->is_int64()) {
    out.customer_id = c->as_int64();
  }
  return true;
}

}  // namespace
}  // namespace detail

std::string_view to_string(webhook_event_type t) noexcept {
  switch (t) {
    case webhook_event_type::charge_success:
      return "charge.success";
    case webhook_event_type::payment_request_success:
      return "paymentrequest.success";
    case webhook_event_type::payment_request_pending:
      return "paymentrequest.pending";
    case webhook_event_type::invoice_payment_failed:
      return "invoice.payment_failed";
    case webhook_event_type::refund_pending:
      return "refund.pending";
    case webhook_event_type::refund_processing:
      return "refund.processing";
    case webhook_event_type::refund_processed:
      return "refund.processed";
    case webhook_event_type::refund_failed:
      return "refund.failed";
    case webhook_event_type::other:
      break;
  }
  return "";
}

boost::system::result<webhook_event> parse_webhook_event(std::string_view raw_body,
                                                         std::string* detail_out) {
  std::string detail;
  auto fail = [&](std::string d) -> boost::system::result<webhook_event> {
    if (detail_out) *detail_out = std::move(d);
    return make_error_code(error::bad_response);
  };
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(raw_body, ec);
  if (ec) return fail("webhook body is not JSON: " + ec.message());
  const auto* obj = root.if_object();
  if (!obj) return fail("webhook body is not a JSON object");
  const auto* name = obj->if_contains("event");
  if (!name || !name->is_string()) return fail("webhook body has no string \"event\"");
  const auto* data = obj->if_contains("data");
  if (!data) return fail("webhook body has no \"data\"");

  webhook_event e;
  e.event = std::string(name->get_string());
  std::optional<webhook_event_type> refund_type;
  for (auto t : {webhook_event_type::refund_pending, webhook_event_type::refund_processing,
                 webhook_event_type::refund_processed, webhook_event_type::refund_failed})
    if (e.event == to_string(t)) refund_type = t;
  const bool known = e.event == "charge.success" || e.event == "paymentrequest.success" ||
                     e.event == "paymentrequest.pending" || e.event == "invoice.payment_failed" ||
                     refund_type;
  // Other events may carry any JSON (subscription.expiring_cards sends an array).
  if (known && !data->is_object()) return fail(e.event + ": \"data\" is not an object");
  e.raw_body = std::string(raw_body);
  e.data_json = boost::json::serialize(*data);
  if (e.event == "charge.success") {
    e.type = webhook_event_type::charge_success;
    charge_success_data d;
    if (!detail::read_charge(*data, d, detail)) return fail(std::move(detail));
    e.data = std::move(d);
  } else if (e.event == "paymentrequest.success" || e.event == "paymentrequest.pending") {
    e.type = e.event == "paymentrequest.success" ? webhook_event_type::payment_request_success
                                                 : webhook_event_type::payment_request_pending;
    payment_request pr;
    if (!detail::read_model(*data, pr, detail)) return fail(std::move(detail));
    e.data = std::move(pr);
  } else if (e.event == "invoice.payment_failed") {
    e.type = webhook_event_type::invoice_payment_failed;
    invoice_payment_failed_data d;
    if (!detail::read_failed(*data, d, detail)) return fail(std::move(detail));
    e.data = std::move(d);
  } else if (refund_type) {
    e.type = *refund_type;
    refund_event_data d;
    if (!detail::read_model(*data, d, detail)) return fail(std::move(detail));
    e.data = std::move(d);
  }
  return e;
}

}  // namespace v0
}  // namespace paystack
