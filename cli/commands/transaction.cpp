// transaction list|fetch|verify|totals (export|timeline: transaction_export.cpp): the Transactions
// a point of sale reconciles with.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

#include "common.hpp"

namespace cli {
namespace {

using paystack::transaction;

/// One transaction as a JSON object (the model's fields, fixed order; null when absent).
std::string json_line(const transaction& t) {
  boost::json::object o;
  o["id"] = t.id;
  o["reference"] = t.reference;
  o["status"] = t.status;
  o["amount"] = t.amount;
  o["currency"] = t.currency;
  o["channel"] = json_or_null(t.channel);
  o["paid_at"] = json_or_null(t.paid_at);
  o["created_at"] = json_or_null(t.created_at);
  o["customer_code"] = json_or_null(t.customer_code);
  o["terminal_id"] = json_or_null(t.terminal_id);
  o["request_code"] = json_or_null(t.request_code);
  o["offline_reference"] = json_or_null(t.offline_reference);
  return boost::json::serialize(o);
}

const listing<transaction> transactions{
    {"ID", "REFERENCE", "STATUS", "AMOUNT", "CHANNEL", "TERMINAL", "PAID AT", "PAYMENT REQUEST"},
    [](const transaction& t) -> std::vector<std::string> {
      return {std::to_string(t.id),
              t.reference,
              t.status,
              format_amount(t.amount, t.currency),
              or_dash(t.channel),
              or_dash(t.terminal_id),
              or_dash(t.paid_at),
              or_dash(t.request_code)};
    },
    json_line,
    "transaction",
    "transactions"};

void print_one(const paystack::response<transaction>& r) {
  const auto& t = *r.data;
  print_fields(std::cout, {{"id", std::to_string(t.id)},
                           {"reference", t.reference},
                           {"status", t.status},
                           {"amount", format_amount(t.amount, t.currency)},
                           {"channel", or_dash(t.channel)},
                           {"terminal", or_dash(t.terminal_id)},
                           {"paid at", or_dash(t.paid_at)},
                           {"created at", or_dash(t.created_at)},
                           {"gateway response", or_dash(t.gateway_response)},
                           {"customer", or_dash(t.customer_code)},
                           {"customer email", or_dash(t.customer_email)},
                           {"payment request", or_dash(t.request_code)},
                           {"offline reference", or_dash(t.offline_reference)}});
}

void add_list(CLI::App& parent, context& ctx) {
  auto* sub = parent.add_subcommand("list", "List transactions, filtered (List Transactions)");
  struct args {
    paystack::list_transactions_params p;
    bool cursor = false;
    bool all = false;
    std::optional<std::size_t> limit;
  };
  auto a = std::make_shared<args>();
  sub->add_option("--terminal", a->p.terminal_id, "only this terminal's payments, e.g. 2232WE17");
  sub->add_option("--channel", a->p.channel, "only this channel, e.g. pos");
  sub->add_option("--status", a->p.status, "success, failed, abandoned or reversed");
  sub->add_option("--customer", a->p.customer, "only this customer (a customer code)");
  sub->add_option("--from", a->p.from, "start date, ISO 8601 (e.g. 2024-06-01)");
  sub->add_option("--to", a->p.to, "end date, ISO 8601 (a bare date includes that day)");
  sub->add_option("--per-page", a->p.per_page, "transactions per page (Paystack's default: 50)")
      ->check(integer_in(1, 1000));
  auto* page =
      sub->add_option("--page", a->p.page, "page number, from 1")->check(positive_integer());
  auto* cursor = sub->add_flag("--cursor", a->cursor, "page with cursors (use_cursor)");
  auto* next =
      sub->add_option("--next", a->p.next, "with --cursor: the next page's cursor")->needs(cursor);
  auto* previous =
      sub->add_option("--previous", a->p.previous, "with --cursor: the previous page's cursor")
          ->needs(cursor);
  cursor->excludes(page);
  next->excludes(previous);
  auto* all = sub->add_flag("--all", a->all,
                            "walk every page; with --json, one transaction per line (JSON Lines)");
  all->excludes(previous);
  sub->add_option("--limit", a->limit, "with --all: stop after N transactions")
      ->needs(all)
      ->check(positive_integer());
  sub->footer(
      "Examples:\n"
      "  paystack-terminal transaction list --terminal 2232WE17 --from 2024-06-01 --to 2024-06-30\n"
      "  paystack-terminal transaction list --channel pos --cursor --per-page 20\n"
      "  paystack-terminal --json transaction list --terminal 2232WE17 --all > payments.jsonl");
  sub->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      auto params = a->p;
      if (a->cursor) params.use_cursor = true;
      if (!a->all) {
        return run_operation<std::vector<transaction>>(
            ctx.opts,
            [&](paystack::terminal_client& c, auto handler) {
              paystack::transaction_client(c).async_list_transactions(params, std::move(handler));
            },
            [](const paystack::response<std::vector<transaction>>& r) {
              print_page(transactions, *r.data);
              print_paging(r.meta, transactions.one, transactions.many);
            });
      }
      const std::size_t limit = a->limit.value_or(std::numeric_limits<std::size_t>::max());
      return run_walk(ctx.opts, transactions,
                      [&](paystack::terminal_client& c, auto visit, auto handler) {
                        paystack::transaction_client(c).async_for_each_transaction(
                            params, limit, std::move(visit), std::move(handler));
                      });
    };
  });
}

void add_fetch_and_verify(CLI::App& parent, context& ctx) {
  auto* fetch = parent.add_subcommand("fetch", "Show one transaction by id (Fetch Transaction)");
  auto id = std::make_shared<std::int64_t>(0);
  fetch->add_option("ID", *id, "the transaction id, e.g. 1259864309")
      ->required()
      ->check(positive_integer());
  fetch->footer("Example:\n  paystack-terminal transaction fetch 1259864309");
  fetch->callback([&ctx, id] {
    ctx.action = [&ctx, id] {
      return run_operation<transaction>(
          ctx.opts,
          [&](paystack::terminal_client& c, auto handler) {
            paystack::transaction_client(c).async_fetch_transaction(*id, std::move(handler));
          },
          print_one);
    };
  });

  auto* verify = parent.add_subcommand(
      "verify", "Show one transaction by reference, e.g. a charge.success's (Verify Transaction)");
  auto reference = std::make_shared<std::string>();
  verify->add_option("REFERENCE", *reference, "the transaction reference, e.g. pos_wtwyrj7n6x")
      ->required();
  verify->footer("Example:\n  paystack-terminal transaction verify pos_wtwyrj7n6x");
  verify->callback([&ctx, reference] {
    ctx.action = [&ctx, reference] {
      return run_operation<transaction>(
          ctx.opts,
          [&](paystack::terminal_client& c, auto handler) {
            paystack::transaction_client(c).async_verify_transaction(*reference,
                                                                     std::move(handler));
          },
          print_one);
    };
  });
}

void add_totals(CLI::App& parent, context& ctx) {
  auto* sub = parent.add_subcommand("totals", "Totals over a period (Transaction Totals)");
  auto p = std::make_shared<paystack::transaction_totals_params>();
  sub->add_option("--from", p->from, "start date, ISO 8601");
  sub->add_option("--to", p->to, "end date, ISO 8601");
  sub->footer("Example:\n  paystack-terminal transaction totals --from 2024-06-01 --to 2024-06-30");
  sub->callback([&ctx, p] {
    ctx.action = [&ctx, p] {
      return run_operation<paystack::transaction_totals>(
          ctx.opts,
          [&](paystack::terminal_client& c, auto handler) {
            paystack::transaction_client(c).async_transaction_totals(*p, std::move(handler));
          },
          [](const paystack::response<paystack::transaction_totals>& r) {
            const auto& t = *r.data;
            std::vector<std::pair<std::string, std::string>> f{
                {"transactions", std::to_string(t.total_transactions)}};
            for (const auto& v : t.total_volume_by_currency)
              f.emplace_back("volume", format_amount(v.amount, v.currency));
            for (const auto& v : t.pending_transfers_by_currency)
              f.emplace_back("pending transfers", format_amount(v.amount, v.currency));
            print_fields(std::cout, f);
          });
    };
  });
}

}  // namespace

void add_transaction_command(CLI::App& app, context& ctx) {
  auto* sub = app.add_subcommand("transaction",
                                 "Transactions: list, fetch, verify, totals, export, timeline");
  sub->alias("transactions");
  sub->group("Transactions");
  sub->require_subcommand(1);
  sub->footer(
      "Examples:\n"
      "  paystack-terminal transaction list --terminal 2232WE17\n"
      "  paystack-terminal transaction verify pos_wtwyrj7n6x");
  add_list(*sub, ctx);
  add_fetch_and_verify(*sub, ctx);
  add_totals(*sub, ctx);
  add_transaction_after_sale_commands(*sub, ctx);
}

}  // namespace cli
