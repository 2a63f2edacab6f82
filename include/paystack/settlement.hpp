// paystack/settlement.hpp: Settlement models and parameters (GET /settlement,
// GET /settlement/{id}/transactions): the payouts of the day's successful transactions, less
// Paystack's fees, to the integration's bank account. Every other member stays in
// response::raw_body.
#pragma once

#include <cstdint>
#include <optional>
#include <paystack/export.hpp>
#include <string>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// A settlement (an item of List Settlements). Amounts are in the currency subunit.
struct settlement {
  std::int64_t id = 0;            ///< the settlement id (Fetch Settlement Transactions takes it)
  std::string status;             ///< "success", "processing", "pending", "failed"...
  std::string currency;           ///< e.g. "NGN"; empty when absent
  std::int64_t total_amount = 0;  ///< what was settled: total_processed less total_fees
  /// `effective_amount` when present (the amount paid out after deductions).
  std::optional<std::int64_t> effective_amount;
  std::optional<std::int64_t> total_fees;       ///< Paystack's fees on the transactions
  std::optional<std::int64_t> total_processed;  ///< the transactions' amounts, before fees
  std::optional<std::int64_t> deductions;       ///< refunds and chargebacks taken off, if any
  std::optional<std::string> domain;            ///< "test" or "live"
  std::optional<std::int64_t> integration;      ///< the integration id
  std::optional<std::string> settlement_date;   ///< ISO 8601 (`settlement_date`, else `settledAt`)
  std::optional<std::string> settled_by;        ///< who settled it, when Paystack says
  std::optional<std::string> created_at;        ///< ISO 8601 (`createdAt`, else `created_at`)
  std::optional<std::string> updated_at;        ///< ISO 8601 (`updatedAt`, else `updated_at`)
};

/// Parameters of List Settlements (GET /settlement): page numbers only. Sent as `perPage`,
/// `page`, `from`, `to`, `status` (the spec names perPage and page; from, to and status are
/// Paystack's documented filters, sent only when given). Refused before sending: per_page or
/// page below 1, an empty or over-long (max_id_length) filter.
struct list_settlements_params {
  std::optional<std::int64_t> per_page;  ///< items per page (Paystack's default: 50)
  std::optional<std::int64_t> page;      ///< page number, from 1
  std::optional<std::string> from;       ///< settled on or after, ISO 8601
  std::optional<std::string> to;         ///< settled on or before, ISO 8601
  std::optional<std::string> status;     ///< success, processing, pending or failed
};

/// Parameters of Fetch Settlement Transactions (GET /settlement/{id}/transactions): the
/// settlement, then page numbers. Sent as `perPage`, `page`, `from`, `to` (Paystack's
/// documented query; the spec lists none), each only when given. Refused before sending: an id
/// below 1, per_page or page below 1, an empty or over-long filter.
struct settlement_transactions_params {
  std::int64_t settlement_id = 0;        ///< the settlement (settlement::id)
  std::optional<std::int64_t> per_page;  ///< items per page
  std::optional<std::int64_t> page;      ///< page number, from 1
  std::optional<std::string> from;       ///< ISO 8601
  std::optional<std::string> to;         ///< ISO 8601
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
