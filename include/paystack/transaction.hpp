// paystack/transaction.hpp: Transaction models and parameters, typed for what a point of sale
// needs to reconcile its payments (GET /transaction, /transaction/{id},
// /transaction/verify/{reference}, /transaction/totals). Every other member of Paystack's
// transaction stays in response::raw_body.
#pragma once

#include <cstdint>
#include <optional>
#include <paystack/export.hpp>
#include <paystack/payment_request.hpp>  // currency_amount
#include <string>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// A transaction (`data` of fetch and verify, an item of list). Amounts are in the currency
/// subunit; Paystack's POS webhook sends them as strings ("5000"), the API as integers: both
/// are read.
///
/// Tying a POS transaction to the payment request it paid: Paystack's samples carry no link
/// (the POS charge.success has `metadata: 0`). The library reads `request_code` and
/// `offline_reference` from members of those names at the top level of the transaction or,
/// failing that, inside a `metadata` object; the simulator puts them at the top level. Otherwise
/// match on terminal_id, amount and time.
struct transaction {
  std::int64_t id = 0;      ///< the transaction id (Fetch Transaction takes it)
  std::string reference;    ///< e.g. "pos_wtwyrj7n6x" for a terminal payment
  std::string status;       ///< "success", "failed", "abandoned", "reversed"...
  std::int64_t amount = 0;  ///< subunits (a string or an integer on the wire)
  std::string currency;     ///< e.g. "NGN"; empty when absent
  /// `requested_amount` when present (the POS sample carries it).
  std::optional<std::int64_t> requested_amount;
  std::optional<std::string> channel;           ///< "pos" for terminal payments, "card"...
  std::optional<std::string> paid_at;           ///< ISO 8601 (`paid_at`, else `paidAt`)
  std::optional<std::string> created_at;        ///< ISO 8601 (`created_at`, else `createdAt`)
  std::optional<std::string> gateway_response;  ///< e.g. "Approved or completed successfully"
  std::optional<std::int64_t> customer_id;      ///< `customer.id`
  std::optional<std::string> customer_code;     ///< `customer.customer_code`
  std::optional<std::string> customer_email;    ///< `customer.email`
  /// The terminal that took the payment: `source.identifier` (POS shape), else a top-level
  /// `terminal_id`.
  std::optional<std::string> terminal_id;
  std::optional<std::string> source_type;  ///< `source.type`, e.g. "offline"
  std::optional<std::string> source;       ///< `source.source`, e.g. "pos"
  /// `metadata` re-serialised as JSON text, whatever it holds ("0", an object, a string);
  /// std::nullopt when absent or null.
  std::optional<std::string> metadata_json;
  /// The payment request this transaction paid ("PRQ_..."), when the reply links it (see
  /// above).
  std::optional<std::string> request_code;
  /// The paid payment request's offline reference, when the reply links it (see above).
  std::optional<std::string> offline_reference;
};

/// Parameters of List Transactions (GET /transaction). Every member is optional; the filters
/// narrow the list. Sent as: `terminal_id`, `channel`, `status`, `customer_code` (the spec's
/// name for the customer filter), `from`, `to`, `use_cursor`, `next`, `previous`, `perPage`,
/// `page`.
///
/// Two ways to page: page numbers (`page`, `per_page`; the reply's meta has total, page and
/// pageCount) or, with `use_cursor = true`, cursors (`next` / `previous` from the reply's
/// meta). Refused before sending: a cursor without use_cursor, a page number with use_cursor,
/// both cursors at once, a cursor over max_cursor_length, per_page or page below 1, and an
/// empty or over-long (max_id_length) filter.
struct list_transactions_params {
  std::optional<std::string> terminal_id;  ///< only this terminal's payments
  std::optional<std::string> channel;      ///< e.g. "pos"
  std::optional<std::string> status;       ///< success, failed, abandoned, reversed
  std::optional<std::string> customer;     ///< a customer code, e.g. "CUS_xztjqwng1kzwdbt"
  std::optional<std::string> from;         ///< start date, ISO 8601
  std::optional<std::string> to;           ///< end date, ISO 8601
  std::optional<bool> use_cursor;          ///< page with cursors instead of page numbers
  std::optional<std::string> next;         ///< cursor from meta.next (with use_cursor)
  std::optional<std::string> previous;     ///< cursor from meta.previous (with use_cursor)
  std::optional<std::int64_t> per_page;    ///< items per page (Paystack's default: 50)
  std::optional<std::int64_t> page;        ///< page number, from 1 (without use_cursor)
};

/// Parameters of Transaction Totals (GET /transaction/totals): the period, both optional.
struct transaction_totals_params {
  std::optional<std::string> from;  ///< start date, ISO 8601
  std::optional<std::string> to;    ///< end date, ISO 8601
};

/// `data` of Transaction Totals.
struct transaction_totals {
  std::int64_t total_transactions = 0;  ///< number of transactions in the period
  std::int64_t total_volume = 0;        ///< their total amount, subunits (all currencies)
  std::vector<currency_amount> total_volume_by_currency;       ///< the volume per currency
  std::int64_t pending_transfers = 0;                          ///< amount not settled yet
  std::vector<currency_amount> pending_transfers_by_currency;  ///< that, per currency
};

}  // namespace v0
}  // namespace paystack

namespace paystack {
inline namespace v0 {

/// Parameters of Export Transactions (GET /transaction/export). Every member is optional.
/// Sent as `from`, `to`, `status`, `customer`, `subaccount_code`, `settlement` (the spec's
/// names). Refused before sending: a status other than success, failed, abandoned, reversed
/// or all; a customer or settlement id below 1; an empty or over-long (max_id_length) text.
struct transaction_export_params {
  std::optional<std::string> from;             ///< start date, ISO 8601
  std::optional<std::string> to;               ///< end date, ISO 8601
  std::optional<std::string> status;           ///< success, failed, abandoned, reversed, all
  std::optional<std::int64_t> customer;        ///< a customer id
  std::optional<std::string> subaccount_code;  ///< e.g. "ACCT_dskvlw3y3dMukmt"
  std::optional<std::int64_t> settlement;      ///< only the transactions of this settlement
};

/// `data` of Export Transactions: where the CSV file can be downloaded, until when.
struct transaction_export {
  std::string path;        ///< the download link (an https URL; the file is a CSV)
  std::string expires_at;  ///< when the link stops working (`expiresAt`, as Paystack writes it)
};

/// One step of a transaction's timeline (`data.history[i]`).
struct transaction_timeline_step {
  std::string type;       ///< e.g. "action", "success", "error"
  std::string message;    ///< e.g. "Attempted to pay with card"
  std::int64_t time = 0;  ///< seconds since the timeline's start_time
};

/// `data` of Fetch Transaction Timeline: the steps from initiation to completion.
struct transaction_timeline {
  std::optional<std::int64_t> start_time;          ///< Unix time (seconds) of the first step
  std::optional<std::int64_t> time_spent;          ///< seconds from the first step to the last
  std::optional<std::int64_t> attempts;            ///< payment attempts
  std::optional<std::int64_t> errors;              ///< failed attempts
  std::optional<bool> success;                     ///< whether the transaction succeeded
  std::optional<bool> mobile;                      ///< whether the customer paid on a mobile device
  std::optional<std::string> channel;              ///< e.g. "card", "pos", when present
  std::vector<transaction_timeline_step> history;  ///< the steps, in order
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
