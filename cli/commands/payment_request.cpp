// payment-request <create|list|fetch|verify|update|archive|finalize|notify|totals>: the Payment
// Request API, one subcommand each, in the "Payment requests" help group.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <limits>
#include <type_traits>

#include "common.hpp"

namespace cli {
namespace {

using paystack::payment_request;
using paystack::payment_request_client;
using paystack::response;
using paystack::terminal_client;

/// Parses "NAME:AMOUNT[:QUANTITY]" (amount in subunits); std::nullopt when malformed.
std::optional<paystack::line_item> parse_item(const std::string& text) {
  const auto last = text.rfind(':');
  if (last == std::string::npos || last == 0) return std::nullopt;
  auto number = [](std::string_view s) -> std::optional<std::int64_t> {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || p != s.data() + s.size() || v <= 0) return std::nullopt;
    return v;
  };
  paystack::line_item li;
  const auto first = text.find(':');
  li.name = text.substr(0, first);
  auto amount =
      number(std::string_view(text).substr(first + 1, text.find(':', first + 1) - first - 1));
  if (li.name.empty() || !amount) return std::nullopt;
  li.amount = *amount;
  if (first != last) {
    if (text.find(':', first + 1) != last) return std::nullopt;
    auto qty = number(std::string_view(text).substr(last + 1));
    if (!qty) return std::nullopt;
    li.quantity = *qty;
  }
  return li;
}

std::vector<paystack::line_item> parse_items(const std::vector<std::string>& texts,
                                             const char* flag) {
  std::vector<paystack::line_item> out;
  for (const auto& t : texts) {
    auto li = parse_item(t);
    if (!li)
      throw CLI::ValidationError(flag,
                                 "expected NAME:AMOUNT or NAME:AMOUNT:QUANTITY (amount in "
                                 "subunits), got \"" +
                                     t + "\"");
    out.push_back(*li);
  }
  return out;
}

std::vector<paystack::tax_item> parse_tax(const std::vector<std::string>& texts) {
  std::vector<paystack::tax_item> out;
  for (const auto& li : parse_items(texts, "--tax")) {
    if (li.quantity != 1) throw CLI::ValidationError("--tax", "a tax line has no quantity");
    out.push_back({li.name, li.amount});
  }
  return out;
}

std::string customer_of(const payment_request& p) {
  if (p.customer_code) return *p.customer_code;
  return p.customer_id ? std::to_string(*p.customer_id) : "-";
}

void print_request(const payment_request& p) {
  std::vector<std::pair<std::string, std::string>> f{
      {"request code", p.request_code},
      {"id", std::to_string(p.id)},
      {"status", p.status},
      {"paid", yes_no(p.paid)},
      {"amount", format_amount(p.amount, p.currency)},
      {"offline reference", or_dash(p.offline_reference)},
      {"customer", customer_of(p)},
      {"description", or_dash(p.description)},
      {"due date", or_dash(p.due_date)},
      {"paid at", or_dash(p.paid_at)},
  };
  if (p.archived) f.emplace_back("archived", yes_no(*p.archived));
  for (const auto& li : p.line_items) {
    f.emplace_back("line item", li.name + " x" + std::to_string(li.quantity) + "  " +
                                    format_amount(li.amount, p.currency));
  }
  for (const auto& t : p.tax)
    f.emplace_back("tax", t.name + "  " + format_amount(t.amount, p.currency));
  print_fields(std::cout, f);
}

std::vector<std::string> row_of(const payment_request& p) {
  return {p.request_code, std::to_string(p.id), p.status, format_amount(p.amount, p.currency),
          customer_of(p), or_dash(p.created_at)};
}

const std::vector<std::string> header{"REQUEST CODE", "ID",       "STATUS",
                                      "AMOUNT",       "CUSTOMER", "CREATED"};

/// One payment request as a JSON object (the model's main fields) for `list --all --json`.
std::string request_json_line(const payment_request& p) {
  namespace json = boost::json;
  auto opt = [](const std::optional<std::string>& s) {
    return s ? json::value(*s) : json::value(nullptr);
  };
  json::object o;
  o["id"] = p.id;
  o["request_code"] = p.request_code;
  o["status"] = p.status;
  o["paid"] = p.paid;
  o["amount"] = p.amount;
  o["currency"] = p.currency;
  o["offline_reference"] = opt(p.offline_reference);
  o["customer"] = customer_of(p);
  o["description"] = opt(p.description);
  o["created_at"] = opt(p.created_at);
  return json::serialize(o);
}

/// Runs one payment request operation (`start(client, handler)`); prints the request.
template <class T = payment_request, class Start>
int run_request(const global_options& g, Start start,
                std::function<void(const response<T>&)> human = {}) {
  if (!human) {
    human = [](const response<T>& r) {
      std::cout << server_text(r.message) << '\n';
      if constexpr (std::is_same_v<T, payment_request>) print_request(*r.data);
    };
  }
  return run_operation<T>(
      g,
      [&](terminal_client& c, auto handler) {
        start(payment_request_client(c), std::move(handler));
      },
      human);
}

CLI::App* add_sub(CLI::App* group, const char* name, const char* what, const char* example) {
  auto* sub = group->add_subcommand(name, what);
  sub->footer(std::string("Example:\n  paystack-terminal payment-request ") + example);
  return sub;
}

/// A subcommand that takes one ID_OR_CODE and runs `op` on it.
template <class T, class Op>
void add_by_id(CLI::App* group, context& ctx, const char* name, const char* what,
               const char* example, Op op) {
  auto* sub = add_sub(group, name, what, example);
  auto id = std::make_shared<std::string>();
  sub->add_option("ID_OR_CODE", *id, "the payment request's id or code (PRQ_...)")->required();
  sub->callback([&ctx, id, op] {
    ctx.action = [&ctx, id, op] {
      return run_request<T>(ctx.opts, [&](payment_request_client prc, auto handler) {
        op(prc, *id, std::move(handler));
      });
    };
  });
}

void add_create(CLI::App* group, context& ctx) {
  auto* sub = add_sub(group, "create", "Create a payment request (an invoice)",
                      "create --customer CUS_xwaj0txjryg393b --item \"Jollof rice:2500:2\"");
  struct args {
    paystack::create_payment_request_params p;
    std::vector<std::string> items, tax;
    bool draft = false, no_notify = false;
  };
  auto a = std::make_shared<args>();
  sub->add_option("--customer", a->p.customer, "customer id or code")->required();
  sub->add_option("--amount", a->p.amount, "amount in subunits, when there are no items")
      ->check(integer_in(1, 1'000'000'000'000));
  sub->add_option("--item", a->items, "a line item NAME:AMOUNT[:QUANTITY] (repeatable)");
  sub->add_option("--tax", a->tax, "a tax line NAME:AMOUNT (repeatable)");
  sub->add_option("--currency", a->p.currency, "NGN (default), GHS, ZAR, USD, KES");
  sub->add_option("--description", a->p.description, "shown on the invoice");
  sub->add_option("--due-date", a->p.due_date, "ISO 8601, e.g. 2026-12-31");
  sub->add_flag("--draft", a->draft, "save as a draft (finalize sends it)");
  sub->add_flag("--no-notify", a->no_notify, "do not email the customer");
  sub->callback([&ctx, a] {
    a->p.line_items = parse_items(a->items, "--item");
    a->p.tax = parse_tax(a->tax);
    if (a->draft) a->p.draft = true;
    if (a->no_notify) a->p.send_notification = false;
    if (!a->p.amount && a->p.line_items.empty())
      throw CLI::ValidationError("create", "give --amount or at least one --item");
    ctx.action = [&ctx, a] {
      return run_request(ctx.opts, [&](payment_request_client prc, auto handler) {
        prc.async_create_payment_request(a->p, std::move(handler));
      });
    };
  });
}

void add_update(CLI::App* group, context& ctx) {
  auto* sub = add_sub(group, "update", "Change a payment request (Update Payment Request)",
                      "update PRQ_1weqqsn2wwzgft8 --description \"Table 4\" --amount 7500");
  struct args {
    std::string id;
    paystack::update_payment_request_params p;
    std::vector<std::string> items, tax;
  };
  auto a = std::make_shared<args>();
  sub->add_option("ID_OR_CODE", a->id, "the payment request's id or code")->required();
  sub->add_option("--customer", a->p.customer, "customer id or code");
  sub->add_option("--amount", a->p.amount, "amount in subunits")
      ->check(integer_in(1, 1'000'000'000'000));
  sub->add_option("--item", a->items,
                  "replace the line items: NAME:AMOUNT[:QUANTITY] (repeatable)");
  sub->add_option("--tax", a->tax, "replace the tax lines: NAME:AMOUNT (repeatable)");
  sub->add_option("--currency", a->p.currency, "NGN, GHS, ZAR, USD, KES");
  sub->add_option("--description", a->p.description, "shown on the invoice");
  sub->add_option("--due-date", a->p.due_date, "ISO 8601");
  sub->callback([&ctx, a] {
    if (!a->items.empty()) a->p.line_items = parse_items(a->items, "--item");
    if (!a->tax.empty()) a->p.tax = parse_tax(a->tax);
    auto why = paystack::check_update_payment_request_params(a->p);
    if (!why.empty()) throw CLI::ValidationError("update", why);
    ctx.action = [&ctx, a] {
      return run_request(ctx.opts, [&](payment_request_client prc, auto handler) {
        prc.async_update_payment_request(a->id, a->p, std::move(handler));
      });
    };
  });
}

void add_list(CLI::App* group, context& ctx) {
  auto* sub = add_sub(group, "list", "List payment requests, newest first",
                      "list --status pending --per-page 20 --page 2\n"
                      "  paystack-terminal --json payment-request list --all > requests.jsonl");
  struct args {
    paystack::list_payment_requests_params p;
    bool include_archive = false, all = false;
    std::optional<std::size_t> limit;
  };
  auto a = std::make_shared<args>();
  sub->add_option("--customer", a->p.customer, "only this customer's (id or code)");
  sub->add_option("--status", a->p.status, "draft, pending, success or failed");
  sub->add_option("--currency", a->p.currency, "only this currency");
  sub->add_flag("--include-archive", a->include_archive, "also archived requests");
  sub->add_option("--from", a->p.from, "created at or after (ISO 8601)");
  sub->add_option("--to", a->p.to, "created at or before (ISO 8601)");
  sub->add_option("--per-page", a->p.per_page, "requests per page (Paystack's default: 50)")
      ->check(integer_in(1, 1000));
  sub->add_option("--page", a->p.page, "page number, from 1")->check(positive_integer());
  auto* all = sub->add_flag("--all", a->all,
                            "walk every page (from --page if given); with --json, one request "
                            "per line (JSON Lines)");
  sub->add_option("--limit", a->limit, "with --all: stop after N requests")
      ->needs(all)
      ->check(positive_integer());
  sub->callback([&ctx, a] {
    if (a->include_archive) a->p.include_archive = true;
    ctx.action = [&ctx, a] {
      if (!a->all) {
        return run_request<std::vector<payment_request>>(
            ctx.opts,
            [&](payment_request_client prc, auto handler) {
              prc.async_list_payment_requests(a->p, std::move(handler));
            },
            [](const response<std::vector<payment_request>>& r) {
              std::vector<std::vector<std::string>> rows;
              for (const auto& p : *r.data) rows.push_back(row_of(p));
              if (rows.empty()) {
                std::cout << "No payment requests on this page.\n";
              } else {
                print_table(std::cout, header, rows);
              }
              if (r.meta.page && r.meta.page_count && r.meta.total) {
                std::cout << "page " << *r.meta.page << " of " << *r.meta.page_count << " ("
                          << *r.meta.total << (*r.meta.total == 1 ? " request)\n" : " requests)\n");
              }
            });
      }
      auto rows = std::make_shared<std::vector<std::vector<std::string>>>();
      const bool json = ctx.opts.json;
      auto visit = [rows, json](const payment_request& p) {
        if (json) {
          std::cout << request_json_line(p) << '\n' << std::flush;
        } else {
          rows->push_back(row_of(p));
        }
        return true;
      };
      const std::size_t limit = a->limit.value_or(std::numeric_limits<std::size_t>::max());
      return run_operation<paystack::walk_summary>(
          ctx.opts,
          [&](terminal_client& c, auto handler) {
            payment_request_client(c).async_for_each_payment_request(a->p, limit, visit,
                                                                     std::move(handler));
          },
          [rows, json](const response<paystack::walk_summary>& r) {
            if (json) return;
            if (rows->empty()) {
              std::cout << "No payment requests.\n";
            } else {
              print_table(std::cout, header, *rows);
            }
            std::cout << r.data->visited << (r.data->visited == 1 ? " request" : " requests")
                      << " (" << r.data->pages << (r.data->pages == 1 ? " page" : " pages")
                      << ")\n";
          },
          /*raw_json=*/false);
    };
  });
}

void add_totals(CLI::App* group, context& ctx) {
  auto* sub = add_sub(group, "totals", "Pending and paid amounts per currency", "totals");
  sub->callback([&ctx] {
    ctx.action = [&ctx] {
      return run_request<paystack::payment_request_totals>(
          ctx.opts,
          [&](payment_request_client prc, auto handler) {
            prc.async_fetch_payment_request_totals(std::move(handler));
          },
          [](const response<paystack::payment_request_totals>& r) {
            std::vector<std::vector<std::string>> rows;
            const auto& t = *r.data;
            for (const auto& total : t.total) {
              auto find = [&](const std::vector<paystack::currency_amount>& v) {
                for (const auto& c : v)
                  if (c.currency == total.currency) return format_amount(c.amount, c.currency);
                return std::string("-");
              };
              rows.push_back({total.currency, find(t.pending), find(t.successful),
                              format_amount(total.amount, total.currency)});
            }
            print_table(std::cout, {"CURRENCY", "PENDING", "SUCCESSFUL", "TOTAL"}, rows);
          });
    };
  });
}

}  // namespace

void add_payment_request_commands(CLI::App& app, context& ctx) {
  auto* group = app.add_subcommand("payment-request",
                                   "Payment requests (invoices): create, list, fetch, verify, "
                                   "update, archive, finalize, notify, totals");
  group->group("Payment requests");
  group->require_subcommand(1);
  group->footer(
      "Archive is not a cancel (Paystack has none): an archived request leaves lists and can\n"
      "no longer be verified.\n\nExample:\n  paystack-terminal payment-request verify "
      "PRQ_1weqqsn2wwzgft8");
  add_create(group, ctx);
  add_list(group, ctx);
  using paystack::empty;
  add_by_id<payment_request>(group, ctx, "fetch", "Show a payment request",
                             "fetch PRQ_1weqqsn2wwzgft8",
                             [](payment_request_client& p, const std::string& id, auto h) {
                               p.async_fetch_payment_request(id, std::move(h));
                             });
  add_by_id<payment_request>(group, ctx, "verify", "Whether a payment request was paid",
                             "verify PRQ_1weqqsn2wwzgft8",
                             [](payment_request_client& p, const std::string& id, auto h) {
                               p.async_verify_payment_request(id, std::move(h));
                             });
  add_update(group, ctx);
  add_by_id<empty>(group, ctx, "archive",
                   "Archive a payment request (not a cancel: it can no longer be verified)",
                   "archive PRQ_1weqqsn2wwzgft8",
                   [](payment_request_client& p, const std::string& id, auto h) {
                     p.async_archive_payment_request(id, std::move(h));
                   });
  add_by_id<payment_request>(group, ctx, "finalize", "Send a draft payment request",
                             "finalize PRQ_1weqqsn2wwzgft8",
                             [](payment_request_client& p, const std::string& id, auto h) {
                               p.async_finalize_payment_request(id, std::move(h));
                             });
  add_by_id<empty>(group, ctx, "notify", "Remind the customer (sends another message each time)",
                   "notify PRQ_1weqqsn2wwzgft8",
                   [](payment_request_client& p, const std::string& id, auto h) {
                     p.async_send_payment_request_notification(id, std::move(h));
                   });
  add_totals(group, ctx);
}

}  // namespace cli
