// paystack-terminal report: the matching of a store's day with Paystack's (pure, see
// day_report.hpp).
#include "day_report.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace cli {
namespace {

using paystack::charge_outcome;
using paystack::charge_record;
using paystack::refund_outcome;
using paystack::refund_record;
using paystack::refund_status;
using paystack::transaction;

constexpr std::int64_t day_ms = 86'400'000;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

std::string two(unsigned v) {
  return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10);
}

/// The date after y-m-d, as "YYYY-MM-DD".
std::string next_date(int y, unsigned m, unsigned d) {
  static constexpr unsigned lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const unsigned length = m == 2 && leap(y) ? 29 : lengths[m - 1];
  if (++d > length) {
    d = 1;
    if (++m > 12) {
      m = 1;
      ++y;
    }
  }
  return std::to_string(y) + '-' + two(m) + '-' + two(d);
}

/// Whether the ISO 8601 time `iso` falls on `date` (its first ten characters).
bool on_day(const std::optional<std::string>& iso, const std::string& date) {
  return iso && iso->compare(0, date.size(), date) == 0;
}

bool is_paid(const transaction& t) {
  return t.status == "success" || t.status == "reversed";
}

std::string store_says(const charge_record& c) {
  if (c.outcome) return std::string(paystack::to_string(*c.outcome));
  return "stage " + std::string(paystack::to_string(c.stage));
}

/// The store's charges by each of their links to a transaction.
struct charge_index {
  std::unordered_map<std::string, const charge_record*> by_reference, by_request, by_offline;

  explicit charge_index(const std::vector<charge_record>& charges) {
    for (const auto& c : charges) {
      if (c.transaction_reference) by_reference.emplace(*c.transaction_reference, &c);
      if (c.request_code) by_request.emplace(*c.request_code, &c);
      if (c.offline_reference) by_offline.emplace(*c.offline_reference, &c);
    }
  }
  const charge_record* find(const transaction& t) const {
    auto look = [](const auto& map, const std::optional<std::string>& k) -> const charge_record* {
      if (!k) return nullptr;
      auto it = map.find(*k);
      return it == map.end() ? nullptr : it->second;
    };
    if (auto* c = look(by_reference, std::optional<std::string>(t.reference))) return c;
    if (auto* c = look(by_request, t.request_code)) return c;
    return look(by_offline, t.offline_reference);
  }
};

/// Builds the lines; keeps the totals' terminal of each transaction id for the refunds.
class builder {
 public:
  explicit builder(const report_inputs& in) : in_(in), index_(in.charges) {}

  day_report run() {
    for (const auto& t : in_.transactions)
      if (on_day(t.paid_at ? t.paid_at : t.created_at, in_.day.date)) transaction_line(t);
    for (const auto& c : in_.charges)
      if (of_day(c.created_at_ms) && !used_charges_.contains(c.key)) charge_line(c);
    refund_lines();
    settlement_lines();
    return finish();
  }

 private:
  bool of_day(std::int64_t ms) const { return ms >= in_.day.start_ms && ms < in_.day.end_ms; }

  report_line line_of(report_kind k, const transaction& t) const {
    return {.kind = k,
            .terminal = t.terminal_id.value_or(""),
            .currency = t.currency,
            .amount = t.amount,
            .reference = t.reference,
            .paystack = t.status};
  }

  void transaction_line(const transaction& t) {
    terminal_of_[t.id] = t.terminal_id.value_or("");
    const charge_record* c = index_.find(t);
    if (is_paid(t)) {
      auto& total = total_of(t.terminal_id.value_or(""), t.currency);
      ++total.paid_count;
      total.paid_amount += t.amount;
    }
    if (!c || (!is_paid(t) && !of_day(c->created_at_ms))) {
      if (is_paid(t)) add(line_of(report_kind::unrecorded_payment, t), no_record_why(t));
      return;
    }
    used_charges_.insert(c->key);
    auto line = line_of(report_kind::matched, t);
    line.key = c->key;
    line.store = store_says(*c);
    if (c->outcome == charge_outcome::paid) {
      if (of_day(c->created_at_ms)) record_paid(*c, t.currency);
      if (!is_paid(t)) line.kind = report_kind::recorded_not_paid;
      add(std::move(line), is_paid(t) ? "" : "the transaction is " + t.status);
    } else if (is_paid(t)) {
      line.kind = report_kind::unrecorded_payment;
      add(std::move(line), paid_anyway_why(*c));
    } else {
      line.kind = c->outcome ? report_kind::unpaid : report_kind::unfinished_charge;
      add(std::move(line), c->outcome ? c->reason : resume_why(*c));
    }
  }

  static std::string no_record_why(const transaction& t) {
    std::string why = "no store record with reference " + t.reference;
    if (t.request_code) why += " or payment request " + *t.request_code;
    if (t.offline_reference) why += " or offline reference " + *t.offline_reference;
    return why;
  }

  std::string paid_anyway_why(const charge_record& c) const {
    if (!c.outcome) return "the store's charge " + c.key + " is unfinished: " + resume_why(c);
    std::string why = "paid after the store recorded " + store_says(c);
    if (!of_day(c.created_at_ms)) why += " (a charge of another day)";
    if (!c.reason.empty()) why += ": " + c.reason;
    return why;
  }

  static std::string resume_why(const charge_record& c) {
    return "stage " + std::string(paystack::to_string(c.stage)) +
           ", no outcome: paystack-terminal charges resume " + c.key;
  }

  void charge_line(const charge_record& c) {
    report_line line{.kind = report_kind::unpaid,
                     .terminal = c.terminal_id,
                     .currency = c.currency.empty() ? "NGN" : c.currency,
                     .amount = c.amount,
                     .key = c.key,
                     .reference = c.transaction_reference.value_or(c.request_code.value_or("")),
                     .store = store_says(c),
                     .paystack = "-"};
    if (!c.outcome) {
      line.kind = report_kind::unfinished_charge;
      add(std::move(line), resume_why(c));
    } else if (*c.outcome == charge_outcome::paid) {
      record_paid(c, line.currency);
      line.kind = report_kind::recorded_not_paid;
      add(std::move(line), "Paystack lists no transaction of the day for it");
    } else {
      add(std::move(line), c.reason);
    }
  }

  void record_paid(const charge_record& c, const std::string& currency) {
    auto& total = total_of(c.terminal_id, currency.empty() ? "NGN" : currency);
    ++total.recorded_count;
    total.recorded_amount += c.amount;
  }

  void refund_lines();
  void refund_line(const paystack::refund& f, const refund_record* r);
  void store_refund_line(const refund_record& r);
  void settlement_lines();

  report_total& total_of(const std::string& terminal, const std::string& currency) {
    auto& t = totals_[{terminal, currency}];
    t.terminal = terminal;
    t.currency = currency;
    return t;
  }

  void add(report_line line, std::string why) {
    line.why = std::move(why);
    if (line.store.empty()) line.store = "-";
    if (line.paystack.empty()) line.paystack = "-";
    lines_.push_back(std::move(line));
  }

  day_report finish() {
    day_report out;
    out.lines = std::move(lines_);
    std::stable_sort(out.lines.begin(), out.lines.end(), [](const auto& a, const auto& b) {
      return std::tie(a.kind, a.terminal, a.reference, a.key) <
             std::tie(b.kind, b.terminal, b.reference, b.key);
    });
    for (const auto& l : out.lines) out.mismatches += is_mismatch(l.kind) ? 1 : 0;
    for (auto& [k, t] : totals_) out.totals.push_back(std::move(t));
    return out;
  }

  const report_inputs& in_;
  charge_index index_;
  std::unordered_set<std::string> used_charges_, used_refunds_;
  std::map<std::int64_t, std::string> terminal_of_;
  std::vector<report_line> lines_;
  std::map<std::pair<std::string, std::string>, report_total> totals_;
};

void builder::refund_lines() {
  std::unordered_map<std::int64_t, const refund_record*> by_id;
  for (const auto& r : in_.refunds)
    if (r.refund_id) by_id.emplace(*r.refund_id, &r);
  for (const auto& f : in_.paystack_refunds) {
    if (!on_day(f.created_at ? f.created_at : f.refunded_at, in_.day.date)) continue;
    auto it = by_id.find(f.id);
    const refund_record* r = it == by_id.end() ? nullptr : it->second;
    if (r) used_refunds_.insert(r->key);
    refund_line(f, r);
  }
  for (const auto& r : in_.refunds)
    if (of_day(r.created_at_ms) && !used_refunds_.contains(r.key)) store_refund_line(r);
}

void builder::refund_line(const paystack::refund& f, const refund_record* r) {
  const auto terminal = f.transaction_id && terminal_of_.contains(*f.transaction_id)
                            ? terminal_of_.at(*f.transaction_id)
                            : std::string();
  if (f.status != refund_status::failed) {
    auto& total = total_of(terminal, f.currency);
    ++total.refund_count;
    total.refunded_amount += f.amount;
  }
  report_line line{.terminal = terminal,
                   .currency = f.currency,
                   .amount = f.amount,
                   .key = r ? r->key : "",
                   .reference = std::to_string(f.id),
                   .store = r && r->outcome ? std::string(paystack::to_string(*r->outcome)) : "-",
                   .paystack = f.status_text};
  const std::string of =
      " (transaction " +
      f.transaction_reference.value_or(f.transaction_id ? std::to_string(*f.transaction_id)
                                                        : std::string("?")) +
      ")";
  if (!r) {
    line.kind = report_kind::refund_not_recorded;
    return add(std::move(line),
               "no keyed refund of the store has this refund id" + of +
                   ": made elsewhere (the dashboard, refund create without --key)");
  }
  switch (f.status) {
    case refund_status::processed:
      line.kind = report_kind::refund_processed;
      return add(std::move(line), "");
    case refund_status::needs_attention: {
      line.kind = report_kind::refund_needs_attention;
      // Built before `line` is moved: argument order is unspecified.
      std::string hint = "Paystack needs the customer's account: paystack-terminal refund retry " +
                         line.reference + " --account-number N --bank-id B --currency " +
                         (f.currency.empty() ? "C" : f.currency);
      return add(std::move(line), std::move(hint));
    }
    case refund_status::failed:
      line.kind = report_kind::refund_failed;
      return add(std::move(line), "the refund failed: the customer is still owed" + of);
    default:
      line.kind = report_kind::refund_pending;
      return add(std::move(line), "not processed yet" + of);
  }
}

void builder::store_refund_line(const refund_record& r) {
  report_line line{.currency = r.currency,
                   .amount = r.amount,
                   .key = r.key,
                   .reference = r.refund_id ? std::to_string(*r.refund_id) : r.transaction,
                   .store = r.outcome ? std::string(paystack::to_string(*r.outcome))
                                      : "stage " + std::string(paystack::to_string(r.stage)),
                   .paystack = "-"};
  if (r.outcome == refund_outcome::refunded) {
    line.kind = report_kind::refund_missing;
    return add(std::move(line), "Paystack lists no refund of the day with this id (transaction " +
                                    r.transaction + ")");
  }
  if (r.outcome == refund_outcome::refused || r.outcome == refund_outcome::busy) {
    line.kind = report_kind::refund_not_sent;
    return add(std::move(line), r.reason);
  }
  line.kind = report_kind::refund_unfinished;
  add(std::move(line), "no outcome: paystack-terminal refunds resume " + r.key);
}

void builder::settlement_lines() {
  for (const auto& s : in_.settlements) {
    const auto n = [](const std::optional<std::int64_t>& v) {
      return v ? std::to_string(*v) : std::string("-");
    };
    report_line line{
        .kind = s.status == "failed" ? report_kind::settlement_failed : report_kind::settlement,
        .currency = s.currency,
        .amount = s.total_amount,
        .reference = std::to_string(s.id),
        .paystack = s.status};
    add(std::move(line), "processed " + n(s.total_processed) + ", fees " + n(s.total_fees) +
                             ", deductions " + n(s.deductions));
  }
}

}  // namespace

std::optional<report_day> parse_report_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  auto num = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  const int y = num(0, 4);
  const auto m = static_cast<unsigned>(num(5, 2));
  const auto d = static_cast<unsigned>(num(8, 2));
  static constexpr unsigned lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || m < 1 || m > 12 || d < 1) return std::nullopt;
  if (d > (m == 2 && leap(y) ? 29u : lengths[m - 1])) return std::nullopt;
  if (y == 9999 && m == 12 && d == 31) return std::nullopt;
  report_day day;
  day.date = std::string(text);
  day.next_date = next_date(y, m, d);
  day.start_ms = days_from_civil(y, m, d) * day_ms;
  day.end_ms = day.start_ms + day_ms;
  return day;
}

std::string_view to_string(report_kind k) noexcept {
  switch (k) {
    case report_kind::matched:
      return "matched";
    case report_kind::unrecorded_payment:
      return "unrecorded_payment";
    case report_kind::recorded_not_paid:
      return "recorded_not_paid";
    case report_kind::unfinished_charge:
      return "unfinished_charge";
    case report_kind::unpaid:
      return "unpaid";
    case report_kind::refund_processed:
      return "refund_processed";
    case report_kind::refund_pending:
      return "refund_pending";
    case report_kind::refund_needs_attention:
      return "refund_needs_attention";
    case report_kind::refund_failed:
      return "refund_failed";
    case report_kind::refund_not_recorded:
      return "refund_not_recorded";
    case report_kind::refund_missing:
      return "refund_missing";
    case report_kind::refund_unfinished:
      return "refund_unfinished";
    case report_kind::refund_not_sent:
      return "refund_not_sent";
    case report_kind::settlement:
      return "settlement";
    case report_kind::settlement_failed:
      return "settlement_failed";
  }
  return "?";
}

bool is_mismatch(report_kind k) noexcept {
  switch (k) {
    case report_kind::matched:
    case report_kind::unpaid:
    case report_kind::refund_processed:
    case report_kind::refund_pending:
    case report_kind::refund_not_sent:
    case report_kind::settlement:
      return false;
    default:
      return true;
  }
}

day_report build_day_report(const report_inputs& in) {
  return builder(in).run();
}

}  // namespace cli
