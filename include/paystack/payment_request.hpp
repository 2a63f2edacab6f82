// paystack/payment_request.hpp: Payment Request models and parameters (the invoice a
// terminal collects in the in-person flow).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace paystack {

/// A line of a payment request. `amount` is in the currency subunit (kobo, pesewa, cent).
/// Paystack's guides send and return the amount as a string ("2000"); both are read.
struct line_item {
  /// What the line is, shown to the customer.
  std::string name;
  /// Unit price in subunits.
  std::int64_t amount = 0;
  /// Number of units.
  std::int64_t quantity = 1;
};

/// A tax line of a payment request (subunit amount).
struct tax_item {
  /// What the tax is, e.g. "VAT".
  std::string name;
  /// Tax amount in subunits.
  std::int64_t amount = 0;
};

/// Parameters of Create Payment Request (POST /paymentrequest). `customer` is required, and
/// either `amount` or at least one line item.
struct create_payment_request_params {
  std::string customer;                ///< customer id or code, e.g. "CUS_xwaj0txjryg393b"
  std::optional<std::int64_t> amount;  ///< subunits; use when there are no line items / tax
  /// Itemised amounts; their total is the amount.
  std::vector<line_item> line_items;
  /// Tax lines added to the total.
  std::vector<tax_item> tax;
  std::optional<std::string> currency;  ///< NGN (Paystack's default), GHS, ZAR, USD, KES
  /// Shown to the customer.
  std::optional<std::string> description;
  std::optional<std::string> due_date;    ///< ISO 8601
  std::optional<bool> send_notification;  ///< Paystack's default: true
  std::optional<bool> draft;              ///< Paystack's default: false
  /// Create an invoice, numbered automatically unless invoice_number is set, even without
  /// line items or tax.
  std::optional<bool> has_invoice;
  /// Overrides the invoice number Paystack would pick; later invoices count on from it.
  std::optional<std::int64_t> invoice_number;
  /// The split code of a transaction split (SPL_...), to share the payment with subaccounts.
  std::optional<std::string> split_code;
};

/// Why these parameters would be refused, checked without sending anything: a customer, an
/// amount or at least one line item, a positive amount, line items with a name, a positive
/// amount and quantity, tax lines with a name and a non-negative amount. Empty when they are
/// fine. Create Payment Request and async_charge_on_terminal refuse such parameters with
/// error::invalid_argument before anything is sent.
std::string check_payment_request_params(const create_payment_request_params& params);

/// A payment request (`data` of create, fetch and verify).
struct payment_request {
  std::int64_t id = 0;                           ///< needed for the invoice event
  std::string request_code;                      ///< "PRQ_..."
  std::optional<std::string> offline_reference;  ///< needed for the invoice event
  std::string status;                            ///< "pending", "success", "failed", "draft"...
  /// True once the customer paid.
  bool paid = false;
  /// ISO 8601 time of payment, once paid.
  std::optional<std::string> paid_at;
  /// Total in subunits.
  std::int64_t amount = 0;
  /// Currency code, e.g. "NGN".
  std::string currency;
  /// Shown to the customer.
  std::optional<std::string> description;
  /// ISO 8601 due date, when set.
  std::optional<std::string> due_date;
  /// Itemised amounts, when any.
  std::vector<line_item> line_items;
  /// Tax lines, when any.
  std::vector<tax_item> tax;
  std::optional<std::int64_t> integration;  ///< a number in create/fetch (verify expands it)
  /// "test" or "live".
  std::optional<std::string> domain;
  std::optional<std::int64_t> customer_id;   ///< `customer` as a number, or `customer.id`
  std::optional<std::string> customer_code;  ///< `customer.customer_code` when expanded
  /// ISO 8601 creation time.
  std::optional<std::string> created_at;
};

}  // namespace paystack
