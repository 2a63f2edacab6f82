// paystack-terminal report: the end-of-day report as a pure function (no I/O): a store's charges
// and keyed refunds set beside Paystack's transactions, refunds and settlements of one UTC day,
// as report lines and totals per terminal and currency (doc/cli.md "report",
// doc/adr/report-0001-day-report.md). commands/report.cpp fetches and prints it.
#pragma once

#include <cstdint>
#include <optional>
#include <paystack/charge_store.hpp>
#include <paystack/refund.hpp>
#include <paystack/refund_flow.hpp>
#include <paystack/settlement.hpp>
#include <paystack/transaction.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace cli {

/// One UTC day: its date ("2026-12-07"), the next one's, and its bounds in Unix ms.
struct report_day {
  std::string date;
  std::string next_date;
  std::int64_t start_ms = 0;  ///< 00:00:00.000Z
  std::int64_t end_ms = 0;    ///< the next day's start (excluded)
};

/// "YYYY-MM-DD", a real calendar date from 1970-01-01 to 9999-12-30; std::nullopt otherwise.
std::optional<report_day> parse_report_date(std::string_view text);

/// What a report line says.
enum class report_kind {
  matched,             ///< the store recorded it paid; Paystack holds its successful transaction
  unrecorded_payment,  ///< paid at Paystack, not recorded paid in the store (`why` says why)
  recorded_not_paid,   ///< recorded paid in the store; no successful transaction at Paystack
  unfinished_charge,   ///< a charge of the store without an outcome and without a payment
  unpaid,              ///< not paid, and both agree (declined, offline, timed out...)
  refund_processed,    ///< a keyed refund of the store, processed at Paystack
  refund_pending,      ///< a keyed refund, pending or processing at Paystack
  refund_needs_attention,  ///< Paystack needs the customer's account details (refund retry)
  refund_failed,           ///< the refund failed at Paystack: the customer is still owed
  refund_not_recorded,     ///< a refund at Paystack no keyed refund of the store names
  refund_missing,          ///< recorded refunded in the store; Paystack lists no such refund
  refund_unfinished,       ///< a keyed refund without an outcome (resume it)
  refund_not_sent,         ///< a keyed refund refused or busy: nothing was sent, both agree
  settlement,              ///< a settlement of the day (not failed)
  settlement_failed,       ///< a settlement of the day that failed
};

/// "matched", "unrecorded_payment", ... (the enumerator's name).
std::string_view to_string(report_kind k) noexcept;

/// Whether a line of this kind keeps the day from matching (exit 1): every kind but matched,
/// unpaid, refund_processed, refund_pending, refund_not_sent and settlement.
bool is_mismatch(report_kind k) noexcept;

/// One line of the report.
struct report_line {
  report_kind kind = report_kind::matched;
  std::string terminal;     ///< the terminal ("" when unknown)
  std::string currency;     ///< e.g. "NGN"
  std::int64_t amount = 0;  ///< subunits
  std::string key;          ///< the store's charge or refund key ("" when none)
  /// The transaction's reference (charges), the refund id (refunds), the settlement id; else the
  /// payment request code the store recorded.
  std::string reference;
  std::string store;     ///< what the store says: an outcome, "stage pushed", or "-"
  std::string paystack;  ///< what Paystack says: a status, or "-"
  std::string why;       ///< the explanation ("" for plain matches)
};

/// The day's totals of one terminal and currency.
struct report_total {
  std::string terminal;  ///< "" when the transaction names none
  std::string currency;
  std::int64_t recorded_count = 0;   ///< the store's charges recorded paid
  std::int64_t recorded_amount = 0;  ///< their sum
  std::int64_t paid_count = 0;       ///< Paystack's successful (or reversed) transactions
  std::int64_t paid_amount = 0;      ///< their sum
  std::int64_t refund_count = 0;     ///< Paystack's refunds of the day that did not fail
  std::int64_t refunded_amount = 0;  ///< their sum
};

/// What the report is made from. Store records: every one the caller read (a charge of an
/// earlier day still matches a payment of this one); Paystack's lists: what it listed for the
/// day (anything of another day is left out by its date).
struct report_inputs {
  report_day day;
  std::vector<paystack::charge_record> charges;
  std::vector<paystack::refund_record> refunds;
  std::vector<paystack::transaction> transactions;
  std::vector<paystack::refund> paystack_refunds;
  std::vector<paystack::settlement> settlements;
};

/// The report: lines (ordered by kind, then terminal, reference and key) and totals (by
/// terminal, then currency).
struct day_report {
  std::vector<report_line> lines;
  std::vector<report_total> totals;
  std::size_t mismatches = 0;  ///< lines whose kind is_mismatch
  bool ok() const noexcept { return mismatches == 0; }
};

/// Builds the report of `in.day` (see doc/cli.md for each line and its `why`).
day_report build_day_report(const report_inputs& in);

}  // namespace cli
