// The /paymentrequest routes: create (validated and bounded), fetch and verify, and the payment
// request as the create response and the paymentrequest.* webhooks show it.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "engine.hpp"
#include "util.hpp"
#include "wire.hpp"

namespace paystack::sim::detail {

namespace json = boost::json;

/// The payment request as the create response and the paymentrequest.* webhooks show it: the
/// summary with `integration` and `customer` as numbers (create has no pdf_url, no paid_at).
json::object engine::request_webhook_json(const payment_request& pr, bool create) const {
  json::object o = request_summary_json(pr);
  o["integration"] = options_.integration_id;
  o["customer"] = pr.customer_id;
  if (create) {
    o.erase("pdf_url");
    o.erase("paid_at");
  }
  o["discount"] = nullptr;
  o["split_code"] = nullptr;
  return o;
}

/// The payment request as List, Update, Finalize and Verify show it (customer expanded).
json::object engine::request_summary_json(const payment_request& pr) const {
  json::object o;
  o["id"] = pr.id;
  o["domain"] = domain();
  o["amount"] = pr.amount;
  o["currency"] = pr.currency;
  o["due_date"] = pr.due_date;
  o["has_invoice"] = pr.has_invoice;
  o["invoice_number"] = pr.invoice_number ? json::value(*pr.invoice_number) : json::value(nullptr);
  o["description"] = pr.description;
  o["pdf_url"] = nullptr;
  o["line_items"] = pr.line_items;
  o["tax"] = pr.tax;
  o["request_code"] = pr.request_code;
  o["status"] = pr.status;
  o["paid"] = pr.status == "success";
  o["paid_at"] = pr.paid_at ? json::value(*pr.paid_at) : json::value(nullptr);
  o["metadata"] = pr.metadata;
  o["notifications"] = json::array{};
  o["offline_reference"] = pr.offline_reference;
  o["customer"] = customer_json(pr.customer_id, false);
  o["created_at"] = pr.created_at;
  return o;
}

/// Verify of an archived request (Paystack documents no message; the simulator's choice,
/// doc/simulator.md).
http_response engine::archived_answer() {
  return fail(400, "Payment request has been archived", "Fetch the payment request to see it",
              "validation_error", "invalid_params");
}

// ---------------------------------------------------------------------------------------------
// Routes

http_response engine::update_request(std::string_view id_or_code, const http_request& req) {
  json::object body;
  if (auto err = parse_body(req, body)) return std::move(*err);
  auto* found = find_request_locked(id_or_code);
  if (found == nullptr) return not_found("Payment request not found");
  if (found->status == "success") return invalid("Payment request has already been paid");
  if (found->archived) return invalid("Payment request has been archived");
  payment_request pr = *found;
  if (auto err = apply_request_fields(body, pr, false)) return std::move(*err);
  pr.updated_at = now_iso();
  // Stored again so that the byte bound holds for the new size (the oldest others may go).
  request_bytes_ -= std::min(request_bytes_, found->bytes);
  by_request_code_.erase(found->request_code);
  requests_.erase(pr.id);
  auto id = pr.id;
  store_request_locked(std::move(pr));
  return ok("Payment request updated", request_summary_json(requests_.at(id)));
}

namespace {

constexpr std::int64_t max_amount = 1'000'000'000'000;  // keeps sums far from overflow

/// Reads `line_items` (with quantities) or `tax` from `body` into `out`, adding to `total`.
std::optional<http_response> read_items(const json::object& body, std::string_view field,
                                        json::array& out, std::int64_t& total) {
  const bool quantity = field == "line_items";
  const auto* v = member(body, field);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_array()) return invalid("\"" + std::string(field) + "\" must be an array");
  if (v->get_array().size() > 100) return invalid("Too many " + std::string(field));
  for (const auto& item : v->get_array()) {
    if (!item.is_object())
      return invalid("Each of \"" + std::string(field) + "\" must be an object");
    const auto& o = item.get_object();
    const auto* name = member(o, "name");
    if (name == nullptr || !name->is_string()) return missing(std::string(field) + ".name");
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
  if (json::serialize(out).size() > field_limit::items) {
    return invalid(too_long(field, field_limit::items));
  }
  return std::nullopt;
}

bool non_empty(const json::value& items) {
  return items.is_array() && !items.get_array().empty();
}

/// What the stored request costs against max_payment_request_bytes.
std::size_t stored_bytes(const payment_request& pr) {
  std::size_t n = sizeof(payment_request) + 256;
  n += json::serialize(pr.line_items).size() + json::serialize(pr.tax).size();
  if (pr.description.is_string()) n += pr.description.get_string().size();
  if (!pr.metadata.is_null()) n += json::serialize(pr.metadata).size();
  return n;
}

/// The `customer` of a body: an id, or a code (one the request does not know yet is created when
/// the request is stored).
struct customer_ref {
  bool given = false;
  std::int64_t id = 0;
  std::string code;
};

/// Reads `customer` (required on create) into `out`.
std::optional<http_response> read_customer(const json::object& body, bool create,
                                           customer_ref& out) {
  const auto* cust = member(body, "customer");
  if (create && (cust == nullptr || cust->is_null())) return missing("customer");
  out.given = cust != nullptr && !cust->is_null();
  if (!out.given) return std::nullopt;
  if (auto id = to_int(*cust)) {
    if (*id <= 0) return invalid("\"customer\" must be a customer id or code");
    out.id = *id;
  } else if (cust->is_string() && !cust->get_string().empty() &&
             cust->get_string().size() <= field_limit::customer) {
    out.code = std::string(cust->get_string());
  } else {
    return invalid("\"customer\" must be a customer id or code");
  }
  return std::nullopt;
}

/// Applies `line_items`, `tax` and `amount` to `next`: an amount given wins; else the items'
/// sum when items are given (those not given are kept); a create needs one or the other.
std::optional<http_response> apply_amount_fields(const json::object& body, bool create,
                                                 payment_request& next) {
  json::array line_items;
  json::array tax;
  std::int64_t total = 0;
  if (auto err = read_items(body, "line_items", line_items, total)) return err;
  if (auto err = read_items(body, "tax", tax, total)) return err;
  const bool items_given = member(body, "line_items") != nullptr || member(body, "tax") != nullptr;
  if (create || member(body, "line_items") != nullptr) next.line_items = line_items;
  if (create || member(body, "tax") != nullptr) next.tax = tax;

  if (const auto* v = member(body, "amount"); v != nullptr && !v->is_null()) {
    auto a = to_int(*v);
    if (!a || *a <= 0 || *a > max_amount) return invalid("\"amount\" must be a positive integer");
    next.amount = *a;
  } else if (create && line_items.empty() && tax.empty()) {
    return missing("amount");
  } else if (items_given && (non_empty(next.line_items) || non_empty(next.tax))) {
    // The request's items after the change (those not given are kept), all checked already.
    const json::object both{{"line_items", next.line_items}, {"tax", next.tax}};
    json::array scratch;
    std::int64_t sum = 0;
    (void)read_items(both, "line_items", scratch, sum);
    scratch.clear();
    (void)read_items(both, "tax", scratch, sum);
    next.amount = sum;
  }
  if (next.amount <= 0) return invalid("\"amount\" must be a positive integer");
  return std::nullopt;
}

/// Applies the descriptive members to `next`: `currency`, `description`, `due_date`, `metadata`.
std::optional<http_response> apply_text_fields(const json::object& body, payment_request& next) {
  if (const auto* v = member(body, "currency"); v != nullptr && !v->is_null()) {
    const auto c = v->is_string() ? std::string(v->get_string()) : std::string();
    if (c != "NGN" && c != "GHS" && c != "ZAR" && c != "USD") {
      return invalid("\"currency\" must be one of [NGN, GHS, ZAR, USD]");
    }
    next.currency = c;
  }
  if (const auto* v = member(body, "description"); v != nullptr && !v->is_null()) {
    if (!v->is_string()) return invalid("\"description\" must be a string");
    if (v->get_string().size() > field_limit::description) {
      return invalid(too_long("description", field_limit::description));
    }
    next.description = *v;
  }
  if (const auto* v = member(body, "due_date"); v != nullptr && !v->is_null()) {
    if (!v->is_string() || v->get_string().size() > field_limit::due_date) {
      return invalid("\"due_date\" must be an ISO 8601 date");
    }
    next.due_date = *v;
  }
  if (const auto* v = member(body, "metadata")) {
    if (json::serialize(*v).size() > field_limit::metadata) {
      return invalid(too_long("metadata", field_limit::metadata));
    }
    next.metadata = *v;
  }
  return std::nullopt;
}

}  // namespace

/// Applies the members of a create (`create`: customer and an amount or items required) or an
/// update body to `pr`, each checked and bounded; nothing is applied when one is refused.
std::optional<http_response> engine::apply_request_fields(const json::object& body,
                                                          payment_request& pr, bool create) {
  payment_request next = pr;
  customer_ref customer;
  if (auto err = read_customer(body, create, customer)) return err;
  if (auto err = apply_amount_fields(body, create, next)) return err;
  if (auto err = apply_text_fields(body, next)) return err;
  // On create, next.line_items are the body's.
  if (create) next.has_invoice = non_empty(next.line_items);
  if (const auto* v = member(body, "has_invoice"); v != nullptr && v->is_bool()) {
    next.has_invoice = v->get_bool();
  }
  // Everything is checked: from here on the request changes.
  if (customer.given) next.customer_id = customer_for_locked(customer.id, customer.code);
  if (next.has_invoice) {
    if (const auto* v = member(body, "invoice_number"); v != nullptr && to_int(*v)) {
      next.invoice_number = *to_int(*v);
    } else if (!next.invoice_number) {
      next.invoice_number = next_invoice_number_++;
    }
  }
  if (const auto* v = member(body, "draft"); v != nullptr && v->is_bool()) {
    if (create || pr.status == "draft") next.status = v->get_bool() ? "draft" : "pending";
  }
  next.bytes = stored_bytes(next);
  pr = std::move(next);
  return std::nullopt;
}

http_response engine::create_request(const http_request& req) {
  json::object body;
  if (auto err = parse_body(req, body)) return std::move(*err);
  payment_request pr;
  pr.currency = "NGN";
  pr.status = "pending";
  if (auto err = apply_request_fields(body, pr, true)) return std::move(*err);
  pr.id = next_request_id_++;
  pr.request_code = "PRQ_" + random_string(alnum_lower, 15);
  pr.offline_reference = std::to_string(options_.integration_id) + std::to_string(pr.id);
  pr.created_at = now_iso();
  pr.updated_at = pr.created_at;
  const bool draft = pr.status == "draft";
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

/// Keeps the newest requests within state_limit::payment_requests and
/// options_.max_payment_request_bytes.
void engine::store_request_locked(payment_request pr) {
  while (!requests_.empty() && (requests_.size() >= state_limit::payment_requests ||
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
  if (verify && pr->archived) return archived_answer();
  if (verify) note_verify_locked(*pr);  // a magic amount may pay late here
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
    o = request_summary_json(*pr);
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
    o["archived"] = pr->archived;
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

}  // namespace paystack::sim::detail
