// transaction export|timeline: the after-sale reads of the `transaction` group (the link to a
// CSV export of the period's transactions; the steps of one transaction).
#include <paystack/transaction_client.hpp>

#include "common.hpp"

namespace cli {
namespace {

void add_export(CLI::App& parent, context& ctx) {
  auto* sub = parent.add_subcommand(
      "export", "A link to a CSV file of the period's transactions (Export Transactions)");
  auto p = std::make_shared<paystack::transaction_export_params>();
  sub->add_option("--from", p->from, "start date, ISO 8601 (e.g. 2024-06-01)");
  sub->add_option("--to", p->to, "end date, ISO 8601");
  sub->add_option("--status", p->status, "success, failed, abandoned, reversed or all")
      ->check(CLI::IsMember({"success", "failed", "abandoned", "reversed", "all"}));
  sub->add_option("--customer", p->customer, "only this customer (a customer id)")
      ->check(positive_integer());
  sub->add_option("--subaccount", p->subaccount_code, "only this subaccount, e.g. ACCT_...");
  sub->add_option("--settlement", p->settlement, "only the transactions of this settlement id")
      ->check(positive_integer());
  sub->footer(
      "Prints the link and when it expires (the file is not downloaded: fetch it with curl).\n\n"
      "Example:\n  paystack-terminal transaction export --from 2024-06-01 --to 2024-06-30");
  sub->callback([&ctx, p] {
    ctx.action = [&ctx, p] {
      return run_operation<paystack::transaction_export>(
          ctx.opts,
          [&](paystack::terminal_client& c, auto handler) {
            paystack::transaction_client(c).async_export_transactions(*p, std::move(handler));
          },
          [](const paystack::response<paystack::transaction_export>& r) {
            print_fields(std::cout, {{"link", server_text(r.data->path)},
                                     {"expires", server_text(r.data->expires_at)}});
          });
    };
  });
}

void add_timeline(CLI::App& parent, context& ctx) {
  auto* sub = parent.add_subcommand(
      "timeline", "The steps of one transaction, by id or reference (Fetch Transaction Timeline)");
  auto id = std::make_shared<std::string>();
  sub->add_option("ID_OR_REFERENCE", *id, "a transaction id or reference, e.g. pos_wtwyrj7n6x")
      ->required();
  sub->footer("Example:\n  paystack-terminal transaction timeline pos_wtwyrj7n6x");
  sub->callback([&ctx, id] {
    ctx.action = [&ctx, id] {
      return run_operation<paystack::transaction_timeline>(
          ctx.opts,
          [&](paystack::terminal_client& c, auto handler) {
            paystack::transaction_client(c).async_fetch_transaction_timeline(*id,
                                                                             std::move(handler));
          },
          [](const paystack::response<paystack::transaction_timeline>& r) {
            const auto& t = *r.data;
            auto num = [](const std::optional<std::int64_t>& v) {
              return v ? std::to_string(*v) : std::string("-");
            };
            print_fields(std::cout, {{"success", t.success ? (*t.success ? "yes" : "no") : "-"},
                                     {"attempts", num(t.attempts)},
                                     {"errors", num(t.errors)},
                                     {"time spent", t.time_spent ? num(t.time_spent) + "s" : "-"}});
            std::vector<std::vector<std::string>> rows;
            for (const auto& s : t.history)
              rows.push_back({"+" + std::to_string(s.time) + "s", s.type, s.message});
            if (!rows.empty()) print_table(std::cout, {"TIME", "TYPE", "MESSAGE"}, rows);
          });
    };
  });
}

}  // namespace

void add_transaction_after_sale_commands(CLI::App& transaction, context& ctx) {
  add_export(transaction, ctx);
  add_timeline(transaction, ctx);
}

}  // namespace cli
