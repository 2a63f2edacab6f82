// refund create|list|fetch|retry: Refunds (create and retry are never repeated once sent; create
// with --key --store is exactly once: commands/refunds.cpp).
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

#include "common.hpp"

namespace cli {
namespace {

using paystack::refund;

std::string transaction_of(const refund& f) {
  if (f.transaction_reference) return *f.transaction_reference;
  return f.transaction_id ? std::to_string(*f.transaction_id) : "-";
}

std::string json_line(const refund& f) {
  boost::json::object o;
  o["id"] = f.id;
  o["transaction_id"] = json_or_null(f.transaction_id);
  o["transaction_reference"] = json_or_null(f.transaction_reference);
  o["amount"] = f.amount;
  o["currency"] = f.currency;
  o["status"] = f.status_text;
  o["created_at"] = json_or_null(f.created_at);
  o["refunded_at"] = json_or_null(f.refunded_at);
  return boost::json::serialize(o);
}

const listing<refund> refunds{
    {"ID", "TRANSACTION", "AMOUNT", "STATUS", "CREATED AT", "REFUNDED AT"},
    [](const refund& f) -> std::vector<std::string> {
      return {std::to_string(f.id), transaction_of(f),     format_amount(f.amount, f.currency),
              f.status_text,        or_dash(f.created_at), or_dash(f.refunded_at)};
    },
    json_line,
    "refund",
    "refunds"};

void print_one(const paystack::response<refund>& r) {
  const auto& f = *r.data;
  print_fields(std::cout, {{"id", std::to_string(f.id)},
                           {"transaction", transaction_of(f)},
                           {"amount", format_amount(f.amount, f.currency)},
                           {"status", f.status_text},
                           {"customer note", or_dash(f.customer_note)},
                           {"merchant note", or_dash(f.merchant_note)},
                           {"created at", or_dash(f.created_at)},
                           {"refunded at", or_dash(f.refunded_at)}});
}

void add_create(CLI::App& parent, context& ctx) {
  auto* sub = parent.add_subcommand(
      "create", "Refund a transaction, fully or partly (Create Refund; never repeated)");
  auto p = std::make_shared<paystack::create_refund_params>();
  struct keyed {
    std::string key;
    std::string store;
  };
  auto k = std::make_shared<keyed>();
  sub->add_option("TRANSACTION", p->transaction, "the transaction's reference or id")->required();
  sub->add_option("--amount", p->amount, "subunits to refund (default: all not refunded yet)")
      ->check(positive_integer());
  sub->add_option("--currency", p->currency, "the transaction's currency, e.g. NGN");
  sub->add_option("--customer-note", p->customer_note, "the reason shown to the customer");
  sub->add_option("--merchant-note", p->merchant_note, "your own reason");
  auto* key = sub->add_option(
      "--key", k->key, "exactly once: the refund's idempotency key (needs --store, --amount)");
  add_store_option(*sub, k->store);
  (void)key;
  sub->footer(
      "Examples:\n"
      "  paystack-terminal refund create pos_wtwyrj7n6x\n"
      "  paystack-terminal refund create pos_wtwyrj7n6x --amount 2000 --customer-note 'damaged'\n"
      "  paystack-terminal refund create 4099260516 --amount 2000 --key return-81 --store shop.db\n"
      "Without --key the request is never repeated: if it fails without a reply, check with\n"
      "`refund list --transaction REFERENCE` before trying again. With --key and --store the\n"
      "refund is journalled and found by its key after a lost reply or a crash: run the same\n"
      "command again (or `refunds resume KEY`); see doc/refunds.md.");
  sub->callback([&ctx, p, k] {
    if (!k->key.empty()) {
      if (k->store.empty() || !p->amount)
        throw CLI::ValidationError("--key", "a keyed refund needs --store and --amount");
      ctx.action = [&ctx, p, k] {
        paystack::refund_params rp;
        rp.key = k->key;
        rp.transaction = p->transaction;
        rp.amount = *p->amount;
        rp.currency = p->currency;
        rp.customer_note = p->customer_note;
        rp.merchant_note = p->merchant_note;
        return create_keyed_refund(ctx, std::move(rp), k->store);
      };
      return;
    }
    ctx.action = [&ctx, p] {
      return run_operation<refund>(
          ctx.opts,
          [&](paystack::terminal_client& c, auto handler) {
            paystack::refund_client(c).async_create_refund(*p, std::move(handler));
          },
          print_one);
    };
  });
}

void add_list(CLI::App& parent, context& ctx) {
  auto* sub = parent.add_subcommand("list", "List refunds, filtered (List Refunds)");
  struct args {
    paystack::list_refunds_params p;
    bool all = false;
    std::optional<std::size_t> limit;
  };
  auto a = std::make_shared<args>();
  sub->add_option("--transaction", a->p.transaction, "only this transaction's (reference or id)");
  sub->add_option("--currency", a->p.currency, "only this currency, e.g. NGN");
  sub->add_option("--from", a->p.from, "start date, ISO 8601");
  sub->add_option("--to", a->p.to, "end date, ISO 8601");
  sub->add_option("--per-page", a->p.per_page, "refunds per page (Paystack's default: 50)")
      ->check(integer_in(1, 1000));
  sub->add_option("--page", a->p.page, "page number, from 1")->check(positive_integer());
  auto* all = sub->add_flag("--all", a->all,
                            "walk every page; with --json, one refund per line (JSON Lines)");
  sub->add_option("--limit", a->limit, "with --all: stop after N refunds")
      ->needs(all)
      ->check(positive_integer());
  sub->footer(
      "Examples:\n"
      "  paystack-terminal refund list --transaction pos_wtwyrj7n6x\n"
      "  paystack-terminal --json refund list --all --from 2024-06-01 > refunds.jsonl");
  sub->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      if (!a->all) {
        return run_operation<std::vector<refund>>(
            ctx.opts,
            [&](paystack::terminal_client& c, auto handler) {
              paystack::refund_client(c).async_list_refunds(a->p, std::move(handler));
            },
            [](const paystack::response<std::vector<refund>>& r) {
              print_page(refunds, *r.data);
              print_paging(r.meta, refunds.one, refunds.many);
            });
      }
      const std::size_t limit = a->limit.value_or(std::numeric_limits<std::size_t>::max());
      return run_walk(ctx.opts, refunds,
                      [&](paystack::terminal_client& c, auto visit, auto handler) {
                        paystack::refund_client(c).async_for_each_refund(
                            a->p, limit, std::move(visit), std::move(handler));
                      });
    };
  });
}

void add_fetch(CLI::App& parent, context& ctx) {
  auto* sub = parent.add_subcommand("fetch", "Show one refund (Fetch Refund)");
  auto id = std::make_shared<std::int64_t>(0);
  sub->add_option("ID", *id, "the refund id, e.g. 15581137")->required()->check(positive_integer());
  sub->footer("Example:\n  paystack-terminal refund fetch 15581137");
  sub->callback([&ctx, id] {
    ctx.action = [&ctx, id] {
      return run_operation<refund>(
          ctx.opts,
          [&](paystack::terminal_client& c, auto handler) {
            paystack::refund_client(c).async_fetch_refund(*id, std::move(handler));
          },
          print_one);
    };
  });
}

void add_retry(CLI::App& parent, context& ctx) {
  auto* sub = parent.add_subcommand(
      "retry",
      "Retry a needs-attention refund with the customer's bank account (Retry Refund; never "
      "repeated)");
  auto id = std::make_shared<std::int64_t>(0);
  auto d = std::make_shared<paystack::refund_account_details>();
  sub->add_option("ID", *id, "the refund id, e.g. 15581137")->required()->check(positive_integer());
  sub->add_option("--account-number", d->account_number, "the customer's account number")
      ->required();
  sub->add_option("--bank-id", d->bank_id, "Paystack's id of the customer's bank (List Banks)")
      ->required();
  sub->add_option("--currency", d->currency, "the account's currency: the payment's, e.g. NGN")
      ->required();
  sub->footer(
      "Example:\n"
      "  paystack-terminal refund retry 15581137 --account-number 1234567890 --bank-id 9 "
      "--currency NGN\n"
      "Never repeated: if it fails without a reply, `refund fetch ID` tells whether it left\n"
      "needs-attention.");
  sub->callback([&ctx, id, d] {
    ctx.action = [&ctx, id, d] {
      return run_operation<refund>(
          ctx.opts,
          [&](paystack::terminal_client& c, auto handler) {
            paystack::refund_client(c).async_retry_refund(*id, *d, std::move(handler));
          },
          print_one);
    };
  });
}

}  // namespace

void add_refund_command(CLI::App& app, context& ctx) {
  auto* sub =
      app.add_subcommand("refund", "Refunds: create (also exactly once), list, fetch, retry");
  sub->group("Refunds");
  sub->require_subcommand(1);
  sub->footer(
      "Examples:\n"
      "  paystack-terminal refund create pos_wtwyrj7n6x --amount 2000\n"
      "  paystack-terminal refund list --transaction pos_wtwyrj7n6x");
  add_create(*sub, ctx);
  add_list(*sub, ctx);
  add_fetch(*sub, ctx);
  add_retry(*sub, ctx);
}

}  // namespace cli
