// list [--per-page N] [--next C] [--previous C] [--all [--limit N]]
#include <limits>

#include "common.hpp"

namespace cli {
namespace {

const listing<paystack::terminal> terminals{
    {"TERMINAL ID", "NAME", "SERIAL NUMBER", "STATUS", "ADDRESS", "DOMAIN"},
    [](const paystack::terminal& t) -> std::vector<std::string> {
      return {t.terminal_id, or_dash(t.name),    or_dash(t.serial_number),
              t.status,      or_dash(t.address), t.domain};
    },
    terminal_json_line,
    "terminal",
    "terminals"};

}  // namespace

void add_list_command(CLI::App& app, context& ctx) {
  auto* sub = app.add_subcommand("list",
                                 "List the terminals of your integration (List "
                                 "Terminals)");
  struct args {
    std::optional<int> per_page;
    std::optional<std::string> next;
    std::optional<std::string> previous;
    bool all = false;
    std::optional<std::size_t> limit;
  };
  auto a = std::make_shared<args>();
  sub->add_option("--per-page", a->per_page, "terminals per page (Paystack's default: 50)")
      ->check(integer_in(1, 1000));
  auto* next = sub->add_option("--next", a->next,
                               "cursor of the next page (printed by a "
                               "previous list)");
  auto* previous = sub->add_option("--previous", a->previous, "cursor of the previous page");
  next->excludes(previous);
  auto* all = sub->add_flag("--all", a->all,
                            "walk every page (from --next if given); with --json, one terminal "
                            "per line (JSON Lines)");
  all->excludes(previous);
  sub->add_option("--limit", a->limit, "with --all: stop after N terminals")
      ->needs(all)
      ->check(positive_integer());
  sub->footer(
      "Examples:\n"
      "  paystack-terminal list --per-page 10\n"
      "  paystack-terminal list --per-page 10 --next dGVybWluYWw6YWZ0ZXI6Mw==\n"
      "  paystack-terminal --json list --all --limit 500 > terminals.jsonl");
  sub->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      paystack::list_terminals_params params{
          .per_page = a->per_page, .next = a->next, .previous = a->previous};
      if (!a->all) {
        return run_operation<std::vector<paystack::terminal>>(
            ctx.opts,
            [&](paystack::terminal_client& c, auto handler) {
              c.async_list_terminals(params, std::move(handler));
            },
            [](const paystack::response<std::vector<paystack::terminal>>& r) {
              print_page(terminals, *r.data);
              print_paging(r.meta, terminals.one, terminals.many);
            });
      }
      const std::size_t limit = a->limit.value_or(std::numeric_limits<std::size_t>::max());
      return run_walk(
          ctx.opts, terminals, [&](paystack::terminal_client& c, auto visit, auto handler) {
            c.async_for_each_terminal(params, limit, std::move(visit), std::move(handler));
          });
    };
  });
}

}  // namespace cli
