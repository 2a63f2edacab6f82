// report --date YYYY-MM-DD --store PATH [--csv | --json]: the end-of-day report. Reads the
// store's charges and keyed refunds and Paystack's transactions, refunds and settlements of the
// day (bounded paged walks), matches them (day_report.hpp) and prints a table, CSV or JSON.
// Exit 0 only when everything matches (doc/cli.md "report").
#include <boost/json.hpp>
#include <limits>
#include <paystack/refund_client.hpp>
#include <paystack/settlement_client.hpp>
#include <paystack/transaction_client.hpp>

#include "common.hpp"
#include "day_report.hpp"

namespace cli {
namespace {

/// The most of each list a report reads: a day beyond it is refused as incomplete (exit 1). The
/// walks read one more (walk_limit) to tell a list of exactly max_items from a longer one.
constexpr std::size_t max_items = 10000;
constexpr std::size_t walk_limit = max_items + 1;
/// The most store records (charges, refunds) read, each.
constexpr std::size_t max_records = 100000;
/// The store's page.
constexpr std::size_t store_page = 10000;

struct args {
  std::string date;
  std::string store;
  bool csv = false;
};

/// Runs one of the client's paged walks into `out`; an exit code when it failed or was cut.
template <class Item, class Start>
std::optional<int> walk(boost::asio::io_context& ioc, const global_options& g, const char* what,
                        std::vector<Item>& out, Start start) {
  std::function<bool(const Item&)> visit = [&out](const Item& item) {
    out.push_back(item);
    return true;
  };
  bool interrupted = false;
  if (ioc.stopped()) ioc.restart();  // the previous walk's poll ran out of work
  auto [ec, r] = run_cancellable<paystack::response<paystack::walk_summary>>(
      ioc, [&](auto handler) { start(visit, std::move(handler)); }, interrupted);
  if (ec || !r.ok())
    return report_failure(g, ec, r.status_code, r.message, r.code, r.type, r.next_step,
                          r.error_detail, r.raw_body, interrupted);
  if (out.size() > max_items) {
    std::cerr << "paystack-terminal: more than " << max_items << ' ' << what
              << " on that day: the report would be incomplete\n";
    return exit_api;
  }
  return std::nullopt;
}

/// Every record of the store (pages of 10,000 by key, the last one record more, to tell exactly
/// max_records from more); an exit code when it failed or was cut.
template <class Record, class List>
std::optional<int> read_all(boost::asio::io_context& ioc, std::vector<Record>& out, List list) {
  std::string after;
  for (;;) {
    const auto want = std::min(store_page, max_records + 1 - out.size());
    auto [ec, page] =
        run_store<std::vector<Record>>(ioc, [&](auto h) { list(after, want, std::move(h)); });
    if (ec) return store_failed(ec);
    const bool last = page.size() < want;
    if (!page.empty()) after = page.back().key;
    out.insert(out.end(), std::make_move_iterator(page.begin()),
               std::make_move_iterator(page.end()));
    if (out.size() > max_records) {
      std::cerr << "paystack-terminal: the store holds more than " << max_records
                << " records: the report would be incomplete\n";
      return exit_api;
    }
    if (last) return std::nullopt;
  }
}

std::optional<int> read_store(boost::asio::io_context& ioc, paystack::charge_store& store,
                              report_inputs& in) {
  if (auto code = read_all<paystack::charge_record>(
          ioc, in.charges, [&](const std::string& after, std::size_t n, auto h) {
            store.async_list({.limit = n, .after = after}, std::move(h));
          }))
    return code;
  return read_all<paystack::refund_record>(
      ioc, in.refunds, [&](const std::string& after, std::size_t n, auto h) {
        store.async_list_refunds({.limit = n, .after = after}, std::move(h));
      });
}

/// Paystack's transactions, refunds and settlements of the day.
std::optional<int> read_paystack(boost::asio::io_context& ioc, const global_options& g,
                                 const paystack::terminal_client& client, report_inputs& in) {
  const auto& d = in.day;
  paystack::transaction_client transactions(client);
  if (auto code = walk(ioc, g, "transactions", in.transactions, [&](auto visit, auto h) {
        transactions.async_for_each_transaction(
            {.from = d.date, .to = d.next_date, .per_page = 100}, walk_limit, visit, std::move(h));
      }))
    return code;
  paystack::refund_client refunds(client);
  if (auto code = walk(ioc, g, "refunds", in.paystack_refunds, [&](auto visit, auto h) {
        refunds.async_for_each_refund({.from = d.date, .to = d.next_date, .per_page = 100},
                                      walk_limit, visit, std::move(h));
      }))
    return code;
  paystack::settlement_client settlements(client);
  return walk(ioc, g, "settlements", in.settlements, [&](auto visit, auto h) {
    settlements.async_for_each_settlement({.per_page = 100, .from = d.date, .to = d.date},
                                          walk_limit, visit, std::move(h));
  });
}

std::string csv_cell(std::string_view text) {
  auto s = server_text(text);
  if (s.find_first_of(",\"") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + '"';
}

void print_csv(const day_report& r) {
  std::cout << "kind,terminal,currency,amount,key,reference,store,paystack,why\n";
  for (const auto& l : r.lines) {
    std::cout << to_string(l.kind) << ',' << csv_cell(l.terminal) << ',' << csv_cell(l.currency)
              << ',' << l.amount << ',' << csv_cell(l.key) << ',' << csv_cell(l.reference) << ','
              << csv_cell(l.store) << ',' << csv_cell(l.paystack) << ',' << csv_cell(l.why) << '\n';
  }
  for (const auto& t : r.totals) {
    auto row = [&](const char* kind, std::int64_t n, std::int64_t amount) {
      std::cout << kind << ',' << csv_cell(t.terminal) << ',' << csv_cell(t.currency) << ','
                << amount << ",,,,," << n << '\n';
    };
    row("total_recorded", t.recorded_count, t.recorded_amount);
    row("total_paid", t.paid_count, t.paid_amount);
    row("total_refunded", t.refund_count, t.refunded_amount);
  }
}

void print_json(const day_report& r, const report_day& day) {
  namespace json = boost::json;
  json::array lines, totals;
  for (const auto& l : r.lines)
    lines.push_back(json::object{{"kind", to_string(l.kind)},
                                 {"terminal", l.terminal},
                                 {"currency", l.currency},
                                 {"amount", l.amount},
                                 {"key", l.key},
                                 {"reference", l.reference},
                                 {"store", l.store},
                                 {"paystack", l.paystack},
                                 {"why", server_text(l.why)}});
  for (const auto& t : r.totals)
    totals.push_back(json::object{{"terminal", t.terminal},
                                  {"currency", t.currency},
                                  {"recorded_count", t.recorded_count},
                                  {"recorded_amount", t.recorded_amount},
                                  {"paid_count", t.paid_count},
                                  {"paid_amount", t.paid_amount},
                                  {"refund_count", t.refund_count},
                                  {"refunded_amount", t.refunded_amount}});
  std::cout << json::serialize(json::object{{"date", day.date},
                                            {"ok", r.ok()},
                                            {"mismatches", r.mismatches},
                                            {"lines", std::move(lines)},
                                            {"totals", std::move(totals)}})
            << '\n';
}

std::string dash(const std::string& s) {
  return s.empty() ? "-" : s;
}

void print_human(const day_report& r, const report_day& day) {
  std::cout << "Report of " << day.date << " (UTC)\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : r.lines)
    rows.push_back({std::string(to_string(l.kind)), dash(l.terminal),
                    format_amount(l.amount, l.currency), dash(l.key), dash(l.reference), l.store,
                    l.paystack, dash(l.why)});
  if (rows.empty()) std::cout << "Nothing recorded or paid that day.\n";
  if (!rows.empty())
    print_table(std::cout,
                {"KIND", "TERMINAL", "AMOUNT", "KEY", "REFERENCE", "STORE", "PAYSTACK", "WHY"},
                rows);
  rows.clear();
  for (const auto& t : r.totals)
    rows.push_back(
        {dash(t.terminal), dash(t.currency),
         std::to_string(t.recorded_count) + " " + format_amount(t.recorded_amount, t.currency),
         std::to_string(t.paid_count) + " " + format_amount(t.paid_amount, t.currency),
         std::to_string(t.refund_count) + " " + format_amount(t.refunded_amount, t.currency)});
  if (!rows.empty()) {
    std::cout << '\n';
    print_table(std::cout,
                {"TERMINAL", "CURRENCY", "RECORDED PAID", "PAID AT PAYSTACK", "REFUNDED"}, rows);
  }
  std::cout << '\n'
            << (r.ok() ? "Everything matches."
                       : std::to_string(r.mismatches) + " line(s) to check.")
            << '\n';
}

int run_report(const context& ctx, const args& a) {
  if (a.csv && ctx.opts.json) {
    std::cerr << "paystack-terminal: report: give --csv or --json, not both\n";
    return exit_usage;
  }
  auto day = parse_report_date(a.date);  // checked by the option already
  if (!day) return exit_usage;
  auto options = make_client_options(ctx.opts);
  if (!options) return exit_usage;
  boost::asio::io_context ioc;
  int code = exit_ok;
  {
    auto store = open_store(ioc, a.store);
    if (!store) return exit_usage;
    paystack::terminal_client client(ioc.get_executor(), *options);
    if (!check_configuration(client)) return exit_usage;
    report_inputs in{.day = *day};
    auto failed = read_store(ioc, *store, in);
    if (!failed) failed = read_paystack(ioc, ctx.opts, client, in);
    if (failed) {
      code = *failed;
    } else {
      const auto report = build_day_report(in);
      if (a.csv)
        print_csv(report);
      else if (ctx.opts.json)
        print_json(report, *day);
      else
        print_human(report, *day);
      code = report.ok() ? exit_ok : exit_api;
    }
  }
  ioc.restart();
  ioc.poll();
  return code;
}

}  // namespace

void add_report_command(CLI::App& app, context& ctx) {
  auto* sub = app.add_subcommand(
      "report",
      "The end-of-day report: the store's charges and refunds of a day beside Paystack's "
      "transactions, refunds and settlements");
  sub->group("Transactions");
  auto a = std::make_shared<args>();
  sub->add_option("--date", a->date, "the UTC day, YYYY-MM-DD")
      ->required()
      ->check(CLI::Validator(
          [](std::string& s) {
            return parse_report_date(s) ? std::string() : "not a date YYYY-MM-DD: " + s;
          },
          "YYYY-MM-DD"));
  add_store_option(*sub, a->store)->required();
  sub->add_flag("--csv", a->csv, "print CSV (one line per report line, then the totals)");
  sub->footer(
      "Lines: matched, unrecorded_payment, recorded_not_paid, unfinished_charge, unpaid,\n"
      "refund_processed, refund_pending, refund_needs_attention, refund_failed,\n"
      "refund_not_recorded, refund_missing, refund_unfinished, refund_not_sent, settlement,\n"
      "settlement_failed (doc/cli.md). --json prints one JSON document.\n\n"
      "Exit codes: 0 everything matches, 1 a line to check (or the day is too large), 2 usage\n"
      "or the store cannot be used (nothing is created), 3 network.\n\n"
      "Example:\n  paystack-terminal report --date 2026-12-07 --store charges.db --csv");
  sub->callback([&ctx, a] { ctx.action = [&ctx, a] { return run_report(ctx, *a); }; });
}

}  // namespace cli
