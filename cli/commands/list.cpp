// list [--per-page N] [--next C] [--previous C] [--all [--limit N]]
#include <limits>

#include "common.hpp"

namespace cli {
namespace {

std::vector<std::string> row_of(const paystack::terminal& t) {
  return {t.terminal_id, or_dash(t.name),    or_dash(t.serial_number),
          t.status,      or_dash(t.address), t.domain};
}

const std::vector<std::string> header{"TERMINAL ID", "NAME",    "SERIAL NUMBER",
                                      "STATUS",      "ADDRESS", "DOMAIN"};

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
      ->check(CLI::Range(1, 1000));
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
      ->check(CLI::PositiveNumber);
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
              std::vector<std::vector<std::string>> rows;
              for (const auto& t : *r.data) rows.push_back(row_of(t));
              if (rows.empty()) {
                std::cout << "No terminals on this page.\n";
              } else {
                print_table(std::cout, header, rows);
              }
              if (r.meta.next)
                std::cout << "next page:     --next " << server_text(*r.meta.next) << '\n';
              if (r.meta.previous) {
                std::cout << "previous page: --previous " << server_text(*r.meta.previous) << '\n';
              }
            });
      }
      auto rows = std::make_shared<std::vector<std::vector<std::string>>>();
      const bool json = ctx.opts.json;
      auto visit = [rows, json](const paystack::terminal& t) {
        if (json) {
          std::cout << terminal_json_line(t) << '\n' << std::flush;
        } else {
          rows->push_back(row_of(t));
        }
        return true;
      };
      const std::size_t limit = a->limit.value_or(std::numeric_limits<std::size_t>::max());
      return run_operation<paystack::walk_summary>(
          ctx.opts,
          [&](paystack::terminal_client& c, auto handler) {
            c.async_for_each_terminal(params, limit, visit, std::move(handler));
          },
          [rows, json](const paystack::response<paystack::walk_summary>& r) {
            if (json) return;
            if (rows->empty()) {
              std::cout << "No terminals.\n";
            } else {
              print_table(std::cout, header, *rows);
            }
            std::cout << r.data->visited << (r.data->visited == 1 ? " terminal" : " terminals")
                      << " (" << r.data->pages << (r.data->pages == 1 ? " page" : " pages")
                      << ")\n";
          },
          /*raw_json=*/false);
    };
  });
}

}  // namespace cli
