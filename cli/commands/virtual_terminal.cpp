// virtual-terminal <create|list|fetch|update|deactivate|assign-destination|unassign-destination|
// add-split|remove-split>: Paystack's Virtual Terminal API.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

#include "common.hpp"

namespace cli {
namespace {

using paystack::virtual_terminal;
using paystack::virtual_terminal_client;

/// Runs a virtual_terminal_client operation (run_operation over a terminal_client).
template <class T, class Start>
int run_vt(const global_options& g, Start start,
           const std::function<void(const paystack::response<T>&)>& human, bool raw_json = true) {
  return run_operation<T>(
      g,
      [&](paystack::terminal_client& c, auto handler) {
        start(virtual_terminal_client(c), std::move(handler));
      },
      human, raw_json);
}

/// "TARGET:NAME" (the name may be empty: "TARGET:") into a destination; CLI11 reports a
/// missing ':' as a usage error.
paystack::destination_params parse_destination(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos)
    throw CLI::ValidationError("--destination",
                               "expected TARGET:NAME, e.g. 2347081234567:Front desk");
  return {text.substr(0, colon), text.substr(colon + 1)};
}

std::string status_of(const virtual_terminal& t) {
  return t.active ? "active" : "inactive";
}

std::vector<std::string> row_of(const virtual_terminal& t) {
  return {t.code, t.name, status_of(t), or_dash(t.currency), or_dash(t.created_at)};
}

const std::vector<std::string> header{"CODE", "NAME", "STATUS", "CURRENCY", "CREATED"};

/// One Virtual Terminal as a JSON object (for `list --all --json`).
std::string vt_json_line(const virtual_terminal& t) {
  namespace json = boost::json;
  auto opt = [](const std::optional<std::string>& s) -> json::value {
    return s ? json::value(*s) : json::value(nullptr);
  };
  json::array destinations;
  for (const auto& d : t.destinations)
    destinations.push_back({{"target", d.target}, {"type", d.type}, {"name", opt(d.name)}});
  return json::serialize(json::object{{"id", t.id},
                                      {"code", t.code},
                                      {"name", t.name},
                                      {"active", t.active},
                                      {"currency", opt(t.currency)},
                                      {"created_at", opt(t.created_at)},
                                      {"destinations", std::move(destinations)}});
}

void print_terminal(const virtual_terminal& t) {
  std::vector<std::pair<std::string, std::string>> f{{"code", t.code},
                                                     {"name", t.name},
                                                     {"status", status_of(t)},
                                                     {"currency", or_dash(t.currency)},
                                                     {"domain", or_dash(t.domain)},
                                                     {"id", std::to_string(t.id)},
                                                     {"created", or_dash(t.created_at)}};
  if (t.metadata) f.emplace_back("metadata", *t.metadata);
  for (const auto& d : t.destinations)
    f.emplace_back("destination", d.target + " (" + d.type + ", " + or_dash(d.name) + ")");
  for (const auto& p : t.payment_methods)
    f.emplace_back("pay by", p.type + " " + or_dash(p.account_number) + " " + or_dash(p.bank));
  print_fields(std::cout, f);
}

void print_message(const paystack::response<paystack::empty>& r) {
  std::cout << server_text(r.message) << '\n';
}

void add_create(CLI::App& group, context& ctx) {
  auto* sub = group.add_subcommand("create", "Create a Virtual Terminal (Create Virtual Terminal)");
  struct args {
    std::string name;
    std::vector<std::string> destinations;
    std::optional<std::string> currency, split_code, metadata;
    std::vector<std::string> custom_fields;
  };
  auto a = std::make_shared<args>();
  sub->add_option("NAME", a->name, "the terminal's name, e.g. \"Sales Point #1\"")->required();
  sub->add_option("--destination", a->destinations,
                  "TARGET:NAME, a WhatsApp number and its label (1 to 5; repeat the option)")
      ->required();
  sub->add_option("--currency", a->currency, "NGN, GHS, ZAR, KES or USD (default: yours)");
  sub->add_option("--split-code", a->split_code, "a split code, e.g. SPL_HBaFCbbiyI");
  sub->add_option("--metadata", a->metadata, "a JSON object, e.g. '{\"till\":\"3\"}'");
  sub->add_option("--custom-field", a->custom_fields,
                  "DISPLAY:VARIABLE, a field the payment page asks for (repeatable)");
  sub->footer(
      "Example:\n  paystack-terminal virtual-terminal create \"Sales Point #1\" "
      "--destination \"2347081234567:Front desk\"");
  sub->callback([&ctx, a] {
    paystack::create_virtual_terminal_params p{.name = a->name};
    for (const auto& d : a->destinations) p.destinations.push_back(parse_destination(d));
    for (const auto& f : a->custom_fields) {
      auto d = parse_destination(f);
      p.custom_fields.push_back({std::move(d.target), std::move(d.name)});
    }
    p.currency = a->currency;
    p.split_code = a->split_code;
    p.metadata = a->metadata;
    ctx.action = [&ctx, p] {
      return run_vt<virtual_terminal>(
          ctx.opts,
          [&](virtual_terminal_client vt, auto handler) {
            vt.async_create_virtual_terminal(p, std::move(handler));
          },
          [](const paystack::response<virtual_terminal>& r) {
            std::cout << server_text(r.message) << '\n';
            print_terminal(*r.data);
          });
    };
  });
}

void add_list(CLI::App& group, context& ctx) {
  auto* sub = group.add_subcommand("list", "List Virtual Terminals (List Virtual Terminals)");
  struct args {
    paystack::list_virtual_terminals_params params;
    bool all = false;
    std::optional<std::size_t> limit;
  };
  auto a = std::make_shared<args>();
  sub->add_option("--status", a->params.status, "active or inactive")
      ->check(CLI::IsMember({"active", "inactive"}));
  sub->add_option("--search", a->params.search, "a name or code to look for");
  sub->add_option("--per-page", a->params.per_page, "terminals per page (default 50)")
      ->check(integer_in(1, 1000));
  auto* page =
      sub->add_option("--page", a->params.page, "page number (from 1)")->check(positive_integer());
  auto* next = sub->add_option("--next", a->params.next, "cursor of the next page");
  auto* previous = sub->add_option("--previous", a->params.previous, "cursor of the previous page");
  next->excludes(previous);
  page->excludes(next)->excludes(previous);
  auto* all = sub->add_flag("--all", a->all,
                            "walk every page; with --json, one terminal per line (JSON Lines)");
  all->excludes(previous);
  sub->add_option("--limit", a->limit, "with --all: stop after N terminals")
      ->needs(all)
      ->check(positive_integer());
  sub->footer(
      "Examples:\n  paystack-terminal virtual-terminal list --status active\n"
      "  paystack-terminal --json virtual-terminal list --all > vts.jsonl");
  sub->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      if (!a->all) {
        return run_vt<std::vector<virtual_terminal>>(
            ctx.opts,
            [&](virtual_terminal_client vt, auto handler) {
              vt.async_list_virtual_terminals(a->params, std::move(handler));
            },
            [](const paystack::response<std::vector<virtual_terminal>>& r) {
              std::vector<std::vector<std::string>> rows;
              for (const auto& t : *r.data) rows.push_back(row_of(t));
              if (rows.empty())
                std::cout << "No Virtual Terminals on this page.\n";
              else
                print_table(std::cout, header, rows);
              if (r.meta.next)
                std::cout << "next page:     --next " << server_text(*r.meta.next) << '\n';
              if (r.meta.previous)
                std::cout << "previous page: --previous " << server_text(*r.meta.previous) << '\n';
              if (r.meta.page && r.meta.page_count && *r.meta.page < *r.meta.page_count)
                std::cout << "next page:     --page " << (*r.meta.page + 1) << '\n';
            });
      }
      auto rows = std::make_shared<std::vector<std::vector<std::string>>>();
      const bool json = ctx.opts.json;
      auto visit = [rows, json](const virtual_terminal& t) {
        if (json)
          std::cout << vt_json_line(t) << '\n' << std::flush;
        else
          rows->push_back(row_of(t));
        return true;
      };
      const std::size_t limit = a->limit.value_or(std::numeric_limits<std::size_t>::max());
      return run_vt<paystack::walk_summary>(
          ctx.opts,
          [&](virtual_terminal_client vt, auto handler) {
            vt.async_for_each_virtual_terminal(a->params, limit, visit, std::move(handler));
          },
          [rows, json](const paystack::response<paystack::walk_summary>& r) {
            if (json) return;
            if (rows->empty())
              std::cout << "No Virtual Terminals.\n";
            else
              print_table(std::cout, header, *rows);
            std::cout << r.data->visited
                      << (r.data->visited == 1 ? " Virtual Terminal" : " Virtual Terminals") << " ("
                      << r.data->pages << (r.data->pages == 1 ? " page" : " pages") << ")\n";
          },
          /*raw_json=*/false);
    };
  });
}

/// A subcommand taking CODE (and, with `second`, one more positional argument).
CLI::App* code_command(CLI::App& group, const std::string& name, const std::string& what,
                       std::shared_ptr<std::vector<std::string>> args, const char* second,
                       const std::string& example) {
  auto* sub = group.add_subcommand(name, what);
  args->resize(2);
  sub->add_option("CODE", (*args)[0], "the Virtual Terminal's code, e.g. VT_LJK5892Z")->required();
  if (second != nullptr) sub->add_option(second, (*args)[1], "e.g. SPL_HBaFCbbiyI")->required();
  sub->footer("Example:\n  paystack-terminal virtual-terminal " + example);
  return sub;
}

void add_code_commands(CLI::App& group, context& ctx) {
  auto fetch = std::make_shared<std::vector<std::string>>();
  code_command(group, "fetch", "Show one Virtual Terminal (Fetch Virtual Terminal)", fetch, nullptr,
               "fetch VT_LJK5892Z")
      ->callback([&ctx, fetch] {
        ctx.action = [&ctx, fetch] {
          return run_vt<virtual_terminal>(
              ctx.opts,
              [&](virtual_terminal_client vt, auto handler) {
                vt.async_fetch_virtual_terminal(fetch->at(0), std::move(handler));
              },
              [](const paystack::response<virtual_terminal>& r) { print_terminal(*r.data); });
        };
      });

  auto update = std::make_shared<std::vector<std::string>>();
  auto name = std::make_shared<std::string>();
  auto* up = code_command(group, "update", "Rename a Virtual Terminal (Update Virtual Terminal)",
                          update, nullptr, "update VT_LJK5892Z --name \"Till 2\"");
  up->add_option("--name", *name, "the new name")->required();
  up->callback([&ctx, update, name] {
    ctx.action = [&ctx, update, name] {
      return run_vt<paystack::empty>(
          ctx.opts,
          [&](virtual_terminal_client vt, auto handler) {
            vt.async_update_virtual_terminal(update->at(0), {*name}, std::move(handler));
          },
          print_message);
    };
  });

  auto deactivate = std::make_shared<std::vector<std::string>>();
  code_command(group, "deactivate", "Deactivate a Virtual Terminal (Deactivate Virtual Terminal)",
               deactivate, nullptr, "deactivate VT_LJK5892Z")
      ->callback([&ctx, deactivate] {
        ctx.action = [&ctx, deactivate] {
          return run_vt<paystack::empty>(
              ctx.opts,
              [&](virtual_terminal_client vt, auto handler) {
                vt.async_deactivate_virtual_terminal(deactivate->at(0), std::move(handler));
              },
              print_message);
        };
      });

  for (const bool add : {true, false}) {
    auto split = std::make_shared<std::vector<std::string>>();
    const std::string cmd = add ? "add-split" : "remove-split";
    code_command(
        group, cmd,
        add ? "Attach a split code (Add Split Code)" : "Detach a split code (Remove Split Code)",
        split, "SPLIT_CODE", cmd + " VT_LJK5892Z SPL_HBaFCbbiyI")
        ->callback([&ctx, split, add] {
          ctx.action = [&ctx, split, add] {
            if (!add) {
              return run_vt<paystack::empty>(
                  ctx.opts,
                  [&](virtual_terminal_client vt, auto handler) {
                    vt.async_remove_split_code(split->at(0), split->at(1), std::move(handler));
                  },
                  print_message);
            }
            return run_vt<paystack::split_code_info>(
                ctx.opts,
                [&](virtual_terminal_client vt, auto handler) {
                  vt.async_add_split_code(split->at(0), split->at(1), std::move(handler));
                },
                [](const paystack::response<paystack::split_code_info>& r) {
                  std::cout << server_text(r.message) << '\n';
                  const auto& s = *r.data;
                  print_fields(std::cout, {{"split code", s.split_code},
                                           {"name", or_dash(s.name)},
                                           {"type", or_dash(s.type)},
                                           {"currency", or_dash(s.currency)}});
                });
          };
        });
  }
}

void add_destination_commands(CLI::App& group, context& ctx) {
  auto assign = std::make_shared<std::vector<std::string>>();
  auto destinations = std::make_shared<std::vector<std::string>>();
  auto* as = code_command(
      group, "assign-destination", "Add WhatsApp destinations (Assign Destination)", assign,
      nullptr, "assign-destination VT_LJK5892Z --destination \"2347081234567:Back office\"");
  as->add_option("--destination", *destinations, "TARGET:NAME (1 to 5; repeat the option)")
      ->required();
  as->callback([&ctx, assign, destinations] {
    std::vector<paystack::destination_params> ds;
    for (const auto& d : *destinations) ds.push_back(parse_destination(d));
    ctx.action = [&ctx, assign, ds] {
      return run_vt<std::vector<paystack::virtual_terminal_destination>>(
          ctx.opts,
          [&](virtual_terminal_client vt, auto handler) {
            vt.async_assign_destinations(assign->at(0), ds, std::move(handler));
          },
          [](const paystack::response<std::vector<paystack::virtual_terminal_destination>>& r) {
            std::cout << server_text(r.message) << '\n';
            std::vector<std::vector<std::string>> rows;
            for (const auto& d : *r.data) rows.push_back({d.target, d.type, or_dash(d.name)});
            print_table(std::cout, {"TARGET", "TYPE", "NAME"}, rows);
          });
    };
  });

  auto unassign = std::make_shared<std::vector<std::string>>();
  auto targets = std::make_shared<std::vector<std::string>>();
  auto* un =
      code_command(group, "unassign-destination", "Remove destinations (Unassign Destination)",
                   unassign, nullptr, "unassign-destination VT_LJK5892Z 2347081234567");
  un->add_option("TARGET", *targets, "the numbers to remove (1 to 5)")->required();
  un->callback([&ctx, unassign, targets] {
    ctx.action = [&ctx, unassign, targets] {
      return run_vt<paystack::empty>(
          ctx.opts,
          [&](virtual_terminal_client vt, auto handler) {
            vt.async_unassign_destinations(unassign->at(0), *targets, std::move(handler));
          },
          print_message);
    };
  });
}

}  // namespace

void add_virtual_terminal_command(CLI::App& app, context& ctx) {
  auto* group = app.add_subcommand("virtual-terminal",
                                   "Virtual Terminals: till points without hardware, paid by "
                                   "link, QR code or WhatsApp");
  group->group("Virtual Terminal");
  group->require_subcommand(1);
  group->footer(
      "Example:\n  paystack-terminal virtual-terminal list\n"
      "Run 'paystack-terminal virtual-terminal <command> --help' for each command.");
  add_create(*group, ctx);
  add_list(*group, ctx);
  add_code_commands(*group, ctx);
  add_destination_commands(*group, ctx);
}

}  // namespace cli
