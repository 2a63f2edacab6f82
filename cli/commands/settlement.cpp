// settlement list|transactions: the payouts of the day's sales and the transactions in each.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <limits>
#include <paystack/settlement_client.hpp>

#include "common.hpp"

namespace cli {
namespace {

using paystack::settlement;
using paystack::transaction;

std::string settlement_json_line(const settlement& s) {
  boost::json::object o;
  o["id"] = s.id;
  o["status"] = s.status;
  o["currency"] = s.currency;
  o["total_amount"] = s.total_amount;
  o["total_processed"] = json_or_null(s.total_processed);
  o["total_fees"] = json_or_null(s.total_fees);
  o["deductions"] = json_or_null(s.deductions);
  o["effective_amount"] = json_or_null(s.effective_amount);
  o["settlement_date"] = json_or_null(s.settlement_date);
  return boost::json::serialize(o);
}

std::string amount_or_dash(const std::optional<std::int64_t>& v, const std::string& currency) {
  return v ? format_amount(*v, currency) : "-";
}

const listing<settlement> settlements{
    {"ID", "STATUS", "DATE", "PROCESSED", "FEES", "DEDUCTIONS", "SETTLED"},
    [](const settlement& s) -> std::vector<std::string> {
      return {std::to_string(s.id),
              s.status,
              or_dash(s.settlement_date),
              amount_or_dash(s.total_processed, s.currency),
              amount_or_dash(s.total_fees, s.currency),
              amount_or_dash(s.deductions, s.currency),
              format_amount(s.total_amount, s.currency)};
    },
    settlement_json_line,
    "settlement",
    "settlements"};

std::string transaction_json_line(const transaction& t) {
  boost::json::object o;
  o["id"] = t.id;
  o["reference"] = t.reference;
  o["status"] = t.status;
  o["amount"] = t.amount;
  o["currency"] = t.currency;
  o["channel"] = json_or_null(t.channel);
  o["terminal_id"] = json_or_null(t.terminal_id);
  o["paid_at"] = json_or_null(t.paid_at);
  return boost::json::serialize(o);
}

const listing<transaction> transactions{
    {"ID", "REFERENCE", "STATUS", "AMOUNT", "CHANNEL", "TERMINAL", "PAID AT"},
    [](const transaction& t) -> std::vector<std::string> {
      return {std::to_string(t.id),
              t.reference,
              t.status,
              format_amount(t.amount, t.currency),
              or_dash(t.channel),
              or_dash(t.terminal_id),
              or_dash(t.paid_at)};
    },
    transaction_json_line,
    "transaction",
    "transactions"};

/// --per-page, --page, --all, --limit: the paging options both lists share.
struct paging {
  std::optional<std::int64_t> per_page, page;
  bool all = false;
  std::optional<std::size_t> limit;

  void add_to(CLI::App& sub, std::string_view many) {
    sub.add_option("--per-page", per_page, std::string(many) + " per page (Paystack's default: 50)")
        ->check(integer_in(1, 1000));
    auto* pg = sub.add_option("--page", page, "page number, from 1")->check(positive_integer());
    auto* a =
        sub.add_flag("--all", all, "walk every page; with --json, one item per line (JSON Lines)");
    a->excludes(pg);
    sub.add_option("--limit", limit, "with --all: stop after N")
        ->needs(a)
        ->check(positive_integer());
  }
  std::size_t walk_limit() const { return limit.value_or(std::numeric_limits<std::size_t>::max()); }
};

void add_list(CLI::App& parent, context& ctx) {
  auto* sub = parent.add_subcommand("list", "List settlements, newest first (List Settlements)");
  struct args {
    paystack::list_settlements_params p;
    paging paged;
  };
  auto a = std::make_shared<args>();
  sub->add_option("--from", a->p.from, "settled on or after, ISO 8601 (e.g. 2024-06-01)");
  sub->add_option("--to", a->p.to, "settled on or before, ISO 8601");
  sub->add_option("--status", a->p.status, "success, processing, pending or failed");
  a->paged.add_to(*sub, "settlements");
  sub->footer(
      "Examples:\n"
      "  paystack-terminal settlement list --from 2024-06-01 --to 2024-06-30\n"
      "  paystack-terminal --json settlement list --all > settlements.jsonl");
  sub->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      auto params = a->p;
      params.per_page = a->paged.per_page;
      params.page = a->paged.page;
      if (!a->paged.all) {
        return run_operation<std::vector<settlement>>(
            ctx.opts,
            [&](paystack::terminal_client& c, auto handler) {
              paystack::settlement_client(c).async_list_settlements(params, std::move(handler));
            },
            [](const paystack::response<std::vector<settlement>>& r) {
              print_page(settlements, *r.data);
              print_paging(r.meta, settlements.one, settlements.many);
            });
      }
      return run_walk(ctx.opts, settlements,
                      [&](paystack::terminal_client& c, auto visit, auto handler) {
                        paystack::settlement_client(c).async_for_each_settlement(
                            params, a->paged.walk_limit(), std::move(visit), std::move(handler));
                      });
    };
  });
}

void add_transactions(CLI::App& parent, context& ctx) {
  auto* sub = parent.add_subcommand(
      "transactions", "The transactions a settlement paid out (Fetch Settlement Transactions)");
  struct args {
    paystack::settlement_transactions_params p;
    paging paged;
  };
  auto a = std::make_shared<args>();
  sub->add_option("ID", a->p.settlement_id, "the settlement id, e.g. 3090024")
      ->required()
      ->check(positive_integer());
  sub->add_option("--from", a->p.from, "paid on or after, ISO 8601");
  sub->add_option("--to", a->p.to, "paid on or before, ISO 8601");
  a->paged.add_to(*sub, "transactions");
  sub->footer("Example:\n  paystack-terminal settlement transactions 3090024 --all");
  sub->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      auto params = a->p;
      params.per_page = a->paged.per_page;
      params.page = a->paged.page;
      if (!a->paged.all) {
        return run_operation<std::vector<transaction>>(
            ctx.opts,
            [&](paystack::terminal_client& c, auto handler) {
              paystack::settlement_client(c).async_list_settlement_transactions(params,
                                                                                std::move(handler));
            },
            [](const paystack::response<std::vector<transaction>>& r) {
              print_page(transactions, *r.data);
              print_paging(r.meta, transactions.one, transactions.many);
            });
      }
      return run_walk(ctx.opts, transactions,
                      [&](paystack::terminal_client& c, auto visit, auto handler) {
                        paystack::settlement_client(c).async_for_each_settlement_transaction(
                            params, a->paged.walk_limit(), std::move(visit), std::move(handler));
                      });
    };
  });
}

}  // namespace

void add_settlement_command(CLI::App& app, context& ctx) {
  auto* sub = app.add_subcommand("settlement", "Settlements: list, transactions");
  sub->alias("settlements");
  sub->group("Transactions");
  sub->require_subcommand(1);
  sub->footer(
      "Examples:\n"
      "  paystack-terminal settlement list\n"
      "  paystack-terminal settlement transactions 3090024");
  add_list(*sub, ctx);
  add_transactions(*sub, ctx);
}

}  // namespace cli
