// The checks on payment request parameters, shared by Create and Update Payment Request and the
// charge flow (so that all refuse the same parameters before anything is sent).
#include <paystack/payment_request.hpp>

namespace paystack {
inline namespace v0 {
namespace {

/// The amount and item rules create and update share.
std::string check_amount_and_items(const std::optional<std::int64_t>& amount,
                                   const std::vector<line_item>& line_items,
                                   const std::vector<tax_item>& tax) {
  if (amount && *amount <= 0) return "amount must be positive (in the currency subunit)";
  for (const auto& li : line_items) {
    if (li.name.empty() || li.amount <= 0 || li.quantity <= 0)
      return "every line item needs a name, a positive amount and a positive quantity";
  }
  for (const auto& t : tax) {
    if (t.name.empty() || t.amount < 0)
      return "every tax line needs a name and a non-negative amount";
  }
  return {};
}

}  // namespace

std::string check_payment_request_params(const create_payment_request_params& p) {
  if (p.customer.empty()) return "customer (id or code) is required";
  if (!p.amount && p.line_items.empty()) return "give an amount or at least one line item";
  return check_amount_and_items(p.amount, p.line_items, p.tax);
}

std::string check_update_payment_request_params(const update_payment_request_params& p) {
  if (!p.customer && !p.amount && !p.line_items && !p.tax && !p.currency && !p.description &&
      !p.due_date && !p.send_notification && !p.draft && !p.has_invoice && !p.invoice_number &&
      !p.split_code)
    return "update needs at least one field to change";
  if (p.customer && p.customer->empty()) return "customer (id or code) must not be empty";
  static const std::vector<line_item> no_items;
  static const std::vector<tax_item> no_tax;
  return check_amount_and_items(p.amount, p.line_items ? *p.line_items : no_items,
                                p.tax ? *p.tax : no_tax);
}

}  // namespace v0
}  // namespace paystack
