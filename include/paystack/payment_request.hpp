// paystack/payment_request.hpp: Payment Request models and parameters (the invoice a
// terminal collects in the in-person flow).
#pragma once

#include <cstdint>
#include <optional>
#include <paystack/export.hpp>
#include <string>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// A line of a payment request. `amount` is in the currency subunit (kobo, pesewa, cent).
/// Paystack's guides send and return the amount as a string ("2000"); both are read.
struct line_item {
  std::string name;           ///< what is sold, e.g. "Chicken Salad"
  std::int64_t amount = 0;    ///< unit price in the currency subunit
  std::int64_t quantity = 1;  ///< how many (Paystack's default: 1)
};

/// A tax line of a payment request (subunit amount).
struct tax_item {
  std::string name;         ///< e.g. "VAT"
  std::int64_t amount = 0;  ///< in the currency subunit
};

/// Parameters of Create Payment Request (POST /paymentrequest). `customer` is required, and
/// either `amount` or at least one line item.
struct create_payment_request_params {
  std::string customer;                        ///< customer id or code, e.g. "CUS_xwaj0txjryg393b"
  std::optional<std::int64_t> amount;          ///< subunits; use when there are no line items / tax
  std::vector<line_item> line_items;           ///< the invoice's lines (the amount is their total)
  std::vector<tax_item> tax;                   ///< tax lines, added to the total
  std::optional<std::string> currency;         ///< NGN (Paystack's default), GHS, ZAR, USD, KES
  std::optional<std::string> description;      ///< free text shown on the invoice
  std::optional<std::string> due_date;         ///< ISO 8601
  std::optional<bool> send_notification;       ///< Paystack's default: true
  std::optional<bool> draft;                   ///< Paystack's default: false
  std::optional<bool> has_invoice;             ///< give it an invoice number
  std::optional<std::int64_t> invoice_number;  ///< overrides Paystack's numbering
  std::optional<std::string> split_code;       ///< a transaction split
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
  bool paid = false;                             ///< true once paid (`status` "success")
  std::optional<std::string> paid_at;            ///< ISO 8601, when paid
  std::int64_t amount = 0;                       ///< in the currency subunit
  std::string currency;                          ///< e.g. "NGN"
  std::optional<std::string> description;        ///< free text
  std::optional<std::string> due_date;           ///< ISO 8601
  std::vector<line_item> line_items;             ///< the invoice's lines
  std::vector<tax_item> tax;                     ///< its tax lines
  std::optional<std::int64_t> integration;       ///< a number in create/fetch (verify expands it)
  std::optional<std::string> domain;             ///< "test" or "live"
  std::optional<std::int64_t> customer_id;       ///< `customer` as a number, or `customer.id`
  std::optional<std::string> customer_code;      ///< `customer.customer_code` when expanded
  std::optional<std::string> created_at;       ///< ISO 8601 (`created_at`, or fetch's `createdAt`)
  std::optional<bool> archived;                ///< `archived` (fetch); absent elsewhere
  std::optional<std::int64_t> pending_amount;  ///< `pending_amount` (fetch, verify, finalize)
};

/// Parameters of List Payment Requests (GET /paymentrequest). Every member is optional; a
/// malformed one (an empty or over-long string, a page or page size below 1) is refused with
/// error::invalid_argument before anything is sent.
struct list_payment_requests_params {
  std::optional<std::string> customer;   ///< customer id or code
  std::optional<std::string> status;     ///< e.g. "pending", "success", "draft", "failed"
  std::optional<std::string> currency;   ///< e.g. "NGN"
  std::optional<bool> include_archive;   ///< also list archived requests (Paystack: false)
  std::optional<std::string> from;       ///< ISO 8601 timestamp: created at or after
  std::optional<std::string> to;         ///< ISO 8601 timestamp: created at or before
  std::optional<std::int64_t> per_page;  ///< `perPage`, from 1 (Paystack's default: 50)
  std::optional<std::int64_t> page;      ///< page number, from 1
};

/// Parameters of Update Payment Request (PUT /paymentrequest/{id_or_code}): only the members
/// that are set are sent, and at least one must be. The amount and the items are checked as
/// create checks them (check_update_payment_request_params).
struct update_payment_request_params {
  std::optional<std::string> customer;  ///< customer id or code
  std::optional<std::int64_t> amount;   ///< subunits; use when there are no line items / tax
  std::optional<std::vector<line_item>> line_items;  ///< replaces the request's line items
  std::optional<std::vector<tax_item>> tax;          ///< replaces the request's tax lines
  std::optional<std::string> currency;               ///< NGN, GHS, ZAR, USD, KES
  std::optional<std::string> description;            ///< free text
  std::optional<std::string> due_date;               ///< ISO 8601
  std::optional<bool> send_notification;             ///< email the customer about the change
  std::optional<bool> draft;                         ///< keep (or make) it a draft
  std::optional<bool> has_invoice;                   ///< give it an invoice number
  std::optional<std::int64_t> invoice_number;        ///< overrides Paystack's numbering
  std::optional<std::string> split_code;             ///< a transaction split
};

/// Why these update parameters would be refused, checked without sending anything: nothing to
/// update, an empty customer, a non-positive amount, a line item without a name or with a
/// non-positive amount or quantity, a tax line without a name or with a negative amount.
/// Empty when they are fine.
std::string check_update_payment_request_params(const update_payment_request_params& params);

/// One currency's sum in Payment Request Totals (subunits).
struct currency_amount {
  std::string currency;     ///< e.g. "NGN"
  std::int64_t amount = 0;  ///< in the currency subunit
};

/// `data` of Payment Request Totals (GET /paymentrequest/totals): per currency, the amounts
/// still pending, those paid, and both together.
struct payment_request_totals {
  std::vector<currency_amount> pending;     ///< requests not yet paid
  std::vector<currency_amount> successful;  ///< requests paid
  std::vector<currency_amount> total;       ///< pending and paid together
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
