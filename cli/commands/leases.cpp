// leases list | release TERMINAL --holder H: the terminal leases of a store shared by several
// processes (SQLite on one machine, PostgreSQL for a fleet; doc/fleet.md). Uses the store only;
// nothing is sent to Paystack.
#include <boost/json.hpp>

#include "common.hpp"

namespace cli {
namespace {

namespace json = boost::json;

struct args {
  std::string store;
  std::string terminal;
  std::string holder;
  std::int64_t token = 0;
};

std::string expires_text(std::chrono::milliseconds left) {
  if (left.count() <= 0) return "expired";
  return std::to_string((left.count() + 999) / 1000) + " s";
}

std::shared_ptr<paystack::charge_store> open_leasing_store(boost::asio::io_context& ioc,
                                                           const std::string& url) {
  auto store = open_store(ioc, url);
  if (store && !store->leases_terminals()) {
    std::cerr << "paystack-terminal: " << store->describe()
              << " has no terminal leases (one process per store): use a SQLite file or "
                 "postgres://...\n";
    return nullptr;
  }
  return store;
}

int list_leases(context& ctx, const args& a) {
  boost::asio::io_context ioc;
  auto store = open_leasing_store(ioc, a.store);
  if (!store) return exit_usage;
  auto [ec, leases] = run_store<std::vector<paystack::terminal_lease>>(
      ioc, [&](auto h) { store->async_list_leases(std::move(h)); });
  if (ec) return store_failed(ec);
  if (ctx.opts.json) {
    json::array arr;
    for (auto& l : leases)
      arr.push_back(json::object{{"terminal_id", l.terminal_id},
                                 {"holder", l.holder},
                                 {"charge_key", l.charge_key},
                                 {"fencing_token", l.fencing_token},
                                 {"expires_in_ms", l.expires_in.count()},
                                 {"stopped", l.stopped}});
    std::cout << json::serialize(arr) << '\n';
    return exit_ok;
  }
  std::vector<std::vector<std::string>> rows;
  for (auto& l : leases)
    rows.push_back({l.terminal_id, l.holder, l.charge_key, std::to_string(l.fencing_token),
                    expires_text(l.expires_in) + (l.stopped ? " (stopped)" : "")});
  print_table(std::cout, {"TERMINAL", "HOLDER", "KEY", "TOKEN", "EXPIRES"}, rows);
  return exit_ok;
}

int release_lease(context& ctx, const args& a) {
  boost::asio::io_context ioc;
  auto store = open_leasing_store(ioc, a.store);
  if (!store) return exit_usage;
  auto [ec, released] = run_store<bool>(ioc, [&](auto h) {
    store->async_release_lease(a.terminal, a.holder, a.token, std::move(h));
  });
  if (ec) return store_failed(ec);
  if (ctx.opts.json) {
    std::cout << json::serialize(json::object{
                     {"terminal_id", a.terminal}, {"holder", a.holder}, {"released", released}})
              << '\n';
  } else if (released) {
    std::cout << "released the lease of " << a.terminal << " held by " << a.holder << '\n';
  } else {
    std::cout << "not released: " << a.terminal << " has no lease held by " << a.holder
              << (a.token != 0 ? " with token " + std::to_string(a.token) : std::string())
              << " (released meanwhile, or taken over: list the leases again)\n";
  }
  return released ? exit_ok : exit_api;
}

}  // namespace

void add_leases_command(CLI::App& app, context& ctx) {
  auto* leases = app.add_subcommand(
      "leases", "Terminal leases of a shared store (SQLite file, postgres://): list, release");
  leases->require_subcommand(1);
  leases->footer(
      "A charge with a PostgreSQL store leases its terminal until it ends (at most its deadline\n"
      "plus 30 s): another charge on that terminal ends as terminal_busy. Release a lease by hand\n"
      "only when its holder is gone; release names the holder you saw, so a lease taken over\n"
      "meanwhile is left alone. Exit codes: 0 ok, 1 not released, 2 usage or the store cannot be\n"
      "used. See doc/fleet.md.\n\n"
      "Examples:\n"
      "  paystack-terminal leases list --store postgres://pos@db:5432/pos\n"
      "  paystack-terminal leases release TRM_x --holder pos1:4242/1 --store postgres://...");
  auto a = std::make_shared<args>();

  auto* list = leases->add_subcommand("list", "List the leases (expired ones too), by terminal");
  add_store_option(*list, a->store)->required();
  list->callback([&ctx, a] { ctx.action = [&ctx, a] { return list_leases(ctx, *a); }; });

  auto* release = leases->add_subcommand(
      "release", "Release TERMINAL's lease if HOLDER (as listed) still holds it");
  release->add_option("TERMINAL", a->terminal, "the terminal id")->required();
  release->add_option("--holder", a->holder, "the holder you saw (leases list)")->required();
  release->add_option("--token", a->token, "also require this fencing token (leases list)")
      ->check(positive_integer());
  add_store_option(*release, a->store)->required();
  release->callback([&ctx, a] {
    // An empty holder or terminal names no lease: never a wildcard that releases a live one.
    if (a->terminal.empty()) throw CLI::ValidationError("TERMINAL", "must name a terminal");
    if (a->holder.empty()) {
      throw CLI::ValidationError("--holder",
                                 "must name the holder as `leases list` shows it (HOST:PID/N)");
    }
    ctx.action = [&ctx, a] { return release_lease(ctx, *a); };
  });
}

}  // namespace cli
