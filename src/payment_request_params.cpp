// The checks on payment request parameters, shared by Create Payment Request and the charge flow
// (so that both refuse the same parameters before anything is sent).
#include <paystack/payment_request.hpp>

namespace paystack {

std::string check_payment_request_params(const create_payment_request_params& p) {
  if (p.customer.empty()) return "customer (id or code) is required";
  if (!p.amount && p.line_items.empty()) return "give an amount or at least one line item";
  if (p.amount && *p.amount <= 0) return "amount must be positive (in the currency subunit)";
  for (const auto& li : p.line_items) {
    if (li.name.empty() || li.amount <= 0 || li.quantity <= 0)
      return "every line item needs a name, a positive amount and a positive quantity";
  }
  for (const auto& t : p.tax) {
    if (t.name.empty() || t.amount < 0)
      return "every tax line needs a name and a non-negative amount";
  }
  return {};
}

}  // namespace paystack
