// The end-of-day report's matching (cli/day_report.hpp), a pure function: each kind of line,
// its `why`, whether it counts as a mismatch, and the totals per terminal and currency.
#include "day_report.hpp"

#include <gtest/gtest.h>

namespace {

using cli::report_kind;
using paystack::charge_outcome;
using paystack::charge_record;
using paystack::refund_outcome;
using paystack::refund_record;
using paystack::refund_status;

const cli::report_day day = *cli::parse_report_date("2026-12-07");
const std::int64_t noon = day.start_ms + 12 * 3'600'000;

charge_record charge(std::string key, std::int64_t amount, std::optional<charge_outcome> outcome,
                     std::string request) {
  charge_record c;
  c.key = std::move(key);
  c.terminal_id = "T1";
  c.amount = amount;
  c.outcome = outcome;
  c.stage =
      outcome ? paystack::charge_journal_stage::finished : paystack::charge_journal_stage::pushed;
  c.request_code = std::move(request);
  c.created_at_ms = noon;
  return c;
}

paystack::transaction txn(std::int64_t id, std::string reference, std::int64_t amount,
                          std::optional<std::string> request, std::string status = "success") {
  paystack::transaction t;
  t.id = id;
  t.reference = std::move(reference);
  t.status = std::move(status);
  t.amount = amount;
  t.currency = "NGN";
  t.terminal_id = "T1";
  t.paid_at = "2026-12-07T12:30:00.000Z";
  t.request_code = std::move(request);
  return t;
}

paystack::refund paystack_refund(std::int64_t id, std::int64_t txn_id, std::int64_t amount,
                                 refund_status status) {
  paystack::refund f;
  f.id = id;
  f.transaction_id = txn_id;
  f.amount = amount;
  f.currency = "NGN";
  f.status = status;
  f.status_text = std::string(paystack::to_string(status));
  f.created_at = "2026-12-07T13:00:00.000Z";
  return f;
}

refund_record keyed_refund(std::string key, std::int64_t amount, std::optional<std::int64_t> id,
                           std::optional<refund_outcome> outcome) {
  refund_record r;
  r.key = std::move(key);
  r.transaction = "pos_a";
  r.amount = amount;
  r.currency = "NGN";
  r.refund_id = id;
  r.outcome = outcome;
  r.stage =
      outcome ? paystack::refund_journal_stage::finished : paystack::refund_journal_stage::sending;
  r.created_at_ms = noon;
  return r;
}

/// The only line of `r` about `reference` (a test failure and an empty line when not one).
cli::report_line line_of(const cli::day_report& r, const std::string& reference) {
  std::vector<cli::report_line> found;
  for (const auto& l : r.lines)
    if (l.reference == reference) found.push_back(l);
  EXPECT_EQ(found.size(), 1u) << reference;
  return found.empty() ? cli::report_line{} : found.front();
}

TEST(DayReport, a_recorded_paid_charge_with_its_transaction_is_matched) {
  cli::report_inputs in{.day = day};
  in.charges = {charge("k1", 5000, charge_outcome::paid, "PRQ_1")};
  in.transactions = {txn(1, "pos_a", 5000, "PRQ_1")};
  auto r = cli::build_day_report(in);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0].kind, report_kind::matched);
  EXPECT_EQ(r.lines[0].key, "k1");
  EXPECT_EQ(r.lines[0].reference, "pos_a");
  EXPECT_TRUE(r.ok());
  ASSERT_EQ(r.totals.size(), 1u);
  EXPECT_EQ(r.totals[0].recorded_amount, 5000);
  EXPECT_EQ(r.totals[0].paid_amount, 5000);
}

TEST(DayReport, a_charge_matches_by_transaction_reference_or_offline_reference) {
  cli::report_inputs in{.day = day};
  auto by_ref = charge("k1", 100, charge_outcome::paid, "PRQ_x");
  by_ref.transaction_reference = "pos_a";
  auto by_offline = charge("k2", 200, charge_outcome::paid, "PRQ_y");
  by_offline.offline_reference = "OFF2";
  in.charges = {by_ref, by_offline};
  auto t2 = txn(2, "pos_b", 200, std::nullopt);
  t2.offline_reference = "OFF2";
  in.transactions = {txn(1, "pos_a", 100, std::nullopt), t2};
  auto r = cli::build_day_report(in);
  EXPECT_EQ(line_of(r, "pos_a").key, "k1");
  EXPECT_EQ(line_of(r, "pos_b").key, "k2");
  EXPECT_TRUE(r.ok());
}

TEST(DayReport, a_payment_without_a_store_record_is_unrecorded_and_says_why) {
  cli::report_inputs in{.day = day};
  in.transactions = {txn(1, "pos_a", 5000, "PRQ_9")};
  auto r = cli::build_day_report(in);
  auto l = line_of(r, "pos_a");
  EXPECT_EQ(l.kind, report_kind::unrecorded_payment);
  EXPECT_EQ(l.why, "no store record with reference pos_a or payment request PRQ_9");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.totals.at(0).paid_count, 1);
  EXPECT_EQ(r.totals.at(0).recorded_count, 0);
}

TEST(DayReport, a_payment_after_another_outcome_is_unrecorded_and_names_it) {
  cli::report_inputs in{.day = day};
  auto c = charge("k1", 5000, charge_outcome::timed_out, "PRQ_1");
  c.reason = "no outcome within 3m";
  in.charges = {c};
  in.transactions = {txn(1, "pos_a", 5000, "PRQ_1")};
  auto l = line_of(cli::build_day_report(in), "pos_a");
  EXPECT_EQ(l.kind, report_kind::unrecorded_payment);
  EXPECT_EQ(l.key, "k1");
  EXPECT_EQ(l.store, "timed_out");
  EXPECT_EQ(l.why, "paid after the store recorded timed_out: no outcome within 3m");
}

TEST(DayReport, a_late_payment_of_an_earlier_days_charge_says_so) {
  cli::report_inputs in{.day = day};
  auto c = charge("k0", 5000, charge_outcome::not_delivered, "PRQ_0");
  c.created_at_ms = day.start_ms - 1000;
  in.charges = {c};
  in.transactions = {txn(1, "pos_a", 5000, "PRQ_0")};
  auto l = line_of(cli::build_day_report(in), "pos_a");
  EXPECT_EQ(l.why, "paid after the store recorded not_delivered (a charge of another day)");
}

TEST(DayReport, a_payment_of_an_unfinished_charge_says_resume) {
  cli::report_inputs in{.day = day};
  in.charges = {charge("k1", 5000, std::nullopt, "PRQ_1")};
  in.transactions = {txn(1, "pos_a", 5000, "PRQ_1")};
  auto l = line_of(cli::build_day_report(in), "pos_a");
  EXPECT_EQ(l.kind, report_kind::unrecorded_payment);
  EXPECT_EQ(l.why,
            "the store's charge k1 is unfinished: stage pushed, no outcome: paystack-terminal "
            "charges resume k1");
}

TEST(DayReport, a_recorded_payment_without_a_transaction_is_recorded_not_paid) {
  cli::report_inputs in{.day = day};
  in.charges = {charge("k1", 5000, charge_outcome::paid, "PRQ_1"),
                charge("k2", 700, charge_outcome::paid, "PRQ_2")};
  in.transactions = {txn(2, "pos_b", 700, "PRQ_2", "failed")};
  auto r = cli::build_day_report(in);
  auto missing = line_of(r, "PRQ_1");
  EXPECT_EQ(missing.kind, report_kind::recorded_not_paid);
  EXPECT_EQ(missing.why, "Paystack lists no transaction of the day for it");
  auto failed = line_of(r, "pos_b");
  EXPECT_EQ(failed.kind, report_kind::recorded_not_paid);
  EXPECT_EQ(failed.why, "the transaction is failed");
  EXPECT_EQ(r.mismatches, 2u);
  EXPECT_EQ(r.totals.at(0).recorded_amount, 5700);
  EXPECT_EQ(r.totals.at(0).paid_amount, 0);
}

TEST(DayReport, unfinished_and_unpaid_charges) {
  cli::report_inputs in{.day = day};
  auto declined = charge("k2", 300, charge_outcome::declined, "PRQ_2");
  declined.reason = "the customer declined";
  in.charges = {charge("k1", 5000, std::nullopt, "PRQ_1"), declined};
  auto r = cli::build_day_report(in);
  auto unfinished = line_of(r, "PRQ_1");
  EXPECT_EQ(unfinished.kind, report_kind::unfinished_charge);
  EXPECT_EQ(unfinished.why, "stage pushed, no outcome: paystack-terminal charges resume k1");
  auto unpaid = line_of(r, "PRQ_2");
  EXPECT_EQ(unpaid.kind, report_kind::unpaid);
  EXPECT_EQ(unpaid.why, "the customer declined");
  EXPECT_EQ(r.mismatches, 1u);
}

TEST(DayReport, records_and_payments_of_other_days_are_left_out) {
  cli::report_inputs in{.day = day};
  auto old = charge("k1", 5000, charge_outcome::paid, "PRQ_1");
  old.created_at_ms = day.end_ms;
  in.charges = {old};
  auto t = txn(1, "pos_z", 10, std::nullopt);
  t.paid_at = "2026-12-08T00:00:00.000Z";
  in.transactions = {t};
  auto r = cli::build_day_report(in);
  EXPECT_TRUE(r.lines.empty());
  EXPECT_TRUE(r.ok());
}

TEST(DayReport, each_refund_status_has_its_line) {
  cli::report_inputs in{.day = day};
  in.charges = {charge("k1", 50000, charge_outcome::paid, "PRQ_1")};
  in.transactions = {txn(1, "pos_a", 50000, "PRQ_1")};
  in.refunds = {keyed_refund("r1", 100, 11, refund_outcome::refunded),
                keyed_refund("r2", 200, 12, refund_outcome::refunded),
                keyed_refund("r3", 300, 13, refund_outcome::refunded),
                keyed_refund("r4", 400, 14, refund_outcome::refunded)};
  in.paystack_refunds = {paystack_refund(11, 1, 100, refund_status::processed),
                         paystack_refund(12, 1, 200, refund_status::pending),
                         paystack_refund(13, 1, 300, refund_status::needs_attention),
                         paystack_refund(14, 1, 400, refund_status::failed),
                         paystack_refund(15, 1, 500, refund_status::processing)};
  auto r = cli::build_day_report(in);
  EXPECT_EQ(line_of(r, "11").kind, report_kind::refund_processed);
  EXPECT_EQ(line_of(r, "12").kind, report_kind::refund_pending);
  EXPECT_EQ(line_of(r, "12").terminal, "T1");
  EXPECT_EQ(line_of(r, "13").kind, report_kind::refund_needs_attention);
  EXPECT_EQ(line_of(r, "13").why,
            "Paystack needs the customer's account: paystack-terminal refund retry 13 "
            "--account-number N --bank-id B --currency NGN");
  EXPECT_EQ(line_of(r, "14").kind, report_kind::refund_failed);
  EXPECT_EQ(line_of(r, "14").why, "the refund failed: the customer is still owed (transaction 1)");
  EXPECT_EQ(line_of(r, "15").kind, report_kind::refund_not_recorded);
  EXPECT_EQ(r.mismatches, 3u);  // needs attention, failed, not recorded
  // Refunded: every refund that did not fail (100 + 200 + 300 + 500).
  EXPECT_EQ(r.totals.at(0).refunded_amount, 1100);
  EXPECT_EQ(r.totals.at(0).refund_count, 4);
}

TEST(DayReport, store_refunds_missing_unfinished_or_not_sent) {
  cli::report_inputs in{.day = day};
  auto refused = keyed_refund("r3", 300, std::nullopt, refund_outcome::refused);
  refused.reason = "would exceed the transaction's amount";
  in.refunds = {keyed_refund("r1", 100, 99, refund_outcome::refunded),
                keyed_refund("r2", 200, std::nullopt, std::nullopt), refused};
  auto r = cli::build_day_report(in);
  ASSERT_EQ(r.lines.size(), 3u);
  EXPECT_EQ(line_of(r, "99").kind, report_kind::refund_missing);
  EXPECT_EQ(line_of(r, "99").why,
            "Paystack lists no refund of the day with this id (transaction pos_a)");
  EXPECT_EQ(r.lines[1].kind, report_kind::refund_unfinished);
  EXPECT_EQ(r.lines[1].why, "no outcome: paystack-terminal refunds resume r2");
  EXPECT_EQ(r.lines[2].kind, report_kind::refund_not_sent);
  EXPECT_EQ(r.lines[2].why, "would exceed the transaction's amount");
  EXPECT_EQ(r.mismatches, 2u);
}

TEST(DayReport, settlements_are_listed_and_a_failed_one_is_a_mismatch) {
  cli::report_inputs in{.day = day};
  paystack::settlement ok;
  ok.id = 1;
  ok.status = "pending";
  ok.currency = "NGN";
  ok.total_amount = 4925;
  ok.total_processed = 5000;
  ok.total_fees = 75;
  auto failed = ok;
  failed.id = 2;
  failed.status = "failed";
  in.settlements = {ok, failed};
  auto r = cli::build_day_report(in);
  EXPECT_EQ(line_of(r, "1").kind, report_kind::settlement);
  EXPECT_EQ(line_of(r, "1").why, "processed 5000, fees 75, deductions -");
  EXPECT_EQ(line_of(r, "2").kind, report_kind::settlement_failed);
  EXPECT_EQ(r.mismatches, 1u);
}

TEST(DayReport, totals_are_per_terminal_and_currency) {
  cli::report_inputs in{.day = day};
  auto ghs = txn(2, "pos_b", 900, std::nullopt);
  ghs.currency = "GHS";
  auto t2 = txn(3, "pos_c", 400, std::nullopt);
  t2.terminal_id = "T2";
  in.transactions = {txn(1, "pos_a", 100, std::nullopt), ghs, t2};
  auto r = cli::build_day_report(in);
  ASSERT_EQ(r.totals.size(), 3u);
  EXPECT_EQ(r.totals[0].terminal, "T1");
  EXPECT_EQ(r.totals[0].currency, "GHS");
  EXPECT_EQ(r.totals[1].currency, "NGN");
  EXPECT_EQ(r.totals[2].terminal, "T2");
  EXPECT_EQ(r.totals[2].paid_amount, 400);
}

TEST(DayReport, lines_are_ordered_by_kind) {
  cli::report_inputs in{.day = day};
  in.charges = {charge("k1", 5000, charge_outcome::paid, "PRQ_1")};
  in.transactions = {txn(2, "pos_b", 1, std::nullopt), txn(1, "pos_a", 5000, "PRQ_1")};
  auto r = cli::build_day_report(in);
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[0].kind, report_kind::matched);
  EXPECT_EQ(r.lines[1].kind, report_kind::unrecorded_payment);
}

TEST(DayReport, dates_are_checked_strictly) {
  auto d = cli::parse_report_date("2024-02-29");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->next_date, "2024-03-01");
  EXPECT_EQ(d->start_ms, 1'709'164'800'000);
  EXPECT_EQ(d->end_ms - d->start_ms, 86'400'000);
  EXPECT_EQ(cli::parse_report_date("2026-12-31")->next_date, "2027-01-01");
  EXPECT_EQ(cli::parse_report_date("1970-01-01")->start_ms, 0);
  for (const char* bad :
       {"", "2023-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-1-01", "2026/01/01",
        "2026-01-01T00:00", "1969-12-31", "+026-01-01", "2026-01-0a", "9999-12-31", "today"})
    EXPECT_FALSE(cli::parse_report_date(bad)) << bad;
}

TEST(DayReport, every_kind_has_a_name_and_a_mismatch_rule) {
  EXPECT_EQ(cli::to_string(report_kind::refund_needs_attention), "refund_needs_attention");
  EXPECT_FALSE(cli::is_mismatch(report_kind::refund_pending));
  EXPECT_TRUE(cli::is_mismatch(report_kind::recorded_not_paid));
  EXPECT_TRUE(cli::is_mismatch(report_kind::unfinished_charge));
}

}  // namespace
