// paystack-terminal: Paystack's Terminal API from the command line. See doc/cli.md.
#include <cstdlib>
#include <exception>
#include <iostream>
#include <paystack/store_url.hpp>

#include "common.hpp"

namespace cli {
void add_serve_command(CLI::App& app, context& ctx);  // serve (commands/serve.cpp)
}

namespace {

constexpr const char* footer =
    R"(Exit codes: 0 ok, 1 the API said no (or a charge was not paid), 2 usage error (nothing
sent), 3 network/TLS/timeout, 130 interrupted (Ctrl-C).

Examples:
  paystack-terminal demo                      the whole in-person flow against a built-in simulator
  export PAYSTACK_SECRET_KEY=sk_test_...
  paystack-terminal list --all
  paystack-terminal charge 2872S934 --amount 5000 --customer CUS_xwaj0txjryg393b
  paystack-terminal --json fetch 2872S934 | jq .data.name
See doc/cli.md for every command.)";

/// Everything printed from here on (CLI11's usage errors included) is filtered of the key given
/// in the arguments or the environment and of a store URL's password (--store
/// postgres://user:PASSWORD@..., PAYSTACK_CHARGE_STORE), as a second line of defence: the
/// library's messages never hold it. Pieces shorter than 4 characters are left to the library
/// (here they would garble every count the CLI prints).
void add_secrets(cli::output_guard& guard, int argc, char** argv) {
  for (auto& secret : cli::secrets_in_arguments(argc, argv)) guard.add_secret(std::move(secret));
  if (const char* key = std::getenv("PAYSTACK_SECRET_KEY")) guard.add_secret(key);
  auto add_store_secrets = [&guard](std::string_view url) {
    for (auto& secret : paystack::charge_store_url_secrets(url))
      if (secret.size() >= 4) guard.add_secret(std::move(secret));
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i] ? argv[i] : "";
    if (arg.starts_with("--store=")) arg.remove_prefix(8);
    add_store_secrets(arg);
  }
  if (const char* store = std::getenv("PAYSTACK_CHARGE_STORE")) add_store_secrets(store);
}

/// The options every command takes (before or after its name).
void add_global_options(CLI::App& app, cli::context& ctx) {
  app.add_option("--secret-key", ctx.opts.secret_key,
                 "Paystack secret key (sk_test_... / sk_live_...); prefer the environment "
                 "variable, command lines are visible to other users. Never printed")
      ->envname("PAYSTACK_SECRET_KEY")
      ->type_name("KEY");
  app.add_option("--base-url", ctx.opts.base_url,
                 "API base URL (default https://api.paystack.co); http:// only for loopback")
      ->envname("PAYSTACK_BASE_URL")
      ->type_name("URL");
  cli::add_timeout_option(app, ctx.opts.timeout, ctx.opts.timeout_set,
                          "deadline of each operation, retries included: 30, 30s, 500ms, 2m, 1h "
                          "(default 30s; charge: the whole charge, default 3m)");
  app.add_flag("--json", ctx.opts.json,
               "print Paystack's raw JSON reply (one document per line) instead of tables");
  app.add_option("--rate-budget", ctx.opts.rate_budget,
                 "requests per minute to stay within (Paystack: 100 test, 600 live): each call "
                 "waits for a token first, the payment path before housekeeping; with a "
                 "postgres:// --store the budget is shared by the fleet (charge, charges; default: "
                 "none)")
      ->envname("PAYSTACK_RATE_BUDGET")
      ->type_name("N")
      ->check(cli::rate_budget_check());
  app.add_flag("-v,--verbose", ctx.opts.verbose,
               "log every HTTP attempt to stderr (method, path, status, attempt, time)");
}

void add_commands(CLI::App& app, cli::context& ctx) {
  cli::add_commission_commands(app, ctx);
  cli::add_list_command(app, ctx);
  cli::add_fetch_command(app, ctx);
  cli::add_status_command(app, ctx);
  cli::add_update_command(app, ctx);
  cli::add_send_event_command(app, ctx);
  cli::add_event_status_command(app, ctx);
  cli::add_charge_command(app, ctx);
  cli::add_webhooks_command(app, ctx);
  cli::add_virtual_terminal_command(app, ctx);
  cli::add_transaction_command(app, ctx);
  cli::add_refund_command(app, ctx);
  cli::add_refunds_command(app, ctx);
  cli::add_settlement_command(app, ctx);
  cli::add_report_command(app, ctx);
  cli::add_charges_command(app, ctx);
  cli::add_serve_command(app, ctx);
  cli::add_leases_command(app, ctx);
  cli::add_sim_command(app, ctx);
  cli::add_demo_command(app, ctx);
  cli::add_payment_request_commands(app, ctx);
}

}  // namespace

int main(int argc, char** argv) {
  // First: everything printed from here on is filtered.
  cli::output_guard guard;
  add_secrets(guard, argc, argv);
  cli::context ctx;
  CLI::App app{"paystack-terminal: Paystack's Terminal API from the command line",
               "paystack-terminal"};
  app.footer(footer);
  app.fallthrough();  // global options are accepted after the subcommand name too
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("paystack-terminal ") + PAYSTACK_VERSION_STRING);
  add_global_options(app, ctx);
  add_commands(app, ctx);
  cli::make_numbers_strict(app);  // after every option: no number is ever clamped

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message (and a hint) to stderr
    return cli::exit_usage;
  }
  guard.add_secret(ctx.opts.secret_key);  // the configured key, however it was given
  if (!ctx.action) return cli::exit_usage;
  try {
    return ctx.action();
  } catch (const std::exception& e) {
    std::cerr << "paystack-terminal: " << e.what() << '\n';
    return cli::exit_network;
  }
}
