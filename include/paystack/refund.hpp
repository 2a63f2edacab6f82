// paystack/refund.hpp: Refund models and parameters (POST /refund, GET /refund,
// GET /refund/{id}) and the `data` of the refund.* webhooks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <paystack/export.hpp>
#include <string>
#include <string_view>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// Where a refund stands. Paystack moves a refund from pending through processing to processed
/// (or failed); needs-attention asks for the customer's bank details.
enum class refund_status {
  pending,          ///< "pending": created, not started
  processing,       ///< "processing": sent to the processor
  processed,        ///< "processed": the money went back to the customer
  failed,           ///< "failed": the processor refused it
  needs_attention,  ///< "needs-attention": Paystack needs the customer's account details
  unknown,          ///< any other text (kept in refund::status_text)
};

/// The wire text of a status ("pending", ..., "needs-attention"); "" for unknown.
std::string_view to_string(refund_status s) noexcept;

/// The status of a wire text; refund_status::unknown for anything else.
refund_status refund_status_from_string(std::string_view s) noexcept;

/// A refund (`data` of create and fetch, an item of list). Amounts are in the currency subunit.
struct refund {
  std::int64_t id = 0;  ///< the refund id (Fetch Refund takes it)
  /// The refunded transaction's id: `transaction` as a number (fetch, list) or
  /// `transaction.id` (create expands it).
  std::optional<std::int64_t> transaction_id;
  /// The refunded transaction's reference: `transaction_reference`, else
  /// `transaction.reference`.
  std::optional<std::string> transaction_reference;
  std::int64_t amount = 0;  ///< the amount refunded (a string or an integer on the wire)
  std::string currency;     ///< e.g. "NGN"; empty when absent
  refund_status status = refund_status::unknown;  ///< `status`, typed
  std::string status_text;                        ///< `status` verbatim
  std::optional<std::int64_t> deducted_amount;    ///< taken from the balance so far
  /// Whether the whole amount was deducted (`fully_deducted`: a boolean, or 0/1).
  std::optional<bool> fully_deducted;
  std::optional<std::string> customer_note;  ///< the reason shown to the customer
  std::optional<std::string> merchant_note;  ///< the merchant's own reason
  std::optional<std::string> refunded_by;    ///< who started it (an email)
  std::optional<std::string> refunded_at;    ///< ISO 8601, once processed
  std::optional<std::string> expected_at;    ///< ISO 8601, when Paystack expects to finish
  std::optional<std::string> created_at;     ///< ISO 8601 (`createdAt`, else `created_at`)
};

/// Parameters of Create Refund (POST /refund). Refused before sending: an empty or over-long
/// (max_id_length) transaction, an amount below 1, a currency that is not three capital
/// letters, a note longer than max_note_length.
struct create_refund_params {
  /// The transaction to refund: its reference or its id (both are accepted by Paystack).
  std::string transaction;
  /// Subunits to refund; absent: the whole amount not refunded yet. At most what remains.
  std::optional<std::int64_t> amount;
  std::optional<std::string> currency;       ///< NGN, GHS, ZAR, USD, KES
  std::optional<std::string> customer_note;  ///< the reason shown to the customer
  std::optional<std::string> merchant_note;  ///< the merchant's own reason

  /// Longest note (customer_note, merchant_note) sent, in bytes.
  static constexpr std::size_t max_note_length = 1024;
};

/// Parameters of List Refunds (GET /refund), paged by page number (the reply's meta has total,
/// page and pageCount). Sent as `transaction`, `currency`, `from`, `to`, `perPage`, `page`.
/// Refused before sending: per_page or page below 1, an empty or over-long (max_id_length)
/// filter.
struct list_refunds_params {
  std::optional<std::string> transaction;  ///< only this transaction's refunds (id or reference)
  std::optional<std::string> currency;     ///< e.g. "NGN"
  std::optional<std::string> from;         ///< start date, ISO 8601
  std::optional<std::string> to;           ///< end date, ISO 8601
  std::optional<std::int64_t> per_page;    ///< items per page (Paystack's default: 50)
  std::optional<std::int64_t> page;        ///< page number, from 1
};

/// The customer's bank account for Retry Refund (POST /refund/retry_with_customer_details/{id},
/// sent as {"refund_account_details": {"currency", "account_number", "bank_id"}}): what a refund
/// in needs-attention waits for. Refused before sending: a currency that is not three capital
/// letters, an account number that is not 1 to 32 digits, a bank id that is not 1 to 16 digits.
struct refund_account_details {
  std::string currency;        ///< the account's currency: the payment's, e.g. "NGN"
  std::string account_number;  ///< the customer's account number, e.g. "1234567890"
  std::string bank_id;         ///< Paystack's id of the customer's bank (List Banks), e.g. "9"
};

/// `data` of the refund.pending, refund.processing, refund.processed, refund.failed and
/// refund.needs-attention webhooks. Paystack's samples identify the refund by the transaction's
/// reference (there is no refund id); `amount` is a string in some samples and an integer in
/// others: both are read.
struct refund_event_data {
  refund_status status = refund_status::unknown;  ///< `status`, typed
  std::string status_text;                        ///< `status` verbatim
  std::string transaction_reference;              ///< the refunded transaction's reference
  std::optional<std::string> refund_reference;    ///< the processor's reference (null early)
  std::int64_t amount = 0;                        ///< subunits refunded
  std::string currency;                           ///< e.g. "NGN"; empty when absent
  std::optional<std::string> processor;           ///< e.g. "instant-transfer"
  std::optional<std::string> customer_email;      ///< `customer.email`
  std::optional<std::int64_t> integration;        ///< the integration id
  std::optional<std::string> domain;              ///< "test" or "live"
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
